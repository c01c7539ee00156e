// SPDX-License-Identifier: GPL-2.0
/*
 * token-fuzz: bounded, seeded fuzzing of what a container reaches.
 *
 * 1. bpffs mount options, generated from the option grammar and mutated,
 *    through fsconfig() (fresh context and fspick() reconfiguration) and
 *    mount(2) (mount and MS_REMOUNT), by the initial namespace's root and
 *    by the root of a user namespace.  An oracle written from the
 *    documented grammar (Documentation/bpf/token.rst) predicts each
 *    result: the errno, and for a success the masks, uid, gid and mode
 *    that /proc/self/mountinfo then shows.  Every fsconfig() error must
 *    leave a message in the context's log.
 * 2. bpf() attrs of BPF_TOKEN_CREATE and the token fields of
 *    BPF_MAP_CREATE, BPF_BTF_LOAD, BPF_PROG_LOAD and BPF_BTF_GET_FD_BY_ID:
 *    random flags, fds (a token, other BPF objects, files, O_PATH, -1,
 *    closed, huge), attr sizes and tail bytes, from a workload in a user
 *    namespace and from the initial root.  Each errno must be one the
 *    command documents; in the workload a success must be one the token
 *    allows.  No fd and no object may be left at the end.
 *
 * Prints the iterations and an errno histogram per operation.
 *
 *   token-fuzz [-n ITERATIONS] [-s SEED] [-v]
 */
#include "common.h"
#include <ctype.h>
#include "names.h"

#define MNT_DIR		"/tmp/token-fuzz"
#define MAX_OPTS	5

static struct rng rng;
static int verbose;
static unsigned long iterations;

/* ---------------------------------------------------------------- */
/* errno histogram                                                     */

#define MAX_ERRNO 600
static const char *const hist_ops[] = {
	"fsconfig", "fsconfig create", "fsconfig reconfigure", "mount(2)",
	"remount(2)", "userns fsconfig", "userns create/reconfigure",
	"BPF_TOKEN_CREATE", "BPF_MAP_CREATE", "BPF_BTF_LOAD", "BPF_PROG_LOAD",
	"BPF_BTF_GET_FD_BY_ID",
};

enum { H_FSCONFIG, H_CREATE, H_RECONF, H_MOUNT, H_REMOUNT, H_UNS_FSCONFIG,
	H_UNS_RECONF, H_TOKEN_CREATE, H_MAP_CREATE, H_BTF_LOAD, H_PROG_LOAD,
	H_BTF_BY_ID, H__NR };

static unsigned long hist[H__NR][MAX_ERRNO + 1];

static void count(int op, int err)
{
	hist[op][err < 0 && -err <= MAX_ERRNO ? -err : 0]++;
}

/* the children's histograms come back through this pipe */
static int hist_pipe[2];

static const char *errname(int e)
{
	if (!e)
		return "ok";
	if (e == ENOTSUPP)
		return "ENOTSUPP";
	return strerrorname_np(e) ?: "?";
}

static void print_hist(void)
{
	int op, e;

	for (op = 0; op < H__NR; op++) {
		const char *sep = ":";

		printf("  %s", hist_ops[op]);
		for (e = 0; e <= MAX_ERRNO; e++) {
			if (!hist[op][e])
				continue;
			printf("%s %s %lu", sep, errname(e), hist[op][e]);
			sep = ",";
		}
		printf("\n");
	}
}

static void send_hist(void)
{
	if (write(hist_pipe[1], hist, sizeof(hist)) != sizeof(hist))
		die("histogram pipe: %s", strerror(errno));
}

static void add_hist(void)
{
	static unsigned long h[H__NR][MAX_ERRNO + 1];
	int op, e;

	if (read(hist_pipe[0], h, sizeof(h)) != sizeof(h))
		die("no histogram from a child");
	for (op = 0; op < H__NR; op++)
		for (e = 0; e <= MAX_ERRNO; e++)
			hist[op][e] += h[op][e];
}

/* ---------------------------------------------------------------- */
/* The oracle: what bpffs must make of an option (token.rst's grammar). */

struct delegate_opt {
	const char *key;
	const struct enum_name *names;
	unsigned int nr;
};

static const struct delegate_opt dopts[] = {
	{ "delegate_cmds", cmds_names, ARRAY_SIZE(cmds_names) },
	{ "delegate_maps", maps_names, ARRAY_SIZE(maps_names) },
	{ "delegate_progs", progs_names, ARRAY_SIZE(progs_names) },
	{ "delegate_attachs", attachs_names, ARRAY_SIZE(attachs_names) },
};

static uint64_t known(const struct delegate_opt *o)
{
	uint64_t k = 0;
	unsigned int i;

	for (i = 0; i < o->nr; i++)
		k |= 1ULL << o->names[i].bit;
	return k;
}

