#!/usr/bin/env bash
# Judge a test_progs output log:
#
#   tp-results.sh OUTPUT_LOG [NAME...]
#
# Prints "N passed, N failed, N skipped" (top-level tests) and fails when
# a test failed, when test_progs did not reach its summary, when a NAME
# (glob, test or test/subtest) matched no result, or when a test or
# subtest named in OWN_TESTS (default tests/own.list: the series' own
# tests) was skipped.
. "$(dirname "$0")/lib.sh"

log_file=${1:?usage: tp-results.sh OUTPUT_LOG [NAME...]}
shift
own_list=${OWN_TESTS:-$TOP/tests/own.list}

# "#12      name:OK" and "#12/3    name/sub:SKIP"; failures are printed
# twice (again under "All error logs"), hence sort -u.
results=$(sed -n -E 's/^#[0-9]+(\/[0-9]+)? +([^ ]+):(OK|SKIP|FAIL)$/\2 \3/p' "$log_file" |
	sort -u)

count() {
	echo "$results" | awk -v want="$1" '$1 !~ /\// && $2 == want' | grep -c . || true
}

passed=$(count OK)
failed=$(count FAIL)
skipped=$(count SKIP)
bad=0

if ! grep -q '^Summary: ' "$log_file"; then
	echo "FAIL: test_progs did not reach its summary" >&2
	bad=1
fi
if [ "$failed" != 0 ]; then
	echo "FAIL: failed tests:" >&2
	echo "$results" | awk '$2 == "FAIL" { print "  " $1 }' >&2
	bad=1
fi

for name in "$@"; do
	found=0
	while read -r rname _; do
		# shellcheck disable=SC2053 # NAME is a glob on purpose
		if [[ $rname == $name ]]; then
			found=1
			break
		fi
	done <<<"$results"
	if [ $found = 0 ]; then
		echo "FAIL: no test or subtest matches '$name'" >&2
		bad=1
	fi
done

if [ -f "$own_list" ]; then
	while read -r rname res; do
		[ "$res" = SKIP ] || continue
		while read -r own; do
			case $own in '' | '#'*) continue ;; esac
			# shellcheck disable=SC2053
			if [[ ${rname%%/*} == $own || $rname == $own ]]; then
				echo "FAIL: the series' own test $rname was skipped" >&2
				bad=1
			fi
		done <"$own_list"
	done <<<"$results"
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit $bad
