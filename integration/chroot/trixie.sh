#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# trixie.sh - a cached Debian 13 (trixie) chroot for the packaging test
#
#   integration/chroot/trixie.sh DIR CONTROL
#
# Makes sure DIR (/var/cache/danehop-test/trixie in the tests) holds a
# trixie root file system in DIR/root with what building, linting and
# installing danehop's packages needs: the Build-Depends of CONTROL (a
# debian/control file), the package tools, and trixie's own
# exim4-daemon-heavy. A chroot that is there and sound is reused; one that
# is missing, incomplete (an interrupted run), fails dpkg --audit or was
# made for another package list is built again, next to the old one, and
# swapped in when complete; new Build-Depends are installed into it.
# DANEHOP_TRIXIE_REBUILD=1 forces a rebuild. Once built, using the chroot
# needs no network.
#
# The Debian mirror is the one the host's own apt sources use, read here at
# run time from /etc/apt/sources.list and /etc/apt/sources.list.d/; no mirror
# is written into this file. DANEHOP_DEBIAN_MIRROR overrides it.
#
# Nobody uses DIR/root directly: tests mount an overlay on it (see
# tests/pkg/trixie.test), so the cache stays as built. Needs root and the
# network (only while building), debootstrap and the trixie archive keys
# (debian-archive-keyring).
set -euo pipefail

die() { echo "trixie.sh: $*" >&2; exit 1; }

[ $# = 2 ] || die "usage: trixie.sh DIR CONTROL"
dir=$1
control=$2
suite=trixie

# What the chroot holds besides minbase and the Build-Depends: the package
# tools and what the installed packages depend on (the test's MTA).
# Changing this list rebuilds the cached chroot.
pkgs="build-essential dpkg-dev fakeroot lintian
exim4-daemon-heavy dns-root-data adduser ca-certificates"

# the Build-Depends field of CONTROL, on one line: the chroot's other half
# (with build profiles, which dpkg-checkbuilddeps and apt-get build-dep read)
build_depends() {
    awk 'tolower($1) == "build-depends:" { on = 1; sub(/^[^:]*:/, ""); print; next }
        on && /^[ \t]/ { print; next } { on = 0 }' "$control" | tr -s ' \t\n' ' '
}
[ -f "$control" ] || die "no $control"

# sources_uri SUITE - the URI of the host's apt source that serves SUITE
# (one-line .list entries and deb822 .sources stanzas)
sources_uri() {
    local name=$1 f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$name" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++;
            if ($2 ~ /^\[/) i++; if ($(i + 1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$name" 'function flush() { if (deb && hit && !off && uri != "") { print uri; found = 1 }
                deb = hit = off = 0; uri = "" }
            /^[ \t]*$/ { flush(); if (found) exit; next }
            /^[ \t]*#/ { next }
            tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "enabled:" && tolower($2) == "no" { off = 1 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
            END { if (!found) flush() }' "$f"
    done
}

host_suite() { . /etc/os-release && echo "${VERSION_CODENAME:?}"; }

# base_sound - DIR/root is complete, for this package list, and dpkg is content
base_sound() {
    local f
    [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$(echo $pkgs)" ] || return 1
    for f in usr/bin/dpkg-buildpackage usr/bin/lintian usr/sbin/exim4 usr/bin/gcc; do
        [ -e "$dir/root/$f" ] || return 1
    done
    [ -z "$(chroot "$dir/root" dpkg --audit 2>&1)" ]
}
# deps_current - CONTROL's Build-Depends are satisfied in DIR/root (read
# from the chroot's dpkg database: no network, nothing written)
deps_current() {
    chroot "$dir/root" dpkg-checkbuilddeps -d "$(build_depends)" /dev/null > /dev/null 2>&1
}

mounted=""
umount_all() { # what in_chroot mounted, if it was interrupted
    [ -z "$mounted" ] || umount -l "$mounted/dev" "$mounted/proc" 2> /dev/null
    mounted=""
}
trap umount_all EXIT

# in_chroot ROOT LOG SCRIPT - run SCRIPT in ROOT with /proc, /dev and the
# host's DNS, logging to LOG; on failure show the log's end and give up
in_chroot() {
    local root=$1 log=$2 script=$3
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    mount -t proc proc "$root/proc" && mounted=$root && mount --bind /dev "$root/dev" ||
        die "cannot mount /proc and /dev in $root"
    chroot "$root" sh -c "export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8; $script" > "$log" 2>&1 ||
        { tail -20 "$log" >&2; die "in the chroot: $script failed (log: $log)"; }
    umount_all
}

# build_base - debootstrap minbase and the package list into DIR/root.new,
# then swap it in
build_base() {
    local new=$dir/root.new mirror security
    command -v debootstrap > /dev/null || die "debootstrap not installed (integration/debian-deps.sh)"
    mirror=${DANEHOP_DEBIAN_MIRROR:-$(sources_uri "$(host_suite)" | head -1)}
    [ -n "$mirror" ] || die "no Debian mirror in the host's apt sources; set DANEHOP_DEBIAN_MIRROR"
    security=$(sources_uri "$(host_suite)-security" | head -1)
    # an interrupted run's mounts, then its files
    awk -v p="$new/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
    rm -rf "$new"
    echo "trixie.sh: debootstrap $suite (minbase) into $new" >&2
    debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        "$suite" "$new" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
        { tail -20 "$dir/debootstrap.log" >&2; die "debootstrap failed (log: $dir/debootstrap.log)"; }
    {
        echo "deb $mirror $suite main"
        echo "deb $mirror $suite-updates main"
        [ -z "$security" ] || echo "deb $security $suite-security main"
    } > "$new/etc/apt/sources.list"
    # no service starts inside the chroot: it shares the host's network
    printf '#!/bin/sh\nexit 101\n' > "$new/usr/sbin/policy-rc.d"
    chmod 755 "$new/usr/sbin/policy-rc.d"
    echo "trixie.sh: installing the package tools and Exim" >&2
    in_chroot "$new" "$dir/install.log" "apt-get update -qq && apt-get upgrade -y -qq &&
        apt-get install -y -qq --no-install-recommends $(echo $pkgs) && apt-get clean"
    rm -rf "$dir/root.old" "$dir/stamp"
    [ ! -e "$dir/root" ] || mv "$dir/root" "$dir/root.old"
    mv "$new" "$dir/root"
    rm -rf "$dir/root.old"
    echo $pkgs > "$dir/stamp"
}

# install_build_deps - CONTROL's Build-Depends into DIR/root
install_build_deps() {
    local root=$dir/root
    echo "trixie.sh: installing the Build-Depends of $control" >&2
    mkdir -p "$root/tmp/control/debian"
    cp "$control" "$root/tmp/control/debian/control"
    in_chroot "$root" "$dir/build-dep.log" "apt-get update -qq &&
        apt-get build-dep -y -qq --no-install-recommends /tmp/control && apt-get clean"
    rm -rf "$root/tmp/control"
}

[ "$(id -u)" = 0 ] || die "needs root"
mkdir -p "$dir"
# tests hold the lock shared while they use the chroot; a change waits for
# them, and they for it
exec 8> "$dir.lock"
rebuild=${DANEHOP_TRIXIE_REBUILD:-0}
if [ "$rebuild" != 1 ]; then
    flock -s 8
    base_sound && deps_current && exit 0
    flock -u 8
fi
flock 8
if [ "$rebuild" = 1 ] || ! base_sound; then
    build_base
fi
deps_current || install_build_deps
base_sound && deps_current || die "the chroot is not sound after building it"
echo "trixie.sh: $dir/root ready" >&2
