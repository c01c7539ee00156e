#!/usr/bin/env bash
# Build the VM kernel (bzImage, vmlinux with BTF, modules) in $KBUILD.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kconfig.sh"

log "building kernel in $KBUILD (DEBUG=${DEBUG:-0}, -j$JOBS)"
make -C "$LINUX" O="$KBUILD" CC="ccache gcc" HOSTCC="ccache gcc" \
	-j"$JOBS" -s bzImage modules
# bpf_testmod is built against this tree later (make selftests)
make -C "$LINUX" O="$KBUILD" CC="ccache gcc" HOSTCC="ccache gcc" \
	-j"$JOBS" -s modules_prepare
log "kernel: $KBUILD/arch/x86/boot/bzImage ($(make -s -C "$LINUX" O="$KBUILD" kernelrelease 2>/dev/null))"
