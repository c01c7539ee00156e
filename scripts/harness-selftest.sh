#!/usr/bin/env bash
# Prove that the VM harness can fail: each broken case must be reported
# as a failure, the passing case as a success.
. "$(dirname "$0")/lib.sh"

out=$BUILD/harness-selftest
rm -rf "$out"
mkdir -p "$out"
# a cheap test that passes on the base kernel
good=bpf_obj_id
bad=0

expect() {
	local want=$1 name=$2 rc
	shift 2

	log "harness-selftest: $name (must $want)"
	set +e
	VM_QUIET=1 "$@" >"$out/$name.log" 2>&1
	rc=$?
	set -e
	if { [ "$want" = pass ] && [ $rc = 0 ]; } ||
			{ [ "$want" = fail ] && [ $rc != 0 ]; }; then
		echo "   ok: $(grep -E '^(FAIL:|[0-9]+ passed|error: docs:|==> docs:)' "$out/$name.log" | tr '\n' ' ')"
	else
		echo "   WRONG: exit $rc; log: $out/$name.log"
		tail -20 "$out/$name.log"
		bad=1
	fi
}

# must also say which report it found
expect_report() {
	local name=$1 pattern=$2

	if ! grep -q -E "$pattern" "$out/$name.log"; then
		echo "   WRONG: $name did not report /$pattern/"
		bad=1
	fi
}

guest_script() {
	local f=$out/$1.sh
	shift
	printf '#!/bin/bash\n%s\n' "$*" >"$f"
	echo "$f"
}

tp=$TOP/scripts/test-progs.sh

expect pass passing-test "$tp" "$out/vm-pass" "$good"

# "pinning" pins into /sys/fs/bpf: without bpffs mounted there it fails
expect fail failing-test env SETUP="umount /sys/fs/bpf" "$tp" "$out/vm-fail" pinning
expect_report failing-test "failed tests:"
expect_report failing-test "^  pinning"

expect fail no-such-test "$tp" "$out/vm-none" "$good" no_such_test_xyz
expect_report no-such-test "no test or subtest matches 'no_such_test_xyz'"

# a test that always skips under TCG (no LBR), posing as one of ours
skip_test=get_branch_snapshot
echo "$skip_test" >"$out/own.list"
expect fail own-test-skipped env OWN_TESTS="$out/own.list" \
	"$tp" "$out/vm-skip" "$skip_test"
expect_report own-test-skipped "own test .* was skipped"

expect fail kernel-warning env SETUP="echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT" \
	"$tp" "$out/vm-warn" "$good"
expect_report kernel-warning "WARNING: CPU:"

expect fail guest-hang env TIMEOUT=60 "$TOP/scripts/vm-run.sh" "$out/vm-hang" \
	"$(guest_script hang 'echo hanging; sleep 100000')"
expect_report guest-hang "did not finish within 60s"

expect fail guest-panic "$TOP/scripts/vm-run.sh" "$out/vm-panic" \
	"$(guest_script panic 'echo PANIC >/sys/kernel/debug/provoke-crash/DIRECT')"
expect_report guest-panic "Kernel panic"

# stress and fuzz must be able to fail: a token left open at the end of
# the stress run, an oracle that takes names case-sensitively
mut=$BUILD/robust/mutants
expect fail stress-leak env STRESS_SECONDS=3 STRESS_BIN="$mut/token-stress-leak" \
	STRESS_OUT="$out/stress-leak" "$TOP/scripts/stress.sh"
expect_report stress-leak "FAIL: objects left behind after 60 s"
expect fail fuzz-oracle env FUZZ_ITERATIONS=300 FUZZ_BIN="$mut/token-fuzz-oracle" \
	FUZZ_OUT="$out/fuzz-oracle" "$TOP/scripts/fuzz.sh"
expect_report fuzz-oracle "FAIL: .*the oracle says"

# docs.sh on a copy of the tree with one more commit: a page of the
# series, with or without a reST error, in the toctree or not
wt=$out/docs/linux
git -C "$LINUX" worktree add -q --detach "$wt" HEAD
docs_case() {
	local want=$1 name=$2 title_underline=$3 in_toc=$4 file=${5:-} edit=${6:-}
	local page=$wt/Documentation/bpf/harness_selftest.rst

	git -C "$wt" reset -q --hard "$(git -C "$LINUX" rev-parse HEAD)"
	printf 'A title\n%s\n\nText.\n' "$title_underline" >"$page"
	if [ "$in_toc" = 1 ]; then
		sed -i 's/^   other$/   other\n   harness_selftest/' \
			"$wt/Documentation/bpf/index.rst"
	fi
	if [ -n "$file" ]; then
		sed -i "$edit" "$wt/$file"
	fi
	git -C "$wt" add -f Documentation/bpf ${file:+"$file"}
	git -C "$wt" -c user.name=harness -c user.email=harness@localhost \
		commit -q -m "harness-selftest: $name"
	expect "$want" "$name" env BUILD="$out/docs" "$TOP/scripts/docs.sh"
}
docs_case pass docs-good "=======" 1
docs_case fail docs-warning "====" 1
expect_report docs-warning "harness_selftest.rst:[0-9]+: WARNING: Title underline too short"
docs_case fail docs-not-in-toctree "=======" 0
expect_report docs-not-in-toctree "harness_selftest.rst: WARNING: document isn't included in any toctree"
# token.rst: a sample that is no longer what its file says, a name
# table that lost a row; a UAPI comment that is bad reST
token=Documentation/bpf/token.rst
docs_case fail docs-sample-changed "=======" 1 "$token" \
	's/mnt_fd = fsmount(fs_fd, 0, 0);/mnt_fd = fsmount(fs_fd, 0, 1);/'
expect_report docs-sample-changed "the sample is not a verbatim excerpt of tools/testing/selftests/bpf/token_helpers.c"
docs_case fail docs-table-row-lost "=======" 1 "$token" '/^token_create  *36$/d'
expect_report docs-table-row-lost "names-table cmds .* is not what include/uapi/linux/bpf.h gives"
docs_case fail docs-uapi-comment "=======" 1 include/uapi/linux/bpf.h \
	's/^ \*\t\t\*\*EOPNOTSUPP\*\*$/ *\t\t**EOPNOTSUPP/'
expect_report docs-uapi-comment "include/uapi/linux/bpf.h:[0-9]+: WARNING: Inline strong start-string without end-string"
git -C "$LINUX" worktree remove --force "$wt"

# The quick start's output check: numbers may differ, words may not
qs=$out/quickstart
mkdir -p "$qs"
printf '4: xdp  name count_packets  tag 3fd39b30425c18f4  gpl\n' >"$qs/expected"
printf '17: xdp  name count_packets  tag 00aa11bb22cc33dd  gpl\n' >"$qs/ids"
printf '4: xdp  name count_packets  tag 3fd39b30425c18f4\n' >"$qs/words"
expect pass quickstart-other-ids "$TOP/scripts/quickstart.py" compare "$qs/expected" "$qs/ids"
expect fail quickstart-other-words "$TOP/scripts/quickstart.py" compare "$qs/expected" "$qs/words"
expect_report quickstart-other-words "^\+N: xdp  name count_packets  tag T$"

if [ $bad = 0 ]; then
	log "harness-selftest: every case was judged right"
else
	die "harness-selftest: the harness misjudged a case (see above)"
fi
