#!/usr/bin/env python3
"""The Quick start of Documentation/bpf/token.rst, as a test.

  quickstart.py extract TREE DIR     write the section's blocks to DIR
  quickstart.py compare EXPECTED ACTUAL

The section marks its literal blocks with ".. quick-start: KIND":
"file NAME" (written to DIR/NAME), "host" (DIR/host.sh: what root of the
initial user namespace types; its last command starts the workload's
shell), "workload" (DIR/workload.sh: what is typed into that shell) and
"output" (DIR/expected: what the shell prints).  Each of the last three
must be there once.

compare fails (exit status 1, with a diff) unless ACTUAL has the lines of
EXPECTED, no more and no fewer, once numbers (ids, times, sizes) and
program tags are made alike in both.
"""
import difflib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_blocks import marked  # noqa: E402

PAGE = "Documentation/bpf/token.rst"
MARK_RE = re.compile(r"\.\. quick-start: (file (\S+)|host|workload|output)$")
ONCE = {"host": "host.sh", "workload": "workload.sh", "output": "expected"}


def extract(tree, out):
    with open(os.path.join(tree, PAGE)) as f:
        lines = f.read().split("\n")
    seen = {}
    for at, m, block in marked(lines, MARK_RE):
        if not block:
            sys.exit("%s:%d: no literal block after the marker" % (PAGE, at))
        name = m.group(2) or ONCE[m.group(1)]
        if name in seen or "/" in name:
            sys.exit("%s:%d: %s again (or a path)" % (PAGE, at, name))
        seen[name] = at
        with open(os.path.join(out, name), "w") as f:
            f.write("\n".join(block[1]) + "\n")
    missing = [n for n in ONCE.values() if n not in seen]
    if missing:
        sys.exit("%s: no quick-start block for %s" % (PAGE, ", ".join(missing)))
    print("%s: the quick start's %d blocks are in %s" % (PAGE, len(seen), out))


def alike(path):
    with open(path) as f:
        text = f.read()
    text = re.sub(r"\btag [0-9a-f]{16}\b", "tag T", text)
    return re.sub(r"[0-9]+", "N", text).rstrip("\n").split("\n")


def compare(expected, actual):
    want, got = alike(expected), alike(actual)
    if want == got:
        print("quick start: the output is the page's")
        return 0
    print("quick start: the output differs from the page's (numbers as N):")
    print("\n".join(difflib.unified_diff(want, got, PAGE, "actual",
                                         lineterm="")))
    return 1


def main(argv):
    if len(argv) == 3 and argv[0] == "extract":
        extract(argv[1], argv[2])
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
