# SPDX-License-Identifier: GPL-2.0
# The memdesc workbench. Every target runs a script in scripts/; see README.md.
S := scripts

.PHONY: help deps apply export stats check check-bisect check-bisect-full \
	kunit boot boot-repeat codegen demo bench test-cocci test-counter lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

deps: ## install missing Debian packages (as root), else print the apt-get line
	$(S)/install-deps

apply: deps ## build/linux = base + git am of patches/series (FORCE=1 discards local work)
	$(S)/apply-series $(if $(FORCE),-f)

export: ## write build/linux's commits back to patches/ (and the cover letter)
	$(S)/export-series

stats: deps ## remaining users of the fields the series removes, base vs patched
	$(S)/stats

check: deps ## the whole test suite, as CI runs it
	$(S)/check

check-bisect: deps ## every patch not in tests/bisect/checked (FROM=REV: after REV; ALL=1: all; RECORD=1: write it)
	$(S)/check-bisect $(if $(ALL),-a) $(if $(RECORD),-w) $(if $(FROM),-s $(FROM))

check-bisect-full: deps ## every patch: full x86_64 and arm64 defconfig builds (slow)
	$(S)/check-bisect-full

kunit: deps ## KUnit on UML, x86_64 and arm64
	$(S)/check kunit-um kunit-x86_64 kunit-arm64

boot: deps ## boot smoke in QEMU, x86_64 and arm64, every layout
	$(S)/check $$($(S)/check --list-boot)

boot-repeat: deps ## boot ARCH (default arm64) N times (default 10), tally the balloon step and why boots failed; LAYOUT=: a boot layout; BASE=1: the base
	$(S)/boot-repeat $(if $(BASE),-b) $(if $(LAYOUT),-L $(LAYOUT)) $(or $(ARCH),arm64) $(or $(N),10)

codegen: deps ## code of hot helpers and OBJS (e.g. mm/swap.o) at A vs B (default HEAD~1, HEAD)
	$(S)/compare-codegen $(if $(ARCH),-a $(ARCH)) $(or $(A),HEAD~1) $(or $(B),HEAD) $(OBJS)

demo: deps ## build and boot the series on x86_64 and print what it changes
	$(S)/demo

bench: deps ## base vs patched: hot paths under QEMU -icount and memory, one table (slow; COLD=1: empty ccache)
	$(S)/bench $(if $(COLD),-c)

test-cocci: deps ## run the series' semantic patches on tests/cocci and compare reports
	$(S)/test-cocci

test-counter: ## test scripts/count-users on the synthetic tree
	$(S)/test-count-users

lint: ## bash -n and shellcheck on the scripts
	$(S)/check lint

clean: ## remove build/ (the work tree and build dirs; ccache is kept)
	rm -rf build
