#!/usr/bin/env python3
"""The table of make bench, from token-bench's output on our kernel and on
the base kernel: ns/op (median of the runs, min-max), ours/base for the
calls without a token (goal <= 1.01) and token/root on our kernel (goal
<= 1.05); root+token is the workload's token used by the initial root.

  bench-table.py OURS_LOG BASE_LOG
"""
import re
import sys

OPS = ["token_create", "map_create_array", "prog_load_2", "prog_load_1000"]
LINE = re.compile(r"^bench (\S+) (\S+) median (\d+) min (\d+) max (\d+)$")


def read(path):
    res = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m:
                op, who, med, lo, hi = m.groups()
                res[(op, who)] = (int(med), int(lo), int(hi))
    return res


def cell(v):
    return "-" if v is None else "%d (%d-%d)" % v


def ratio(a, b, goal):
    if a is None or b is None:
        return "-"
    r = a[0] / b[0]
    return "%.3f %s" % (r, "ok" if r <= goal else "over %.2f" % goal)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    ours, base = read(argv[0]), read(argv[1])
    if not ours or not base:
        sys.exit("bench-table.py: no bench lines in %s" %
                 (argv[0] if not ours else argv[1]))
    print("| operation | base, root | ours, root | ours/base (<= 1.01) "
          "| ours, token | token/root (<= 1.05) | ours, root+token |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for op in OPS:
        b, o, t = base.get((op, "root")), ours.get((op, "root")), \
            ours.get((op, "token"))
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            op, cell(b), cell(o), ratio(o, b, 1.01), cell(t),
            ratio(t, o, 1.05), cell(ours.get((op, "root+token")))))
    print("\nns/op under -icount shift=0: median of the runs (min-max).")


if __name__ == "__main__":
    main(sys.argv[1:])
