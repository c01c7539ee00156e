#!/usr/bin/env python3
"""Build token.rst from token.rst.in, or check token.rst against the sources.

  build.py            write token.rst (samples and name tables filled in)
  build.py --check    verify that every sample in token.rst is a verbatim
                      copy of the lines its marker names, and that every
                      names-table matches include/uapi/linux/bpf.h

Placeholders in token.rst.in:
  @@SAMPLE <tree>:<path> <first>-<last>@@   <tree> is "kernel" or "project"
  @@TABLE <key>@@                           cmds, maps, progs, attachs

In token.rst a sample is the literal block that follows the paragraph after
a comment ".. sample: <tree>:<path> lines <first>-<last>"; each of its lines
is one tab followed by the source line (empty lines stay empty).
"""
import os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TREES = {"kernel": "/work/edit", "project": "/work/main"}
sys.path.insert(0, HERE)
import gen_tables  # noqa: E402


def src_lines(tree, path, first, last):
    with open(os.path.join(TREES[tree], path)) as f:
        lines = f.read().split("\n")
    return lines[first - 1:last]


def sample_block(tree, path, first, last):
    body = ["\t" + l if l else "" for l in src_lines(tree, path, first, last)]
    return "\n".join(body)


def build():
    text = open(os.path.join(HERE, "token.rst.in")).read()
    uapi = open(os.path.join(TREES["kernel"],
                             "include/uapi/linux/bpf.h")).read()

    def sample(m):
        tree, path = m.group(1), m.group(2)
        return sample_block(tree, path, int(m.group(3)), int(m.group(4)))

    def table(m):
        for key, enum, prefix in gen_tables.ENUMS:
            if key == m.group(1):
                return gen_tables.table(key, enum, prefix, uapi)
        raise SystemExit("unknown table " + m.group(1))

    text = re.sub(r"@@SAMPLE (\w+):(\S+) (\d+)-(\d+)@@", sample, text)
    text = re.sub(r"@@TABLE (\w+)@@", table, text)
    open(os.path.join(HERE, "token.rst"), "w").write(text)


def check():
    lines = open(os.path.join(HERE, "token.rst")).read().split("\n")
    uapi = open(os.path.join(TREES["kernel"],
                             "include/uapi/linux/bpf.h")).read()
    bad = 0
    n = 0
    for i, l in enumerate(lines):
        m = re.match(r"\.\. sample: (\w+):(\S+) lines (\d+)-(\d+)$", l)
        if not m:
            continue
        n += 1
        want = src_lines(m.group(1), m.group(2), int(m.group(3)),
                         int(m.group(4)))
        # the paragraph that ends in "::", then a blank line, then the block
        j = i + 1
        while not lines[j].endswith("::"):
            j += 1
        j += 2
        got = []
        while j < len(lines) and (lines[j].startswith("\t") or
                                  lines[j] == ""):
            got.append(lines[j][1:] if lines[j] else "")
            j += 1
        while got and got[-1] == "":
            got.pop()
        if got != want:
            bad += 1
            print("sample at line %d differs from %s" % (i + 1, l[11:]))
    text = "\n".join(lines)
    for key, enum, prefix in gen_tables.ENUMS:
        want = gen_tables.table(key, enum, prefix, uapi)
        if want not in text:
            bad += 1
            print("names-table %s differs from the UAPI" % key)
    print("%d samples, 4 tables checked, %d problems" % (n, bad))
    return bad


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(1 if check() else 0)
    build()
