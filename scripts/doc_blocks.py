"""The literal blocks of a reST page that a marker comment announces.

Documentation/bpf/token.rst marks a literal block that a harness script
checks with a comment before the paragraph that introduces it:

    .. sample: PATH          (doc-samples.py: an excerpt of PATH)
    .. quick-start: KIND     (quickstart.py: run or compared)

The block is the one after the next line that ends in "::": its lines are
indented by one tab, which is removed (empty lines stay empty).
"""
import re

HEADING_RE = re.compile(r"[=\-~^]{3,}$")


def block_after(lines, i):
    """(line number, lines) of the literal block the marker at @i announces.

    None when a heading or another marker comes first, or the block is
    empty.
    """
    j = i + 1
    while j < len(lines) and not lines[j].endswith("::"):
        if lines[j].startswith(".. ") or HEADING_RE.match(lines[j]):
            return None
        j += 1
    j += 1
    while j < len(lines) and lines[j] == "":
        j += 1
    start, got = j, []
    while j < len(lines) and (lines[j].startswith("\t") or lines[j] == ""):
        got.append(lines[j][1:])
        j += 1
    while got and got[-1] == "":
        got.pop()
    return (start + 1, got) if got else None


def marked(lines, marker_re):
    """[(marker line number, match, block or None)] for @marker_re."""
    out = []
    for i, line in enumerate(lines):
        m = marker_re.match(line)
        if m:
            out.append((i + 1, m, block_after(lines, i)))
    return out
