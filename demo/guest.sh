#!/bin/bash
# The demo, as run inside the VM: a container manager delegates part of
# bpf() to a workload in a user namespace through a bpffs instance, and
# the workload turns it into a BPF token and uses it.
say() {
	printf '\n--- %s\n' "$*"
}

say "The VM runs our kernel:"
uname -r
say "bpf() policy for unprivileged users (2 = refused, the default):"
sysctl kernel.unprivileged_bpf_disabled
say "The container-manager scenario:"
# vmtest_top: the project directory, exported by scripts/guest-init.sh
"${vmtest_top:?}/build/demo-bin/token-demo" \
	"$vmtest_top/build/demo-bin/bpftool"
