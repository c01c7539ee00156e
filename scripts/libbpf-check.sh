#!/usr/bin/env bash
# libbpf's own checks: every exported symbol is in libbpf.map, and the
# version in libbpf_version.h matches the newest version node.
. "$(dirname "$0")/lib.sh"

out=$BUILD/libbpf-check
mkdir -p "$out"
if ! make -C "$LINUX/tools/lib/bpf" -s -j"$JOBS" OUTPUT="$out/" \
		CC="ccache gcc" check >"$out/check.log" 2>&1; then
	cat "$out/check.log"
	die "libbpf: make check failed"
fi
log "libbpf: ABI and version checks pass ($(basename "$(readlink -f "$out/libbpf.so")"))"
