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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "counter.skel.h"

#define HOST_ID		100000	/* the workload's uid 0, outside */
#define SIBLING_ID	200000	/* the sibling workload's */

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

/* "refused (EPERM)" or "allowed" for an fd or -errno, closing the fd */
static const char *outcome(int res)
{
	static char buf[64];

	if (res >= 0) {
		close(res);
		return "allowed";
	}
	snprintf(buf, sizeof(buf), "refused: %s", strerror(-res));
	return buf;
}

/* Become root of a new user and mount namespace; the parent maps us. */
static void enter_userns(int sock, const char *name, int host_id)
{
	who = name;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		die("unshare");
	sync_write(sock);
	sync_read(sock);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		die("setresuid");
	prctl(PR_SET_DUMPABLE, 1);
	say("I am uid %d in my own user namespace; outside I am uid %d with no capabilities.",
	    getuid(), host_id);
}

static void map_ids(pid_t pid, int host_id)
{
	char map[64], path[64];

	snprintf(map, sizeof(map), "0 %d 65536", host_id);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	write_file(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	write_file(path, map);
}

/* ---- what the workload does with bpf() ---- */

#define INSN(c, d, s, o, i)	((struct bpf_insn){ c, d, s, o, i })

static int map_create(enum bpf_map_type type, int token_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);

	if (token_fd >= 0) {
		opts.map_flags = BPF_F_TOKEN_FD;
		opts.token_fd = token_fd;
	}
	return bpf_map_create(type, "demo_counter", 4, 8, 1, &opts);
}

static int btf_load(int token_fd)
{
	LIBBPF_OPTS(bpf_btf_load_opts, opts, .btf_flags = BPF_F_TOKEN_FD,
		    .token_fd = token_fd);
	struct btf *btf = btf__new_empty();
	const void *raw;
	__u32 size;
	int fd = -ENOMEM;

	if (btf && btf__add_int(btf, "u64", 8, 0) > 0) {
		raw = btf__raw_data(btf, &size);
		if (raw)
			fd = bpf_btf_load(raw, size, &opts);
	}
	btf__free(btf);
	return fd;
}

/* An XDP program that counts packets in @map_fd's element 0: XDP_PASS. */
static int prog_load(enum bpf_prog_type type, int map_fd, int token_fd)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD,
		     0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0,
		     BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, XDP_PASS),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);

	if (token_fd >= 0) {
		opts.prog_flags = BPF_F_TOKEN_FD;
		opts.token_fd = token_fd;
	}
	if (type == BPF_PROG_TYPE_XDP)
		opts.expected_attach_type = BPF_XDP;
	return bpf_prog_load(type, "demo_count", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), &opts);
}

static void list_dir(int dir_fd)
{
	struct dirent *d;
	DIR *dir;

	dir = fdopendir(dup(dir_fd));
	if (!dir)
		die("fdopendir");
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			say("        %s", d->d_name);
	closedir(dir);
}

/* Run the program on a dummy packet; its return value. */
static int test_run(int prog_fd)
{
	char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 3);

	if (bpf_prog_test_run_opts(prog_fd, &topts))
		die("BPF_PROG_TEST_RUN");
	return topts.retval;
}

static void use_token(int bpffs_fd, int token_fd)
{
	int map_fd, btf_fd, prog_fd, key = 0;
	char path[64];
	__u64 count;

	say("");
	say("Without the token, bpf() treats me as any unprivileged user");
	say("(kernel.unprivileged_bpf_disabled=2, no capabilities outside):");
	say("    BPF_MAP_CREATE (array): %s",
	    outcome(map_create(BPF_MAP_TYPE_ARRAY, -1)));

	say("With the token, checked against my capabilities in my namespace:");
	map_fd = map_create(BPF_MAP_TYPE_ARRAY, token_fd);
	if (map_fd < 0) {
		errno = -map_fd;
		die("BPF_MAP_CREATE with the token");
	}
	say("    BPF_MAP_CREATE (array): allowed, map fd %d", map_fd);
	btf_fd = btf_load(token_fd);
	if (btf_fd < 0) {
		errno = -btf_fd;
		die("BPF_BTF_LOAD with the token");
	}
	say("    BPF_BTF_LOAD: allowed, BTF fd %d", btf_fd);
	close(btf_fd);
	prog_fd = prog_load(BPF_PROG_TYPE_XDP, map_fd, token_fd);
	if (prog_fd < 0) {
		errno = -prog_fd;
		die("BPF_PROG_LOAD with the token");
	}
	say("    BPF_PROG_LOAD (xdp, counts packets): allowed, prog fd %d",
	    prog_fd);
	say("    BPF_PROG_TEST_RUN on 3 packets: returned %d (XDP_PASS is %d)",
	    test_run(prog_fd), XDP_PASS);
	if (bpf_map_lookup_elem(map_fd, &key, &count))
		die("map lookup");
	say("    the program counted %llu packets in the map",
	    (unsigned long long)count);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/demo_count", bpffs_fd);
	if (bpf_obj_pin(prog_fd, path))
		die("BPF_OBJ_PIN");
	say("    pinned it in my bpffs; its root now lists:");
	list_dir(bpffs_fd);
	close(prog_fd);

	say("Still refused with the token, because it was not delegated:");
	say("    BPF_MAP_CREATE (devmap, not in delegate_maps): %s",
	    outcome(map_create(BPF_MAP_TYPE_DEVMAP, token_fd)));
	say("    BPF_PROG_LOAD (tc, not in delegate_progs): %s",
	    outcome(prog_load(BPF_PROG_TYPE_SCHED_CLS, map_fd, token_fd)));
	say("And without the token:");
	say("    BPF_PROG_LOAD (xdp): %s",
	    outcome(prog_load(BPF_PROG_TYPE_XDP, map_fd, -1)));
	close(map_fd);
}

