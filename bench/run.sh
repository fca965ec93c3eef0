#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - "make bench": bring up a lab with a delaying proxy in front of NSD
# and print the engine's figures. Figures, not pass/fail. Needs root (lab).
#
#   run.sh BUILDDIR SRCDIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
DELAY_MS=${DELAY_MS:-20}
lab=$build/bench-lab
lab_sh="$src/integration/lab/lab.sh"

cleanup() {
    [ -n "${proxy:-}" ] && kill "$proxy" 2>/dev/null || true
    [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null || true
    bash "$lab_sh" down "$lab" > /dev/null 2>&1 || true
}
trap cleanup EXIT

# the lab, a warm recursive resolver (127.53.0.2), and in front of it a proxy
# (127.53.0.4) that delays every answer: each query libunbound sends to its
# forwarder then costs one measurable round trip
bash "$lab_sh" up "$lab" > /dev/null
bash "$lab_sh" resolver "$lab" > /dev/null
python3 "$src/bench/delay_proxy.py" 127.53.0.4 127.53.0.2 "$DELAY_MS" "$lab/proxy.log" &
proxy=$!
for _ in $(seq 1 50); do dig +time=1 +tries=1 @127.53.0.4 . SOA > /dev/null 2>&1 && break; sleep 0.1; done
. "$lab/lab.env"
domains="example.com multi.example.com chain.example.com twohop.example.com implicit-chain.example.com"
for d in $domains; do
    "$build/shim/cli/danehop" resolve --forwarder 127.53.0.2 --trust-anchor "$DANEHOP_LAB_TRUST_ANCHOR" "$d" > /dev/null || true
done

echo "== sequential round trips per decision (warm forwarder, $DELAY_MS ms injected per query)"
"$build/bench/bench_decide" rtt "$DANEHOP_LAB_TRUST_ANCHOR" 127.53.0.4 "$DELAY_MS" $domains
echo "(libunbound asks again at every hop of a CNAME chain; the chain probe, module/chainprobe.c,"
echo " sends every hop's questions at once; a bogus answer is re-fetched once by the validator"
echo " before it gives up)"

# the issue 12 table: per case, a fresh process (what Exim pays on every
# delivery: dlopen + context + decision, empty caches) beside a warm one,
# and Postfix's posttls-finger (Debian's, unpacked by the tests) up to its
# first host decided: from its MX query to the last try of the first TLSA
# name it asks, plus one delay (its process start is not counted)
cases="seed:example.com signed-host:direct.example.com 3-mx:multi.example.com
cname-1hop:chain.example.com cname-5hop:chain5.example.com bogus-tlsa:bogustlsa.example.com"
FRESH_RUNS=${FRESH_RUNS:-9}
PF_ROOT=${PF_ROOT:-/var/cache/danehop-test/postfix/root}
names=$(for c in $cases; do printf '%s ' "${c#*:}"; done)
warm=$("$build/bench/bench_decide" rtt "$DANEHOP_LAB_TRUST_ANCHOR" 127.53.0.4 "$DELAY_MS" $names)
fresh=$("$build/bench/bench_fresh" rounds "$FRESH_RUNS" "$build/.libs/libdanehop.so" \
    "$DANEHOP_LAB_TRUST_ANCHOR" 127.53.0.4 "$DELAY_MS" $names)
postfix_rt() { # domain: median round trips of posttls-finger's first host decided
    local i
    [ -x "$PF_ROOT/usr/sbin/posttls-finger" ] || { echo -; return; }
    printf 'nameserver 127.53.0.4\noptions trust-ad edns0\n' > "$lab/pf-resolv.conf"
    mkdir -p "$lab/pf-cfg" && touch "$lab/pf-cfg/main.cf"
    for i in $(seq 1 "${POSTFIX_RUNS:-5}"); do
        : > "$lab/proxy.log"
        LD_LIBRARY_PATH=$PF_ROOT/usr/lib/postfix MAIL_CONFIG=$lab/pf-cfg unshare -m sh -c \
            "mount --bind '$lab/pf-resolv.conf' /etc/resolv.conf &&
             exec '$PF_ROOT/usr/sbin/posttls-finger' -c -l dane -t 2 -T 2 '$1'" > /dev/null 2>&1 || true
        awk -v d="$DELAY_MS" 'NR == 1 { t0 = $1 } /\/52$/ && tlsa == "" { tlsa = $2 }
            $2 == tlsa { end = $1 } END { if (tlsa != "") printf "%.1f\n", (end - t0) * 1000 / d + 1 }' \
            "$lab/proxy.log"
    done | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}
# the daemon column: a fresh process as above (dlopen + context from a
# danehop.conf + decision), which takes its decision from a danehopd that
# forwards to the same delaying proxy. Per case and run a new daemon, warmed
# with the zone keys (the primers of bench_decide rtt); then one process for
# the case (the daemon has the keys, not this decision: "keys"), then
# FRESH_RUNS more (the daemon answers from its decision cache: "cached")
DAEMON_RUNS=${DAEMON_RUNS:-5}
dd=$lab/bench-daemon
mkdir -p "$dd" && chmod 755 "$dd"
printf 'trust_anchor = %s\nforwarders = 127.53.0.4\nlog = none\n' "$DANEHOP_LAB_TRUST_ANCHOR" > "$dd/danehopd.conf"
printf 'daemon = unix:%s/d.sock\nlog = none\n' "$dd" > "$dd/client.conf"
daemon_rt() { # domain: "<keys> <cached>", medians over DAEMON_RUNS daemons
    for _ in $(seq 1 "$DAEMON_RUNS"); do
        rm -f "$dd/d.sock"
        "$build/shim/socketmap/danehopd" --foreground --config "$dd/danehopd.conf" \
            --listen "unix:$dd/d.sock" 2> /dev/null &
        dpid=$!
        for _ in $(seq 1 100); do [ -S "$dd/d.sock" ] && break; sleep 0.05; done
        "$build/bench/bench_fresh" daemon "$FRESH_RUNS" "$build/.libs/libdanehop.so" "$dd/client.conf" \
            "$DELAY_MS" "$1" notlsa.example.com chain-none.example.com cname-notlsa.example.com example.org
        kill "$dpid"; wait "$dpid" 2> /dev/null; dpid=
    done > "$dd/runs"
    echo "$(median_col 2 < "$dd/runs") $(median_col 3 < "$dd/runs")"
}
median_col() { # COLUMN: the median of that column's numbers, or -
    awk -v c="$1" '$c != "-" { print $c }' | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}
echo
echo "== sequential round trips per case ($DELAY_MS ms per query; fresh: median of $FRESH_RUNS processes)"
printf '%-12s %-24s %8s %7s %14s %8s %10s\n' "" "" danehop danehop "danehop daemon" "" postfix
printf '%-12s %-24s %8s %7s %7s %7s %10s\n' case domain fresh warm keys cached "(first)"
for c in $cases; do
    d=${c#*:}
    read -r dk dc <<< "$(daemon_rt "$d")"
    printf '%-12s %-24s %8s %7s %7s %7s %10s\n' "${c%%:*}" "$d" \
        "$(echo "$fresh" | awk -v d="$d" '$1 == d { print $2 }')" \
        "$(echo "$warm" | awk -v d="$d" '$1 == d { print $4 }')" "$dk" "$dc" "$(postfix_rt "$d")"
done
echo "(round trips = time / injected delay; fresh = dlopen + context + decision in a new process;"
echo " warm = zone keys cached, the names not; postfix trusts its forwarder's AD bit, danehop validates;"
echo " daemon = a fresh process as fresh, deciding through a warm danehopd on the same proxy:"
echo " keys = the daemon has the zone keys, not this decision (median of $DAEMON_RUNS daemons);"
echo " cached = it has this decision in its cache (median of $FRESH_RUNS processes))"
kill "$proxy"; proxy=
echo
echo "== the Exim case: a fresh process per decision"
"$build/bench/bench_fresh" fresh 50 "$build/.libs/libdanehop.so" "$DANEHOP_LAB_TRUST_ANCHOR" 127.53.0.2 example.com
echo
echo "== warm decisions in one process"
"$build/bench/bench_decide" warm 20000 "$DANEHOP_LAB_UNBOUND_CONF" example.com
"$build/bench/bench_decide" warm 5000 "$DANEHOP_LAB_UNBOUND_CONF" chain.example.com

# real Exim, stock transport against danehop's (bench/exim.sh, on the lab's
# local resolver); a failure there is printed, the rest still runs
echo
echo "== real Exim (Debian 4.96 GnuTLS, 4.98.2 OpenSSL): per delivery to direct.example.com, stock Exim's DANE against danehop's transport, in-process and through a warm danehopd, and the client module"
bash "$src/bench/exim.sh" "$build" "$src" "$lab" || echo "(the Exim figures stopped: exit status $?)"

# danehopd with as many persistent clients as a relay's smtp processes; a
# fresh daemon per row, so that its memory is that row's
# daemon_row CONF CLIENTS UNIQUE_PCT
daemon_row() {
    rm -f "$lab/danehopd.sock"
    "$build/shim/socketmap/danehopd" --foreground --config "$1" --listen "unix:$lab/danehopd.sock" 2> /dev/null &
    dpid=$!
    for _ in $(seq 1 100); do [ -S "$lab/danehopd.sock" ] && break; sleep 0.05; done
    "$build/bench/bench_socketmap" "$lab/danehopd.sock" "$dpid" "$2" 20 10 "$3" $domains
    kill "$dpid"; wait "$dpid" 2> /dev/null; dpid=
}
ulimit -n 8192 2> /dev/null || true
printf 'unbound_conf = %s\nlog = none\n' "$DANEHOP_LAB_UNBOUND_CONF" > "$lab/bench.conf"
printf 'unbound_conf = %s\nlog = none\ncache_size = 0\n' "$DANEHOP_LAB_UNBOUND_CONF" > "$lab/bench-nocache.conf"
echo
echo "== danehopd: persistent clients, 20 requests each, 0-10 ms apart (default settings)"
echo "-- the lab's domains (decisions reused from the cache)"
for n in 100 500 1000; do daemon_row "$lab/bench.conf" "$n" 0; done
echo "-- one request in ten for a name never asked before (a fresh decision)"
for n in 100 500 1000; do daemon_row "$lab/bench.conf" "$n" 10; done
echo "-- decision cache off: every request a fresh decision"
for n in 100 500 1000; do daemon_row "$lab/bench-nocache.conf" "$n" 0; done
