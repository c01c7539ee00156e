// SPDX-License-Identifier: GPL-2.0
/*
 * token-bench: what the calls the series touches cost, with a token and
 * without.  Meant for a guest under -icount shift=0 with one vCPU, where
 * time follows executed instructions (make bench).
 *
 * The operations: BPF_TOKEN_CREATE; BPF_MAP_CREATE of an array;
 * BPF_PROG_LOAD of a 2-instruction socket filter and of a 1000-instruction
 * one.  Each call is timed around bpf() alone, after a 10 ms sleep in
 * which the deferred frees of the objects closed before it (RCU
 * callbacks, work items) finish: without it, a call pays for whatever of
 * them preempts it, which depends on the calls before it (±10%), not on
 * the call.  Its fd is closed outside the timed part.  A run is
 * ITERATIONS calls; RUNS runs per operation.  Two phases:
 *
 * - "root": the initial namespace's root alone, no token.  The same
 *   sequence on any kernel: ours against the base kernel.
 * - On a kernel with BPF tokens, three callers take turns call by call,
 *   so that whatever drifts meets all three alike: the initial root
 *   without a token ("root-turns"), the root of a user namespace with a
 *   token ("token"), and the initial root with that token, passed to it
 *   ("root+token").  BPF_TOKEN_CREATE is the workload's alone.
 *
 * A line per operation and caller gives the median and the spread of the
 * runs in ns per call:
 *
 *   bench OPERATION WHO median MEDIAN min MIN max MAX
 *
 *   token-bench [-r RUNS] [-n ITERATIONS]
 */
#include "common.h"

static int runs = 9, iters = 200;

enum op { OP_TOKEN, OP_MAP, OP_PROG, OP_PROG1000, OP__NR };

static const char *const op_names[] = {
	"token_create", "map_create_array", "prog_load_2", "prog_load_1000",
};

enum who { ROOT, ROOT_TURNS, TOKEN, ROOT_TOKEN, WHO__NR };

static const char *const who_names[] = {
	"root", "root-turns", "token", "root+token",
};

static int call(enum op op, int token, int bpffs)
{
	switch (op) {
	case OP_TOKEN:
		return token_create(bpffs);
	case OP_MAP:
		return map_create(token, BPF_MAP_TYPE_ARRAY, 1);
	case OP_PROG:
		return prog_load(token, BPF_PROG_TYPE_SOCKET_FILTER, 0, 2);
	default:
		return prog_load(token, BPF_PROG_TYPE_SOCKET_FILTER, 0, 1000);
	}
}

