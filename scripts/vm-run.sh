#!/usr/bin/env bash
# Boot the built kernel under QEMU with the host's root file system shared
# read-only and run one guest script (scripts/guest-init.sh runs it).
#
#   vm-run.sh OUTDIR SCRIPT
#
# SCRIPT is copied to OUTDIR and run in the guest as root, its output
# going to OUTDIR/output.log and the console.  Fails when the script
# fails, when the guest does not finish within TIMEOUT seconds, and when
# the kernel log shows an oops, BUG, WARNING, panic, KASAN, lockdep or
# kmemleak report.
#
# VM_ACCEL=kvm uses KVM (hangs on this machine; TCG is the default),
# VM_ICOUNT=1 adds -icount shift=0,sleep=off for repeatable timing (an
# instruction a nanosecond, idle time skipped), VM_SMP and
# VM_MEM size the guest, VM_APPEND adds kernel parameters, VM_QUIET=1
# hides the guest's output.
. "$(dirname "$0")/lib.sh"

out=${1:?usage: vm-run.sh OUTDIR SCRIPT}
script=${2:?usage: vm-run.sh OUTDIR SCRIPT}
timeout=${TIMEOUT:-1200}
# VM_KBUILD boots another kernel build (make regress: the base kernel)
kbuild=${VM_KBUILD:-$KBUILD}
image=$kbuild/arch/x86/boot/bzImage
[ -f "$image" ] || die "no kernel at $image (make kernel)"

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp "$script" "$out/run.sh"
chmod +x "$out/run.sh"

# la57=off: 4-level paging.  With QEMU's LA57, 6.1 lets an interrupt that
# arrives while identify_cpu() re-reads the CPU's features see no LA57,
# and KASAN takes the direct map for a wild address (a boot-time report
# in about one boot in eight of the debug kernel, before init; not the
# series)
accel=(-accel "tcg,thread=multi" -cpu "max,la57=off")
if [ "${VM_ACCEL:-tcg}" = kvm ]; then
	accel=(-accel kvm -cpu host)
fi
if [ "${VM_ICOUNT:-0}" = 1 ]; then
	accel=(-accel tcg -cpu "max,la57=off" -icount "shift=0,sleep=off")
fi

# Kernel parameters with '=' that the kernel does not know end up in
# init's environment: that is how the guest learns its paths.
append="console=ttyS0,115200 panic=-1 root=/dev/root rootfstype=9p"
append+=" rootflags=trans=virtio,version=9p2000.L,cache=loose,msize=512000"
append+=" ro init=$TOP/scripts/guest-init.sh"
append+=" vmtest_top=$TOP vmtest_kbuild=$kbuild"
append+=" vmtest_debug=${DEBUG:-0} no_hash_pointers"
# The debug kernel runs the DSDT's _PRT loop so slowly under TCG that
# ACPI aborts it twice (AE_AML_LOOP_TIMEOUT: about 40 s of every boot); the
# virtio devices use MSI, and the BIOS's table routes the rest.
if [ "${DEBUG:-0}" = 1 ]; then
	append+=" pci=noacpi"
fi
append+=${VM_APPEND:+ $VM_APPEND}

log "booting $image (${VM_ACCEL:-tcg}, timeout ${timeout}s), logs in $out"
start=$(date +%s)
set +e
timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 "${accel[@]}" -smp "${VM_SMP:-2}" -m "${VM_MEM:-4G}" \
	-nodefaults -display none -no-reboot -serial stdio \
	-kernel "$image" -append "$append" \
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
	-device "virtio-9p-pci,fsdev=root,mount_tag=/dev/root" \
	-fsdev "local,id=out,path=$out,security_model=none,multidevs=remap" \
	-device "virtio-9p-pci,fsdev=out,mount_tag=vmtest_out" \
	</dev/null 2>"$out/qemu.err" | tr -d '\r' | tee "$out/console.log" |
	if [ "${VM_QUIET:-0}" = 1 ]; then cat >/dev/null; else
		# kernel lines go to console.log; reports are listed below
		grep --line-buffered -v -E '^\[ *[0-9]+\.[0-9]+\] ' || true
	fi
qemu_rc=${PIPESTATUS[0]}
set -e
echo "$(($(date +%s) - start))" >"$out/seconds"

fail=0
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	echo "FAIL: the guest did not finish within ${timeout}s (TIMEOUT=)" >&2
	fail=1
elif [ "$qemu_rc" != 0 ]; then
	cat "$out/qemu.err" >&2
	echo "FAIL: qemu exited with $qemu_rc" >&2
	fail=1
fi

# The kernel's own report forms, with their printk time stamp, so that a
# test's "WARNING!" line is never taken for one.
reports='\[ *[0-9]+\.[0-9]+\] (Oops|BUG:|WARNING:|Kernel panic|kernel BUG|general protection fault|KASAN:|UBSAN:|INFO: (task .* blocked|rcu_.* self-detected|rcu_.* detected stall)|unreferenced object)'
cat "$out/console.log" "$out/dmesg" 2>/dev/null |
	grep -E "$reports" >"$out/reports" || true
if [ -s "$out/kmemleak" ]; then
	sed 's/^/[kmemleak] /' "$out/kmemleak" >>"$out/reports"
fi
if [ -s "$out/reports" ]; then
	echo "FAIL: kernel log reports (first 20; full log: $out/console.log):" >&2
	sort -u "$out/reports" | head -20 >&2
	fail=1
fi

if [ ! -f "$out/rc" ]; then
	[ $fail = 1 ] || echo "FAIL: the guest script did not complete (see $out/console.log)" >&2
	fail=1
elif [ "$(cat "$out/rc")" != 0 ]; then
	echo "FAIL: guest script exited with $(cat "$out/rc")" >&2
	fail=1
fi
log "guest ran for $(cat "$out/seconds")s"
exit $fail
