#!/usr/bin/env bash
# make demo: boot our kernel and play demo/guest.sh in the VM.
. "$(dirname "$0")/lib.sh"

TIMEOUT=${TIMEOUT:-$((300 * SLOW))} "$TOP/scripts/vm-run.sh" "$BUILD/demo" "$TOP/demo/guest.sh"
