#!/bin/sh
# debian-deps.sh - install what danehop needs to build and test on Debian 12
#
# Build: compiler, autotools, libunbound, OpenSSL 3, PCRE2.
# Lab:   NSD (authoritative), ldnsutils (signing), unbound (resolver daemon),
#        dns-root-data (the default trust anchor), dig, jq, python3, openssl.
# Exim:  exim4-daemon-heavy (the sending MTA of the integration tests; its
#        packaged daemon is not started, the tests run Exim with their own
#        configuration), util-linux (unshare, for a private resolv.conf).
# Checks: valgrind.
#
# The DNS servers are installed for their binaries only: their packaged
# services are kept from starting while installing (a packaged NSD listens on
# every address and would take port 53 from the lab); the lab starts its own
# instances on 127.53.0.0/24. Services already running are left alone.
set -eu

pkgs="build-essential autoconf automake libtool pkg-config
libunbound-dev libssl-dev libpcre2-dev
nsd ldnsutils unbound dns-root-data bind9-dnsutils jq python3 openssl
exim4-daemon-heavy util-linux valgrind"

missing=""
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
exit 0
