#!/usr/bin/env bash
# Build the demo's programs against the series' libbpf (build/demo-bin):
# token-demo, with the skeleton of demo/counter.bpf.c, and the series'
# bpftool and bpf-delegate, which the guest runs; and bpf-delegate's man
# page, which fails to build on any reStructuredText warning.
. "$(dirname "$0")/lib.sh"

out=$BUILD/demo-bin
mkdir -p "$out/libbpf" "$out/bpftool-build"
make -C "$LINUX/tools/lib/bpf" -s -j"$JOBS" OUTPUT="$out/libbpf/" \
	CC="ccache gcc" "$out/libbpf/libbpf.a" >/dev/null
make -C "$LINUX/tools/lib/bpf" -s OUTPUT="$out/libbpf/" \
	DESTDIR="$out/libbpf" prefix= install_headers >/dev/null
make -C "$LINUX/tools/bpf/bpftool" -s -j"$JOBS" \
	OUTPUT="$out/bpftool-build/" CC="ccache gcc" >/dev/null 2>&1 ||
	die "demo: building bpftool failed"
cp "$out/bpftool-build/bpftool" "$out/bpftool"
mkdir -p "$out/bpf-delegate-build"
make -C "$LINUX/tools/bpf/bpf-delegate" -s OUTPUT="$out/bpf-delegate-build/" \
	CC="ccache gcc" all doc ||
	die "demo: building bpf-delegate or its man page failed"
cp "$out/bpf-delegate-build/bpf-delegate" "$out/bpf-delegate"

clang -g -O2 -target bpf -I"$out/libbpf/include" \
	-I"$LINUX/tools/include/uapi" \
	-c "$TOP/demo/counter.bpf.c" -o "$out/counter.bpf.o"
"$out/bpftool" gen skeleton "$out/counter.bpf.o" name counter \
	>"$out/counter.skel.h"

gcc -O2 -Wall -Werror -I"$out" -I"$out/libbpf/include" \
	-I"$LINUX/tools/include/uapi" \
	-o "$out/token-demo" "$TOP/demo/token-demo.c" \
	"$out/libbpf/libbpf.a" -lelf -lz
log "demo: built $out/token-demo, $out/bpftool and $out/bpf-delegate"
