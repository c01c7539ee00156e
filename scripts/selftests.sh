#!/usr/bin/env bash
# Build libbpf, bpftool, test_progs and test_verifier in
# tools/testing/selftests/bpf against the built kernel, and bpf_testmod.ko
# for the kernel flavour in use ($KBUILD/testmod, which the guest loads).
. "$(dirname "$0")/lib.sh"

sel=$LINUX/tools/testing/selftests/bpf
[ -f "$KBUILD/vmlinux" ] || die "no $KBUILD/vmlinux (make kernel)"

# O= would break urandom_read's link on 6.1: point at the build instead.
log "building test_progs and test_verifier"
make -C "$sel" -j"$JOBS" -s \
	VMLINUX_BTF="$KBUILD/vmlinux" KDIR="$KBUILD" \
	CLANG=clang LLC=llc LLVM_STRIP=llvm-strip \
	test_progs test_verifier

log "building bpf_testmod.ko for $KBUILD"
# from scratch each time: a stale bpf_testmod.mod.c once carried the
# symbol CRCs of the other kernel flavour, and the module did not load
rm -rf "$KBUILD/testmod"
mkdir -p "$KBUILD/testmod"
cp -p "$sel"/bpf_testmod/*.[ch] "$sel/bpf_testmod/Makefile" "$KBUILD/testmod/"
make -C "$KBUILD" -s -j"$JOBS" CC="ccache gcc" M="$KBUILD/testmod" modules
log "selftests built in $sel"
