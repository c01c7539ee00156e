#!/usr/bin/env bash
# Build Documentation/bpf, and userspace-api/ebpf (the UAPI header's
# command comments), as the kernel builds them (Sphinx, make htmldocs
# SPHINXDIRS=...), from scratch so that every warning is printed again.
# Fails on a warning in a file the series adds or changes there or in
# include/uapi/linux/bpf.h (the base has warnings of its own) and when a
# page the series adds is not built;
# then checks token.rst's samples and tables against the tree, and renders
# the UAPI header's command and helper comments and the series' man pages
# under tools/.
. "$(dirname "$0")/lib.sh"

[ -e "$LINUX/.git" ] || die "no $LINUX (make tree)"
out=$BUILD/docs
log=$out.log
# userspace-api/ebpf renders the UAPI header's command comments (kernel-doc)
dirs="bpf userspace-api/ebpf"
mapfile -t ours < <(git -C "$LINUX" diff --name-only --diff-filter=AM \
	base..HEAD -- Documentation/bpf include/uapi/linux/bpf.h)

rm -rf "$out"
mkdir -p "$out"
if ! make -C "$LINUX" -s O="$out" htmldocs SPHINXDIRS="$dirs" >"$log" 2>&1; then
	tail -n 20 "$log"
	die "docs: make htmldocs failed (log: $log)"
fi

bad=0
for f in "${ours[@]}"; do
	# Sphinx names a file by its absolute path, then ':'
	grep -F "$LINUX/$f:" "$log" && bad=1
	case $f in
	*.rst)
		page=$out/Documentation/output/bpf/${f#Documentation/bpf/}
		if [ ! -f "${page%.rst}.html" ]; then
			echo "docs: $f was not built"
			bad=1
		fi
		;;
	esac
done
[ $bad = 0 ] || die "docs: the series' documentation has warnings (log: $log)"

# token.rst's code samples are excerpts of files the selftests compile,
# its name tables those of the UAPI header
python3 "$TOP/scripts/doc-samples.py" "$LINUX" ||
	die "docs: Documentation/bpf/token.rst does not match the tree"

# The UAPI comments (BPF_TOKEN_CREATE's among the commands) become the
# bpf-syscall and bpf-helpers man pages through bpf_doc.py and rst2man.
for part in syscall helpers; do
	if ! python3 "$LINUX/scripts/bpf_doc.py" \
			--filename "$LINUX/include/uapi/linux/bpf.h" "$part" |
			rst2man --strict >/dev/null; then
		die "docs: the $part comments of include/uapi/linux/bpf.h do not render"
	fi
done
# The man pages the series adds or changes under tools/ (bpftool's,
# bpf-delegate's), as their Makefiles build them
mapfile -t man < <(git -C "$LINUX" diff --name-only --diff-filter=AM \
	base..HEAD -- 'tools/*.rst')
for f in "${man[@]}"; do
	rst2man --strict "$LINUX/$f" >/dev/null ||
		die "docs: $f does not render (rst2man --strict)"
done
log "docs: Documentation/bpf and userspace-api/ebpf built; ${#ours[@]} files of the series, no warnings; token.rst true to the tree; bpf.h's syscall and helpers comments and ${#man[@]} man pages of the series render"
