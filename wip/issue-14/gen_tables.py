#!/usr/bin/env python3
"""Print the four name tables of Documentation token.rst from the UAPI header.

Rows: one per enumerator (aliases included), in declaration order; the name
is the enumerator without its prefix, in lower case; the bit is its value.
The __MAX_* sentinels are left out.
"""
import re, sys

ENUMS = [("cmds", "bpf_cmd", "BPF_"),
         ("maps", "bpf_map_type", "BPF_MAP_TYPE_"),
         ("progs", "bpf_prog_type", "BPF_PROG_TYPE_"),
         ("attachs", "bpf_attach_type", "BPF_")]

def enumerators(text, enum):
    body = re.search(r"^enum %s \{\n(.*?)^\};" % enum, text, re.S | re.M).group(1)
    vals, cur = [], -1
    known = {}
    for line in body.splitlines():
        m = re.match(r"\s*([A-Z_][A-Z0-9_]*)\s*(?:=\s*([A-Za-z0-9_]+))?\s*,?", line)
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

def table(key, enum, prefix, text):
    rows = [(n[len(prefix):].lower(), v) for n, v in enumerators(text, enum)]
    w = max(len(n) for n, _ in rows)
    w = max(w, 4)
    rule = "=" * w + "  " + "==="
    out = [".. names-table: %s begin" % key, "", rule,
           "name".ljust(w) + "  " + "bit", rule]
    out += [n.ljust(w) + "  " + str(v) for n, v in rows]
    out += [rule, "", ".. names-table: %s end" % key]
    return "\n".join(out)

if __name__ == "__main__":
    text = open(sys.argv[1] if len(sys.argv) > 1 else
                "/work/edit/include/uapi/linux/bpf.h").read()
    for key, enum, prefix in ENUMS:
        print(table(key, enum, prefix, text))
        print()
