#!/usr/bin/env bash
# Unpack the base into build/linux as a git repo (tag "base") and apply
# patches/ on top.  Refuses to throw away work that is not in patches/.
. "$(dirname "$0")/lib.sh"

git_k() {
	git -C "$LINUX" "$@"
}

# patch-ids of the series files, one per line, sorted
series_ids() {
	local p
	for p in $(series_files); do
		git patch-id --stable <"$PATCHES/$p"
	done | cut -d' ' -f1 | sort
}

tree_ids() {
	git_k log -p --no-merges base..HEAD | git patch-id --stable |
		cut -d' ' -f1 | sort
}

series_files() {
	[ -f "$PATCHES/series" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series"
}

tarball_version() {
	tar -xOJf "$SRC_TARBALL" linux-source-6.1/Makefile |
		awk '/^VERSION =/ {v=$3} /^PATCHLEVEL =/ {p=$3}
		     /^SUBLEVEL =/ {s=$3} END {print v "." p "." s}'
}

unpack() {
	local version=$1

	log "unpacking $SRC_TARBALL ($version) into $LINUX"
	rm -rf "$LINUX"
	mkdir -p "$LINUX"
	tar -xJf "$SRC_TARBALL" -C "$LINUX" --strip-components=1
	git_k init -q -b master
	git_k config user.name "BPF token series"
	git_k config user.email "bpf-token@localhost"
	git_k config core.abbrev 12
	git_k config gc.auto 0
	git_k add -A -f .
	# Fixed identity, date and message: the same tarball always gives
	# the same base commit id.
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' \
	GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git_k commit -q --no-verify -m "base: Debian linux-source-6.1 $version"
	git_k tag -f base >/dev/null
}

# Refuse (unless FORCE=1) when build/linux holds work that patches/ lacks.
check_no_lost_work() {
	local dirty lost

	[ "${FORCE:-0}" = 1 ] && return 0
	if [ -d "$LINUX/.git/rebase-apply" ] || [ -d "$LINUX/.git/rebase-merge" ]; then
		die "$LINUX is in the middle of git am/rebase; finish it, or FORCE=1"
	fi
	dirty=$(git_k status --porcelain --untracked-files=no)
	if [ -n "$dirty" ]; then
		echo "$dirty" >&2
		die "$LINUX has uncommitted changes; commit and 'make export', or FORCE=1"
	fi
	lost=$(comm -23 <(tree_ids) <(series_ids))
	if [ -n "$lost" ]; then
		git_k log --oneline base..HEAD >&2
		die "$LINUX has commits that are not in patches/; 'make export', or FORCE=1"
	fi
}

apply_series() {
	local p

	for p in $(series_files); do
		[ -f "$PATCHES/$p" ] || die "patches/series names missing $p"
		if ! git_k am -q --keep-cr "$PATCHES/$p" >/dev/null 2>&1; then
			git_k am --show-current-patch=diff >/dev/null 2>&1 || true
			git_k am --abort || true
			die "patch does not apply: patches/$p"
		fi
	done
}

[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing (make deps)"
version=$(tarball_version)
case $version in
6.1.*) ;;
*) die "base $version is not 6.1.y; refusing" ;;
esac
log "base version $version"

if [ -d "$LINUX/.git" ] && git_k rev-parse -q --verify base >/dev/null &&
		git_k log -1 --format=%s base | grep -qx "base: Debian linux-source-6.1 $version"; then
	check_no_lost_work
	if [ "$(tree_ids)" = "$(series_ids)" ] &&
			[ "$(git_k rev-list --count base..HEAD)" = "$(series_files | wc -l)" ]; then
		log "build/linux already matches patches/ ($(series_files | wc -l) patches)"
		exit 0
	fi
	# Keep unchanged files' mtimes: only what the series changes is rebuilt.
	git_k reset -q --hard base
else
	if [ -e "$LINUX" ]; then
		[ -d "$LINUX/.git" ] && check_no_lost_work
	fi
	unpack "$version"
fi

apply_series
log "applied $(series_files | wc -l) patches on base $(git_k rev-parse --short base)"