/* The kernel's kstrtoull(s, base 0): 0 or -EINVAL/-ERANGE. */
static int parse_ull(const char *s, unsigned long long *res, int base)
{
	unsigned long long v = 0;
	int digits = 0, d;

	if (*s == '+')
		s++;
	if (!base) {
		if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' &&
		    isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		} else if (s[0] == '0') {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' &&
		   tolower((unsigned char)s[1]) == 'x') {
		s += 2;
	}
	for (;; s++, digits++) {
		unsigned char c = *s;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (!digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

/* ASCII-only strcasecmp, as the names are ASCII. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
#ifdef MUTANT_ORACLE
		/* harness-selftest: an oracle that is wrong must fail the run */
		if (*a != *b)
#else
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
#endif
			return false;
	return !*a && !*b;
}

/* The mask of a delegate_* value, or -EINVAL. */
static int oracle_delegate(const struct delegate_opt *o, const char *value,
			   uint64_t *mask)
{
	char *copy = strdup(value), *p = copy, *elem;
	unsigned long long num;
	unsigned int i;
	int err = 0;

	*mask = 0;
	while ((elem = strsep(&p, ":"))) {
		if (!*elem) {
			err = -EINVAL;
			break;
		}
		if (name_eq(elem, "any")) {
			*mask = ~0ULL;
			continue;
		}
		if (isdigit((unsigned char)*elem) || *elem == '+') {
			if (parse_ull(elem, &num, 0)) {
				err = -EINVAL;
				break;
			}
			*mask |= num;
			continue;
		}
		for (i = 0; i < o->nr; i++)
			if (name_eq(elem, o->names[i].name))
				break;
		if (i == o->nr) {
			err = -EINVAL;
			break;
		}
		*mask |= 1ULL << o->names[i].bit;
	}
	free(copy);
	return err;
}

/* What an instance has: the oracle's model, and what mountinfo shows. */
struct state {
	uint64_t mask[4];
	unsigned int uid, gid, mode;
};

/* One option: key and value (NULL: a flag, without "="). */
struct opt {
	char key[32];
	char value[400];
	bool flag;
};

/*
 * Apply @o to @st as bpffs must (in a context of @uid_map_base's user
 * namespace if not -1): 0, or the errno.
 */
static int oracle_opt(const struct opt *o, struct state *st,
		      uint64_t given_mask[4], bool in_userns, unsigned int id,
		      bool reconfigure, const struct state *cur)
{
	unsigned long long v;
	uint64_t mask;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dopts); i++) {
		if (strcmp(o->key, dopts[i].key))
			continue;
		if (o->flag)
			return -EINVAL;
		if (oracle_delegate(&dopts[i], o->value, &mask))
			return -EINVAL;
		if (in_userns) {
			/* only an unchanged mask, and only on reconfigure */
			if (!reconfigure ? mask != 0 :
			    ((mask ^ cur->mask[i]) & known(&dopts[i])))
				return -EPERM;
			return 0;
		}
		given_mask[i] |= mask;
		st->mask[i] = given_mask[i];
		return 0;
	}
	if (!strcmp(o->key, "uid") || !strcmp(o->key, "gid")) {
		if (o->flag || parse_ull(o->value, &v, 0) || v > 0xffffffffULL)
			return -EINVAL;
		/* the caller's uid v must map into the instance's namespace */
		if (in_userns ? v != 0 : v == 0xffffffffULL)
			return -EINVAL;
		if (!strcmp(o->key, "uid"))
			st->uid = in_userns ? id : v;
		else
			st->gid = in_userns ? id : v;
		return 0;
	}
	if (!strcmp(o->key, "mode")) {
		if (o->flag || parse_ull(o->value, &v, 8) || v > 0xffffffffULL)
			return -EINVAL;
		st->mode = v & 07777;
		return 0;
	}
	return 0;	/* bpffs ignores options it does not know */
}

/* ---------------------------------------------------------------- */
/* Generating options                                                  */

static const char *const other_keys[] = {
	"uid", "gid", "mode", "Delegate_Cmds", "delegate", "delegate_cmd",
	"x", "delegate_maps ",
};

static void gen_name(char *buf, size_t len, const struct delegate_opt *o)
{
	const struct delegate_opt *from = &dopts[rng_below(&rng, 4)];
	const char *name;
	size_t i;

	/* mostly its own names, sometimes another option's */
	if (rng_one_in(&rng, 4))
		o = from;
	name = o->names[rng_below(&rng, o->nr)].name;
	snprintf(buf, len, "%s", name);
	for (i = 0; buf[i]; i++)
		if (rng_one_in(&rng, 3))
			buf[i] = toupper((unsigned char)buf[i]);
}

static void gen_number(char *buf, size_t len)
{
	static const char *const odd[] = {
		"0", "+0", "0x", "0x0", "0xffffffffffffffff",
		"0x10000000000000000", "18446744073709551615",
		"18446744073709551616", "-1", "+", "++1", "0777", "0778",
		"1\n", "1\n\n", "0X1F", "0b1", "1 ", " 1", "00000000000000000001",
		"99999999999999999999999", "0xFFFFFFFFFFFFFFFF0",
	};
	unsigned long long v = rng_next(&rng) >> rng_below(&rng, 64);

	switch (rng_below(&rng, 4)) {
	case 0:
		snprintf(buf, len, "%llu", v);
		break;
	case 1:
		snprintf(buf, len, "%#llx", v);
		break;
	case 2:
		snprintf(buf, len, "0%llo", v);
		break;
	default:
		snprintf(buf, len, "%s", odd[rng_below(&rng, ARRAY_SIZE(odd))]);
	}
}

static void gen_element(char *buf, size_t len, const struct delegate_opt *o)
{
	static const char *const junk[] = {
		"", "any", "ANY", "aNy", "anything", "all", "none", "\xc3\xa4",
		"map_create\xff", "BPF_MAP_CREATE", "map-create", " xdp",
		"=", ",", "\t", "\xe2\x80\x8bxdp",
	};

	switch (rng_below(&rng, 8)) {
	case 0:
	case 1:
	case 2:
	case 3:
		gen_name(buf, len, o);
		break;
	case 4:
	case 5:
		gen_number(buf, len);
		break;
	default:
		snprintf(buf, len, "%s", junk[rng_below(&rng, ARRAY_SIZE(junk))]);
	}
}

