#!/usr/bin/env python3
"""Print the four name tables of Documentation/bpf/token.rst from the UAPI.

Rows: one per enumerator (aliases included), in declaration order; the name
is the enumerator without its prefix, in lower case; the bit is its value.
The __MAX_* sentinels are left out.

  gen_tables.py [--tree DIR]     DIR: kernel tree root (default: $KERNEL_TREE,
                                 else /work/edit); reads
                                 DIR/include/uapi/linux/bpf.h
"""
import os
import re
import sys

ENUMS = [("cmds", "bpf_cmd", "BPF_"),
         ("maps", "bpf_map_type", "BPF_MAP_TYPE_"),
         ("progs", "bpf_prog_type", "BPF_PROG_TYPE_"),
         ("attachs", "bpf_attach_type", "BPF_")]

UAPI = "include/uapi/linux/bpf.h"


def enumerators(text, enum):
    """[(NAME, value)] of enum @enum in @text, sentinels left out."""
    m = re.search(r"^enum %s \{\n(.*?)^\};" % enum, text, re.S | re.M)
    if not m:
        raise ValueError("enum %s not found" % enum)
    vals, cur, known = [], -1, {}
    for line in m.group(1).splitlines():
        line = re.sub(r"/\*.*?\*/|//.*", "", line)
        m = re.match(r"\s*([A-Z_][A-Z0-9_]*)\s*(?:=\s*([A-Za-z0-9_]+))?\s*,?",
                     line)
        if not m:
            continue
        name, val = m.group(1), m.group(2)
        if val is None:
            cur += 1
        elif val in known:
            cur = known[val]
        else:
            cur = int(val, 0)
        known[name] = cur
        if name.startswith("__MAX_"):
            continue
        vals.append((name, cur))
    return vals


def rows(key, text):
    """[(name, bit)] of table @key."""
    for k, enum, prefix in ENUMS:
        if k == key:
            return [(n[len(prefix):].lower(), v)
                    for n, v in enumerators(text, enum)]
    raise KeyError("unknown table " + key)


def table(key, text):
    """The names-table @key, markers included, as token.rst has it."""
    r = rows(key, text)
    w = max([len(n) for n, _ in r] + [4])
    rule = "=" * w + "  " + "==="
    out = [".. names-table: %s begin" % key, "", rule,
           "name".ljust(w) + "  " + "bit", rule]
    out += [n.ljust(w) + "  " + str(v) for n, v in r]
    out += [rule, "", ".. names-table: %s end" % key]
    return "\n".join(out)


def default_tree():
    return os.environ.get("KERNEL_TREE") or "/work/edit"


if __name__ == "__main__":
    args = sys.argv[1:]
    tree = default_tree()
    if args[:1] == ["--tree"] and len(args) == 2:
        tree = args[1]
    elif args:
        sys.exit(__doc__)
    with open(os.path.join(tree, UAPI)) as f:
        text = f.read()
    for key, _, _ in ENUMS:
        print(table(key, text))
        print()
