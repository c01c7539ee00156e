#!/bin/bash
# The demo, as run inside the VM: a container manager delegates part of
# bpf() to a workload in a user namespace through a bpffs instance, and
# the workload turns it into a BPF token and uses it.  First step by step
# (token-demo), then with the series' delegation tool, bpf-delegate.
say() {
	printf '\n--- %s\n' "$*"
}

# vmtest_top: the project directory, exported by scripts/guest-init.sh
bin=${vmtest_top:?}/build/demo-bin

say "The VM runs our kernel:"
uname -r
say "bpf() policy for unprivileged users (2 = refused, the default):"
sysctl kernel.unprivileged_bpf_disabled
say "The container-manager scenario:"
"$bin/token-demo" "$bin/bpftool"

say "The manager's half in one command: bpf-delegate run starts a command as" \
	"host uid 4242, root in new user, mount and network namespaces (on a" \
	"terminal of its own when there is one), with a bpffs at /sys/fs/bpf" \
	"that delegates what counter.bpf.o needs.  The command lists it and" \
	"loads the object; libbpf finds the token by itself."
"$bin/bpf-delegate" --verbose run --user 4242 \
	--cmds map_create:btf_load:prog_load --maps array --progs xdp \
	--attachs xdp -- sh -c "
		'$bin/bpftool' token list &&
		'$bin/bpftool' prog load '$bin/counter.bpf.o' /sys/fs/bpf/counter &&
		'$bin/bpftool' prog show pinned /sys/fs/bpf/counter" ||
	exit 1

say "bpf-delegate mount gives a running container (host uids 100000-165535)" \
	"a delegating bpffs at /run/bpf, without touching the host's mounts:"
mkdir -p /run/bpf
unshare --user --mount --propagation private sleep 600 &
ctr=$!
# until unshare has made the namespaces and become sleep
until [ "$(readlink "/proc/$ctr/ns/user")" != "$(readlink /proc/self/ns/user)" ] &&
	[ "$(cat "/proc/$ctr/comm")" = sleep ]; do
	sleep 0.1
done
echo "0 100000 65536" >"/proc/$ctr/uid_map"
echo "0 100000 65536" >"/proc/$ctr/gid_map"
before=$(cat /proc/self/mountinfo)
"$bin/bpf-delegate" --verbose mount --target "$ctr" --path /run/bpf \
	--cmds map_create:btf_load:prog_load --maps array --progs xdp \
	--attachs xdp || exit 1
[ "$before" = "$(cat /proc/self/mountinfo)" ] &&
	echo "host mount table unchanged"
say "Inside the container, the program loads with a token from /run/bpf:"
nsenter --target "$ctr" --user --mount sh -c "
	grep ' /run/bpf ' /proc/self/mounts &&
	LIBBPF_BPF_TOKEN_PATH=/run/bpf \
		'$bin/bpftool' prog load '$bin/counter.bpf.o' /run/bpf/counter &&
	'$bin/bpftool' prog show pinned /run/bpf/counter" || exit 1
kill "$ctr"
