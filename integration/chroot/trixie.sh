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
# made for another package list or other Build-Depends is built again, next
# to the old one, and swapped in when complete. DANEHOP_TRIXIE_REBUILD=1
# forces a rebuild. Once built, using the chroot needs no network.
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
build_depends() {
    awk 'tolower($1) == "build-depends:" { on = 1; sub(/^[^:]*:/, ""); print; next }
        on && /^[ \t]/ { print; next } { on = 0 }' "$control" | tr -s ' \t\n' ' '
}
[ -f "$control" ] || die "no $control"
want="$(echo $pkgs) | $(build_depends)"

# sources_uri SUITE - the URI of the host's apt source that serves SUITE
# (one-line .list entries and deb822 .sources stanzas)
sources_uri() {
    local want=$1 f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$want" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++;
            if ($2 ~ /^\[/) i++; if ($(i + 1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$want" 'function flush() { if (deb && hit && !off && uri != "") { print uri; found = 1 }
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

sound() { # DIR/root is complete, for these packages, and dpkg is content
    local root=$dir/root
    [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] || return 1
    for f in usr/bin/dpkg-buildpackage usr/bin/lintian usr/sbin/exim4 usr/bin/gcc usr/bin/autoreconf; do
        [ -e "$root/$f" ] || return 1
    done
    [ -z "$(chroot "$root" dpkg --audit 2>&1)" ]
}

[ "$(id -u)" = 0 ] || die "needs root"
mkdir -p "$dir"
# tests hold the lock shared while they use the chroot; a rebuild waits
# for them, and they for it
exec 8> "$dir.lock"
if [ "${DANEHOP_TRIXIE_REBUILD:-0}" != 1 ]; then
    flock -s 8
    sound && exit 0
    flock -u 8
fi
flock 8
[ "${DANEHOP_TRIXIE_REBUILD:-0}" != 1 ] && sound && exit 0 # built meanwhile
command -v debootstrap > /dev/null || die "debootstrap not installed (integration/debian-deps.sh)"
mirror=${DANEHOP_DEBIAN_MIRROR:-$(sources_uri "$(host_suite)" | head -1)}
[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources; set DANEHOP_DEBIAN_MIRROR"
security=$(sources_uri "$(host_suite)-security" | head -1)

new=$dir/root.new
umount_all() { # whatever is mounted below $new, deepest first
    awk -v p="$new/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
}
umount_all
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
cp -L /etc/resolv.conf "$new/etc/resolv.conf"
trap umount_all EXIT
mount -t proc proc "$new/proc"
mount --bind /dev "$new/dev"
mkdir -p "$new/tmp/control/debian"
cp "$control" "$new/tmp/control/debian/control"
echo "trixie.sh: installing the build and test packages" >&2
chroot "$new" sh -c "export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
    apt-get update -qq && apt-get upgrade -y -qq &&
    apt-get install -y -qq --no-install-recommends $(echo $pkgs) &&
    apt-get build-dep -y -qq --no-install-recommends /tmp/control &&
    apt-get clean && rm -rf /tmp/control" > "$dir/install.log" 2>&1 ||
    { tail -20 "$dir/install.log" >&2; die "installing into the chroot failed (log: $dir/install.log)"; }
umount_all
trap - EXIT

rm -rf "$dir/root.old"
[ ! -e "$dir/root" ] || mv "$dir/root" "$dir/root.old"
mv "$new" "$dir/root"
rm -rf "$dir/root.old"
echo "$want" > "$dir/stamp"
sound || die "the new chroot is not sound"
echo "trixie.sh: $dir/root ready" >&2