/* Mutations: a character flipped, dropped or doubled, separators. */
static void mutate(char *buf, size_t len)
{
	size_t n = strlen(buf), at;

	if (!n)
		return;
	at = rng_below(&rng, n);
	switch (rng_below(&rng, 5)) {
	case 0:
		buf[at] = 1 + rng_below(&rng, 255);
		break;
	case 1:
		memmove(buf + at, buf + at + 1, n - at);
		break;
	case 2:
		if (n + 1 < len) {
			memmove(buf + at + 1, buf + at, n - at + 1);
			buf[at] = rng_one_in(&rng, 2) ? ':' : buf[at + 1];
		}
		break;
	case 3:
		if (n + 1 < len) {
			buf[n] = ':';
			buf[n + 1] = 0;
		}
		break;
	default:
		buf[at] ^= 0x20;	/* case, or a punctuation mark */
	}
}

static void gen_value(struct opt *op, const struct delegate_opt *o)
{
	char elem[64];
	size_t off = 0, len = sizeof(op->value);
	unsigned int n, i;

	/* long lists cross fsconfig()'s 255-byte limit */
	n = rng_one_in(&rng, 8) ? 20 + rng_below(&rng, 30) :
	    1 + rng_below(&rng, 4);
	op->value[0] = 0;
	for (i = 0; i < n && off + 66 < len; i++) {
		gen_element(elem, sizeof(elem), o);
		off += snprintf(op->value + off, len - off, "%s%s",
				i ? ":" : "", elem);
	}
	if (rng_one_in(&rng, 4))
		mutate(op->value, len);
}

static void gen_opt(struct opt *op, bool for_mount2)
{
	const struct delegate_opt *o = &dopts[rng_below(&rng, 4)];
	unsigned int r = rng_below(&rng, 10);
	char *c;

	op->flag = rng_one_in(&rng, 30);
	if (r < 7) {
		snprintf(op->key, sizeof(op->key), "%s", o->key);
		gen_value(op, o);
	} else {
		snprintf(op->key, sizeof(op->key), "%s",
			 other_keys[rng_below(&rng, ARRAY_SIZE(other_keys))]);
		if (!strcmp(op->key, "mode"))
			snprintf(op->value, sizeof(op->value), "%o",
				 (unsigned int)rng_below(&rng, 010000));
		else if (rng_one_in(&rng, 2))
			snprintf(op->value, sizeof(op->value), "%u",
				 rng_one_in(&rng, 4) ? 0xffffffffU :
				 (unsigned int)rng_below(&rng, 70000));
		else
			gen_number(op->value, sizeof(op->value));
	}
	if (for_mount2) {
		/* mount(2) splits its data at ',' and at the first '=' */
		for (c = op->value; *c; c++)
			if (*c == ',')
				*c = ':';
		for (c = op->key; *c; c++)
			if (*c == ' ')
				*c = '_';
		if (strlen(op->value) > 200)
			op->value[200] = 0;
	}
}

/* ---------------------------------------------------------------- */
/* Reading back what an instance has                                   */

static int parse_shown_mask(const struct delegate_opt *o, const char *v,
			    uint64_t *mask)
{
	char *copy = strdup(v), *p = copy, *e;
	unsigned long long num;
	unsigned int i;

	*mask = 0;
	while ((e = strsep(&p, ":"))) {
		if (!strcmp(e, "any")) {
			*mask = known(o);
			continue;
		}
		if (!strncmp(e, "0x", 2) && !parse_ull(e, &num, 16)) {
			*mask |= num;
			continue;
		}
		for (i = 0; i < o->nr; i++)
			if (!strcmp(e, o->names[i].name))
				break;
		if (i == o->nr) {
			free(copy);
			return -1;
		}
		*mask |= 1ULL << o->names[i].bit;
	}
	free(copy);
	return 0;
}

/* The super options of the mount at @path, from mountinfo. */
static void shown_state(const char *path, struct state *st)
{
	char line[4096], *opts, *tok, *save;
	unsigned int i;
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->mode = 0777;
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		die("mountinfo: %s", strerror(errno));
	opts = NULL;
	while (fgets(line, sizeof(line), f)) {
		char mp[256];

		if (sscanf(line, "%*d %*d %*s %*s %255s", mp) == 1 &&
		    !strcmp(mp, path) && strstr(line, " - bpf "))
			opts = strstr(line, " - bpf ");
		if (opts)
			break;
	}
	fclose(f);
	if (!opts)
		die("no bpffs at %s in mountinfo", path);
	/* " - bpf SOURCE rw,opts..." */
	opts = strchr(opts + 7, ' ');
	if (!opts)
		die("mountinfo line without super options");
	opts[strcspn(opts, "\n")] = 0;
	for (tok = strtok_r(opts + 1, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(tok, "uid"))
			st->uid = strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "gid"))
			st->gid = strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "mode"))
			st->mode = strtoul(eq, NULL, 8);
		for (i = 0; i < ARRAY_SIZE(dopts); i++)
			if (!strcmp(tok, dopts[i].key) &&
			    parse_shown_mask(&dopts[i], eq, &st->mask[i]))
				die("mountinfo: %s=%s does not parse", tok, eq);
	}
}

