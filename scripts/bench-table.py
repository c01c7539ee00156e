#!/usr/bin/env python3
"""The table of make bench, from token-bench's output on our kernel and on
the base kernel: ns/op (median of the runs, min-max); ours/base for the
initial root's calls without a token, alone (goal <= 1.01); and, on our
kernel, the calls of the three callers that took turns: token/root
(goal <= 1.05), and root+token (the workload's token passed to the
initial root) against root.

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
    if goal is None:
        return "%.3f" % r
    return "%.3f %s" % (r, "ok" if r <= goal else "over %.2f" % goal)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    ours, base = read(argv[0]), read(argv[1])
    if not ours or not base:
        sys.exit("bench-table.py: no bench lines in %s" %
                 (argv[0] if not ours else argv[1]))
    print("| operation | base, root | ours, root | ours/base (<= 1.01) "
          "| turns: root | token | token/root (<= 1.05) | root+token "
          "| root+token/root |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for op in OPS:
        b, o = base.get((op, "root")), ours.get((op, "root"))
        r, t, rt = (ours.get((op, who)) for who in
                    ("root-turns", "token", "root+token"))
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            op, cell(b), cell(o), ratio(o, b, 1.01), cell(r), cell(t),
            ratio(t, r, 1.05), cell(rt), ratio(rt, r, None)))
    print("\nns/op under -icount shift=0 (an instruction a nanosecond): "
          "median of the runs (min-max).")


if __name__ == "__main__":
    main(sys.argv[1:])
