# BPF token delegation for Linux 6.1: the series in patches/, and the
# harness that applies it to Debian's linux-source-6.1, builds a VM kernel,
# and runs the BPF selftests under QEMU.  See README.md.
#
#   make demo          the container-manager scenario in a VM
#   make check         everything CI runs (what is in patches/)
#
# Development loop: make tree; edit and commit in build/linux;
# make export; make check.  DEBUG=1 selects the debug kernel.

S := scripts
TESTS ?= $(shell grep -h -v -e '^\#' -e '^$$' tests/own.list tests/smoke.list)
OUT := build/vmtest$(if $(filter 1,$(DEBUG)),-debug)
# unprivileged_bpf_disabled=1 cannot be undone: a boot of its own
UNPRIV1 := SETUP='echo 1 >/proc/sys/kernel/unprivileged_bpf_disabled'

.NOTPARALLEL:
.PHONY: all deps tree export kernel selftests vmtest checkpatch docs shellcheck \
	harness-selftest libbpf-check check demo quickstart regress bisect-build \
	robust stress fuzz bench clean

all: check

# Debian packages (apt-get, only when one is missing)
deps:
	$(S)/deps.sh

# build/linux = base + patches/ (refuses to drop unexported work; FORCE=1)
tree: deps
	$(S)/tree.sh

# build/linux commits after "base" -> patches/ + patches/series
export:
	$(S)/export.sh

# VM kernel in build/kbuild (build/kbuild-debug with DEBUG=1)
kernel: deps
	$(S)/kernel.sh

# libbpf, bpftool, test_progs, test_verifier, bpf_testmod
selftests: deps
	$(S)/selftests.sh

# test_progs in the VM: make vmtest TESTS="name name/subtest ..."
vmtest: deps
	$(S)/test-progs.sh $(OUT) $(TESTS)

checkpatch:
	$(S)/checkpatch.sh

# Sphinx over Documentation/bpf: no warning in what the series adds there;
# token.rst's samples and name tables match the tree
docs: deps
	$(S)/docs.sh

shellcheck: deps
	shellcheck -x $(S)/*.sh demo/*.sh .ci/run

# libbpf's ABI (libbpf.map) and version checks
libbpf-check: deps
	$(S)/libbpf-check.sh

# token-stress, token-fuzz, token-bench (robust/) in build/robust
robust: deps
	$(S)/robust-build.sh

# the harness must catch a failing test, a WARN, a hang, a panic, a
# leak in the stress run, a wrong fuzz oracle
harness-selftest: deps robust
	$(S)/harness-selftest.sh

check: deps
	@echo "make check: testing the series as committed in patches/"
	$(S)/tree.sh
	$(S)/checkpatch.sh
	$(S)/docs.sh
	shellcheck -x $(S)/*.sh demo/*.sh .ci/run
	$(S)/kernel.sh
	$(S)/selftests.sh
	$(S)/libbpf-check.sh
	$(S)/robust-build.sh
	$(S)/harness-selftest.sh
	$(S)/demo-build.sh
	$(S)/demo.sh
	$(S)/quickstart.sh
	STRESS_SECONDS=10 $(S)/stress.sh
	FUZZ_ITERATIONS=1000 $(S)/fuzz.sh
	$(S)/test-progs.sh $(OUT) $(TESTS)
	$(UNPRIV1) $(S)/test-progs.sh $(OUT)-unpriv1 token_use/matrix token_attack/sysctl

demo: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/demo-build.sh
	$(S)/demo.sh

# token.rst's Quick start, as written, in the VM
quickstart: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/demo-build.sh
	$(S)/quickstart.sh

# not in CI (hours under TCG): every test_progs test and test_verifier on
# the base kernel and on ours; fails on a test that passes only on base
regress: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/selftests.sh
	$(S)/base-kernel.sh
	$(S)/regress.sh

# not in CI: a kernel build after every patch of the series (FROM=N: from patch N)
bisect-build: deps
	$(S)/tree.sh
	$(S)/bisect-build.sh

# not in CI: token-stress (STRESS_SECONDS=60, SEED=1, WORKLOADS=4) and
# token-fuzz (FUZZ_ITERATIONS=20000, SEED=1) in the VM, on the debug
# kernel (KASAN, lockdep, kmemleak) unless DEBUG=0 says otherwise
stress fuzz: export DEBUG := $(or $(DEBUG),1)
stress: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/robust-build.sh
	$(S)/stress.sh

fuzz: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/robust-build.sh
	$(S)/fuzz.sh

# not in CI: token-bench under -icount shift=0, one boot of our kernel and
# one of the base kernel: the table of ns/op and the ratios to the goals
bench: deps
	$(S)/tree.sh
	$(S)/kernel.sh
	$(S)/base-kernel.sh
	$(S)/robust-build.sh
	$(S)/bench.sh

clean:
	rm -rf build/kbuild build/kbuild-debug build/vmtest* build/harness-selftest build/bisect \
		build/regress build/demo build/demo-bin build/libbpf-check \
		build/quickstart build/docs build/robust build/stress* build/fuzz* \
		build/bench
