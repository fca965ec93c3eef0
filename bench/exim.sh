#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# exim.sh - "make bench", the Exim part: what danehop's transport costs a real
# Exim delivery. Figures, not pass/fail.
#
#   exim.sh BUILDDIR SRCDIR LABDIR
#
# Each Exim build below delivers EXIM_RUNS messages (default 15), one
# "exim -odi" each, to direct.example.com, a fully signed DANE domain of the
# lab (MX mx.direct.example.com, 127.0.0.41, TLSA 3 1 1), where a real
# STARTTLS receiver (integration/smtp/smtp_server.py) serves the lab's
# certificate. The builds (EXIM_BENCH_BUILDS, default "debian 4.98-openssl"):
#   debian        Debian's Exim 4.96 (exim4-daemon-heavy), built with GnuTLS:
#                 the module's chain check is the process's first use of
#                 OpenSSL's TLS library, and pays OpenSSL's start-up
#   4.98-openssl  Exim 4.98.2 built with OpenSSL (what most non-Debian sites
#                 run), from the cache of integration/exim/build-exim.sh; not
#                 built here (it takes minutes): "skipped" if it is missing.
#                 Any VERSION-TLS that build-exim.sh knows works likewise.
# Four transports per build, one delivery of each in turn:
#   stock   Exim's smtp transport with its own DANE (hosts_try_dane = *)
#   danehop integration/exim/danehop-transport.conf, as tests/lab/exim.sh
#           sets it up (the module takes its own decision per delivery)
#   daemon  the same transport, its danehop.conf saying "daemon = unix:..."
#           (as tests/lab/exim_daemon.test): the decision comes whole from a
#           warm danehopd (zone keys and, after the first delivery, the
#           decision itself in its cache); the module still verifies the
#           chain itself
#   client  the same transport with DANEHOP_MODULE = danehop_exim_client.so
#           (no libunbound, no OpenSSL), its danehop.conf saying only
#           "daemon = unix:..." (and its log): the decision and the chain
#           check (verify-v1) both come from the same warm danehopd;
#           "skipped" if that module is not built
# and a control:
#   stand-in  the same transport with DANEHOP_MODULE = bench/stand_in.c
#           (built here with cc), whose entry points return at once what
#           danehop's return for this domain and decide nothing: what Exim's
#           expansions, dlopen and hooks cost, the floor under any module;
#           "skipped" if it does not build
# Exim's resolver is the lab's validating resolver (127.53.0.2), danehop's
# libunbound uses the lab's unbound.conf, as in the tests. The lab (and its
# resolver) must be up in LABDIR. Per delivery: wall time of the whole
# submission (exim -odi, which returns when the delivery is done), and GNU
# time's max RSS and CPU time of Exim's process tree (the largest process:
# the delivery's transport process, where the module is loaded).
set -uo pipefail
build=$(cd "$1" && pwd)
top_srcdir=$(cd "$2" && pwd)
lab=$(cd "$3" && pwd) && [ -f "$lab/lab.env" ] || { echo "stopped: no lab in ${3:-(none)}"; exit 1; }
N=${EXIM_RUNS:-15}
export top_srcdir
export DANEHOP="$build/shim/cli/danehop"
DANEHOP_EXIM_MODULE=$build/shim/exim/.libs/danehop_exim.so
DANEHOP_EXIM_CLIENT_MODULE=$build/shim/exim/.libs/danehop_exim_client.so
kinds="danehop daemon" # beside stock
has() { case " $kinds " in *" $1 "*) return 0 ;; esac; return 1; }
if [ -f "$DANEHOP_EXIM_CLIENT_MODULE" ]; then kinds="$kinds client"; else
    echo "(client transport skipped: $DANEHOP_EXIM_CLIENT_MODULE is not built)"; fi

[ -x /usr/bin/time ] || { echo "skipped: GNU time (/usr/bin/time) is not installed"; exit 0; }
[ -f "$DANEHOP_EXIM_MODULE" ] || { echo "skipped: $DANEHOP_EXIM_MODULE is not built"; exit 0; }

