#!/usr/bin/env python3
"""Build token.rst from token.rst.in, or check token.rst against a kernel tree.

  build.py [--tree DIR]                 write token.rst
  build.py --check [--tree DIR] [--rst FILE]
                                        check FILE (default: token.rst here)

DIR is the root of the kernel tree the samples and the name tables come
from: --tree, else $KERNEL_TREE, else /work/edit.  Python 3, stdlib only.

In token.rst.in and token.rst, a code sample is announced by a comment

    .. sample: tools/testing/selftests/bpf/prog_tests/token_obj.c

(the path relative to the tree root), followed by a paragraph that ends in
"::" and the literal block: each line of it is one tab followed by a source
line (empty lines stay empty).  In token.rst.in the literal block is a
placeholder that names the excerpt by its first and last lines, compared
with runs of white space as one blank and none at either end.  The first
must occur once in the file; the excerpt ends at the next line that reads
as the last and is indented as the first ("to:"), or as the first plus N
tabs ("to+N:"):

    @@SAMPLE
    from: static int load_obj(const char *path, struct token_obj **skelp)
    to: }
    @@

A name table is the placeholder "@@TABLE <key>@@" (cmds, maps, progs,
attachs) in token.rst.in; in token.rst it is the text between the comments
".. names-table: <key> begin" and ".. names-table: <key> end", generated
from include/uapi/linux/bpf.h of the tree (gen_tables.py).

--check fails (exit status 1) and prints what differs when
  - a sample's lines do not appear verbatim, contiguous and in order in the
    file its marker names (or that file does not exist),
  - a names-table is missing, repeated, or differs from the UAPI header,
  - an ".. output:" comment names a file that does not exist,
  - token.rst is not what token.rst.in builds to with that tree.
"""
import difflib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_tables  # noqa: E402

SAMPLE_RE = re.compile(r"\.\. sample: (\S+)$")
OUTPUT_RE = re.compile(r"\.\. output: (\S+)")
TABLE_RE = re.compile(r"\.\. names-table: (\w+) (begin|end)$")


class BuildError(Exception):
    pass


def read(path):
    with open(path) as f:
        return f.read()


def src_lines(tree, path):
    full = os.path.join(tree, path)
    if not os.path.isfile(full):
        raise BuildError("%s: no such file in %s" % (path, tree))
    return read(full).split("\n")


def norm(line):
    """@line with its runs of white space made one blank, none at the ends."""
    return " ".join(line.split())


def indent(line):
    return line[:len(line) - len(line.lstrip())]


def excerpt(tree, path, first, last, deeper=0):
    """
    The lines of @path from the one that reads @first to the next one that
    reads @last and is indented as the first one plus @deeper tabs.
    """
    lines = src_lines(tree, path)
    first, last = norm(first), norm(last)
    starts = [i for i, l in enumerate(lines) if norm(l) == first]
    if len(starts) != 1:
        raise BuildError("%s: %d lines read '%s', need exactly one"
                         % (path, len(starts), first))
    depth = indent(lines[starts[0]]) + "\t" * deeper
    for j in range(starts[0], len(lines)):
        if norm(lines[j]) == last and indent(lines[j]) == depth:
            return lines[starts[0]:j + 1]
    raise BuildError("%s: no line '%s' after '%s', indented as it%s"
                     % (path, last, first,
                        " plus %d tab(s)" % deeper if deeper else ""))


def literal(lines):
    return "\n".join("\t" + l if l else "" for l in lines)


def build_text(tree):
    """token.rst as token.rst.in and the tree make it."""
    uapi = read(os.path.join(tree, gen_tables.UAPI))
    out, path, used = [], None, True
    lines = read(os.path.join(HERE, "token.rst.in")).split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        m = SAMPLE_RE.match(l)
        if m:
            if not used:
                raise BuildError("sample of %s has no @@SAMPLE" % path)
            path, used = m.group(1), False
        if l == "@@SAMPLE":
            if path is None or used:
                raise BuildError("line %d: @@SAMPLE without a "
                                 "'.. sample:' marker before it" % (i + 1))
            try:
                first = lines[i + 1]
                last = lines[i + 2]
                end = lines[i + 3]
            except IndexError:
                raise BuildError("line %d: short @@SAMPLE" % (i + 1))
            m = re.match(r"to(?:\+(\d+))?: (.*)$", last)
            if not first.startswith("from: ") or not m or end != "@@":
                raise BuildError("line %d: @@SAMPLE needs 'from: ', "
                                 "'to: ' (or 'to+N: ') and '@@'" % (i + 1))
            out.append(literal(excerpt(tree, path, first[6:], m.group(2),
                                       int(m.group(1) or 0))))
            used = True
            i += 4
            continue
        m = re.match(r"@@TABLE (\w+)@@$", l)
        if m:
            try:
                out.append(gen_tables.table(m.group(1), uapi))
            except (KeyError, ValueError) as e:
                raise BuildError("line %d: %s" % (i + 1, e))
            i += 1
            continue
        if "@@" in l:
            raise BuildError("line %d: stray placeholder: %s" % (i + 1, l))
        out.append(l)
        i += 1
    if not used:
        raise BuildError("sample of %s has no @@SAMPLE" % path)
    return "\n".join(out)


# ---- checking ----

