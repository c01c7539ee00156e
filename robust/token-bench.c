// SPDX-License-Identifier: GPL-2.0
/*
 * token-bench: what the calls the series touches cost, with a token and
 * without.  Meant for a guest under -icount shift=0 with one vCPU, where
 * time follows executed instructions (make bench).
 *
 * As the initial namespace's root (no token) on any kernel, and, on a
 * kernel with BPF tokens, as the root of a user namespace with a token:
 * BPF_TOKEN_CREATE; BPF_MAP_CREATE of an array; BPF_PROG_LOAD of a
 * 2-instruction socket filter and of a 1000-instruction one; then the
 * same token used by the initial root ("root+token"), which separates
 * the token's own cost from the user namespace's.  Each is
 * timed around the bpf() call alone, RUNS times ITERATIONS calls, with a
 * pause after each run for the deferred frees of the objects it closed; a
 * line per operation gives the median and the spread of the runs in ns/op:
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

/* One call; its fd is closed outside the timed part. */
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench(enum op op, const char *who, int token, int bpffs)
{
	double ns[64], t0, total;
	int r, i, fd;

	/* warm up: first calls fault in and allocate */
	for (i = 0; i < 5; i++) {
		fd = call(op, token, bpffs);
		if (fd < 0)
			die("%s as %s: %s", op_names[op], who, strerror(-fd));
		close(fd);
	}
	for (r = 0; r < runs; r++) {
		total = 0;
		for (i = 0; i < iters; i++) {
			t0 = now_sec();
			fd = call(op, token, bpffs);
			total += now_sec() - t0;
			if (fd < 0)
				die("%s as %s: %s", op_names[op], who,
				    strerror(-fd));
			close(fd);
		}
		ns[r] = total * 1e9 / iters;
		/* let RCU and the free work items finish before the next run */
		usleep(100000);
	}
	qsort(ns, runs, sizeof(ns[0]), cmp_double);
	printf("bench %s %s median %.0f min %.0f max %.0f\n", op_names[op],
	       who, ns[runs / 2], ns[0], ns[runs - 1]);
}

static void workload(int sock)
{
	int root, token;
	enum op op;

	if (enter_userns(100000))
		die("enter a user namespace");
	root = mount_root(request_bpffs(sock));
	if (root < 0)
		die("the mount's root: %s", strerror(-root));
	token = token_create(root);
	if (token < 0)
		die("BPF_TOKEN_CREATE: %s", strerror(-token));
	for (op = 0; op < OP__NR; op++)
		bench(op, "token", token, root);
	if (send_fd(sock, 'T', token))
		die("send the token");
	exit(0);
}

/* Does this kernel know BPF_TOKEN_CREATE?  (A bad fd: EBADF if so.) */
static bool have_tokens(void)
{
	return token_create(-1) == -EBADF;
}

int main(int argc, char **argv)
{
	int opt, sock, status, token;
	enum op op;
	pid_t pid;

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

	for (op = OP_MAP; op < OP__NR; op++)
		bench(op, "root", -1, -1);
	if (!have_tokens()) {
		printf("token-bench: this kernel has no BPF tokens\n");
		return 0;
	}
	pid = fork_workload(&sock);
	if (pid == 0)
		workload(sock);
	serve_bpffs(sock, "map_create:prog_load", "array", "socket_filter",
		    "cgroup_inet_ingress");
	if (recv_fd(sock, &token) != 'T' || token < 0)
		die("no token from the workload");
	if (waitpid(pid, &status, 0) < 0 || status)
		die("the workload failed (%#x)", status);
	/* the same token used by root: the token's path without a userns */
	for (op = OP_MAP; op < OP__NR; op++)
		bench(op, "root+token", token, -1);
	return 0;
}
