#!/usr/bin/env bash
# Write build/linux's commits after "base" back to patches/ and rewrite
# patches/series.  Output is stable: an unchanged commit gives an
# unchanged file (zeroed From hash, no signature, no numbering).
. "$(dirname "$0")/lib.sh"

[ -d "$LINUX/.git" ] || die "no $LINUX (make tree)"
git -C "$LINUX" rev-parse -q --verify base >/dev/null || die "no base tag in $LINUX"
dirty=$(git -C "$LINUX" status --porcelain --untracked-files=no)
[ -z "$dirty" ] || die "$LINUX has uncommitted changes; commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$LINUX" -c core.abbrev=12 -c diff.noprefix=false \
	-c diff.mnemonicprefix=false format-patch -q --zero-commit \
	--no-signature --no-numbered --no-renames -o "$tmp" base..HEAD

find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
: >"$PATCHES/series"
n=0
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	cp "$p" "$PATCHES/"
	basename "$p" >>"$PATCHES/series"
	n=$((n + 1))
done
log "exported $n patches to patches/"
