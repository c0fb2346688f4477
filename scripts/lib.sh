#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Common paths and helpers for the memdesc workbench scripts. Sourced, not run.
# The variables are used by the scripts that source this file.
# shellcheck disable=SC2034

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=base.conf
. "$TOP/base.conf"

BUILD=${MEMDESC_BUILD:-$TOP/build}
WT=${MEMDESC_WT:-$BUILD/linux}
OUT=${MEMDESC_OUT:-$BUILD/out}
PATCHES=$TOP/patches
SERIES=$PATCHES/series
CACHE=${MEMDESC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memdesc}
SHARED_BASE=${MEMDESC_SHARED_BASE:-$TOP/../shared/base}
BASE_REPO=$CACHE/base-$BASE_VERSION.git

# ccache in depend mode only (default mode costs +76% on an empty cache),
# with paths made relative to the clone so a fresh clone elsewhere hits.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_DEPEND=1
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}

JOBS=${JOBS:-$(nproc)}

info() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Print the patch file names listed in patches/series, in order.
series_patches() {
	[[ -f $SERIES ]] || return 0
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$SERIES" | awk '{ print $1 }'
}

# Print the root commit (the pinned base) of the work tree.
wt_base() {
	git -C "$WT" rev-list --max-parents=0 HEAD | tail -n 1
}

# Require that the work tree exists.
need_wt() {
	git -C "$WT" rev-parse --git-dir >/dev/null 2>&1 ||
		die "no work tree at $WT; run 'make apply' first"
}

# Run a command with /dev/kvm hidden: it exists on these machines but does
# not work, and kunit.py tries -accel kvm first. Needs root (unshare -m).
without_kvm() {
	if [[ -e /dev/kvm && $(id -u) -eq 0 ]]; then
		unshare -m -- sh -c 'mount --bind /dev/null /dev/kvm && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

# The kernel's ARCH and the cross compiler prefix for one of our arch names.
kernel_arch() {
	case $1 in
	x86_64) echo x86 ;;
	arm64) echo arm64 ;;
	powerpc) echo powerpc ;;
	um) echo um ;;
	*) die "unknown architecture $1" ;;
	esac
}

cross_prefix() {
	case $1 in
	arm64) echo aarch64-linux-gnu- ;;
	powerpc) echo powerpc64le-linux-gnu- ;;
	*) echo "" ;;
	esac
}

# Print the wall time since $1 (seconds since the epoch) as "Ns".
elapsed() {
	printf '%ss' $(($(date +%s) - $1))
}

# kmake ARCH OUTDIR MAKEARGS...: make in the work tree for one of our
# architecture names, out of tree in OUTDIR, with ccache and JOBS jobs.
kmake() {
	local arch=$1 out=$2 cross
	shift 2
	cross=$(cross_prefix "$arch")
	make -C "$WT" O="$out" ARCH="$(kernel_arch "$arch")" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" -j"$JOBS" "$@"
}

# The branch (or commit) the work tree is on, saved by save_tip() and put
# back by restore_tip(), which save_tip() arranges to run on exit.
TIP=

save_tip() {
	TIP=$(git -C "$WT" symbolic-ref -q --short HEAD) || TIP=$(git -C "$WT" rev-parse HEAD)
	trap restore_tip EXIT
}

restore_tip() {
	[[ -z $TIP ]] || git -C "$WT" checkout -q "$TIP"
}

# Print the commits on top of the base (or on top of commit $1), oldest first.
series_commits() {
	local since=${1:-}
	if [[ -n $since ]]; then
		since=$(git -C "$WT" rev-parse --verify "$since^{commit}")
	else
		since=$(wt_base)
	fi
	git -C "$WT" rev-list --reverse "$since..HEAD"
}

# Check out the base (the root commit of $WT) in $BUILD/base-wt, as a
# worktree of $WT, and print its path.
base_worktree() {
	local dir=$BUILD/base-wt root
	need_wt
	root=$(git -C "$WT" rev-list --max-parents=0 HEAD)
	# 'make apply' re-creates the work tree, which orphans a worktree.
	if [[ -d $dir ]] && ! git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		rm -rf "$dir"
		git -C "$WT" worktree prune
	fi
	if [[ ! -d $dir ]]; then
		git -C "$WT" worktree add --quiet --detach "$dir" "$root" >&2
	fi
	[[ $(git -C "$dir" rev-parse HEAD) == "$root" ]] ||
		die "$dir is not at the base commit $root"
	echo "$dir"
}
