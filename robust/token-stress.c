// SPDX-License-Identifier: GPL-2.0
/*
 * token-stress: a container manager and workloads in user namespaces of
 * their own, all at once, for a fixed time from a fixed seed.
 *
 * Workloads ask the manager for bpffs instances (fsopen() in their
 * namespace, the manager sets delegate_* and mounts), make tokens from
 * them, load maps, BTF and programs through the tokens, pin them, hand
 * tokens and objects to the manager and exit at random (their user
 * namespaces go while tokens, objects and mounts live on).  The manager
 * meanwhile widens and narrows instances (fspick() + reconfigure),
 * attaches and lazily unmounts them, drops them, passes tokens between
 * workloads, uses tokens itself and kills workloads.
 *
 * Invariants checked on every call: a token's use succeeds exactly when
 * its own masks (BPF_OBJ_GET_INFO_BY_FD) delegate the command and type,
 * else EPERM; a token of another workload's namespace gives EPERM; a
 * token never stops the initial namespace's root; BPF_TOKEN_CREATE gives
 * a token or ENOENT (an instance narrowed to nothing).  At the end the
 * counts of maps, programs, BTF objects, links and user namespaces are
 * back where they started.  Kernel reports are vm-run.sh's to find.
 *
 *   token-stress [-t SECONDS] [-s SEED] [-w WORKLOADS]
 */
#include "common.h"
#include <poll.h>

#define MAX_WORKLOADS	16
#define MAX_INSTANCES	24
#define MAX_HELD	48
#define MNT_DIR		"/tmp/token-stress"

enum {
	MSG_FSCTX = 'F',	/* workload -> manager: an fsopen() context */
	MSG_MOUNT = 'M',	/* manager -> workload: its fsmount() */
	MSG_TOKEN = 'T',	/* either way: a token to hold or to try */
	MSG_OBJ = 'O',		/* workload -> manager: a map or program */
};

struct stats {
	unsigned long ops[16];
};

enum {
	ST_INSTANCES, ST_TOKENS, ST_TOKEN_ENOENT, ST_MAPS, ST_BTFS, ST_PROGS,
	ST_REFUSED, ST_FOREIGN, ST_PINS, ST_REMOUNTS, ST_ATTACHES,
	ST_DETACHES, ST_ROOT_USES, ST_KILLS, ST_EXITS, ST__NR
};

static const char *const stat_names[ST__NR] = {
	"instances mounted", "tokens created", "BPF_TOKEN_CREATE ENOENT",
	"maps created", "BTF loaded", "programs loaded", "refused (EPERM)",
	"foreign tokens refused", "objects pinned", "remounts",
	"mounts attached", "lazy unmounts", "token uses by root",
	"workloads killed", "workloads exited",
};

/* ---------------------------------------------------------------- */
/* The workload: root of its own user namespace, host uid 100000+N. */

struct workload {
	int sock;
	int id;
	struct rng rng;
	int root;		/* its bpffs root directory */
	int mnt;		/* its fsmount() fd */
	int tokens[4];
	unsigned int pins;
};

static void wl_fail(struct workload *w, const char *what, int ret)
{
	die("workload %d: %s: %d (%s)", w->id, what, ret,
	    ret < 0 ? strerror(-ret) : "success");
}

/* Expect @ret to be an fd if @allowed, else -EPERM. */
static int wl_expect(struct workload *w, const char *what, int ret,
		     bool allowed)
{
	if (allowed ? ret < 0 : ret != -EPERM)
		wl_fail(w, what, ret);
	return ret;
}