static void check_state(const char *what, const char *path,
			const struct state *want)
{
	struct state got;
	unsigned int i;

	shown_state(path, &got);
	for (i = 0; i < ARRAY_SIZE(dopts); i++)
		if ((want->mask[i] & known(&dopts[i])) != got.mask[i])
			die("%s: %s is %#llx, the oracle says %#llx", what,
			    dopts[i].key, (unsigned long long)got.mask[i],
			    (unsigned long long)(want->mask[i] & known(&dopts[i])));
	if (got.uid != want->uid || got.gid != want->gid ||
	    got.mode != (want->mode & 07777 & ~01000))
		die("%s: uid=%u gid=%u mode=%o, the oracle says %u %u %o", what,
		    got.uid, got.gid, got.mode, want->uid, want->gid,
		    want->mode & 07777 & ~01000);
}

/* ---------------------------------------------------------------- */
/* Part 1: mount options                                               */

/* The error messages of the context's log; fails if none but wanted. */
static void check_log(int fs_fd, const char *what, bool want_error)
{
	char msg[512];
	bool error = false;
	ssize_t n;

	while ((n = read(fs_fd, msg, sizeof(msg) - 1)) > 0) {
		msg[n] = 0;
		if (verbose)
			printf("    log: %s\n", msg);
		if (msg[0] == 'e' && n > 2)
			error = true;
	}
	if (want_error && !error)
		die("%s: an error without a message in the context's log", what);
}

static void describe(const char *how, const struct opt *o, int n)
{
	int i;

	if (!verbose)
		return;
	printf("%s:", how);
	for (i = 0; i < n; i++)
		printf(" [%s%s%s]", o[i].key, o[i].flag ? "" : "=",
		       o[i].flag ? "" : o[i].value);
	printf("\n");
}

/* fsconfig() of each option, against the oracle: 0 if all were taken. */
static int fsconfig_opts(int fs_fd, const struct opt *o, int n,
			 struct state *st, bool in_userns, bool reconfigure,
			 int hist_op)
{
	uint64_t given[4] = {};
	struct state cur = *st;
	char what[600];
	int i, ret, want;

	for (i = 0; i < n; i++) {
		if (o[i].flag)
			ret = fsconfig(fs_fd, FSCONFIG_SET_FLAG, o[i].key, NULL, 0);
		else
			ret = fsconfig(fs_fd, FSCONFIG_SET_STRING, o[i].key,
				       o[i].value, 0);
		ret = ret ? -errno : 0;
		count(hist_op, ret);
		if (!o[i].flag && strlen(o[i].value) > 255)
			want = -EINVAL;		/* fsconfig()'s own limit */
		else
			want = oracle_opt(&o[i], st, given, in_userns,
					  in_userns ? 100000 : 0, reconfigure,
					  &cur);
		snprintf(what, sizeof(what), "fsconfig %s%s %.400s%s",
			 reconfigure ? "(reconfigure) " : "", o[i].key,
			 o[i].flag ? "(flag)" : o[i].value,
			 in_userns ? " in a user namespace" : "");
		if (ret != want)
			die("%s: %d (%s), the oracle says %d", what, ret,
			    errname(-ret), want);
		check_log(fs_fd, what, ret && (o[i].flag ||
					       strlen(o[i].value) <= 255));
		if (ret)
			return ret;
	}
	return 0;
}

static struct state cur_state;	/* the instance at MNT_DIR/cur */
static bool have_cur;