/* A second container, in a sibling user namespace, given the token. */
/*
 * What an application does: open and load its skeleton. libbpf makes the
 * token itself, from the bpffs at /sys/fs/bpf (or $LIBBPF_BPF_TOKEN_PATH).
 */
static struct counter *use_skeleton(void)
{
	struct counter *skel;
	int err;

	say("");
	say("An application does none of this by hand. With my bpffs mounted at");
	say("/sys/fs/bpf, where libbpf looks, a skeleton just loads:");
	skel = counter__open();
	if (!skel)
		die("counter__open");
	skel->rodata->verdict = XDP_PASS;
	err = counter__load(skel);
	if (err) {
		errno = -err;
		die("counter__load");
	}
	say("    counter__open() + counter__load(): program '%s' and maps",
	    bpf_program__name(skel->progs.count_packets));
	say("    '%s', '%s' made with libbpf's own token from /sys/fs/bpf",
	    bpf_map__name(skel->maps.rodata), bpf_map__name(skel->maps.bss));
	say("    BPF_PROG_TEST_RUN on 3 packets: returned %d; the program's",
	    test_run(bpf_program__fd(skel->progs.count_packets)));
	say("    global 'packets', read through the skeleton: %llu",
	    (unsigned long long)skel->bss->packets);
	return skel;
}

static void sibling(int sock)
{
	int token_fd, map_fd;

	enter_userns(sock, "sibling ", SIBLING_ID);
	token_fd = recv_fd(sock);
	map_fd = -1;	/* the program's map fd: refused before it is read */
	say("I was handed the workload's token (fd %d). The token counts only",
	    token_fd);
	say("in the user namespace it was made in, so I get nothing from it:");
	say("    BPF_MAP_CREATE (array) with it: %s",
	    outcome(map_create(BPF_MAP_TYPE_ARRAY, token_fd)));
	say("    BPF_PROG_LOAD (xdp) with it: %s",
	    outcome(prog_load(BPF_PROG_TYPE_XDP, map_fd, token_fd)));
}

static void workload(int sock)
{
	int fs_fd, mnt_fd, bpffs_fd, token_fd;
	struct counter *skel;
	char path[64];

	enter_userns(sock, "workload", HOST_ID);

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
	use_token(bpffs_fd, token_fd);

	if (move_mount(mnt_fd, "", AT_FDCWD, "/sys/fs/bpf",
		       MOVE_MOUNT_F_EMPTY_PATH))
		die("move_mount");
	skel = use_skeleton();
	say("Telling the manager to look.");
	sync_write(sock);
	sync_read(sock);
	counter__destroy(skel);

	say("Handing the token to the manager, to see what others can do with it.");
	send_fd(sock, token_fd);
	close(token_fd);
	close(bpffs_fd);
	close(mnt_fd);
}

/* Fork @fn in a new user namespace mapped to @host_id; its socket. */
static pid_t start(void (*fn)(int), int host_id, int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		fn(sv[1]);
		exit(0);
	}
	close(sv[1]);
	sync_read(sv[0]);
	map_ids(pid, host_id);
	sync_write(sv[0]);
	*sock = sv[0];
	return pid;
}

static int finish(pid_t pid, const char *name)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		say("The %s failed.", name);
		return 1;
	}
	return 0;
}

/* The manager's view of delegation and tokens: bpftool token list. */
static void show_tokens(const char *bpftool)
{
	char cmd[PATH_MAX + 32];

	say("");
	say("Meanwhile, the manager asks bpftool who holds which token:");
	say("    $ bpftool token list");
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "%s token list | expand | sed 's/^/    /'",
		 bpftool);
	if (system(cmd))
		die("bpftool token list");
	say("(the workload's own token, and the one libbpf made for the skeleton;");
	say("its bpffs is mounted in the workload's mount namespace only.)");
	say("");
}

int main(int argc, char **argv)
{
	static const char *const opts[][2] = {
		{ "delegate_cmds", "map_create:btf_load:prog_load" },
		{ "delegate_maps", "array:hash" },
		{ "delegate_progs", "socket_filter:xdp" },
		{ "delegate_attachs", "any" },
	};
	int sock, sib_sock, fs_fd, mnt_fd, token_fd, i;
	const char *bpftool = argc > 1 ? argv[1] : "bpftool";
	pid_t pid, sib;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pid = start(workload, HOST_ID, &sock);
	say("Started the workload (pid %d); its root is uid %d outside.", pid,
	    HOST_ID);

	fs_fd = recv_fd(sock);
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
	send_fd(sock, mnt_fd);
	close(mnt_fd);
	close(fs_fd);

	sync_read(sock);
	show_tokens(bpftool);
	sync_write(sock);

	token_fd = recv_fd(sock);
	if (finish(pid, "workload"))
		return 1;
	sib = start(sibling, SIBLING_ID, &sib_sock);
	say("Started a second container (pid %d, uid %d outside) and gave it the token.",
	    sib, SIBLING_ID);
	send_fd(sib_sock, token_fd);
	close(token_fd);
	if (finish(sib, "sibling"))
		return 1;
	say("Done: the workload got exactly the delegated slice of bpf(), and only it.");
	return 0;
}
