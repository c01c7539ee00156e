/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What token-stress, token-fuzz and token-bench share: raw bpf() and
 * mount API calls (no libbpf, so that the base kernel runs the same
 * binary), fd passing, entering a user namespace, a seeded PRNG, and
 * counts of live BPF objects.
 */
#ifndef ROBUST_COMMON_H
#define ROBUST_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ENOTSUPP 524		/* the kernel's, which libc does not define */

static inline void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* xorshift64*: the same seed gives the same sequence on every machine. */
struct rng {
	uint64_t s;
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!r->s)
		r->s = 1;
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, n). */
static inline unsigned int rng_below(struct rng *r, unsigned int n)
{
	return n ? rng_next(r) % n : 0;
}

/* True with probability 1/n. */
static inline bool rng_one_in(struct rng *r, unsigned int n)
{
	return rng_below(r, n) == 0;
}

static inline long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

/* bpf() as a result: the new fd or value, or -errno. */
static inline int bpf_call(int cmd, union bpf_attr *attr, unsigned int size)
{
	long ret = sys_bpf(cmd, attr, size);

	return ret < 0 ? -errno : (int)ret;
}

static inline int token_create(int bpffs_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.token_create.bpffs_fd = bpffs_fd;
	return bpf_call(BPF_TOKEN_CREATE, &attr, sizeof(attr));
}

static inline int token_info(int token_fd, struct bpf_token_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(info, 0, sizeof(*info));
	attr.info.bpf_fd = token_fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uintptr_t)info;
	return bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

/* An array map of @entries 8-byte values, through @token_fd if >= 0. */
static inline int map_create(int token_fd, enum bpf_map_type type,
			     unsigned int entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = entries;
	if (token_fd >= 0) {
		attr.map_flags = BPF_F_TOKEN_FD;
		attr.map_token_fd = token_fd;
	}
	return bpf_call(BPF_MAP_CREATE, &attr, sizeof(attr));
}

/* The smallest BTF there is: one 32-bit int. */
struct tiny_btf {
	struct btf_header hdr;
	struct btf_type t;
	__u32 int_info;
	char strs[8];
};

static inline void tiny_btf_init(struct tiny_btf *b)
{
	memset(b, 0, sizeof(*b));
	b->hdr.magic = BTF_MAGIC;
	b->hdr.version = BTF_VERSION;
	b->hdr.hdr_len = sizeof(b->hdr);
	b->hdr.type_off = 0;
	b->hdr.type_len = sizeof(b->t) + sizeof(b->int_info);
	b->hdr.str_off = b->hdr.type_len;
	b->hdr.str_len = sizeof("\0int");
	b->t.name_off = 1;
	b->t.info = BTF_KIND_INT << 24;
	b->t.size = 4;
	b->int_info = 32;	/* BTF_INT_BITS: 32, no encoding */
	memcpy(b->strs, "\0int", sizeof("\0int"));
}

static inline int btf_load(int token_fd)
{
	struct tiny_btf b;
	union bpf_attr attr;

	tiny_btf_init(&b);
	memset(&attr, 0, sizeof(attr));
	attr.btf = (uintptr_t)&b;
	attr.btf_size = sizeof(b.hdr) + b.hdr.type_len + b.hdr.str_len;
	if (token_fd >= 0) {
		attr.btf_flags = BPF_F_TOKEN_FD;
		attr.btf_token_fd = token_fd;
	}
	return bpf_call(BPF_BTF_LOAD, &attr, sizeof(attr));
}

/*
 * A program of @len instructions (at least 2) of @type that returns 0:
 * r0 += 1 repeated, then r0 = 0; exit.
 */
static inline int prog_load(int token_fd, enum bpf_prog_type type,
			    enum bpf_attach_type attach, unsigned int len)
{
	struct bpf_insn *insns;
	union bpf_attr attr;
	unsigned int i;
	int ret;

	if (len < 3)
		len = 3;
	insns = calloc(len, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	/* r0 = 0; r0 += 1 ...; r0 = 0; exit */
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	for (i = 1; i < len - 2; i++) {
		insns[i].code = BPF_ALU64 | BPF_ADD | BPF_K;
		insns[i].imm = 1;
	}
	insns[len - 2].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[len - 1].code = BPF_JMP | BPF_EXIT;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = attach;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = len;
	attr.license = (uintptr_t)"GPL";
	if (token_fd >= 0) {
		attr.prog_flags = BPF_F_TOKEN_FD;
		attr.prog_token_fd = token_fd;
	}
	ret = bpf_call(BPF_PROG_LOAD, &attr, sizeof(attr));
	free(insns);
	return ret;
}

/* Pin @fd at @path (relative to the working directory). */
static inline int obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = fd;
	attr.pathname = (uintptr_t)path;
	return bpf_call(BPF_OBJ_PIN, &attr, sizeof(attr));
}

/* How many objects BPF_*_GET_NEXT_ID walks through. */
static inline unsigned int count_ids(int cmd)
{
	union bpf_attr attr;
	unsigned int n = 0;
	__u32 id = 0;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(cmd, &attr, sizeof(attr)))
			break;
		id = attr.next_id;
		n++;
	}
	return n;
}