static void fresh_fsconfig(void)
{
	struct opt o[MAX_OPTS];
	struct state st = { .mode = 0777 };
	int n = 1 + rng_below(&rng, MAX_OPTS), i, fs_fd, mnt, ret;
	char path[64];

	for (i = 0; i < n; i++)
		gen_opt(&o[i], false);
	describe("fsopen", o, n);
	fs_fd = fsopen("bpf", FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		die("fsopen: %s", strerror(errno));
	if (fsconfig_opts(fs_fd, o, n, &st, false, false, H_FSCONFIG)) {
		close(fs_fd);
		return;
	}
	ret = fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	count(H_CREATE, ret ? -errno : 0);
	if (ret)
		die("FSCONFIG_CMD_CREATE: %s", strerror(errno));
	mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
	close(fs_fd);
	if (mnt < 0)
		die("fsmount: %s", strerror(errno));
	/* keep it as the instance to reconfigure, or look and go */
	if (!have_cur || rng_one_in(&rng, 4)) {
		if (have_cur && umount2(MNT_DIR "/cur", 0))
			die("umount cur: %s", strerror(errno));
		snprintf(path, sizeof(path), MNT_DIR "/cur");
		cur_state = st;
		have_cur = true;
	} else {
		snprintf(path, sizeof(path), MNT_DIR "/tmp");
	}
	if (move_mount(mnt, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH))
		die("move_mount: %s", strerror(errno));
	close(mnt);
	check_state("fsconfig", path, &st);
	if (strcmp(path, MNT_DIR "/cur") && umount2(path, 0))
		die("umount: %s", strerror(errno));
}

static void reconfigure(void)
{
	struct opt o[MAX_OPTS];
	struct state st = cur_state;
	int n = 1 + rng_below(&rng, MAX_OPTS), i, fs_fd, ret;

	if (!have_cur)
		return;
	for (i = 0; i < n; i++)
		gen_opt(&o[i], false);
	describe("fspick", o, n);
	fs_fd = fspick(AT_FDCWD, MNT_DIR "/cur", FSPICK_CLOEXEC);
	if (fs_fd < 0)
		die("fspick: %s", strerror(errno));
	if (fsconfig_opts(fs_fd, o, n, &st, false, true, H_FSCONFIG)) {
		close(fs_fd);
		return;
	}
	ret = fsconfig(fs_fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0);
	count(H_RECONF, ret ? -errno : 0);
	if (ret)
		die("FSCONFIG_CMD_RECONFIGURE: %s", strerror(errno));
	close(fs_fd);
	cur_state = st;
	check_state("reconfigure", MNT_DIR "/cur", &st);
}

/* mount(2) or MS_REMOUNT: the options joined, the first error counts. */
static void mount2(bool remount)
{
	struct opt o[MAX_OPTS];
	struct state st = remount ? cur_state : (struct state){ .mode = 0777 };
	struct state cur = st;
	uint64_t given[4] = {};
	int n = 1 + rng_below(&rng, MAX_OPTS), i, want = 0, ret;
	char data[4096];
	size_t off = 0;
	const char *path = remount ? MNT_DIR "/cur" : MNT_DIR "/tmp";

	if (remount && !have_cur)
		return;
	for (i = 0; i < n; i++) {
		gen_opt(&o[i], true);
		off += snprintf(data + off, sizeof(data) - off, "%s%s%s%s",
				i ? "," : "", o[i].key, o[i].flag ? "" : "=",
				o[i].flag ? "" : o[i].value);
		if (!want)
			want = oracle_opt(&o[i], &st, given, false, 0, remount,
					  &cur);
	}
	describe(remount ? "remount(2)" : "mount(2)", o, n);
	if (remount)
		ret = mount(NULL, path, NULL, MS_REMOUNT, data);
	else
		ret = mount("bpf", path, "bpf", 0, data);
	ret = ret ? -errno : 0;
	count(remount ? H_REMOUNT : H_MOUNT, ret);
	if (ret != want)
		die("%s with '%s': %d (%s), the oracle says %d",
		    remount ? "remount(2)" : "mount(2)", data, ret,
		    errname(-ret), want);
	if (ret)
		return;
	check_state(remount ? "remount(2)" : "mount(2)", path, &st);
	if (remount)
		cur_state = st;
	else if (umount2(path, 0))
		die("umount: %s", strerror(errno));
}

static void serve(int sock);

/* Options for a user namespace's root: no uid=, gid=, mode=. */
static void gen_userns_opts(struct opt *o, int k, const struct state *cur)
{
	unsigned int d, b;
	int i;

	for (i = 0; i < k; i++) {
		gen_opt(&o[i], false);
		if (!strcmp(o[i].key, "uid") || !strcmp(o[i].key, "gid") ||
		    !strcmp(o[i].key, "mode"))
			snprintf(o[i].key, sizeof(o[i].key), "x");
		for (d = 0; d < ARRAY_SIZE(dopts); d++)
			if (!strcmp(o[i].key, dopts[d].key))
				break;
		/* the mask it has, as a number or as names */
		if (cur && d < ARRAY_SIZE(dopts) && rng_one_in(&rng, 3)) {
			size_t off = 0;

			o[i].flag = false;
			o[i].value[0] = 0;
			if (rng_one_in(&rng, 2) || !cur->mask[d])
				snprintf(o[i].value, sizeof(o[i].value), "%#llx",
					 (unsigned long long)cur->mask[d]);
			else
				for (b = 0; b < dopts[d].nr; b++)
					if (cur->mask[d] & (1ULL << dopts[d].names[b].bit))
						off += snprintf(o[i].value + off,
								sizeof(o[i].value) - off,
								"%s%s", off ? ":" : "",
								dopts[d].names[b].name);
		}
	}
}

/*
 * The root of a user namespace: a fresh context may take only zero masks
 * and cannot be created; on the instance the manager made for it, a
 * reconfiguration may only repeat the masks it has.
 */
static void userns_batch(unsigned long n, uint64_t seed)
{
	struct opt o[MAX_OPTS];
	struct state cur;
	unsigned long it;
	int sock, status, fs_fd, mnt, ret;
	pid_t pid;

	pid = fork_workload(&sock);
	if (pid) {
		serve(sock);
		close(sock);
		if (waitpid(pid, &status, 0) < 0 || status)
			die("the user namespace's fuzzing failed (%#x)", status);
		add_hist();
		return;
	}
	memset(hist, 0, sizeof(hist));
	rng_seed(&rng, seed);
	if (enter_userns(100000))
		die("enter a user namespace: %s", strerror(errno));
	mnt = request_bpffs(sock);
	if (move_mount(mnt, "", AT_FDCWD, MNT_DIR "/cur", MOVE_MOUNT_F_EMPTY_PATH))
		die("move_mount in a user namespace: %s", strerror(errno));
	shown_state(MNT_DIR "/cur", &cur);

	for (it = 0; it < n; it++) {
		struct state st = { .mode = 0777 };
		int k = 1 + rng_below(&rng, MAX_OPTS);

		if (rng_one_in(&rng, 2)) {
			gen_userns_opts(o, k, NULL);
			describe("userns fsopen", o, k);
			fs_fd = fsopen("bpf", FSOPEN_CLOEXEC);
			if (fs_fd < 0)
				die("fsopen in a user namespace: %s",
				    strerror(errno));
			if (!fsconfig_opts(fs_fd, o, k, &st, true, false,
					   H_UNS_FSCONFIG)) {
				/* only the initial namespace's admin creates */
				ret = fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL,
					       NULL, 0) ? -errno : 0;
				count(H_UNS_RECONF, ret);
				if (ret != -EPERM)
					die("FSCONFIG_CMD_CREATE in a user "
					    "namespace: %d", ret);
			}
			close(fs_fd);
			continue;
		}
		gen_userns_opts(o, k, &cur);
		describe("userns fspick", o, k);
		st = cur;
		fs_fd = fspick(AT_FDCWD, MNT_DIR "/cur", FSPICK_CLOEXEC);
		if (fs_fd < 0)
			die("fspick in a user namespace: %s", strerror(errno));
		if (!fsconfig_opts(fs_fd, o, k, &st, true, true, H_UNS_FSCONFIG)) {
			ret = fsconfig(fs_fd, FSCONFIG_CMD_RECONFIGURE, NULL,
				       NULL, 0) ? -errno : 0;
			count(H_UNS_RECONF, ret);
			if (ret)
				die("reconfigure in a user namespace: %s",
				    strerror(-ret));
		}
		close(fs_fd);
		check_state("userns reconfigure", MNT_DIR "/cur", &cur);
	}
	send_hist();
	exit(0);
}

