#!/usr/bin/env bash
# Install the Debian packages the harness needs, only when one is missing.
. "$(dirname "$0")/lib.sh"

pkgs=(
	linux-source-6.1
	gcc make bc flex bison cpio kmod rsync git
	libelf-dev zlib1g-dev libssl-dev libcap-dev libzstd-dev binutils-dev
	dwarves
	"clang-$LLVM_VERSION" "llvm-$LLVM_VERSION" "lld-$LLVM_VERSION"
	ccache
	qemu-system-x86
	shellcheck
	python3 python3-ply python3-git	# for checkpatch.pl's spdxcheck.py
	python3-docutils		# rst2man: bpf-delegate's man page
	python3-sphinx python3-sphinx-rtd-theme	# make htmldocs (docs.sh)
	iputils-ping keyutils ethtool iptables	# tools the selftests run in the guest
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

log "installing: ${missing[*]}"
[ "$(id -u)" = 0 ] || die "need root to install packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
