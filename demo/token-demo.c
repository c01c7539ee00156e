// SPDX-License-Identifier: GPL-2.0
/*
 * The container-manager scenario, played by two processes:
 *
 *   manager   root in the initial user namespace (this process)
 *   workload  a child in a fresh user + mount namespace: root inside,
 *             uid 100000 and no capabilities outside
 *
 * They talk over a unix socket and pass fds with SCM_RIGHTS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

#define HOST_ID 100000

static const char *who = "manager ";

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s| ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *what)
{
	say("FAILED: %s: %s", what, strerror(errno));
	exit(1);
}

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {}, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {}, byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg");
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		die("no fd received");
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static void sync_write(int sock)
{
	char c = 0;

	if (write(sock, &c, 1) != 1)
		die("write");
}

static void sync_read(int sock)
{
	char c;

	if (read(sock, &c, 1) != 1)
		die("read");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void show_file(const char *path, const char *prefix)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (!prefix || !strncmp(line, prefix, strlen(prefix)))
			say("    %s", strtok(line, "\n"));
	fclose(f);
}

static void workload(int sock)
{
	int fs_fd, mnt_fd, bpffs_fd, token_fd;
	char path[64];

	who = "workload";
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		die("unshare");
	sync_write(sock);
	sync_read(sock);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		die("setresuid");
	prctl(PR_SET_DUMPABLE, 1);
	say("I am uid %d in my own user namespace; outside I am uid %d with no capabilities.",
	    getuid(), HOST_ID);

	fs_fd = fsopen("bpf", 0);
	if (fs_fd < 0)
		die("fsopen");
	say("fsopen(\"bpf\") worked: the new bpffs context belongs to my user namespace.");
	if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "delegate_cmds", "any", 0))
		say("Delegating to myself is refused: %s (only the manager may delegate).",
		    strerror(errno));
	say("Sending the context to the manager.");
	send_fd(sock, fs_fd);
	close(fs_fd);

	mnt_fd = recv_fd(sock);
	bpffs_fd = openat(mnt_fd, ".", O_RDONLY | O_DIRECTORY);
	if (bpffs_fd < 0)
		die("openat");
	say("Got my bpffs mount back and opened its root.");

	token_fd = bpf_token_create(mnt_fd, NULL);
	say("bpf_token_create() on the O_PATH mount fd itself: %s (open the root first).",
	    strerror(-token_fd));
	token_fd = bpf_token_create(bpffs_fd, NULL);
	if (token_fd < 0) {
		errno = -token_fd;
		die("bpf_token_create");
	}
	say("BPF_TOKEN_CREATE gave me token fd %d. Its /proc/self/fdinfo says:",
	    token_fd);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", token_fd);
	show_file(path, "allowed_");
	say("The token carries exactly what the manager delegated, and only works");
	say("in my user namespace. (Handing it to BPF_MAP_CREATE, BPF_BTF_LOAD and");
	say("BPF_PROG_LOAD is the next part of the series.)");
	close(token_fd);
}

int main(void)
{
	static const char *const opts[][2] = {
		{ "delegate_cmds", "map_create:btf_load:prog_load" },
		{ "delegate_maps", "array:hash" },
		{ "delegate_progs", "socket_filter:xdp" },
		{ "delegate_attachs", "any" },
	};
	char map[64], path[64];
	int sv[2], fs_fd, mnt_fd, status, i;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		workload(sv[1]);
		exit(0);
	}
	close(sv[1]);

	say("Started the workload (pid %d); mapping its root to uid %d.", pid,
	    HOST_ID);
	sync_read(sv[0]);
	snprintf(map, sizeof(map), "0 %d 65536", HOST_ID);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	write_file(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	write_file(path, map);
	sync_write(sv[0]);

	fs_fd = recv_fd(sv[0]);
	say("Received the workload's bpffs context. Delegating:");
	for (i = 0; i < 4; i++) {
		if (fsconfig(fs_fd, FSCONFIG_SET_STRING, opts[i][0], opts[i][1], 0))
			die(opts[i][0]);
		say("    %s=%s", opts[i][0], opts[i][1]);
	}
	if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("FSCONFIG_CMD_CREATE");
	mnt_fd = fsmount(fs_fd, 0, 0);
	if (mnt_fd < 0)
		die("fsmount");
	say("Created and mounted it; passing the mount back.");
	send_fd(sv[0], mnt_fd);

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		say("The workload failed.");
		return 1;
	}
	say("The workload is done.");
	return 0;
}