static void fuzz_options(unsigned long n, uint64_t seed)
{
	unsigned long it;

	mkdir(MNT_DIR "/cur", 0755);
	mkdir(MNT_DIR "/tmp", 0755);
	for (it = 0; it < n; it++) {
		switch (rng_below(&rng, 10)) {
		case 0:
		case 1:
		case 2:
			fresh_fsconfig();
			break;
		case 3:
		case 4:
		case 5:
			reconfigure();
			break;
		case 6:
		case 7:
			mount2(false);
			break;
		default:
			mount2(true);
		}
		iterations++;
	}
	if (have_cur && umount2(MNT_DIR "/cur", 0))
		die("umount cur: %s", strerror(errno));
	have_cur = false;
	userns_batch(n / 4, seed + 1);
	iterations += n / 4;
}

/* ---------------------------------------------------------------- */
/* Part 2: bpf() attrs                                                 */

struct fd_pool {
	int fd[16];
	const char *name[16];
	int n;
	struct stat token_st, root_st;
};

static void pool_add(struct fd_pool *p, int fd, const char *name)
{
	p->fd[p->n] = fd;
	p->name[p->n] = name;
	p->n++;
}

static const int cmds[] = {
	BPF_TOKEN_CREATE, BPF_MAP_CREATE, BPF_BTF_LOAD, BPF_PROG_LOAD,
	BPF_BTF_GET_FD_BY_ID,
};

#define ATTR_END(field) (offsetof(union bpf_attr, field) + \
			 sizeof(((union bpf_attr *)0)->field))

/* Where a command's flags and token fd are, and its last field. */
static void cmd_layout(int cmd, size_t *flags_off, size_t *fd_off,
		       size_t *end, int *hist_op)
{
	switch (cmd) {
	case BPF_TOKEN_CREATE:
		*flags_off = offsetof(union bpf_attr, token_create.flags);
		*fd_off = offsetof(union bpf_attr, token_create.bpffs_fd);
		*end = ATTR_END(token_create.bpffs_fd);
		*hist_op = H_TOKEN_CREATE;
		break;
	case BPF_MAP_CREATE:
		*flags_off = offsetof(union bpf_attr, map_flags);
		*fd_off = offsetof(union bpf_attr, map_token_fd);
		*end = ATTR_END(map_token_fd);
		*hist_op = H_MAP_CREATE;
		break;
	case BPF_BTF_LOAD:
		*flags_off = offsetof(union bpf_attr, btf_flags);
		*fd_off = offsetof(union bpf_attr, btf_token_fd);
		*end = ATTR_END(btf_token_fd);
		*hist_op = H_BTF_LOAD;
		break;
	case BPF_PROG_LOAD:
		*flags_off = offsetof(union bpf_attr, prog_flags);
		*fd_off = offsetof(union bpf_attr, prog_token_fd);
		*end = ATTR_END(prog_token_fd);
		*hist_op = H_PROG_LOAD;
		break;
	default:
		*flags_off = offsetof(union bpf_attr, open_flags);
		*fd_off = offsetof(union bpf_attr, fd_by_id_token_fd);
		*end = ATTR_END(fd_by_id_token_fd);
		*hist_op = H_BTF_BY_ID;
	}
}

/*
 * What each command may answer a fuzzed attr with (token.rst, bpf.h).
 * @cut: the size cut the attr before the token field, pointers too.
 */
static bool errno_documented(int cmd, int err, bool init_ns, bool cut)
{
	switch (err) {
	case EFAULT:	/* half a pointer */
		return cut && (cmd == BPF_PROG_LOAD || cmd == BPF_BTF_LOAD);
	case EINVAL: case EBADF: case EPERM: case E2BIG:
		return true;
	case ENOENT:	/* an instance delegating nothing; no such BTF id */
		return cmd == BPF_TOKEN_CREATE || cmd == BPF_BTF_GET_FD_BY_ID;
	case EOPNOTSUPP:	/* a token in the initial namespace */
		return cmd == BPF_TOKEN_CREATE && init_ns;
	case EACCES:	/* the verifier, on flags it refuses that way */
		return cmd == BPF_PROG_LOAD;
	case ENOTSUPP:	/* map flags the array does not support */
		return cmd == BPF_MAP_CREATE;
	}
	return false;
}