static void wl_get_instance(struct workload *w)
{
	int fs_fd, tag, mnt;

	fs_fd = fsopen("bpf", FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		wl_fail(w, "fsopen", -errno);
	if (send_fd(w->sock, MSG_FSCTX, fs_fd))
		exit(0);	/* the manager is gone: the run is over */
	close(fs_fd);
	/* tokens the manager sends to try may come first */
	for (;;) {
		tag = recv_fd(w->sock, &mnt);
		if (tag <= 0)
			exit(0);
		if (tag == MSG_MOUNT)
			break;
		if (mnt >= 0)
			close(mnt);
	}
	if (w->mnt >= 0)
		close(w->mnt);
	if (w->root >= 0)
		close(w->root);
	w->mnt = mnt;
	w->root = mount_root(mnt);
	if (w->root < 0)
		wl_fail(w, "open the mount's root", w->root);
	/* an fsmount() fd is an O_PATH one */
	tag = token_create(mnt);
	if (tag != -EBADF)
		wl_fail(w, "BPF_TOKEN_CREATE of the O_PATH mount fd", tag);
}

static void wl_pin(struct workload *w, int fd, struct stats *st)
{
	char name[32];
	int ret;

	if (fchdir(w->root))
		wl_fail(w, "fchdir", -errno);
	snprintf(name, sizeof(name), "w%d-%u", w->id, w->pins++);
	ret = obj_pin(fd, name);
	if (ret)
		wl_fail(w, "BPF_OBJ_PIN", ret);
	st->ops[ST_PINS]++;
}

/* Use @token for each kind of load; keep some of what loads. */
static void wl_use(struct workload *w, int token, struct stats *st)
{
	static const struct {
		enum bpf_prog_type type;
		enum bpf_attach_type attach;
	} progs[] = {
		{ BPF_PROG_TYPE_SOCKET_FILTER, 0 },
		{ BPF_PROG_TYPE_XDP, BPF_XDP },
		{ BPF_PROG_TYPE_XDP, 0 },
	};
	struct bpf_token_info info;
	bool cmd, allowed;
	unsigned int i;
	int ret, fd;

	ret = token_info(token, &info);
	if (ret)
		wl_fail(w, "BPF_OBJ_GET_INFO_BY_FD of a token", ret);

	i = rng_below(&w->rng, 3);
	if (i == 0) {
		enum bpf_map_type type = rng_one_in(&w->rng, 2) ?
			BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_HASH;

		cmd = info.allowed_cmds & (1ULL << BPF_MAP_CREATE);
		allowed = cmd && (info.allowed_maps & (1ULL << type));
		fd = wl_expect(w, "BPF_MAP_CREATE", map_create(token, type, 4),
			       allowed);
		st->ops[fd >= 0 ? ST_MAPS : ST_REFUSED]++;
	} else if (i == 1) {
		allowed = info.allowed_cmds & (1ULL << BPF_BTF_LOAD);
		fd = wl_expect(w, "BPF_BTF_LOAD", btf_load(token), allowed);
		st->ops[fd >= 0 ? ST_BTFS : ST_REFUSED]++;
	} else {
		i = rng_below(&w->rng, ARRAY_SIZE(progs));
		cmd = info.allowed_cmds & (1ULL << BPF_PROG_LOAD);
		allowed = cmd && (info.allowed_progs & (1ULL << progs[i].type)) &&
			  (info.allowed_attachs & (1ULL << progs[i].attach));
		fd = wl_expect(w, "BPF_PROG_LOAD",
			       prog_load(token, progs[i].type, progs[i].attach,
					 2 + rng_below(&w->rng, 64)),
			       allowed);
		st->ops[fd >= 0 ? ST_PROGS : ST_REFUSED]++;
	}
	if (fd < 0)
		return;
	if (i != 1 && rng_one_in(&w->rng, 3))	/* BTF is not pinned */
		wl_pin(w, fd, st);
	if (rng_one_in(&w->rng, 4))
		send_fd(w->sock, MSG_OBJ, fd);
	close(fd);
}

/* A token of another workload's namespace: every use is refused. */
static void wl_try_foreign(struct workload *w, int token, struct stats *st)
{
	wl_expect(w, "BPF_MAP_CREATE with a foreign token",
		  map_create(token, BPF_MAP_TYPE_ARRAY, 1), false);
	wl_expect(w, "BPF_PROG_LOAD with a foreign token",
		  prog_load(token, BPF_PROG_TYPE_SOCKET_FILTER, 0, 2), false);
	st->ops[ST_FOREIGN]++;
	close(token);
}

static void wl_poll_manager(struct workload *w, struct stats *st)
{
	int tag, fd;

	while (recv(w->sock, &tag, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
		tag = recv_fd(w->sock, &fd);
		if (tag <= 0)
			exit(0);
		if (tag == MSG_TOKEN && fd >= 0)
			wl_try_foreign(w, fd, st);
		else if (fd >= 0)
			close(fd);
	}
}

static void report(const char *who, const struct stats *st)
{
	unsigned int i;

	printf("%s:", who);
	for (i = 0; i < ST__NR; i++)
		if (st->ops[i])
			printf(" %s %lu;", stat_names[i], st->ops[i]);
	printf("\n");
}

/* Write the counts to the manager through @fd (a pipe). */
static void send_stats(int fd, const struct stats *st)
{
	if (write(fd, st, sizeof(*st)) != sizeof(*st))
		exit(1);
}

static void workload(int sock, int stats_fd, int id, uint64_t seed)
{
	struct workload w = { .sock = sock, .id = id, .root = -1, .mnt = -1 };
	struct stats st = {};
	unsigned int rounds, r, i;
	int ret;

	rng_seed(&w.rng, seed);
	for (i = 0; i < ARRAY_SIZE(w.tokens); i++)
		w.tokens[i] = -1;
	ret = enter_userns(100000 + id);
	if (ret)
		wl_fail(&w, "enter a user namespace", ret);
	wl_get_instance(&w);

	rounds = 10 + rng_below(&w.rng, 200);
	for (r = 0; r < rounds; r++) {
		int *t = &w.tokens[rng_below(&w.rng, ARRAY_SIZE(w.tokens))];

		wl_poll_manager(&w, &st);
		switch (rng_below(&w.rng, 10)) {
		case 0:
			if (rng_one_in(&w.rng, 4))
				wl_get_instance(&w);
			break;
		case 1:
		case 2:
			if (*t >= 0)
				close(*t);
			*t = token_create(w.root);
			if (*t == -ENOENT)
				st.ops[ST_TOKEN_ENOENT]++;
			else if (*t < 0)
				wl_fail(&w, "BPF_TOKEN_CREATE", *t);
			else
				st.ops[ST_TOKENS]++;
			break;
		case 3:
			if (*t >= 0)
				send_fd(sock, MSG_TOKEN, *t);
			/* fall through */
		case 4:
			if (*t >= 0 && rng_one_in(&w.rng, 2)) {
				close(*t);
				*t = -1;
			}
			break;
		default:
			if (*t >= 0)
				wl_use(&w, *t, &st);
			break;
		}
	}
	send_stats(stats_fd, &st);
	exit(0);
}

/* ---------------------------------------------------------------- */
/* The manager: root of the initial namespace.                        */

struct manager {
	struct rng rng;
	struct stats st;
	struct {
		pid_t pid;
		int sock;
		int id;
	} wl[MAX_WORKLOADS];
	int nr_wl;
	int inst[MAX_INSTANCES];	/* fsmount() fds */
	int attached[MAX_INSTANCES];	/* at MNT_DIR/N */
	int held[MAX_HELD];		/* tokens and objects */
	bool held_token[MAX_HELD];
	int held_owner[MAX_HELD];	/* the workload it came from */
	int stats_pipe[2];
	struct stats wl_st;
	int next_id;
	int failures;
};

/* A delegate_* value: names, a number, "any" or nothing at all. */
static void delegate_value(struct rng *r, char *buf, size_t len,
			   const char *const *names, const unsigned int *bits,
			   unsigned int n)
{
	unsigned long long mask = 0;
	size_t off = 0;
	unsigned int i;

	if (rng_one_in(r, 8)) {
		snprintf(buf, len, rng_one_in(r, 2) ? "any" : "Any");
		return;
	}
	for (i = 0; i < n; i++) {
		if (rng_one_in(r, 4))
			continue;
		mask |= 1ULL << bits[i];
		off += snprintf(buf + off, len - off, "%s%s",
				off ? ":" : "", names[i]);
	}
	if (!off || rng_one_in(r, 3))
		snprintf(buf, len, "%#llx", mask);
}

static void set_delegation(struct manager *m, int fs_fd)
{
	static const char *const cmds[] = { "map_create", "BTF_LOAD", "prog_load" };
	static const unsigned int cmds_bits[] = {
		BPF_MAP_CREATE, BPF_BTF_LOAD, BPF_PROG_LOAD };
	static const char *const maps[] = { "array", "hash" };
	static const unsigned int maps_bits[] = {
		BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH };
	static const char *const progs[] = { "socket_filter", "xdp" };
	static const unsigned int progs_bits[] = {
		BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP };
	static const char *const attachs[] = { "cgroup_inet_ingress", "Xdp" };
	static const unsigned int attachs_bits[] = { 0, BPF_XDP };
	char val[128];

#define SET(key, table)							\
	do {								\
		delegate_value(&m->rng, val, sizeof(val), table,	\
			       table ## _bits, ARRAY_SIZE(table));	\
		if (fsconfig(fs_fd, FSCONFIG_SET_STRING, key, val, 0))	\
			die("manager: fsconfig %s=%s: %s", key, val,	\
			    strerror(errno));				\
	} while (0)
	/* a reconfiguration may leave an option as it is */
	if (rng_below(&m->rng, 4))
		SET("delegate_cmds", cmds);
	if (rng_below(&m->rng, 4))
		SET("delegate_maps", maps);
	if (rng_below(&m->rng, 4))
		SET("delegate_progs", progs);
	if (rng_below(&m->rng, 4))
		SET("delegate_attachs", attachs);
#undef SET
}

static int free_slot(int *fds, int n, struct rng *r)
{
	int i, start = rng_below(r, n);

	for (i = 0; i < n; i++)
		if (fds[(start + i) % n] < 0)
			return (start + i) % n;
	/* all taken: drop a random one */
	i = rng_below(r, n);
	close(fds[i]);
	fds[i] = -1;
	return i;
}

static void attach_or_detach(struct manager *m, int slot);

static void serve_instance(struct manager *m, int sock, int fs_fd)
{
	int mnt, slot;

	set_delegation(m, fs_fd);
	if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("manager: FSCONFIG_CMD_CREATE: %s", strerror(errno));
	mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		die("manager: fsmount: %s", strerror(errno));
	send_fd(sock, MSG_MOUNT, mnt);
	slot = free_slot(m->inst, MAX_INSTANCES, &m->rng);
	if (m->attached[slot])
		attach_or_detach(m, slot);	/* the old one goes lazily */
	m->inst[slot] = mnt;
	m->st.ops[ST_INSTANCES]++;
}

static void hold(struct manager *m, int fd, bool token, int owner)
{
	int slot = free_slot(m->held, MAX_HELD, &m->rng);

	m->held[slot] = fd;
	m->held_token[slot] = token;
	m->held_owner[slot] = owner;
}

static void spawn(struct manager *m, uint64_t seed)
{
	int sock, id = m->next_id++;
	pid_t pid;

	pid = fork_workload(&sock);
	if (pid == 0)
		workload(sock, m->stats_pipe[1], id, seed ^ (id * 0x100000001b3ULL));
	m->wl[m->nr_wl].pid = pid;
	m->wl[m->nr_wl].sock = sock;
	m->wl[m->nr_wl].id = id;
	m->nr_wl++;
}

static void reap(struct manager *m, int i, bool killed)
{
	int status;

	close(m->wl[i].sock);
	if (waitpid(m->wl[i].pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && killed) {
		m->st.ops[ST_KILLS]++;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "FAIL: workload pid %d: status %#x\n",
			m->wl[i].pid, status);
		m->failures++;
	} else {
		m->st.ops[ST_EXITS]++;
	}
	m->wl[i] = m->wl[--m->nr_wl];
}

static void handle(struct manager *m, int i)
{
	int tag, fd;

	tag = recv_fd(m->wl[i].sock, &fd);
	if (tag <= 0) {
		reap(m, i, false);
		return;
	}
	switch (tag) {
	case MSG_FSCTX:
		if (fd < 0)
			die("manager: no context in the message");
		serve_instance(m, m->wl[i].sock, fd);
		close(fd);
		break;
	case MSG_TOKEN:
	case MSG_OBJ:
		if (fd >= 0)
			hold(m, fd, tag == MSG_TOKEN, m->wl[i].id);
		break;
	default:
		if (fd >= 0)
			close(fd);
	}
}

static void remount(struct manager *m, int mnt)
{
	int fs_fd = fspick(mnt, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);

	if (fs_fd < 0)
		die("manager: fspick: %s", strerror(errno));
	set_delegation(m, fs_fd);
	if (fsconfig(fs_fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0))
		die("manager: FSCONFIG_CMD_RECONFIGURE: %s", strerror(errno));
	close(fs_fd);
	m->st.ops[ST_REMOUNTS]++;
}

static void attach_or_detach(struct manager *m, int slot)
{
	char path[64];

	snprintf(path, sizeof(path), MNT_DIR "/%d", slot);
	if (m->attached[slot]) {
		if (umount2(path, MNT_DETACH))
			die("manager: umount2 %s: %s", path, strerror(errno));
		m->attached[slot] = 0;
		m->st.ops[ST_DETACHES]++;
		return;
	}
	if (move_mount(m->inst[slot], "", AT_FDCWD, path,
		       MOVE_MOUNT_F_EMPTY_PATH)) {
		/* moved once and detached: a mount is attached only once */
		if (errno == EINVAL)
			return;
		die("manager: move_mount to %s: %s", path, strerror(errno));
	}
	m->attached[slot] = 1;
	m->st.ops[ST_ATTACHES]++;
}

/* The initial namespace's root is never refused for having a token. */
static void root_use(struct manager *m, int token)
{
	int fd = map_create(token, BPF_MAP_TYPE_ARRAY, 1);

	if (fd < 0)
		die("manager: BPF_MAP_CREATE as root with a token: %s",
		    strerror(-fd));
	close(fd);
	m->st.ops[ST_ROOT_USES]++;
}

static void admin(struct manager *m)
{
	int slot = rng_below(&m->rng, MAX_INSTANCES);
	int h = rng_below(&m->rng, MAX_HELD);

	switch (rng_below(&m->rng, 12)) {
	case 0:
	case 1:
		if (m->inst[slot] >= 0)
			remount(m, m->inst[slot]);
		break;
	case 2:
		if (m->inst[slot] >= 0)
			attach_or_detach(m, slot);
		break;
	case 3:
		if (m->inst[slot] >= 0 && !m->attached[slot]) {
			close(m->inst[slot]);
			m->inst[slot] = -1;
		}
		break;
	case 4:
		/* to another workload than the one that made it */
		if (m->held[h] >= 0 && m->held_token[h] && m->nr_wl) {
			int i = rng_below(&m->rng, m->nr_wl);

			if (m->wl[i].id != m->held_owner[h])
				send_fd(m->wl[i].sock, MSG_TOKEN, m->held[h]);
		}
		break;
	case 5:
		if (m->held[h] >= 0 && m->held_token[h])
			root_use(m, m->held[h]);
		break;
	case 6:
		if (m->held[h] >= 0) {
			close(m->held[h]);
			m->held[h] = -1;
		}
		break;
	case 7:
		if (m->nr_wl && rng_one_in(&m->rng, 8)) {
			int i = rng_below(&m->rng, m->nr_wl);

			kill(m->wl[i].pid, SIGKILL);
			reap(m, i, true);
		}
		break;
	default:
		break;
	}
}

static void collect_stats(struct manager *m)
{
	struct stats st;
	unsigned int i;

	while (read(m->stats_pipe[0], &st, sizeof(st)) == sizeof(st))
		for (i = 0; i < ST__NR; i++)
			m->wl_st.ops[i] += st.ops[i];
}

int main(int argc, char **argv)
{
	struct manager m = { .nr_wl = 0 };
	struct obj_counts start, end;
	unsigned long seed = 1;
	double deadline;
	int secs = 10, workloads = 4, opt, i;
	struct pollfd pfd[MAX_WORKLOADS];
	char path[64];

	while ((opt = getopt(argc, argv, "t:s:w:")) != -1) {
		switch (opt) {
		case 't':
			secs = atoi(optarg);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			workloads = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-s SEED] [-w WORKLOADS]\n",
				argv[0]);
			return 2;
		}
	}
	if (workloads < 1 || workloads > MAX_WORKLOADS)
		die("-w: 1 to %d workloads", MAX_WORKLOADS);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* lazy unmounts stay in a mount namespace of our own */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("own mount namespace: %s", strerror(errno));
	mkdir(MNT_DIR, 0755);
	for (i = 0; i < MAX_INSTANCES; i++) {
		snprintf(path, sizeof(path), MNT_DIR "/%d", i);
		mkdir(path, 0755);
		m.inst[i] = -1;
	}
	for (i = 0; i < MAX_HELD; i++)
		m.held[i] = -1;
	if (pipe2(m.stats_pipe, O_CLOEXEC | O_NONBLOCK))
		die("pipe: %s", strerror(errno));
	rng_seed(&m.rng, seed);

	count_objects(&start);
	print_counts("before", &start);
	printf("token-stress: %d s, seed %lu, %d workloads at a time\n",
	       secs, seed, workloads);

	deadline = now_sec() + secs;
	while (now_sec() < deadline && !m.failures) {
		while (m.nr_wl < workloads)
			spawn(&m, seed);
		for (i = 0; i < m.nr_wl; i++) {
			pfd[i].fd = m.wl[i].sock;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, m.nr_wl, 5) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = m.nr_wl - 1; i >= 0; i--)
			if (pfd[i].revents)
				handle(&m, i);
		admin(&m);
		collect_stats(&m);
	}

	/* the end: everybody goes, everything is closed and unmounted */
	while (m.nr_wl)
		handle(&m, 0);	/* workloads finish their rounds */
	collect_stats(&m);
	for (i = 0; i < MAX_INSTANCES; i++) {
		if (m.attached[i])
			attach_or_detach(&m, i);
		if (m.inst[i] >= 0)
			close(m.inst[i]);
	}
	for (i = 0; i < MAX_HELD; i++) {
#ifdef MUTANT_LEAK
		/* harness-selftest: a token left open must fail the run */
		if (m.held[i] >= 0 && m.held_token[i]) {
			m.held_token[i] = false;
			continue;
		}
#endif
		if (m.held[i] >= 0)
			close(m.held[i]);
	}

	report("manager", &m.st);
	report("workloads", &m.wl_st);
	if (!counts_settle(&start, &end, 60)) {
		print_counts("after", &end);
		die("objects left behind after 60 s");
	}
	print_counts("after", &end);
	if (m.failures)
		die("%d workloads failed", m.failures);
	printf("token-stress: ok\n");
	return 0;
}
