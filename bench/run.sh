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
echo "(a CNAME costs libunbound a query of its own for the target, so chains take a round"
echo " trip more than the three rounds danehop asks in; a bogus answer is re-fetched by the"
echo " validator before it gives up)"
kill "$proxy"; proxy=
echo
echo "== the Exim case: a fresh process per decision"
"$build/bench/bench_fresh" fresh 50 "$build/.libs/libdanehop.so" "$DANEHOP_LAB_TRUST_ANCHOR" 127.53.0.2 example.com
echo
echo "== warm decisions in one process"
"$build/bench/bench_decide" warm 20000 "$DANEHOP_LAB_UNBOUND_CONF" example.com
"$build/bench/bench_decide" warm 5000 "$DANEHOP_LAB_UNBOUND_CONF" chain.example.com
