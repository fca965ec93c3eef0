# SPDX-License-Identifier: BSD-2-Clause
# exim.sh - a throw-away Exim (Debian's exim4-daemon-heavy) for the tests
#
# exim_setup NAME [TRANSPORT_FILE [ROUTER_FILE]] - a fresh spool, log and
#     configuration in $EX (= $exim_root/NAME) routing every remote domain to
#     the danehop transport (or to TRANSPORT_FILE, which defines "danehop_smtp",
#     through ROUTER_FILE); $EXIM_MACROS (lines) go first in the configuration,
#     $EXIM_DANEHOP_UNBOUND_CONF replaces the lab's view for danehop, and
#     $EXIM_RESOLV_CONF Exim's (the libc resolver's) view
# exim_queue RCPT... - submit one message to the queue only
# exim_run_queue - a two-stage queue run (-qqff), so that Exim reuses connections
# exim_send RCPT... - submit one message and deliver it in the foreground,
#     with the lab's validating resolver as the libc resolver (a private
#     mount namespace bind-mounts a resolv.conf over /etc/resolv.conf)
# exim_log - the main log; delivered / deferred RCPT - grep it
#
# EXIM_BIN names the Exim binary (default: exim, Debian's); EXIM_USER the
# user it runs deliveries as (default: Debian-exim). Other builds of Exim
# (OpenSSL, 4.98) run the same suite by setting them.

. "$top_srcdir/tests/lab/exim_conf.sh"

EXIM_BIN=${EXIM_BIN:-exim}
EXIM_USER=${EXIM_USER:-Debian-exim}
exim_root=$(mktemp -d)
chmod 755 "$exim_root"
printf 'nameserver %s\noptions trust-ad edns0\n' "${DANEHOP_LAB_RESOLVER:-127.53.0.2}" > "$exim_root/resolv.conf"

exim_setup() {
    local name=$1 transport=${2:-$top_srcdir/integration/exim/danehop-transport.conf}
    local router=${3:-$top_srcdir/integration/exim/danehop-router.conf}
    EX=$exim_root/$name
    mkdir -p "$EX/spool" "$EX/log"
    : > "$EX/danehop.log"
    chown -R "$EXIM_USER:$EXIM_USER" "$EX/spool" "$EX/log" "$EX/danehop.log"
    cat > "$EX/danehop.conf" <<CONF
unbound_conf = ${EXIM_DANEHOP_UNBOUND_CONF:-$DANEHOP_LAB_UNBOUND_CONF}
log = file:$EX/danehop.log
CONF
    exim_conf "$EX" "${EXIM_MODULE:-$DANEHOP_EXIM_MODULE}" "$EX/danehop.conf" "$router" "$transport" \
        "${EXIM_MACROS:-}" > "$EX/exim.conf"
    chmod 644 "$EX/exim.conf" "$EX/danehop.conf"
}

exim_send() {
    local subject="danehop test $(date +%s%N)"
    printf 'Subject: %s\n\nhello\n' "$subject" |
        unshare -m sh -c "mount --bind '${EXIM_RESOLV_CONF:-$exim_root/resolv.conf}' /etc/resolv.conf &&
            '$EXIM_BIN' -C '$EX/exim.conf' -odi -f sender@sender.test $*" > "$EX/send.out" 2>&1
}

exim_queue() {
    local subject="danehop test $(date +%s%N)"
    printf 'Subject: %s\n\nhello\n' "$subject" |
        unshare -m sh -c "mount --bind '${EXIM_RESOLV_CONF:-$exim_root/resolv.conf}' /etc/resolv.conf &&
            '$EXIM_BIN' -C '$EX/exim.conf' -odq -f sender@sender.test $*" >> "$EX/send.out" 2>&1
}

exim_run_queue() {
    unshare -m sh -c "mount --bind '${EXIM_RESOLV_CONF:-$exim_root/resolv.conf}' /etc/resolv.conf &&
        '$EXIM_BIN' -C '$EX/exim.conf' -qqff" >> "$EX/send.out" 2>&1
}

exim_log() { cat "$EX/log/mainlog" 2>/dev/null; }
delivered() { grep -q "=> $1 " "$EX/log/mainlog" 2>/dev/null; }
deferred() { grep -q "== $1 " "$EX/log/mainlog" 2>/dev/null; }

# received N - the receivers got exactly N messages since the last smtp_reset
received() { [ "$(jq -s '[.[].messages[]] | length' "$smtp_log")" = "$1" ]; }
smtp_reset() { : > "$smtp_log"; }

exim_show() { # on failure: what happened
    exim_log | tail -8 | sed 's/^/#   mainlog: /'
    tail -4 "$EX/danehop.log" | sed 's/^/#   danehop: /'
    tail -3 "$smtp_log" | sed 's/^/#   receiver: /'
    cat "$EX/log/paniclog" 2>/dev/null | tail -3 | sed 's/^/#   panic: /'
}

check() { # description command...
    local what=$1
    shift
    if "$@"; then ok 0 "$what"; else ok 1 "$what"; exim_show; fi
}
