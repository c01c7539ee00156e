#!/usr/bin/env bash
# Run test_progs in the VM and judge the result:
#
#   test-progs.sh OUTDIR NAME...
#
# NAMEs are test_progs allow-list globs (test or test/subtest).  SETUP is
# a shell command the guest runs first.
. "$(dirname "$0")/lib.sh"

out=${1:?usage: test-progs.sh OUTDIR NAME...}
shift
[ $# -gt 0 ] || die "no tests named (TESTS=)"
sel=$LINUX/tools/testing/selftests/bpf
[ -x "$sel/test_progs" ] || die "no $sel/test_progs (make selftests)"

allow=$(
	IFS=,
	echo "$*"
)
mkdir -p "$BUILD"
script=$(mktemp "$BUILD/run.XXXXXX")
trap 'rm -f "$script"' EXIT
cat >"$script" <<SCRIPT
#!/bin/bash
# test_progs wants a writable directory: link the build in, and load the
# bpf_testmod.ko built for the kernel that runs.
mkdir -p /tmp/tp && cd /tmp/tp || exit 1
ln -s "$sel"/* .
ln -sf "\$vmtest_kbuild/testmod/bpf_testmod.ko" bpf_testmod.ko
${SETUP:-}
./test_progs -a '$allow'
SCRIPT

set +e
TIMEOUT=${TIMEOUT:-$((1200 * SLOW))} "$TOP/scripts/vm-run.sh" "$out" "$script"
vm_rc=$?
set -e
rc=0
"$TOP/scripts/tp-results.sh" "$out/output.log" "$@" || rc=1
[ $vm_rc = 0 ] || rc=1
# test_progs only warns and skips what needs it
if grep -q "Failed to load bpf_testmod.ko" "$out/output.log"; then
	echo "FAIL: bpf_testmod.ko did not load (built for another kernel?)"
	rc=1
fi
exit $rc
