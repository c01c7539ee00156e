#!/usr/bin/env bash
# robust/token-bench under -icount shift=0,sleep=off with one vCPU
# (virtual time follows executed instructions and skips idle time), one
# boot of our kernel and one of the base kernel (scripts/base-kernel.sh,
# same .config); then the table of ns/op and the ratios to the goals
# (scripts/bench-table.py), also in build/bench/table.md.  BENCH_RUNS
# (11) runs of BENCH_ITERATIONS (200) calls per operation.
. "$(dirname "$0")/lib.sh"

[ "${DEBUG:-0}" = 0 ] || die "bench: the plain kernel only (DEBUG=0, no KASAN)"
bin=$BUILD/robust/token-bench
[ -x "$bin" ] || die "no $bin (scripts/robust-build.sh)"
base=$BUILD/base/kbuild
[ -f "$base/arch/x86/boot/bzImage" ] || die "no base kernel in $base (scripts/base-kernel.sh)"
cmp -s "$KBUILD/.config" "$base/.config" ||
	die "the base kernel's .config is not ours (scripts/base-kernel.sh)"
out=$BUILD/bench
mkdir -p "$out"
cat >"$out/guest.sh" <<GUEST
#!/bin/bash
"$bin" -r ${BENCH_RUNS:-11} -n ${BENCH_ITERATIONS:-200}
GUEST
for kernel in ours base; do
	kb=$KBUILD
	[ $kernel = ours ] || kb=$base
	VM_KBUILD=$kb VM_ICOUNT=1 VM_SMP=1 VM_QUIET=1 TIMEOUT=3600 \
		"$TOP/scripts/vm-run.sh" "$out/$kernel" "$out/guest.sh" ||
		die "bench: the run on the $kernel kernel failed (log: $out/$kernel)"
done
python3 "$TOP/scripts/bench-table.py" "$out/ours/output.log" \
	"$out/base/output.log" | tee "$out/table.md"