static bool same_file(int fd, const struct stat *st)
{
	struct stat s;

	return fd >= 0 && !fstat(fd, &s) && s.st_ino == st->st_ino &&
	       s.st_dev == st->st_dev;
}

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static uint32_t rand_flags(bool token_bit_likely)
{
	switch (rng_below(&rng, 6)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return token_bit_likely ? BPF_F_TOKEN_FD : 0;
	case 3:
		return BPF_F_TOKEN_FD | (1U << rng_below(&rng, 32));
	case 4:
		return 1U << rng_below(&rng, 32);
	default:
		return rng_one_in(&rng, 2) ? ~0U : (uint32_t)rng_next(&rng);
	}
}

static int rand_fd(struct fd_pool *p)
{
	static const int odd[] = { -1, -2, 0, 999, 0x7fffffff, (int)0x80000000 };

	if (rng_one_in(&rng, 4))
		return odd[rng_below(&rng, ARRAY_SIZE(odd))];
	return p->fd[rng_below(&rng, p->n)];
}

/*
 * One fuzzed call.  @strict (a workload without capabilities in the
 * initial namespace): a success must be what the token allows.
 */
static void fuzz_one(struct fd_pool *p, struct tiny_btf *btf, __u32 btf_id,
		     bool strict)
{
	static union {
		union bpf_attr attr;
		unsigned char bytes[8192];
	} u;
	int cmd = cmds[rng_below(&rng, ARRAY_SIZE(cmds))];
	size_t flags_off, fd_off, end, size;
	union bpf_attr *a = &u.attr;
	uint32_t flags;
	int32_t fd;
	int op, ret;

	cmd_layout(cmd, &flags_off, &fd_off, &end, &op);
	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case BPF_TOKEN_CREATE:
		a->token_create.bpffs_fd = p->fd[1];	/* the root */
		break;
	case BPF_MAP_CREATE:
		a->map_type = BPF_MAP_TYPE_ARRAY;
		a->key_size = 4;
		a->value_size = 8;
		a->max_entries = 1;
		break;
	case BPF_BTF_LOAD:
		a->btf = (uintptr_t)btf;
		a->btf_size = sizeof(btf->hdr) + btf->hdr.type_len +
			      btf->hdr.str_len;
		break;
	case BPF_PROG_LOAD:
		a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a->insns = (uintptr_t)ret0;
		a->insn_cnt = ARRAY_SIZE(ret0);
		a->license = (uintptr_t)"GPL";
		break;
	default:
		a->btf_id = rng_one_in(&rng, 8) ? (uint32_t)rng_next(&rng) : btf_id;
	}

	flags = cmd == BPF_TOKEN_CREATE ? 0 : BPF_F_TOKEN_FD;
	fd = cmd == BPF_TOKEN_CREATE ? p->fd[1] : p->fd[0];
	if (rng_one_in(&rng, 2))
		flags = rand_flags(cmd != BPF_TOKEN_CREATE);
	if (rng_one_in(&rng, 2))
		fd = rand_fd(p);
	memcpy(u.bytes + flags_off, &flags, sizeof(flags));
	memcpy(u.bytes + fd_off, &fd, sizeof(fd));

	/* bytes after the command's last field must be 0 */
	if (rng_one_in(&rng, 8))
		u.bytes[end + rng_below(&rng, sizeof(*a) - end)] =
			1 + rng_below(&rng, 255);
	size = sizeof(*a);
	switch (rng_below(&rng, 12)) {
	case 0:
		size = end;
		break;
	case 1:
		size = fd_off;		/* the token fd reads as 0 */
		break;
	case 2:
		size = rng_below(&rng, sizeof(*a));
		break;
	case 3:
		size = sizeof(*a) + 8;
		break;
	case 4:
		size = sizeof(*a) + 8;
		u.bytes[sizeof(*a) + rng_below(&rng, 8)] = 1;
		break;
	case 5:
		size = 4096 + rng_below(&rng, 2);
		break;
	default:
		break;
	}

	ret = bpf_call(cmd, a, size);
	count(op, ret < 0 ? ret : 0);
	if (ret < 0) {
		if (!errno_documented(cmd, -ret, !strict, size < fd_off))
			die("%s: undocumented %s (flags %#x, fd %d, size %zu)",
			    hist_ops[op], errname(-ret), flags, fd, size);
		return;
	}
	if (strict) {
		/* what the kernel read: the bytes before @size */
		unsigned char seen[sizeof(*a)] = {};

		memcpy(seen, u.bytes, size < sizeof(seen) ? size : sizeof(seen));
		memcpy(&flags, seen + flags_off, sizeof(flags));
		memcpy(&fd, seen + fd_off, sizeof(fd));
		if (cmd == BPF_TOKEN_CREATE ?
		    flags || !same_file(fd, &p->root_st) :
		    !(flags & BPF_F_TOKEN_FD) || !same_file(fd, &p->token_st))
			die("%s succeeded without the token allowing it "
			    "(flags %#x, fd %d, size %zu)", hist_ops[op], flags,
			    fd, size);
	}
	close(ret);
}

/* The instance for the workloads: what the fuzzed calls need, and more. */
static void serve(int sock)
{
	serve_bpffs(sock, "map_create:btf_load:prog_load:btf_get_fd_by_id",
		    "array", "socket_filter", "cgroup_inet_ingress");
}