# the tests' fixtures: receivers (lib.sh) and the throw-away Exim (exim.sh)
. "$top_srcdir/tests/lab/lib.sh"
. "$lab/lab.env"
. "$top_srcdir/tests/lab/exim.sh"
at_exit 'rm -rf "$exim_root"'

# the control: a module that decides nothing, where Exim's delivery process
# (Debian-exim) may read it
mkdir -p "$exim_root/stand-in" && chmod 755 "$exim_root" "$exim_root/stand-in"
STAND_IN=$exim_root/stand-in/stand_in.so
if ${CC:-cc} -shared -fPIC -O2 -o "$STAND_IN" "$top_srcdir/bench/stand_in.c" 2> /dev/null; then
    kinds="$kinds stand-in"
else echo "(stand-in transport skipped: bench/stand_in.c does not build with ${CC:-cc})"; fi

smtp_start 127.0.0.41 "$DANEHOP_LAB_DIR/certs/ee.crt" "$DANEHOP_LAB_DIR/certs/ee.key"
cat > "$exim_root/stock-transport.conf" <<'CONF'
danehop_smtp:
  driver = smtp
  dnssec_request_domains = *
  hosts_try_dane = *
CONF

# a warm danehopd on the lab's view, in a directory the delivery process
# (Debian-exim) may reach but not write (the client refuses a socket in a
# world-writable one); one daemon for every build
dd=$exim_root/danehopd
mkdir -p "$dd" && chmod 755 "$dd"
cat > "$dd/danehopd.conf" <<CONF
unbound_conf = $DANEHOP_LAB_UNBOUND_CONF
log = file:$dd/decisions.log
CONF
"$build/shim/socketmap/danehopd" --foreground --config "$dd/danehopd.conf" --listen "unix:$dd/d.sock" \
    --socket-mode 0666 2>> "$dd/err" &
dpid=$!
at_exit 'kill "$dpid" 2> /dev/null; wait "$dpid" 2> /dev/null'
for _ in $(seq 1 200); do [ -S "$dd/d.sock" ] && break; sleep 0.05; done

# daemon_counter METRIC - one of danehopd's counters (danehop stats), 0 if absent
daemon_counter() {
    "$DANEHOP" stats --socket "unix:$dd/d.sock" | awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}

# answered_by_daemon MAP - danehopd's counter of MAP's OK replies
# (decision-v1 and verify-v1 are both counted as map "other"): danehopd
# logs a decision once however often its cache hands it out, so this
# counter says how many it answered
answered_by_daemon() { daemon_counter "danehopd_requests_total{map=\"$1\",reply=\"OK\"}"; }

# verified_by_daemon - the chains danehopd verified (verify-v1): those it
# checked, from its log, and those its table of DANE-EE verdicts answered
# again (the same records and chain), which it counts without logging
verified_by_daemon() {
    echo $(($(grep -c "chain check (verify-v1) .*verdict=dane-verified" "$dd/decisions.log") +
        $(daemon_counter danehopd_chain_checks_reused_total)))
}

# deliver KIND - one delivery through KIND's Exim ($tag-KIND); appends
# "ms rss_kb user_s sys_s" to $exim_root/$tag-KIND.times
deliver() {
    local t0 t1
    EX=$exim_root/$tag-$1
    export EXIM_BENCH_TIMES=$exim_root/$tag-$1.rusage
    t0=$(date +%s%N)
    exim_send rcpt@direct.example.com
    t1=$(date +%s%N)
    echo "$(((t1 - t0) / 1000)) $(tail -1 "$EXIM_BENCH_TIMES")" >> "$exim_root/$tag-$1.times"
}

