#!/usr/bin/env bash
# checkpatch.pl --strict over every patch in patches/series, with the
# options of the netdev/bpf patchwork CI.  Errors fail; warnings and
# checks are listed (each kept one must be justified in its commit).
. "$(dirname "$0")/lib.sh"

cp=$LINUX/scripts/checkpatch.pl
[ -x "$cp" ] || die "no $cp (make tree)"
mapfile -t series < <(grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series" 2>/dev/null || true)
if [ ${#series[@]} -eq 0 ]; then
	log "checkpatch: patches/series is empty"
	exit 0
fi

# spdxcheck.py needs Debian's python3 (with python3-ply), not another one
# that happens to come first in PATH
export PATH=/usr/bin:$PATH

bad=0
for p in "${series[@]}"; do
	res=$(cd "$LINUX" && "$cp" --strict --terse --show-types --no-summary \
		--max-line-length=80 \
		--ignore=COMMIT_LOG_LONG_LINE,MACRO_ARG_REUSE,ALLOC_SIZEOF_STRUCT,NO_AUTHOR_SIGN_OFF,GIT_COMMIT_ID,CAMELCASE,FILE_PATH_CHANGES \
		"$PATCHES/$p" 2>&1) || true
	if [ -n "$res" ]; then
		echo "$res"
	fi
	if echo "$res" | grep -q 'ERROR:'; then
		bad=1
	fi
done
[ $bad = 0 ] || die "checkpatch: errors in patches/"
log "checkpatch: ${#series[@]} patches, no errors"
