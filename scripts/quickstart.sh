#!/usr/bin/env bash
# The Quick start of Documentation/bpf/token.rst, exactly as written, in
# the VM: the page's files are written, the page's host commands run as
# root (with stdin the page's workload commands, which the last of them,
# the workload's shell, reads), and what the shell prints must be the
# page's output.  The tools come from build/demo-bin (demo-build.sh).
. "$(dirname "$0")/lib.sh"

[ -f "$LINUX/Documentation/bpf/token.rst" ] || die "no $LINUX (make tree)"
bin=$BUILD/demo-bin
if [ ! -x "$bin/bpf-delegate" ] || [ ! -x "$bin/bpftool" ]; then
	die "no bpftool or bpf-delegate in $bin (scripts/demo-build.sh)"
fi
out=$BUILD/quickstart
rm -rf "$out"
mkdir -p "$out/page"
python3 "$TOP/scripts/quickstart.py" extract "$LINUX" "$out/page"

# In the guest, the host's file system is read-only: work in /tmp.
cat >"$out/guest.sh" <<GUEST
mkdir /tmp/quickstart && cd /tmp/quickstart || exit 1
cp "$out/page"/* . && chmod a+rX . ./*
export PATH="$bin:\$PATH"
sh -e host.sh <workload.sh >/tmp/vmtest_out/actual 2>&1
echo "the host's commands exited with \$?"
GUEST
VM_QUIET=1 TIMEOUT=${TIMEOUT:-$((300 * SLOW))} "$TOP/scripts/vm-run.sh" "$out/vm" "$out/guest.sh"
grep -q "exited with 0" "$out/vm/output.log" || {
	cat "$out/vm/actual" "$out/vm/output.log"
	die "quick start: the page's commands failed"
}
python3 "$TOP/scripts/quickstart.py" compare "$out/page/expected" "$out/vm/actual" ||
	die "quick start: not what the page shows (log: $out/vm)"
log "quick start: Documentation/bpf/token.rst's commands give the page's output"
