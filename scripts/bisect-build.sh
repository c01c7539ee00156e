#!/usr/bin/env bash
# Build the kernel after each patch of the series in turn, in a separate
# worktree and build directory (build/linux is left alone), and name the
# first patch that breaks the build.  A patch that touches libbpf,
# bpftool or bpf-delegate must also build them (the selftests are built
# once, for the whole series, by make check).  FROM=N starts at patch N
# (the ones before it already built on their own in an earlier run).
. "$(dirname "$0")/lib.sh"

# Same layout as build/linux + build/kbuild, so ccache hits.
wt=$BUILD/bisect/linux
kb=$BUILD/bisect/kbuild
tb=$BUILD/bisect/tools

[ -d "$LINUX/.git" ] || die "no $LINUX (make tree)"
git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$wt" base
trap 'git -C "$LINUX" worktree remove --force "$wt"' EXIT

mkdir -p "$kb" "$tb/libbpf" "$tb/bpftool" "$tb/bpf-delegate"
cp "$KBUILD/.config" "$kb/.config" 2>/dev/null ||
	die "no $KBUILD/.config (make kernel first)"

mapfile -t commits < <(git -C "$LINUX" rev-list --reverse base..HEAD)
from=${FROM:-1}
log "bisect-build: ${#commits[@]} patches, from patch $from"
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	[ "$i" -ge "$from" ] || continue
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	git -C "$wt" checkout -q "$c"
	printf '[%d/%d] %s ... ' "$i" "${#commits[@]}" "$subject"
	if ! make -C "$wt" O="$kb" CC="ccache gcc" HOSTCC="ccache gcc" \
			-j"$JOBS" -s olddefconfig bzImage modules \
			>"$kb/build-$i.log" 2>&1; then
		echo FAILED
		tail -30 "$kb/build-$i.log"
		die "patch $i breaks the build: $subject"
	fi
	if [ -z "$(git -C "$LINUX" diff --name-only "$c^" "$c" -- \
			tools/lib/bpf tools/bpf)" ]; then
		echo ok
		continue
	fi
	if ! { make -C "$wt/tools/lib/bpf" -s -j"$JOBS" CC="ccache gcc" \
			OUTPUT="$tb/libbpf/" &&
		make -C "$wt/tools/bpf/bpftool" -s -j"$JOBS" \
			CC="ccache gcc" OUTPUT="$tb/bpftool/" &&
		if [ -d "$wt/tools/bpf/bpf-delegate" ]; then
			make -C "$wt/tools/bpf/bpf-delegate" -s \
				CC="ccache gcc" OUTPUT="$tb/bpf-delegate/"
		fi; } >"$tb/build-$i.log" 2>&1; then
		echo "FAILED (libbpf, bpftool or bpf-delegate)"
		tail -30 "$tb/build-$i.log"
		die "patch $i breaks libbpf, bpftool or bpf-delegate: $subject"
	fi
	echo "ok (kernel, libbpf, bpftool, bpf-delegate)"
done
log "bisect-build: patches $from-${#commits[@]} each build"