/* One call: its time in seconds. */
static double timed_call(enum op op, enum who who, int token, int bpffs)
{
	double t0, t;
	int fd;

	usleep(10000);
	t0 = now_sec();
	fd = call(op, token, bpffs);
	t = now_sec() - t0;
	if (fd < 0)
		die("%s as %s: %s", op_names[op], who_names[who],
		    strerror(-fd));
	close(fd);
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(enum op op, enum who who, double *ns)
{
	qsort(ns, runs, sizeof(ns[0]), cmp_double);
	printf("bench %s %s median %.0f min %.0f max %.0f\n", op_names[op],
	       who_names[who], ns[runs / 2], ns[0], ns[runs - 1]);
}

/*
 * Map and program ids come from a cyclic IDR, whose tree gets a level
 * deeper at id 4096: a map creation then costs ~600 instructions more.
 * Take both past it first, so that every call meets the same depth.
 */
static void skip_low_ids(void)
{
	int i;

	for (i = 0; i < 4096; i++) {
		timed_call(OP_MAP, ROOT, -1, -1);
		timed_call(OP_PROG, ROOT, -1, -1);
	}
}

static void phase_alone(void)
{
	static double ns[OP__NR][64];
	double sum;
	enum op op;
	int r, i;

	for (op = OP_MAP; op < OP__NR; op++)
		for (i = 0; i < 5; i++)		/* faults in, allocates */
			timed_call(op, ROOT, -1, -1);
	for (r = 0; r < runs; r++) {
		for (op = OP_MAP; op < OP__NR; op++) {
			sum = 0;
			for (i = 0; i < iters; i++)
				sum += timed_call(op, ROOT, -1, -1);
			ns[op][r] = sum * 1e9 / iters;
		}
	}
	for (op = OP_MAP; op < OP__NR; op++)
		report(op, ROOT, ns[op]);
}

/* The workload makes the token, then times a call per message it gets. */
static void workload(int sock)
{
	int root, token;
	double t;
	char op;

	if (enter_userns(100000))
		die("enter a user namespace");
	root = mount_root(request_bpffs(sock));
	if (root < 0)
		die("the mount's root: %s", strerror(-root));
	token = token_create(root);
	if (token < 0)
		die("BPF_TOKEN_CREATE: %s", strerror(-token));
	if (send_fd(sock, 'T', token))
		die("send the token");
	while (read(sock, &op, 1) == 1 && op >= 0 && op < OP__NR) {
		t = timed_call(op, TOKEN, token, root);
		if (write(sock, &t, sizeof(t)) != sizeof(t))
			die("send a time: %s", strerror(errno));
	}
	exit(0);
}

static double workload_call(int sock, enum op op)
{
	char c = op;
	double t;

	if (write(sock, &c, 1) != 1 || read(sock, &t, sizeof(t)) != sizeof(t))
		die("the workload did not time %s", op_names[op]);
	return t;
}

/* One turn: each caller makes the call once. */
static void turn(int sock, int token, enum op op, double *sum)
{
	if (op != OP_TOKEN)
		sum[ROOT_TURNS] += timed_call(op, ROOT_TURNS, -1, -1);
	sum[TOKEN] += workload_call(sock, op);
	if (op != OP_TOKEN)
		sum[ROOT_TOKEN] += timed_call(op, ROOT_TOKEN, token, -1);
}

static void phase_turns(void)
{
	static double ns[WHO__NR][OP__NR][64];
	double sum[WHO__NR];
	int sock, token, status, r, i;
	enum who who;
	enum op op;
	pid_t pid;

	pid = fork_workload(&sock);
	if (pid == 0)
		workload(sock);
	serve_bpffs(sock, "map_create:prog_load", "array", "socket_filter",
		    "cgroup_inet_ingress");
	if (recv_fd(sock, &token) != 'T' || token < 0)
		die("no token from the workload");

	for (op = OP_TOKEN; op < OP__NR; op++)
		for (i = 0; i < 5; i++)
			turn(sock, token, op, sum);
	for (r = 0; r < runs; r++) {
		for (op = OP_TOKEN; op < OP__NR; op++) {
			memset(sum, 0, sizeof(sum));
			for (i = 0; i < iters; i++)
				turn(sock, token, op, sum);
			for (who = ROOT_TURNS; who < WHO__NR; who++)
				ns[who][op][r] = sum[who] * 1e9 / iters;
		}
	}
	for (op = OP_TOKEN; op < OP__NR; op++)
		for (who = ROOT_TURNS; who < WHO__NR; who++)
			if (op != OP_TOKEN || who == TOKEN)
				report(op, who, ns[who][op]);

	close(sock);
	if (waitpid(pid, &status, 0) < 0 || status)
		die("the workload failed (%#x)", status);
	close(token);
}

/* Does this kernel know BPF_TOKEN_CREATE?  (A bad fd: EBADF if so.) */
static bool have_tokens(void)
{
	return token_create(-1) == -EBADF;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 'n':
			iters = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-r RUNS] [-n ITERATIONS]\n",
				argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > 64 || iters < 1)
		die("-r 1..64, -n >= 1");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("token-bench: %d runs of %d calls each\n", runs, iters);

	skip_low_ids();
	phase_alone();
	if (have_tokens())
		phase_turns();
	else
		printf("token-bench: this kernel has no BPF tokens\n");
	return 0;
}
