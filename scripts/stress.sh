#!/usr/bin/env bash
# robust/token-stress in the VM: WORKLOADS (4) workloads at a time for
# STRESS_SECONDS (60) from SEED (1) (STRESS_BIN, STRESS_OUT: another
# binary, another log directory).  Fails on a broken invariant, on
# objects left behind, on a kernel report and (DEBUG=1) on a
# kmemleak report.  Logs in build/stress$FLAVOUR.
. "$(dirname "$0")/lib.sh"

bin=${STRESS_BIN:-$BUILD/robust/token-stress}
[ -x "$bin" ] || die "no $bin (scripts/robust-build.sh)"
secs=${STRESS_SECONDS:-60}
out=${STRESS_OUT:-$BUILD/stress$FLAVOUR}
mkdir -p "$out"
cat >"$out/guest.sh" <<GUEST
#!/bin/bash
"$bin" -t $secs -s ${SEED:-1} -w ${WORKLOADS:-4}
GUEST
# slab_nomerge: the user_namespace count is that cache's alone
VM_APPEND=slab_nomerge VM_QUIET=1 TIMEOUT=$((secs * 4 + 600)) \
	"$TOP/scripts/vm-run.sh" "$out/vm" "$out/guest.sh" ||
	{ tail -20 "$out/vm/output.log"; die "stress: failed (log: $out/vm)"; }
grep -E '^(manager|workloads|before|after):' "$out/vm/output.log"
log "stress: ${secs} s, seed ${SEED:-1}: no broken invariant, nothing left" \
	"behind, no kernel report (guest ran $(cat "$out/vm/seconds") s)"