struct obj_counts {
	unsigned int maps, progs, btfs, links;
	long userns;	/* active user_namespace objects; -1: not known */
};

static inline int write_file(const char *path, const char *text)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Active objects of slab cache @name (slab_nomerge keeps it apart).
 * SLUB counts free objects of per-CPU slabs as active until the cache
 * is shrunk.
 */
static inline long slab_active(const char *name)
{
	char line[512], cache[128];
	long active = -1, n;
	FILE *f;

	snprintf(line, sizeof(line), "/sys/kernel/slab/%s/shrink", name);
	write_file(line, "1");
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", cache, &n) == 2 &&
		    !strcmp(cache, name))
			active = n;
	fclose(f);
	return active;
}

static inline void count_objects(struct obj_counts *c)
{
	c->maps = count_ids(BPF_MAP_GET_NEXT_ID);
	c->progs = count_ids(BPF_PROG_GET_NEXT_ID);
	c->btfs = count_ids(BPF_BTF_GET_NEXT_ID);
	c->links = count_ids(BPF_LINK_GET_NEXT_ID);
	c->userns = slab_active("user_namespace");
}

static inline bool counts_equal(const struct obj_counts *a,
				const struct obj_counts *b)
{
	return a->maps == b->maps && a->progs == b->progs &&
	       a->btfs == b->btfs && a->links == b->links &&
	       a->userns == b->userns;
}

static inline void print_counts(const char *what, const struct obj_counts *c)
{
	printf("%s: %u maps, %u programs, %u BTF, %u links, %ld user namespaces\n",
	       what, c->maps, c->progs, c->btfs, c->links, c->userns);
}

/*
 * Wait up to @secs for the objects to be back at @start (programs, maps,
 * tokens and user namespaces are freed from RCU callbacks and work
 * items); false if they are not.
 */
static inline bool counts_settle(const struct obj_counts *start,
				 struct obj_counts *now, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		count_objects(now);
		if (counts_equal(start, now))
			return true;
		usleep(100000);
	}
	return false;
}

static inline int open_fd_count(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* opendir()'s own */
}

/* One message with one fd (or none: @fd < 0) and a tag byte. */
static inline int send_fd(int sock, char tag, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* The tag of the next message (0 at EOF, -errno), its fd in *@fd or -1. */
static inline int recv_fd(int sock, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], tag;
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return (unsigned char)tag;
}


/*
 * Become host uid/gid @id, then root of a new user and mount namespace
 * that maps only that id, as an unprivileged container's init is.
 */
static inline int enter_userns(unsigned int id)
{
	char map[64];

	if (setgroups(0, NULL) || setresgid(id, id, id) || setresuid(id, id, id))
		return -errno;
	/* a changed uid made us non-dumpable: /proc/self would be root's */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -errno;
	snprintf(map, sizeof(map), "0 %u 1", id);
	if (write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/gid_map", map))
		return -EPERM;
	return 0;
}

/* The root directory of the mount @mnt_fd (an fsmount() fd). */
static inline int mount_root(int mnt_fd)
{
	int fd = openat(mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * fork() a workload that talks to us over a SOCK_SEQPACKET pair: the
 * child gets its end in *@sock and 0, the parent its own end and the pid.
 */
static inline pid_t fork_workload(int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	close(sv[pid ? 1 : 0]);
	*sock = sv[pid ? 0 : 1];
	return pid;
}

/* The workload's half: its fsopen() context out, the mount back. */
static inline int request_bpffs(int sock)
{
	int fs_fd, mnt;

	fs_fd = fsopen("bpf", FSOPEN_CLOEXEC);
	if (fs_fd < 0 || send_fd(sock, 'F', fs_fd))
		die("fsopen in the workload: %s", strerror(errno));
	close(fs_fd);
	if (recv_fd(sock, &mnt) != 'M' || mnt < 0)
		die("no mount from the manager");
	return mnt;
}

/* The manager's half: delegate what it is told, mount, send it back. */
static inline void serve_bpffs(int sock, const char *cmds, const char *maps,
			       const char *progs, const char *attachs)
{
	int fs_fd, mnt;

	if (recv_fd(sock, &fs_fd) != 'F' || fs_fd < 0)
		die("no bpffs context from the workload");
	if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "delegate_cmds", cmds, 0) ||
	    fsconfig(fs_fd, FSCONFIG_SET_STRING, "delegate_maps", maps, 0) ||
	    fsconfig(fs_fd, FSCONFIG_SET_STRING, "delegate_progs", progs, 0) ||
	    fsconfig(fs_fd, FSCONFIG_SET_STRING, "delegate_attachs", attachs, 0) ||
	    fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("serving the workload's bpffs: %s", strerror(errno));
	mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || send_fd(sock, 'M', mnt))
		die("fsmount: %s", strerror(errno));
	close(mnt);
	close(fs_fd);
}

static inline double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
