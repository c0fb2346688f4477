#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Common paths and helpers for the memdesc workbench scripts. Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=base.conf
. "$TOP/base.conf"

BUILD=${MEMDESC_BUILD:-$TOP/build}
WT=$BUILD/linux
OUT=$BUILD/out
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
