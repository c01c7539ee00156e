#!/bin/bash
# The demo, as run inside the VM.  Until the token patches land it shows
# that our kernel boots and what it offers for BPF.
say() {
	printf '\n--- %s\n' "$*"
}

say "The VM runs our kernel:"
uname -a
say "Its bpffs instances (a container manager would delegate through one):"
grep ' bpf ' /proc/mounts
say "bpf() policy for unprivileged users (2 = refused, the default):"
sysctl kernel.unprivileged_bpf_disabled
say "Namespaces the workload will live in are available:"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --user --map-root-user --mount sh -c 'echo "inside: uid $(id -u), userns $(readlink /proc/self/ns/user)"'
echo "outside: uid $(id -u), userns $(readlink /proc/self/ns/user)"
say "Demo done: the token patches (BPF_TOKEN_CREATE) are not in the series yet."
