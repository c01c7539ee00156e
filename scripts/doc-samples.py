#!/usr/bin/env python3
"""Check that Documentation/bpf/token.rst is true to the tree it is in.

  doc-samples.py TREE            check TREE/Documentation/bpf/token.rst
  doc-samples.py --tables TREE   print the name tables TREE's UAPI makes

Fails (exit status 1, saying where and what differs) when
  - a code sample (".. sample: PATH" before its paragraph) is not a
    verbatim excerpt of PATH (contiguous lines, in order), or PATH is not
    in the tree: samples are copied from files the selftests compile;
  - a name table (between ".. names-table: KEY begin" and "... end") is
    not what include/uapi/linux/bpf.h gives: one row per enumerator of
    the option's enum (aliases included, __MAX_* left out), the name
    without its prefix in lower case, the value as the bit;
  - an ".. output: PATH" comment names a file that is not in the tree.
"""
import difflib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_blocks import marked  # noqa: E402

PAGE = "Documentation/bpf/token.rst"
UAPI = "include/uapi/linux/bpf.h"
ENUMS = [("cmds", "bpf_cmd", "BPF_"),
         ("maps", "bpf_map_type", "BPF_MAP_TYPE_"),
         ("progs", "bpf_prog_type", "BPF_PROG_TYPE_"),
         ("attachs", "bpf_attach_type", "BPF_")]
SAMPLE_RE = re.compile(r"\.\. sample: (\S+)$")
OUTPUT_RE = re.compile(r"\.\. output: (\S+)$")
TABLE_RE = re.compile(r"\.\. names-table: (\w+) (begin|end)$")


def read_lines(path):
    with open(path) as f:
        return f.read().split("\n")


def enumerators(text, enum):
    """[(NAME, value)] of enum @enum in @text, the __MAX_* ones left out."""
    m = re.search(r"^enum %s \{\n(.*?)^\};" % enum, text, re.S | re.M)
    if not m:
        raise ValueError("enum %s not found in %s" % (enum, UAPI))
    vals, cur, known = [], -1, {}
    for line in m.group(1).splitlines():
        line = re.sub(r"/\*.*?\*/|//.*", "", line)
        m = re.match(r"\s*([A-Z_][A-Z0-9_]*)\s*(?:=\s*(\w+))?\s*,?", line)
        if not m:
            continue
        name, val = m.groups()
        if val is None:
            cur += 1
        elif val in known:
            cur = known[val]
        else:
            cur = int(val, 0)
        known[name] = cur
        if not name.startswith("__MAX_"):
            vals.append((name, cur))
    return vals


def table(key, enum, prefix, uapi):
    """The lines of name table @key, its markers included."""
    rows = [(n[len(prefix):].lower(), v) for n, v in enumerators(uapi, enum)]
    w = max(len(n) for n, _ in rows)
    rule = "=" * w + "  ==="
    return ([".. names-table: %s begin" % key, "", rule,
             "name".ljust(w) + "  bit", rule] +
            [n.ljust(w) + "  " + str(v) for n, v in rows] +
            [rule, "", ".. names-table: %s end" % key])


def check_samples(lines, tree, problems):
    found = marked(lines, SAMPLE_RE)
    for at, m, block in found:
        path = m.group(1)
        if not block:
            problems.append("line %d: sample of %s has no literal block"
                            % (at, path))
            continue
        full = os.path.join(tree, path)
        if not os.path.isfile(full):
            problems.append("line %d: %s is not in %s" % (at, path, tree))
            continue
        start, want = block
        src = read_lines(full)
        n = len(want)
        if any(src[k:k + n] == want for k in range(len(src) - n + 1)):
            continue
        sm = difflib.SequenceMatcher(None, src, want, autojunk=False)
        a, b, _ = sm.find_longest_match(0, len(src), 0, n)
        a = max(0, a - b)
        diff = difflib.unified_diff(src[a:a + n], want,
                                    "%s (line %d)" % (path, a + 1),
                                    "%s (line %d)" % (PAGE, start),
                                    lineterm="", n=1)
        problems.append("line %d: the sample is not a verbatim excerpt of "
                        "%s:\n%s" % (at, path, "\n".join(diff)))
    return len(found)


def check_tables(lines, uapi, problems):
    for key, enum, prefix in ENUMS:
        begin = [i for i, l in enumerate(lines)
                 if l == ".. names-table: %s begin" % key]
        end = [i for i, l in enumerate(lines)
               if l == ".. names-table: %s end" % key]
        if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
            problems.append("names-table %s: need one begin and one end "
                            "after it" % key)
            continue
        got = lines[begin[0]:end[0] + 1]
        want = table(key, enum, prefix, uapi)
        if got != want:
            diff = difflib.unified_diff(want, got, UAPI, PAGE,
                                        lineterm="", n=0)
            problems.append("names-table %s (line %d) is not what %s gives "
                            "(doc-samples.py --tables prints it):\n%s"
                            % (key, begin[0] + 1, UAPI, "\n".join(diff)))
    for i, l in enumerate(lines):
        m = TABLE_RE.match(l)
        if m and m.group(1) not in [k for k, _, _ in ENUMS]:
            problems.append("line %d: no names-table %s" % (i + 1,
                                                            m.group(1)))


def check_outputs(lines, tree, problems):
    for at, m, _ in marked(lines, OUTPUT_RE):
        if not os.path.isfile(os.path.join(tree, m.group(1))):
            problems.append("line %d: %s is not in %s"
                            % (at, m.group(1), tree))


def main(argv):
    if len(argv) == 2 and argv[0] == "--tables":
        with open(os.path.join(argv[1], UAPI)) as f:
            uapi = f.read()
        for e in ENUMS:
            print("\n".join(table(*e, uapi)) + "\n")
        return 0
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    tree = argv[0]
    lines = read_lines(os.path.join(tree, PAGE))
    with open(os.path.join(tree, UAPI)) as f:
        uapi = f.read()
    problems = []
    n = check_samples(lines, tree, problems)
    try:
        check_tables(lines, uapi, problems)
    except ValueError as e:
        problems.append(str(e))
    check_outputs(lines, tree, problems)
    for p in problems:
        print("%s: %s" % (PAGE, p))
    print("%s: %d samples and %d name tables checked against the tree: "
          "%d problem(s)" % (PAGE, n, len(ENUMS), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
