#!/usr/bin/env bash
# Generate the VM kernel's .config in $KBUILD from the selftests' fragments
# (minus config/trim.list), config/vm.config and, with DEBUG=1,
# config/debug.config; then fail if Kconfig dropped anything we asked for.
. "$(dirname "$0")/lib.sh"

sel=$LINUX/tools/testing/selftests/bpf
mkdir -p "$KBUILD"
frag=$KBUILD/fragment.config

# Drop trimmed symbols from the selftests' fragments.
trimmed() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/config/trim.list" |
		sed 's/.*/^&=/' >"$KBUILD/trim.re"
	grep -h -v -f "$KBUILD/trim.re" "$sel/config" "$sel/config.x86_64"
}

{
	trimmed
	cat "$TOP/config/vm.config"
	if [ "${DEBUG:-0}" = 1 ]; then
		cat "$TOP/config/debug.config"
	fi
} >"$frag.new"

stamp=$(sha256sum "$frag.new" | cut -d' ' -f1)
if [ -f "$KBUILD/.config" ] && [ -f "$KBUILD/fragment.stamp" ] &&
		[ "$(cat "$KBUILD/fragment.stamp")" = "$stamp" ]; then
	rm -f "$frag.new"
	exit 0
fi
mv "$frag.new" "$frag"

log "configuring $KBUILD"
(cd "$LINUX" && ./scripts/kconfig/merge_config.sh -O "$KBUILD" "$frag") \
	>"$KBUILD/merge_config.log" 2>&1 ||
	{ cat "$KBUILD/merge_config.log"; die "merge_config.sh failed"; }

# Every symbol the fragment asks for (last value wins) must be in .config
# with that value.
want=$KBUILD/want.config
sed -n -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' \
	-e '/^CONFIG_/p' "$frag" |
	awk -F= '{ v[$1] = substr($0, length($1) + 2) } END { for (k in v) print k "=" v[k] }' |
	sort >"$want"
bad=0
while IFS='=' read -r sym val; do
	have=$(grep -m1 -e "^$sym=" "$KBUILD/.config" | cut -d= -f2- || true)
	[ -n "$have" ] || have=n
	if [ "$have" != "$val" ]; then
		echo "Kconfig dropped $sym: asked $val, got $have" >&2
		bad=1
	fi
done <"$want"
[ $bad = 0 ] || die "the config fragment is not what Kconfig built (see above); fix config/"
echo "$stamp" >"$KBUILD/fragment.stamp"
log "config ok: $(wc -l <"$want") requested symbols present"
