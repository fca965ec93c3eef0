#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# demo.sh - "make demo": the seed case end to end, in the DNSSEC lab
#
#   demo.sh LABDIR DANEHOP
#
# Brings the lab up in LABDIR, starts a STARTTLS receiver that serves the
# lab's certificate on the alias's address (127.0.0.11:25), shows the
# seed-case decision for example.com, probes it with STARTTLS and DANE, and
# takes everything down again, also when interrupted. The lab makes new keys
# and certificates on every run, so the TLSA digests shown differ each time.
# Needs root (the lab serves on port 53, the receiver on port 25).
set -u
here=$(cd "$(dirname "$0")" && pwd)
lab=$1
danehop=$2
pidfile=$lab/demo-smtp.pid

cleanup() {
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2> /dev/null
    rm -f "$pidfile"
    bash "$here/lab.sh" down "$lab" > /dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$here/lab.sh" up "$lab" > /dev/null || { echo "demo: the lab did not start" >&2; exit 1; }
. "$lab/lab.env"
rm -f "$pidfile"
# started from a subshell, the receiver is no job of this shell: stopping it
# later prints no "Terminated"
(python3 "$here/../smtp/smtp_server.py" --listen 127.0.0.11:25 --cert "$DANEHOP_LAB_DIR/certs/ee.crt" \
    --key "$DANEHOP_LAB_DIR/certs/ee.key" --pidfile "$pidfile" > /dev/null 2>&1 &)
# the receiver writes its pid file once it listens: wait for that, not for a
# fixed time (at most 10 s, then it could not bind)
for _ in $(seq 1 200); do
    [ -s "$pidfile" ] && break
    sleep 0.05
done
[ -s "$pidfile" ] || { echo "demo: the SMTP receiver did not listen on 127.0.0.11:25" >&2; exit 1; }

echo "== decision: example.com, whose MX host is a signed alias into an unsigned zone"
"$danehop" resolve --unbound-conf "$DANEHOP_LAB_UNBOUND_CONF" example.com
rc=$?
echo
echo "== probe: STARTTLS to the seed case's server, DANE-verified"
"$danehop" probe --unbound-conf "$DANEHOP_LAB_UNBOUND_CONF" example.com || rc=$?
echo
echo "(the lab made new keys for this run: the TLSA digests above differ every time)"
exit $rc
