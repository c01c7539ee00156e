#!/bin/bash
# PID 1 of the test VM (see vm-run.sh).  Mounts what a test run needs on
# top of the read-only host root, runs /run.sh of the shared output
# directory, saves its exit code and the kernel log there, and reboots
# (QEMU runs with -no-reboot, so that ends it).
# shellcheck disable=SC2154 # vmtest_* come from the kernel command line
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp
out=/tmp/vmtest_out

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /var/run /root /mnt /media /home /srv; do
	mountpoint -q "$d" 2>/dev/null || mount -t tmpfs tmpfs "$d" 2>/dev/null
done
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t securityfs securityfs /sys/kernel/security
mkdir -p "$out"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vmtest_out "$out"
ip link set lo up
hostname vmtest

kmemleak=/sys/kernel/debug/kmemleak
if [ "$vmtest_debug" = 1 ] && [ -e $kmemleak ]; then
	# Only leaks of the run count: forget what boot left behind.
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

echo "vmtest: $(uname -r), $(nproc) CPUs, running the test script"
export vmtest_top vmtest_kbuild vmtest_debug
(cd /tmp && "$out/run.sh") 2>&1 | tee "$out/output.log"
rc=${PIPESTATUS[0]}

if [ "$vmtest_debug" = 1 ] && [ -e $kmemleak ]; then
	# Objects freed by RCU or workqueues need a moment to go.
	sleep 5
	echo scan >$kmemleak
	sleep 5
	echo scan >$kmemleak
	cat $kmemleak >"$out/kmemleak"
fi
dmesg >"$out/dmesg"
echo "$rc" >"$out/rc"
sync
umount "$out"
echo b >/proc/sysrq-trigger
