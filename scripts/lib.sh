# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Common settings for the harness scripts.  Sourced, never run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LINUX=$BUILD/linux
PATCHES=$TOP/patches
SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

# DEBUG=1 selects the debug kernel (lockdep, kmemleak, KASAN, ...); it gets
# its own build directory so that switching back and forth stays
# incremental.
if [ "${DEBUG:-0}" = 1 ]; then
	KBUILD=$BUILD/kbuild-debug
else
	KBUILD=$BUILD/kbuild
fi
# "" or "-debug": for the flavour's own log directories
FLAVOUR=${KBUILD##*/kbuild}
# the debug kernel (KASAN, kmemleak's scans) runs guests about 3x slower:
# scale the fixed guest timeouts by SLOW
SLOW=1
if [ "${DEBUG:-0}" = 1 ]; then
	SLOW=3
fi

# The one LLVM we build BPF programs with (bookworm ships 14, 15 and 16;
# 14 is what bookworm's clang defaults to and is new enough for 6.1).
LLVM_VERSION=14
export PATH=/usr/lib/llvm-$LLVM_VERSION/bin:$PATH

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# Hits across checkouts in other folders (CI's fresh clone, bisect-build's
# worktree): hash paths relative to build/, not the folder itself.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
# Kernel builds embed no timestamps we care about; let ccache hit anyway.
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2024-01-01}
export KBUILD_BUILD_USER=vmtest KBUILD_BUILD_HOST=vmtest

JOBS=${JOBS:-$(nproc)}

# Each script is a job of its own: when make runs it, the builds inside
# must not inherit our make's level and flags (the selftests' lib.mk
# only defaults OUTPUT at MAKELEVEL 0).
unset MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES

die() {
	echo "error: $*" >&2
	exit 1
}

log() {
	echo "==> $*"
}