# stats FILE COLUMN - median, p90 (nearest rank) and mean of a column
stats() {
    awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1; s += $1 }
        END { if (!NR) { print "- - -"; exit }
              p = int(NR * 0.9); if (p < NR * 0.9) p++
              print v[int((NR + 1) / 2)], v[p], s / NR }'
}
cpu() { awk '{ s += $3 + $4 } END { if (NR) printf "%.1f", s * 1000 / NR; else print "-" }' "$1"; }
ms() { awk -v u="$1" 'BEGIN { if (u == "-") print "-"; else printf "%.1f", u / 1000 }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%+.1f", (b - a) / 1000 }'; }
row() { printf '%-34s %10s %10s %12s %14s\n' "$@"; }
# paired FILE_A FILE_B - the deliveries of one round are made one after the
# other, so B's time minus A's in the same round cancels what drifts between
# rounds (the machine's load, the caches): the median of those differences,
# in ms, and its 95% confidence interval (the order statistics at ranks
# n/2 -/+ 0.98 sqrt(n), which need no assumption about the distribution)
paired() {
    paste -d ' ' "$1" "$2" | awk '{ print ($5 - $1) / 1000 }' | sort -g | awk '{ v[NR] = $1 }
        END { if (NR < 6) { print "- - -"; exit }
              lo = int(NR / 2 - 0.98 * sqrt(NR)); hi = int(NR / 2 + 1 + 0.98 * sqrt(NR) + 0.999)
              if (lo < 1) lo = 1; if (hi > NR) hi = NR
              m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%+.2f %+.2f %+.2f\n", m, v[lo], v[hi] }'
}

# bench_build TAG EXIM - the transports through one Exim binary
bench_build() {
    local bin=$2 by0 by1 vy0 vy1 k
    tag=$1
    # every "exim" the fixture runs goes through GNU time: one line per delivery
    EXIM_BIN=$exim_root/exim-timed-$tag
    cat > "$EXIM_BIN" <<SH
#!/bin/sh
exec /usr/bin/time -a -o "\$EXIM_BENCH_TIMES" -f '%M %U %S' '$bin' "\$@"
SH
    chmod 755 "$EXIM_BIN"
    exim_setup "$tag-stock" "$exim_root/stock-transport.conf"
    local ex_stock=$EX
    exim_setup "$tag-danehop"
    local ex_danehop=$EX
    exim_setup "$tag-daemon"
    echo "daemon = unix:$dd/d.sock" >> "$EX/danehop.conf"
    local ex_daemon=$EX ex_client= n_dd=1 n_cl=0
    if has client; then
        EXIM_MODULE=$DANEHOP_EXIM_CLIENT_MODULE exim_setup "$tag-client"
        printf 'log = file:%s/danehop.log\ndaemon = unix:%s/d.sock\n' "$EX" "$dd" > "$EX/danehop.conf"
        ex_client=$EX n_dd=2 n_cl=1
    fi
    local ex_si=
    if has stand-in; then
        EXIM_MODULE=$STAND_IN exim_setup "$tag-stand-in"
        ex_si=$EX
    fi

    by0=$(answered_by_daemon other) vy0=$(verified_by_daemon)
    # one unmeasured delivery each (page cache, the resolver's cache), then N
    # of each, alternating, so that the machine's load falls on all alike
    for k in stock $kinds; do deliver "$k"; done
    for k in stock $kinds; do : > "$exim_root/$tag-$k.times"; done
    for _ in $(seq 1 "$N"); do for k in stock $kinds; do deliver "$k"; done; done
    by1=$(answered_by_daemon other) vy1=$(verified_by_daemon)

    # what did happen: every delivery delivered, over DANE, and verified;
    # danehopd decided for the daemon and client transports and verified
    # the client's chains
    local n_ok_stock n_ok_dh n_ver_dh n_ok_dd n_ver_dd n_ok_cl=0 n_ver_cl=0 n_ok_si=
    local n_vy=$((vy1 - vy0)) bad=
    local n_by_dd=$((by1 - by0 - n_vy)) # "other" counts the chain checks too
    n_ok_stock=$(grep -c "=> rcpt@direct.example.com .*CV=dane" "$ex_stock/log/mainlog")
    n_ok_dh=$(grep -c "=> rcpt@direct.example.com " "$ex_danehop/log/mainlog")
    n_ver_dh=$(grep -c "domain=direct.example.com .*verdict=dane-verified" "$ex_danehop/danehop.log")
    n_ok_dd=$(grep -c "=> rcpt@direct.example.com " "$ex_daemon/log/mainlog")
    n_ver_dd=$(grep -c "domain=direct.example.com .*verdict=dane-verified" "$ex_daemon/danehop.log")
    if [ -n "$ex_client" ]; then
        n_ok_cl=$(grep -c "=> rcpt@direct.example.com " "$ex_client/log/mainlog")
        n_ver_cl=$(grep -c "domain=direct.example.com .*verdict=dane-verified" "$ex_client/danehop.log")
    fi
    [ -z "$ex_si" ] || n_ok_si=$(grep -c "=> rcpt@direct.example.com .*CV=dane" "$ex_si/log/mainlog")
    echo "deliveries to direct.example.com: stock $n_ok_stock/$((N + 1)) with CV=dane;" \
        "danehop $n_ok_dh/$((N + 1)) delivered, $n_ver_dh verified by danehop;" \
        "through the daemon $n_ok_dd/$((N + 1)) delivered, $n_ver_dd verified by the module;" \
        "$([ -n "$ex_client" ] && echo "client $n_ok_cl/$((N + 1)) delivered, $n_ver_cl verified;")" \
        "$n_by_dd decided by danehopd, $n_vy chains verified by it$([ -n "$ex_si" ] &&
            echo "; stand-in $n_ok_si/$((N + 1)) with CV=dane (Exim's own DANE)")"
    [ -z "$ex_si" ] || [ "$n_ok_si" = $((N + 1)) ] || bad=1
    for k in "$n_ok_stock" "$n_ok_dh" "$n_ver_dh" "$n_ok_dd" "$n_ver_dd"; do [ "$k" = $((N + 1)) ] || bad=1; done
    [ "$n_by_dd" = $((n_dd * (N + 1))) ] && [ "$n_vy" = $((n_cl * (N + 1))) ] || bad=1
    [ "$n_ok_cl" = $((n_cl * (N + 1))) ] && [ "$n_ver_cl" = $((n_cl * (N + 1))) ] || bad=1
    if [ -n "$bad" ]; then
        echo "(not every delivery went through verified; the figures below mix in failures)"
        tail -3 "$ex_stock/log/mainlog" "$ex_danehop/log/mainlog" "$ex_daemon/log/mainlog" \
            "$ex_daemon/danehop.log" ${ex_client:+"$ex_client/log/mainlog" "$ex_client/danehop.log"} \
            ${ex_si:+"$ex_si/log/mainlog"} 2> /dev/null |
            sed 's/^/  /'
    fi

    local sm sp srss scpu dm dp drss dcpu kind label pm plo phi
    read -r sm sp _ <<< "$(stats "$exim_root/$tag-stock.times" 1)"
    read -r srss _ _ <<< "$(stats "$exim_root/$tag-stock.times" 2)"
    scpu=$(cpu "$exim_root/$tag-stock.times")
    row transport "median ms" "p90 ms" "CPU ms/mean" "max RSS (KB)"
    row "stock Exim, its own DANE" "$(ms "$sm")" "$(ms "$sp")" "$scpu" "$srss"
    for kind in $kinds; do
        read -r dm dp _ <<< "$(stats "$exim_root/$tag-$kind.times" 1)"
        read -r drss _ _ <<< "$(stats "$exim_root/$tag-$kind.times" 2)"
        dcpu=$(cpu "$exim_root/$tag-$kind.times")
        case $kind in
        danehop) label="danehop transport, in-process" ;;
        daemon) label="danehop transport, warm daemon" ;;
        client) label="client module, warm daemon" ;;
        stand-in) label="control: stand-in, decides nothing" ;;
        esac
        row "$label" "$(ms "$dm")" "$(ms "$dp")" "$dcpu" "$drss"
        row "  difference to stock" "$(diff_ms "$sm" "$dm")" "$(diff_ms "$sp" "$dp")" \
            "$(awk -v a="$scpu" -v b="$dcpu" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%+.1f", b - a }')" \
            "$(awk -v a="$srss" -v b="$drss" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%+d", b - a }')"
        read -r pm plo phi <<< "$(paired "$exim_root/$tag-stock.times" "$exim_root/$tag-$kind.times")"
        row "  paired: median, 95% interval" "$pm" "$plo..$phi" "" ""
    done
    echo "(wall time of one \"exim -odi\" submission and delivery, $N each, alternating; CPU"
    echo " and max RSS from GNU time over Exim's process tree: max RSS is the largest process,"
    echo " the delivery's transport process; RSS figures are medians; aims: +1 ms median, +4 MB;"
    echo " \"paired\": the median of each round's difference to stock's delivery in the same round,"
    echo " and the interval that holds the true median with 95% confidence: more runs narrow it)"

    # where the module's share goes: its entry points called as a delivery
    # calls them, in a process with this Exim's libraries loaded
    # (bench/bench_module.c); with an OpenSSL Exim, OpenSSL started first and
    # an SSL_CTX made, as Exim's transport has before the tls:cert event
    if [ -x "$build/bench/bench_module" ]; then
        local preload cert prestart=no
        preload=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { printf "%s ", $3 }')
        cert=$(openssl x509 -in "$DANEHOP_LAB_DIR/certs/ee.crt" -outform DER | base64 -w0)
        # Debian's GnuTLS Exim has libssl loaded too (through its lookup
        # libraries), but never starts it: what counts is Exim's own TLS
        "$bin" -bV 2> /dev/null | grep -q "^Support for:.* OpenSSL" && prestart=yes
        for kind in $kinds; do
            case $kind in
            stand-in) continue ;; # it has no steps of its own
            danehop) echo "module steps, in-process decision:" ;;
            daemon) echo "module steps, decision from the warm daemon:" ;;
            client) echo "module steps, client module (decision and chain check from the warm daemon):" ;;
            esac
            BENCH_MODULE_OPENSSL_STARTED=$prestart LD_PRELOAD=$preload "$build/bench/bench_module" \
                "$([ "$kind" = client ] && echo "$DANEHOP_EXIM_CLIENT_MODULE" || echo "$DANEHOP_EXIM_MODULE")" \
                "$exim_root/$tag-$kind/danehop.conf" direct.example.com mx.direct.example.com 127.0.0.41 "$cert" 2>&1
        done
        if [ "$prestart" = yes ]; then
            echo "(one fresh process each, this Exim's libraries preloaded, OpenSSL started, an SSL_CTX made and"
            echo " the certificate decoded, as in Exim's handshake: what the module adds to them)"
        else
            echo "(one fresh process each, this Exim's libraries preloaded: what the module adds to them;"
            echo " this Exim uses GnuTLS, so the module's chain check is OpenSSL's first use here)"
        fi
        [ -z "$ex_client" ] || echo "(the client module loads no OpenSSL: its chain check is one round trip to danehopd)"
    fi
}

