#!/usr/bin/env bash
# Build the base kernel (tag "base", no patches) with the same .config as
# ours, and bpf_testmod.ko for it, for make regress: build/base/kbuild.
# The worktree stays, so later builds are incremental.
. "$(dirname "$0")/lib.sh"

# Same layout as build/linux + build/kbuild, so ccache hits.
wt=$BUILD/base/linux
kb=$BUILD/base/kbuild

[ -d "$LINUX/.git" ] || die "no $LINUX (make tree)"
[ -f "$KBUILD/.config" ] || die "no $KBUILD/.config (make kernel first)"
if [ ! -d "$wt" ]; then
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach "$wt" base
fi
[ "$(git -C "$wt" rev-parse HEAD)" = "$(git -C "$LINUX" rev-parse base)" ] ||
	git -C "$wt" checkout -q --detach base

mkdir -p "$kb"
cmp -s "$KBUILD/.config" "$kb/.config" || cp "$KBUILD/.config" "$kb/.config"
log "building the base kernel in $kb"
make -C "$wt" O="$kb" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS" -s \
	olddefconfig bzImage modules modules_prepare

rm -rf "$kb/testmod"
mkdir -p "$kb/testmod"
cp -p "$wt"/tools/testing/selftests/bpf/bpf_testmod/*.[ch] \
	"$wt/tools/testing/selftests/bpf/bpf_testmod/Makefile" "$kb/testmod/"
make -C "$kb" -s -j"$JOBS" CC="ccache gcc" M="$kb/testmod" modules
log "base kernel: $kb/arch/x86/boot/bzImage"
