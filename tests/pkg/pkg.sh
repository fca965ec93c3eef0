# SPDX-License-Identifier: BSD-2-Clause
# pkg.sh - the steps of the packaging tests that do not depend on the release
#
# Sourced by debian.test (Debian 12, the host itself) and trixie.test
# (Debian 13, a chroot), after tests/lab/lib.sh. With PKG_ROOT empty every
# step runs on the host; with PKG_ROOT set to a chroot's root the packages
# are built, installed and run inside it, while the lab and the SMTP
# receivers stay on the host (the chroot shares its network). Paths given
# to and set by these functions are paths as the target system sees them;
# "$PKG_ROOT$path" is the same file seen from the host.
#
# pkg_run CMD...         CMD on the target system
# pkg_build SRCDIR DIR   export SRCDIR's HEAD into DIR/danehop, build the
#                        binary packages, lintian them (no errors, no
#                        warnings); sets pkg_debs
# pkg_check_installed    the installed files, man pages and the command
# pkg_example            danehop(3)'s example builds and runs (needs the lab)
# pkg_seed_case LOG      the Exim seed case with the installed module,
#                        transport and router and /etc/danehop.conf logging
#                        to LOG: delivered DANE-verified to the right
#                        certificate, deferred before MAIL with a wrong one

PKG_ROOT=${PKG_ROOT:-}
pkg_exim_root=""

pkg_run() {
    if [ -n "$PKG_ROOT" ]; then
        chroot "$PKG_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root "$@"
    else
        "$@"
    fi
}

pkg_build() {
    local src=$1 dir=$2 d
    mkdir -p "$PKG_ROOT$dir"
    chmod 755 "$PKG_ROOT$dir"
    git -C "$src" archive --format=tar --prefix=danehop/ HEAD | tar -x -C "$PKG_ROOT$dir" ||
        bail "cannot export the source"
    # the package's own make must not inherit this make's variables (a
    # "make check TESTS=..." would run only those tests in dh_auto_test)
    pkg_run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TESTS \
        sh -c "cd '$dir/danehop' && dpkg-buildpackage -us -uc -b" > "$PKG_ROOT$dir/build.log" 2>&1
    d=$?
    ok $d "dpkg-buildpackage -us -uc -b builds the packages"
    if [ "$d" != 0 ]; then
        # dh_auto_test's failures (make check VERBOSE=1 prints test-suite.log)
        grep -E -A12 '^(FAIL|ERROR): ' "$PKG_ROOT$dir/build.log" | head -60 | sed 's/^/#   /'
    fi
    tail -5 "$PKG_ROOT$dir/build.log" | sed 's/^/#   /'
    pkg_debs=""
    for d in libdanehop0 libdanehop-dev danehop danehop-exim4; do
        pkg_debs="$pkg_debs $(cd "$PKG_ROOT$dir" && ls "$d"_*.deb 2>/dev/null | sed "s|^|$dir/|")"
    done
    # shellcheck disable=SC2086
    [ "$(echo $pkg_debs | wc -w)" = 4 ]
    ok $? "four binary packages"
    pkg_run sh -c "lintian --fail-on error,warning $dir/danehop_*.changes" > "$PKG_ROOT$dir/lintian.log" 2>&1
    ok $? "lintian $(pkg_run lintian --print-version): no errors, no warnings"
    grep -E '^[EW]:' "$PKG_ROOT$dir/lintian.log" | sed 's/^/#   lintian: /'
}

pkg_libdir() { echo "/usr/lib/$(pkg_run dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)"; }

pkg_check_installed() {
    local libdir f m
    libdir=$(pkg_libdir)
    for f in /usr/bin/danehop /usr/sbin/danehopd "$libdir/libdanehop.so.0" "$libdir/exim4/danehop_exim.so" \
        "$libdir/exim4/danehop_exim_client.so" \
        /usr/include/danehop.h "$libdir/pkgconfig/danehop.pc" /usr/share/danehop/exim/danehop-transport.conf \
        /usr/share/danehop/exim/danehop-router.conf /etc/exim4/conf.d/main/00_danehop \
        /etc/exim4/conf.d/router/150_danehop /etc/exim4/conf.d/transport/30_danehop \
        /usr/share/doc/danehop/examples/danehop.conf.example /lib/systemd/system/danehopd.service \
        /lib/systemd/system/danehopd.socket /usr/share/doc/danehop/examples/postfix-main.cf; do
        # usrmerge: the unit may be shipped in /usr/lib
        [ -e "$PKG_ROOT$f" ] || [ -e "$PKG_ROOT/usr$f" ]
        ok $? "installed: $f"
    done
    [ ! -e "$PKG_ROOT$libdir/libdanehop.la" ] && [ ! -e "$PKG_ROOT$libdir/exim4/danehop_exim.la" ]
    ok $? "no .la files installed"
    for m in danehop.1 danehop.3 danehop.conf.5 danehop-exim.8 danehopd.8; do
        [ -e "$PKG_ROOT/usr/share/man/man${m##*.}/$m.gz" ]; ok $? "man page $m"
    done
    pkg_run /usr/bin/danehop --version | grep -q '^danehop '; ok $? "the installed command runs"
    grep -q '^# DANEHOP_MODULE' "$PKG_ROOT/etc/exim4/conf.d/main/00_danehop"
    ok $? "the Exim snippets are installed disabled"
}

