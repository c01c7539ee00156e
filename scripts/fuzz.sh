#!/usr/bin/env bash
# robust/token-fuzz in the VM: FUZZ_ITERATIONS (20000) mount-option and
# bpf() iterations from SEED (1) (FUZZ_BIN, FUZZ_OUT: another binary,
# another log directory).  Fails on a result the oracle or the
# documented errnos do not allow, on a leaked fd or object, on a kernel
# report and (DEBUG=1) on a kmemleak report.  Prints the errno
# histogram.  Logs in build/fuzz$FLAVOUR.
. "$(dirname "$0")/lib.sh"

bin=${FUZZ_BIN:-$BUILD/robust/token-fuzz}
[ -x "$bin" ] || die "no $bin (scripts/robust-build.sh)"
iters=${FUZZ_ITERATIONS:-20000}
out=${FUZZ_OUT:-$BUILD/fuzz$FLAVOUR}
mkdir -p "$out"
cat >"$out/guest.sh" <<GUEST
#!/bin/bash
"$bin" -n $iters -s ${SEED:-1}
GUEST
VM_APPEND=slab_nomerge VM_QUIET=1 TIMEOUT=$((iters / 20 + 600)) \
	"$TOP/scripts/vm-run.sh" "$out/vm" "$out/guest.sh" ||
	{ tail -20 "$out/vm/output.log"; die "fuzz: failed (log: $out/vm)"; }
sed -n '/iterations; errno histogram/,/^after:/p' "$out/vm/output.log"
log "fuzz: seed ${SEED:-1}: every result allowed, nothing leaked, no kernel" \
	"report (guest ran $(cat "$out/vm/seconds") s)"