for b in ${EXIM_BENCH_BUILDS:-debian 4.98-openssl}; do
    echo
    if [ "$b" = debian ]; then
        bin=$(command -v exim) || bin=
        echo "-- Debian's Exim (exim4-daemon-heavy): $([ -n "$bin" ] && "$bin" -bV 2> /dev/null | head -1)," \
            "$([ -n "$bin" ] && "$bin" -bV 2> /dev/null | grep -o 'OpenSSL\|GnuTLS' | head -1)"
        if [ -z "$bin" ] || ! "$bin" -bV 2> /dev/null | grep -q Expand_dlfunc; then
            echo "skipped: no Exim with Expand_dlfunc (exim4-daemon-heavy) is installed"
            continue
        fi
    else
        bin=$(bash "$top_srcdir/integration/exim/build-exim.sh" --path "${b%-*}" "${b#*-}") || bin=
        echo "-- Exim ${b%-*} with ${b#*-} (integration/exim/build-exim.sh):" \
            "$([ -x "$bin" ] && "$bin" -bV 2> /dev/null | head -1 || echo "not in ${bin%/*}")"
        if [ ! -x "$bin" ] || ! "$bin" -bV 2> /dev/null | grep -q "Expand_dlfunc.* DANE"; then
            echo "skipped: not built; build it once (as root, some minutes: Debian's source, then make) with"
            echo "  bash integration/exim/build-exim.sh ${b%-*} ${b#*-}    (or: make check-exim-builds)"
            continue
        fi
        cat "${bin%/*}/origin" 2> /dev/null
    fi
    bench_build "${b//[^a-z0-9]/_}" "$bin"
done
smtp_stop_all
