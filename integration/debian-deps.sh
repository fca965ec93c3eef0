#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# debian-deps.sh - install what danehop needs to build and test on Debian 12
#
# Build: compiler, autotools, libunbound, OpenSSL 3, PCRE2, libsystemd
#        (danehopd's socket activation and readiness; --without-systemd to go
#        without). python3-prometheus-client parses danehopd's metrics in tests.
# Lab:   NSD (authoritative), ldnsutils (signing), unbound (resolver daemon),
#        dns-root-data (the default trust anchor), dig, jq, python3, openssl.
# Exim:  exim4-daemon-heavy (the sending MTA of the integration tests; its
#        packaged daemon is not started, the tests run Exim with their own
#        configuration), util-linux (unshare, for a private resolv.conf).
# Tests: strace widens a race window in danehopd_attack.test (skipped without).
# Postfix: Debian's postfix conflicts with exim4 (both are the system MTA),
#        so its package is downloaded and unpacked, not installed, into
#        /var/cache/danehop-test/postfix; the tests run it from there with
#        their own configuration (its libraries are listed above). The
#        postfix user and postdrop group it needs are created.
# Checks: valgrind; clang-format (.ci/run checks the code style);
#        systemd-analyze (systemd), for the unit files (no systemd running needed).
# Debian 13: debootstrap (tests/pkg/trixie.test makes a trixie chroot with
#        it, cached in /var/cache/danehop-test/trixie; the trixie archive
#        keys come with Debian 12's debian-archive-keyring).
#
# The DNS servers are installed for their binaries only: their packaged
# services are kept from starting while installing (a packaged NSD listens on
# every address and would take port 53 from the lab); the lab starts its own
# instances on 127.53.0.0/24. Services already running are left alone.
set -eu

pkgs="build-essential autoconf automake libtool pkg-config
libunbound-dev libssl-dev libpcre2-dev libsystemd-dev python3-prometheus-client
nsd ldnsutils unbound dns-root-data bind9-dnsutils jq python3 openssl
exim4-daemon-heavy util-linux valgrind clang-format strace
debhelper dpkg-dev lintian fakeroot git debootstrap debian-archive-keyring
libdb5.3 libicu72 libnsl2 libsasl2-2 libssl3 netbase"
# Fuzzing: clang's libFuzzer ("make fuzz"; outside CI, the corpora run in make check)
pkgs="$pkgs clang"
# Unit files: systemd-analyze verify and security (no running systemd needed)
pkgs="$pkgs systemd"

missing=""
# Exim built from Debian's sources with OpenSSL and GnuTLS (with libssl-dev
# and libpcre2-dev above): integration/exim/build-exim.sh
pkgs="$pkgs libdb-dev libgnutls28-dev"
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || { echo "debian-deps.sh: run as root to install:$missing" >&2; exit 1; }
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod +x "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi
# Postfix, unpacked beside the system MTA
pf=/var/cache/danehop-test/postfix
if [ ! -x "$pf/root/usr/lib/postfix/sbin/master" ]; then
    [ "$(id -u)" = 0 ] || { echo "debian-deps.sh: run as root to unpack postfix" >&2; exit 1; }
    mkdir -p "$pf"
    (cd "$pf" && rm -f postfix_*.deb && apt-get download -qq postfix 2> /dev/null) ||
        { apt-get update -qq && (cd "$pf" && apt-get download -qq postfix); }
    dpkg -x "$pf"/postfix_*.deb "$pf/root"
fi
if [ "$(id -u)" = 0 ]; then
    getent group postdrop > /dev/null || groupadd --system postdrop
    id postfix > /dev/null 2>&1 ||
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postfix
fi
exit 0