static __u32 btf_obj_id(int fd)
{
	struct bpf_btf_info info = {};
	union bpf_attr attr = {};

	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		die("BTF info: %s", strerror(errno));
	return info.id;
}

/* A workload with a token fuzzes; then root does, with its token. */
static void fuzz_attrs(unsigned long n, uint64_t seed)
{
	struct fd_pool p = { .n = 0 };
	struct tiny_btf btf;
	int sock, fds_before, mnt, root, token, tag, i;
	unsigned long it;
	__u32 btf_id;
	pid_t pid;

	tiny_btf_init(&btf);
	pid = fork_workload(&sock);
	if (pid == 0) {
		memset(hist, 0, sizeof(hist));
		rng_seed(&rng, seed);
		if (enter_userns(100000))
			die("enter a user namespace");
		mnt = request_bpffs(sock);
		fds_before = open_fd_count();
		root = mount_root(mnt);
		token = token_create(root);
		if (token < 0)
			die("BPF_TOKEN_CREATE: %s", strerror(-token));
		if (fstat(token, &p.token_st) || fstat(root, &p.root_st))
			die("fstat: %s", strerror(errno));
		pool_add(&p, token, "token");
		pool_add(&p, root, "bpffs root");
		pool_add(&p, dup(token), "token dup");
		pool_add(&p, mnt, "fsmount fd (O_PATH)");
		pool_add(&p, map_create(token, BPF_MAP_TYPE_ARRAY, 1), "map");
		pool_add(&p, prog_load(token, BPF_PROG_TYPE_SOCKET_FILTER, 0, 2),
			 "program");
		pool_add(&p, btf_load(token), "BTF");
		btf_id = btf_obj_id(p.fd[p.n - 1]);
		if (mkdirat(root, "dir", 0700))
			die("mkdir in the bpffs: %s", strerror(errno));
		pool_add(&p, openat(root, "dir", O_RDONLY | O_DIRECTORY), "subdir");
		pool_add(&p, open("/proc/self/status", O_RDONLY), "a file");
		pool_add(&p, open("/", O_PATH), "O_PATH /");
		pool_add(&p, open(MNT_DIR, O_RDONLY | O_DIRECTORY), "tmpfs dir");
		for (i = 0; i < p.n; i++)
			if (p.fd[i] < 0)
				die("fd pool: %s: %s", p.name[i],
				    strerror(-p.fd[i]));
		if (send_fd(sock, 'T', token))
			die("send the token");
		for (it = 0; it < n; it++)
			fuzz_one(&p, &btf, btf_id, true);
		for (i = 0; i < p.n; i++)
			close(p.fd[i]);
		/* mnt was in the pool */
		if (open_fd_count() != fds_before - 1)
			die("the workload has %d fds, it had %d before",
			    open_fd_count(), fds_before - 1);
		send_hist();
		exit(0);
	}
	serve(sock);
	tag = recv_fd(sock, &token);
	if (tag != 'T' || token < 0)
		die("no token from the workload");
	if (waitpid(pid, &tag, 0) < 0 || tag)
		die("the workload's fuzzing failed (%#x)", tag);
	add_hist();
	iterations += n;

	/* root, with the workload's token and its instance's root */
	fds_before = open_fd_count();
	p.n = 0;
	fstat(token, &p.token_st);
	pool_add(&p, token, "token");
	pool_add(&p, open(MNT_DIR, O_RDONLY | O_DIRECTORY), "tmpfs dir");
	pool_add(&p, map_create(-1, BPF_MAP_TYPE_ARRAY, 1), "map");
	pool_add(&p, btf_load(-1), "BTF");
	btf_id = btf_obj_id(p.fd[p.n - 1]);
	pool_add(&p, open("/proc/self/status", O_RDONLY), "a file");
	for (i = 0; i < p.n; i++)
		if (p.fd[i] < 0)
			die("fd pool: %s", p.name[i]);
	for (it = 0; it < n / 2; it++)
		fuzz_one(&p, &btf, btf_id, false);
	for (i = 1; i < p.n; i++)
		close(p.fd[i]);
	if (open_fd_count() != fds_before)
		die("root has %d fds, it had %d before", open_fd_count(),
		    fds_before);
	close(token);
	close(sock);
	iterations += n / 2;
}

int main(int argc, char **argv)
{
	struct obj_counts start, end;
	unsigned long n = 2000, seed = 1;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:v")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-n ITERATIONS] [-s SEED] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("own mount namespace: %s", strerror(errno));
	if (mkdir(MNT_DIR, 0755) && errno != EEXIST)
		die("mkdir %s: %s", MNT_DIR, strerror(errno));
	if (pipe(hist_pipe))
		die("pipe: %s", strerror(errno));
	rng_seed(&rng, seed);
	count_objects(&start);
	print_counts("before", &start);

	printf("token-fuzz: seed %lu, %lu mount option and %lu bpf() iterations\n",
	       seed, n, n);
	fuzz_options(n, seed);
	fuzz_attrs(n, seed + 2);

	printf("token-fuzz: %lu iterations; errno histogram:\n", iterations);
	print_hist();
	if (!counts_settle(&start, &end, 60)) {
		print_counts("after", &end);
		die("objects left behind after 60 s");
	}
	print_counts("after", &end);
	printf("token-fuzz: ok\n");
	return 0;
}