def sample_block(lines, i):
    """The literal block of the sample marker at line @i: (start, lines)."""
    j = i + 1
    while j < len(lines) and not lines[j].endswith("::"):
        if SAMPLE_RE.match(lines[j]) or re.match(r"[=\-~]{3,}$", lines[j]):
            return None, None
        j += 1
    j += 1
    while j < len(lines) and lines[j] == "":
        j += 1
    start, got = j, []
    while j < len(lines) and (lines[j].startswith("\t") or lines[j] == ""):
        got.append(lines[j][1:] if lines[j] else "")
        j += 1
    while got and got[-1] == "":
        got.pop()
    return start, got


def find_block(src, block):
    n = len(block)
    return any(src[k:k + n] == block for k in range(len(src) - n + 1))


def closest(src, block):
    """The window of @src that best matches @block, for the report."""
    sm = difflib.SequenceMatcher(None, src, block, autojunk=False)
    a, b, size = sm.find_longest_match(0, len(src), 0, len(block))
    if size == 0:
        return 0, []
    start = max(0, a - b)
    return start, src[start:start + len(block)]


def check_samples(lines, tree, problems):
    n = 0
    for i, l in enumerate(lines):
        m = SAMPLE_RE.match(l)
        if not m:
            continue
        n += 1
        path = m.group(1)
        start, block = sample_block(lines, i)
        if not block:
            problems.append("line %d: sample of %s has no literal block"
                            % (i + 1, path))
            continue
        try:
            src = src_lines(tree, path)
        except BuildError as e:
            problems.append("line %d: %s" % (i + 1, e))
            continue
        if find_block(src, block):
            continue
        at, window = closest(src, block)
        diff = difflib.unified_diff(
            window, block, "%s (lines %d-)" % (path, at + 1),
            "token.rst (lines %d-)" % (start + 1), lineterm="", n=1)
        problems.append("line %d: sample is not a verbatim excerpt of %s:\n%s"
                        % (i + 1, path, "\n".join(diff)))
    return n


def check_tables(lines, tree, problems):
    uapi = read(os.path.join(tree, gen_tables.UAPI))
    spans = {}
    open_key = None
    for i, l in enumerate(lines):
        m = TABLE_RE.match(l)
        if not m:
            continue
        key, what = m.groups()
        if what == "begin":
            if open_key:
                problems.append("line %d: names-table %s begins inside %s"
                                % (i + 1, key, open_key[0]))
            open_key = (key, i)
        else:
            if not open_key or open_key[0] != key:
                problems.append("line %d: names-table %s ends unopened"
                                % (i + 1, key))
                continue
            spans.setdefault(key, []).append((open_key[1], i))
            open_key = None
    if open_key:
        problems.append("names-table %s never ends" % open_key[0])
    for key, _, _ in gen_tables.ENUMS:
        found = spans.get(key, [])
        if len(found) != 1:
            problems.append("names-table %s: found %d times, need 1"
                            % (key, len(found)))
            continue
        a, b = found[0]
        got = lines[a:b + 1]
        want = gen_tables.table(key, uapi).split("\n")
        if got == want:
            continue
        have = {tuple(r.split()) for r in got if re.match(r"\S+ +\d+$", r)}
        need = {(n, str(v)) for n, v in gen_tables.rows(key, uapi)}
        msg = ["names-table %s (line %d) differs from %s:"
               % (key, a + 1, gen_tables.UAPI)]
        for n, v in sorted(need - have, key=lambda r: int(r[1])):
            msg.append("  missing: %s %s" % (n, v))
        for n, v in sorted(have - need, key=lambda r: int(r[1])):
            msg.append("  not in the header: %s %s" % (n, v))
        msg += ["  " + d for d in difflib.unified_diff(
            want, got, "generated", "token.rst", lineterm="", n=0)]
        problems.append("\n".join(msg))


def check_outputs(lines, tree, problems):
    for i, l in enumerate(lines):
        m = OUTPUT_RE.match(l)
        if m and not os.path.isfile(os.path.join(tree, m.group(1))):
            problems.append("line %d: output names %s, not in %s"
                            % (i + 1, m.group(1), tree))


def check_fresh(text, tree, problems):
    try:
        want = build_text(tree)
    except BuildError as e:
        problems.append("token.rst.in does not build: %s" % e)
        return
    if want == text:
        return
    diff = list(difflib.unified_diff(want.split("\n"), text.split("\n"),
                                     "token.rst.in, built", "token.rst",
                                     lineterm="", n=1))
    more = len(diff) > 60
    problems.append("token.rst is not what token.rst.in builds to:\n%s%s"
                    % ("\n".join(diff[:60]),
                       "\n(%d more lines)" % (len(diff) - 60) if more else ""))


def check(tree, rst):
    text = read(rst)
    lines = text.split("\n")
    problems = []
    if "@@" in text:
        problems.append("a placeholder was left in %s" % rst)
    n = check_samples(lines, tree, problems)
    check_tables(lines, tree, problems)
    check_outputs(lines, tree, problems)
    check_fresh(text, tree, problems)
    for p in problems:
        print(p)
    print("%s: %d samples, %d tables checked against %s: %d problem(s)"
          % (os.path.basename(rst), n, len(gen_tables.ENUMS), tree,
             len(problems)))
    return 1 if problems else 0


def main(argv):
    tree = gen_tables.default_tree()
    rst = os.path.join(HERE, "token.rst")
    do_check = False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--check":
            do_check = True
        elif a == "--tree" and args:
            tree = args.pop(0)
        elif a == "--rst" and args:
            rst = args.pop(0)
        else:
            sys.stderr.write(__doc__)
            return 2
    if do_check:
        return check(tree, rst)
    try:
        text = build_text(tree)
    except BuildError as e:
        sys.stderr.write("build.py: %s\n" % e)
        return 1
    with open(rst, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
