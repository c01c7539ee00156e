#!/usr/bin/env bash
# make regress: every test_progs test and test_verifier, on the base
# kernel and on ours (same config, same VM, same test binaries).  Lists
# each test that passes on base but not on ours, and fails if there is one.
#
# Each test_progs test runs on its own under PER_TEST seconds (default
# 300); a failing one runs once more before it counts as failed.
# TESTS="a b" limits the run to those test_progs tests (no test_verifier).
. "$(dirname "$0")/lib.sh"

sel=$LINUX/tools/testing/selftests/bpf
out=$BUILD/regress
base_kbuild=$BUILD/base/kbuild
for bin in test_progs test_verifier; do
	[ -x "$sel/$bin" ] || die "no $sel/$bin (make selftests)"
done
[ -f "$base_kbuild/arch/x86/boot/bzImage" ] ||
	die "no base kernel (scripts/base-kernel.sh)"

if [ -n "${TESTS:-}" ]; then
	read -r -a tests <<<"$TESTS"
else
	mapfile -t tests < <("$sel/test_progs" -l)
fi
[ ${#tests[@]} -gt 0 ] || die "no tests"
per_test=${PER_TEST:-300}

rm -rf "$out"
mkdir -p "$out"

# Both runs use a snapshot of our kernel and of the test binaries, so the
# tree can be rebuilt while they run (they take hours).
ours_kbuild=$out/ours-kbuild
mkdir -p "$ours_kbuild/arch/x86/boot" "$ours_kbuild/testmod"
cp "$KBUILD/arch/x86/boot/bzImage" "$ours_kbuild/arch/x86/boot/"
cp "$KBUILD/testmod/bpf_testmod.ko" "$ours_kbuild/testmod/"
cp -a "$sel" "$out/bpf"
sel=$out/bpf

script=$out/guest.sh
cat >"$script" <<SCRIPT
#!/bin/bash
# One kernel's side of make regress (written by scripts/regress.sh).
mkdir -p /tmp/tp && cd /tmp/tp || exit 1
ln -s "$sel"/* .
ln -sf "\$vmtest_kbuild/testmod/bpf_testmod.ko" bpf_testmod.ko
mkdir -p /tmp/vmtest_out/logs
res=/tmp/vmtest_out/results
for t in ${tests[*]}; do
	for try in 1 2; do
		timeout -k 10 $per_test ./test_progs -a "\$t" \\
			>"/tmp/vmtest_out/logs/\$t.\$try" 2>&1
		rc=\$?
		[ \$rc = 0 ] && break
	done
	echo "\$t \$rc \$try" >>"\$res"
	echo "regress: \$t rc=\$rc (run \$try)"
done
if [ -z "${TESTS:-}" ]; then
	# test_verifier skips its unprivileged cases unless this is 0
	sysctl -q kernel.unprivileged_bpf_disabled=0
	./test_verifier >/tmp/vmtest_out/test_verifier.log 2>&1
	echo "test_verifier \$? 1" >>"\$res"
fi
exit 0
SCRIPT

# The two kernels run side by side: half the time, and whatever else
# loads the machine slows both alike.
run() {
	local flavor=$1 kb=$2
	log "regress: ${#tests[@]} tests on the $flavor kernel"
	if ! VM_KBUILD=$kb VM_QUIET=1 TIMEOUT=${TIMEOUT:-14400} \
			"$TOP/scripts/vm-run.sh" "$out/$flavor" "$script" \
			>"$out/$flavor.log" 2>&1; then
		log "regress: the $flavor run reported problems: $out/$flavor/reports"
	fi
	touch "$out/$flavor/results"
	log "regress: $flavor done"
}
run base "$base_kbuild" &
run ours "$ours_kbuild" &
wait

# pass, fail, timeout or "not run" (the VM died first)
result() {
	awk -v t="$2" '$1 == t {
		print ($2 == 0 ? "pass" : ($2 == 124 || $2 == 137) ? "timeout" : "fail")
		found = 1
	} END { if (!found) print "not-run" }' "$out/$1/results"
}

summary=$out/summary
: >"$summary"
regressions=0
[ -n "${TESTS:-}" ] || tests+=(test_verifier)
for t in "${tests[@]}"; do
	b=$(result base "$t")
	o=$(result ours "$t")
	printf '%-40s base %-8s ours %s\n' "$t" "$b" "$o" >>"$out/table"
	if [ "$b" = pass ] && [ "$o" != pass ]; then
		echo "REGRESSION: $t (base: pass, ours: $o)" >>"$summary"
		regressions=$((regressions + 1))
	fi
done

# test_verifier: every case that is OK on base must be OK on ours
if [ -z "${TESTS:-}" ]; then
	ok_cases() {
		awk '/^#[0-9]+\/[up] / && / OK$/ { print $1 }' \
			"$out/$1/test_verifier.log" 2>/dev/null | sort -u
	}
	while read -r c; do
		echo "REGRESSION: test_verifier case $c" >>"$summary"
		regressions=$((regressions + 1))
	done < <(comm -23 <(ok_cases base) <(ok_cases ours))
fi

for f in base ours; do
	printf '%s: %s passed, %s failed, %s timed out, %s passed only on rerun\n' "$f" \
		"$(awk '$2 == 0' "$out/$f/results" | wc -l)" \
		"$(awk '$2 != 0 && $2 != 124 && $2 != 137' "$out/$f/results" | wc -l)" \
		"$(awk '$2 == 124 || $2 == 137' "$out/$f/results" | wc -l)" \
		"$(awk '$2 == 0 && $3 == 2' "$out/$f/results" | wc -l)" >>"$summary"
done
cat "$summary"
log "regress: per-test table in $out/table"
[ $regressions = 0 ] || die "regress: $regressions tests pass on base but not on ours"
log "regress: no test that passes on base fails on ours"