pkg_example() {
    local d out
    d=$(pkg_run mktemp -d)
    cp "$top_srcdir/doc/example.c" "$PKG_ROOT$d/example.c"
    # shellcheck disable=SC2016
    pkg_run sh -c 'cc -std=c11 -o "$1/example" "$1/example.c" $(pkg-config --cflags --libs danehop) -lssl -lcrypto' \
        sh "$d" > "$PKG_ROOT$d/cc.log" 2>&1 &&
        out=$(pkg_run "$d/example" example.com "$DANEHOP_LAB_UNBOUND_CONF") &&
        printf '%s' "$out" | grep -q 'smtp.example.com: dane'
    ok $? "danehop(3)'s example builds against the installed -dev package and runs"
    sed 's/^/#   /' "$PKG_ROOT$d/cc.log" | head -5
}

# pkg_exim_setup NAME - a fresh spool and log in $EX (target path) and an
# exim.conf that uses only what the packages installed
pkg_exim_setup() {
    EX=$pkg_exim_root/$1
    mkdir -p "$PKG_ROOT$EX/spool" "$PKG_ROOT$EX/log"
    pkg_run chown -R Debian-exim:Debian-exim "$EX/spool" "$EX/log"
    exim_conf "$EX" "$(pkg_libdir)/exim4/danehop_exim.so" "" /usr/share/danehop/exim/danehop-router.conf \
        /usr/share/danehop/exim/danehop-transport.conf > "$PKG_ROOT$EX/exim.conf"
    chmod 644 "$PKG_ROOT$EX/exim.conf"
}

# pkg_exim_send RCPT - submit and deliver in the foreground; the lab's
# validating resolver is the libc resolver (bind-mounted over resolv.conf
# in a private mount namespace, for this command only)
pkg_exim_send() {
    printf 'Subject: danehop package test\n\nhello\n' |
        unshare -m sh -c "mount --bind '$pkg_resolv' '$PKG_ROOT/etc/resolv.conf' &&
            exec ${PKG_ROOT:+chroot '$PKG_ROOT'} exim -C '$EX/exim.conf' -odi -f sender@sender.test $1" \
            > "$PKG_ROOT$EX/send.out" 2>&1
}

pkg_exim_show() { # on failure: what happened
    tail -6 "$PKG_ROOT$EX/log/mainlog" 2>/dev/null | sed 's/^/#   mainlog: /'
    tail -3 "$PKG_ROOT$EX/log/paniclog" 2>/dev/null | sed 's/^/#   panic: /'
    tail -3 "$PKG_ROOT$pkg_dh_log" 2>/dev/null | sed 's/^/#   danehop: /'
    tail -3 "$smtp_log" | sed 's/^/#   receiver: /'
}

pkg_check() { # description command...
    local what=$1
    shift
    if "$@"; then ok 0 "$what"; else ok 1 "$what"; pkg_exim_show; fi
}

pkg_seed_case() {
    local certs
    pkg_dh_log=$1
    : > "$PKG_ROOT$pkg_dh_log"
    pkg_run chown Debian-exim "$pkg_dh_log"
    pkg_exim_root=$(pkg_run mktemp -d)
    pkg_run chmod 755 "$pkg_exim_root"
    pkg_resolv=$(mktemp)
    printf 'nameserver %s\noptions trust-ad edns0\n' "${DANEHOP_LAB_RESOLVER:-127.53.0.2}" > "$pkg_resolv"
    chmod 644 "$pkg_resolv"
    certs=$(mktemp -d)
    make_test_certs "$certs"

    smtp_start 127.0.0.11 "$DANEHOP_LAB_DIR/certs/ee.crt" "$DANEHOP_LAB_DIR/certs/ee.key"
    pkg_exim_setup right
    : > "$PKG_ROOT$pkg_dh_log"
    pkg_exim_send rcpt@example.com
    pkg_check "seed case, right certificate: delivered" grep -q "=> rcpt@example.com " "$PKG_ROOT$EX/log/mainlog"
    jq -se 'map(select(.messages | length > 0)) | length == 1 and .[0].tls and .[0].sni == "smtp.example.com"' \
        "$smtp_log" > /dev/null
    pkg_check "seed case, right certificate: over TLS, SNI is the original MX name" test $? = 0
    pkg_check "seed case, right certificate: DANE-verified, logged where /etc/danehop.conf says" \
        grep -q "mx=smtp.example.com .*verdict=dane-verified" "$PKG_ROOT$pkg_dh_log"
    smtp_stop_all

    : > "$smtp_log"
    smtp_start 127.0.0.11 "$certs/other.crt" "$certs/other.key"
    pkg_exim_setup wrong
    : > "$PKG_ROOT$pkg_dh_log"
    pkg_exim_send rcpt@example.com
    pkg_check "seed case, wrong certificate: deferred" grep -q "== rcpt@example.com " "$PKG_ROOT$EX/log/mainlog"
    # the handshake is where a wrong certificate is caught: it fails or
    # completes; the session without TLS is smtp_start's readiness probe
    jq -se 'any(.[]; .tls or .tls_error != null) and all(.[]; (.mail // []) == [] and .messages == [])' \
        "$smtp_log" > /dev/null
    pkg_check "seed case, wrong certificate: the receiver saw TLS begin and no MAIL" test $? = 0
    pkg_check "seed case, wrong certificate: danehop logs the failed verification" \
        grep -q "mx=smtp.example.com .*verdict=dane-failed" "$PKG_ROOT$pkg_dh_log"
    smtp_stop_all
    rm -rf "$certs" "$pkg_resolv"
}
