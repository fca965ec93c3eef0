#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# build-exim.sh - an Exim binary built from Debian's exim4 source package
#
# SYNOPSIS
#     build-exim.sh VERSION TLS        VERSION: 4.96 (Debian 12) | 4.98 (Debian 13)
#                                      TLS:     openssl | gnutls
#     build-exim.sh --path VERSION TLS print where the binary is (or would be)
#
# DESCRIPTION
#     Debian's own Exim uses GnuTLS; most other builds of Exim (RHEL/EPEL,
#     FreeBSD, cPanel, source builds) use OpenSSL, where the TLS code paths
#     and the tls:cert event behave differently. The Exim tests run against
#     each of these builds (tests/lab/exim_builds.test).
#
#     The source comes from Debian (bookworm for 4.96, trixie for 4.98) with
#     Debian's patches applied by dpkg-source. apt runs with a private state
#     below the cache directory (its own sources list, lists and archives):
#     the system's apt sources are never touched. The mirror is the one the
#     host's own apt sources use for Debian, read at run time.
#
#     Only the exim binary is built (no .deb), from a Local/Makefile with
#     OpenSSL or GnuTLS, DANE, dlfunc and events (on by default: EDITME does
#     not set DISABLE_EVENT), the features Debian's heavy
#     daemon has that the tests use. It lands, setuid root like Debian's, in
#     /var/cache/danehop-test/exim/VERSION-TLS/exim (its compiled-in
#     BIN_DIRECTORY, so that Exim re-executes itself, for -MC continued
#     connections, from there). A second run finds it there and does nothing.
#     Spool, log and configuration paths come from the tests' configuration
#     (exim -C); the Exim user is Debian-exim (from exim4-base).
#
#     Needs root (apt-get, setuid install) and the build dependencies in
#     integration/debian-deps.sh. Exit status 0 and the binary's path on
#     stdout on success; build output goes to VERSION-TLS/build.log.
set -eu

cache=${DANEHOP_EXIM_CACHE:-/var/cache/danehop-test/exim}
print_only=no
[ "${1:-}" = --path ] && { print_only=yes; shift; }
[ $# = 2 ] || { echo "usage: build-exim.sh [--path] 4.96|4.98 openssl|gnutls" >&2; exit 2; }
version=$1 tls=$2
case $version in
4.96) suite=bookworm ;;
4.98) suite=trixie ;;
*) echo "build-exim.sh: unknown version $version (4.96 or 4.98)" >&2; exit 2 ;;
esac
case $tls in openssl | gnutls) ;; *) echo "build-exim.sh: TLS is openssl or gnutls" >&2; exit 2 ;; esac
out=$cache/$version-$tls
if [ "$print_only" = yes ]; then echo "$out/exim"; exit 0; fi

# cached: a binary of the right version with what the tests need
built_ok() {
    [ -x "$out/exim" ] || return 1
    bv=$("$out/exim" -bV 2> /dev/null) || true
    echo "$bv" | grep -q "^Exim version $version" || return 1
    has=$(echo "$bv" | sed -n 's/^Support for: //p')
    for f in Expand_dlfunc Event DANE "$([ "$tls" = openssl ] && echo OpenSSL || echo GnuTLS)"; do
        echo " $has " | grep -q " $f " || return 1
    done
}
if built_ok; then echo "$out/exim"; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "build-exim.sh: run as root to build Exim $version ($tls)" >&2; exit 1; }

# --- the Debian mirror of the host's own apt sources ----------------------------------
# The URIs of the host's "deb" entries for its own Debian suite (one-line and
# deb822 formats), in order; the security archive is recognised by its
# -security suite and mapped to SUITE-security.
host_entries() { # -> "URI SUITE" lines
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 0
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\)[[:space:]]\{1,\}\([^[:space:]]*\).*/\2 \3/p' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(uris, u, " "); m = split(suites, s, " ");
                 for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j] } types = uris = suites = ""; enabled = "" }
             /^[[:space:]]*$/ { flush(); next }
             /^[[:space:]]*#/ { next }
             tolower($1) == "types:" { $1 = ""; types = $0 }
             tolower($1) == "uris:" { $1 = ""; uris = $0 }
             tolower($1) == "suites:" { $1 = ""; suites = $0 }
             tolower($1) == "enabled:" { enabled = tolower($2) }
             END { flush() }' "$f"
    done | awk -v c="$codename" '$2 == c || $2 == c "-updates" || $2 == c "-security"'
}
apt_dir=$cache/apt/$suite
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources.list.d"
: > "$apt_dir/sources.list.new"
host_entries | while read -r uri s; do
    case $s in
    *-security) echo "deb-src $uri $suite-security main" ;;
    *-updates) echo "deb-src $uri $suite-updates main" ;;
    *) echo "deb-src $uri $suite main" ;;
    esac
done | awk '!seen[$0]++' > "$apt_dir/sources.list.new"
[ -s "$apt_dir/sources.list.new" ] ||
    { echo "build-exim.sh: no Debian mirror found in the host's apt sources" >&2; exit 1; }
mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
apt_private() {
    apt-get -q -o Dir::Etc::SourceList="$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir" \
        -o Dir::Cache::archives="$apt_dir/archives" \
        -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
        -o APT::Sandbox::User=root "$@"
}
apt_cache() {
    apt-cache -o Dir::Etc::SourceList="$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir" \
        -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= "$@"
}

# --- the source, with Debian's patches applied ------------------------------------------
src=$cache/src/$suite
if [ ! -s "$src/origin" ]; then # written last: an interrupted fetch starts again
    rm -rf "$src" && mkdir -p "$src"
    apt_private update > "$cache/apt-$suite.log" 2>&1 ||
        { tail -5 "$cache/apt-$suite.log" >&2; exit 1; }
    # newest first; a mirror may lack a version's Debian files (the .dsc and
    # debian.tar.xz of a security update): then the next one. If none has
    # them, the upstream tarball (Debian's orig.tar.xz, checked by apt against
    # the signed Sources index) builds as it is, without Debian's patches.
    versions=$(apt_cache showsrc exim4 2> /dev/null | sed -n 's/^Version: //p' | sort -u -r -V)
    origin=
    for v in $versions; do
        echo "=== exim4 $v" >> "$cache/apt-$suite.log"
        if (cd "$src" && apt_private source --only-source "exim4=$v") >> "$cache/apt-$suite.log" 2>&1 &&
            ls -d "$src"/exim4-*/src > /dev/null 2>&1; then
            origin="Debian exim4 $v (Debian's patches applied)"
            break
        fi
        rm -rf "$src"/exim4-*/ "$src"/*.dsc "$src"/*.debian.tar.*
    done
    if [ -z "$origin" ]; then
        orig=
        for f in "$src"/exim4_*.orig.tar.*; do
            case $f in *.asc) ;; *) [ -f "$f" ] && orig=$f ;; esac
        done
        [ -n "$orig" ] || { tail -5 "$cache/apt-$suite.log" >&2; exit 1; }
        upstream=${orig##*/exim4_}
        upstream=${upstream%.orig.tar.*}
        mkdir "$src/exim4-$upstream"
        tar -xf "$orig" -C "$src/exim4-$upstream" --strip-components=1
        origin="upstream Exim $upstream from Debian's orig tarball (no Debian source package on the mirror: Debian's patches not applied)"
    fi
    echo "$origin" > "$src/origin"
fi
tree=$(ls -d "$src"/exim4-*/ | head -1)
tree=${tree%/}
origin=$(cat "$src/origin")

# --- Local/Makefile: the tree's EDITME (Debian's, where patched) plus our settings ----
# Later assignments win in make, so EDITME's defaults stay unless set here. The
# Debian patches need nothing more: DLOPEN_LOCAL_SCAN and -rdynamic come with
# their EDITME, and exim_path (BIN_DIRECTORY/exim4 once patched) is served by
# the exim4 link installed beside exim.
build=$cache/build/$version-$tls
rm -rf "$build" && mkdir -p "$build" "$out"
cp -a "$tree/." "$build/"
{
    cat "$build/src/EDITME"
    cat <<MK

# --- danehop tests (integration/exim/build-exim.sh), $tls ---
BIN_DIRECTORY=$out
CONFIGURE_FILE=$out/configure
SPOOL_DIRECTORY=$out/spool
EXIM_USER=ref:Debian-exim
EXIM_GROUP=ref:Debian-exim
HEADERS_CHARSET="UTF-8"
HAVE_IPV6=yes
EXPAND_DLFUNC=yes
SUPPORT_DANE=yes
EXTRALIBS=-ldl
MK
    if [ "$tls" = openssl ]; then
        printf 'USE_OPENSSL=yes\nTLS_LIBS=-lssl -lcrypto\n'
    else
        printf 'USE_GNUTLS=yes\nTLS_LIBS=-lgnutls -lgnutls-dane\n'
    fi
} > "$build/Local/Makefile"

echo "build-exim.sh: building Exim $version ($tls) from $origin in $build" >&2
if ! (cd "$build" && make -j2) > "$out/build.log" 2>&1; then
    tail -20 "$out/build.log" >&2
    echo "build-exim.sh: Exim $version ($tls) did not build; log: $out/build.log" >&2
    exit 1
fi
bin=$(ls "$build"/build-*/exim | head -1)
install -o root -g root -m 4755 "$bin" "$out/exim.new"
mv "$out/exim.new" "$out/exim"
ln -sf exim "$out/exim4"
[ -e "$out/configure" ] || { echo "# the tests pass their own configuration with -C" > "$out/configure"; chmod 644 "$out/configure"; }
cp "$build/Local/Makefile" "$out/Local-Makefile"
echo "$origin" > "$out/origin"
built_ok || { echo "build-exim.sh: the built binary fails its check (exim -bV)" >&2; exit 1; }
rm -rf "$build"
echo "$out/exim"
