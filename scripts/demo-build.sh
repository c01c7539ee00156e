#!/usr/bin/env bash
# Build the demo's programs against the series' libbpf (build/demo-bin).
. "$(dirname "$0")/lib.sh"

out=$BUILD/demo-bin
mkdir -p "$out/libbpf"
make -C "$LINUX/tools/lib/bpf" -s -j"$JOBS" OUTPUT="$out/libbpf/" \
	CC="ccache gcc" "$out/libbpf/libbpf.a" >/dev/null
make -C "$LINUX/tools/lib/bpf" -s OUTPUT="$out/libbpf/" \
	DESTDIR="$out/libbpf" prefix= install_headers >/dev/null
gcc -O2 -Wall -Werror -I"$out/libbpf/include" \
	-I"$LINUX/tools/include/uapi" \
	-o "$out/token-demo" "$TOP/demo/token-demo.c" \
	"$out/libbpf/libbpf.a" -lelf -lz
log "demo: built $out/token-demo"
