# SPDX-License-Identifier: BSD-2-Clause
# postfix.sh - a throw-away Postfix (Debian's package, unpacked by
# integration/debian-deps.sh) sending through danehopd's tlspolicy map
#
# postfix_start DIR SOCKET - configure and start Postfix in DIR: SMTP
#     submission on 127.0.0.1:$PF_PORT, smtp_tls_policy_maps =
#     socketmap:unix:SOCKET:tlspolicy, Postfix's own DANE on, the lab's
#     resolver as its libc resolver; log in DIR/maillog; $PF_EXTRA_MAIN_CF
#     is appended to main.cf
# postfix_send RCPT - submit one message; postfix_wait RCPT - its fate

PF_ROOT=/var/cache/danehop-test/postfix/root
PF_PORT=$((30000 + RANDOM % 20000))

postfix_start() {
    local d=$1 sock=$2 q
    mkdir -p "$d/cfg" "$d/queue" "$d/data"
    for q in active bounce corrupt defer deferred flush hold incoming maildrop private public saved trace; do
        mkdir -p "$d/queue/$q"
        chown postfix "$d/queue/$q"
        chmod 700 "$d/queue/$q"
    done
    mkdir -p "$d/queue/pid"
    chown postfix:postdrop "$d/queue/maildrop" "$d/queue/public"
    chmod 730 "$d/queue/maildrop"
    chmod 710 "$d/queue/public"
    chown postfix "$d/data"
    cat > "$d/cfg/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
daemon_directory = $PF_ROOT/usr/lib/postfix/sbin
command_directory = $PF_ROOT/usr/sbin
meta_directory = $PF_ROOT/etc/postfix
shlib_directory = $PF_ROOT/usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix-sender.test
mydestination =
mynetworks = 127.0.0.0/8
maillog_file = /dev/stdout
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_address_preference = ipv4
smtp_dns_support_level = dnssec
smtp_tls_security_level = may
smtp_tls_policy_maps = socketmap:unix:$sock:tlspolicy
smtp_tls_loglevel = 1
${PF_EXTRA_MAIN_CF:-}
CONF
    cat > "$d/cfg/master.cf" <<CONF
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
tlsmgr    unix  - - n 1000? 1 tlsmgr
postlog   unix-dgram n - n - 1 postlogd
CONF
    printf 'nameserver %s\noptions trust-ad edns0\n' "${DANEHOP_LAB_RESOLVER:-127.53.0.2}" > "$d/resolv.conf"
    LD_LIBRARY_PATH=$PF_ROOT/usr/lib/postfix unshare -m sh -c \
        "mount --bind '$d/resolv.conf' /etc/resolv.conf && exec '$PF_ROOT/usr/sbin/postfix' -c '$d/cfg' start-fg" \
        > "$d/maillog" 2>&1 &
    PF_PID=$!
    at_exit "LD_LIBRARY_PATH=$PF_ROOT/usr/lib/postfix '$PF_ROOT/usr/sbin/postfix' -c '$d/cfg' stop > /dev/null 2>&1; kill $PF_PID 2>/dev/null"
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT") 2>/dev/null && return 0; sleep 0.1; done
    bail "Postfix did not start: $(tail -3 "$d/maillog")"
}

postfix_send() {
    python3 -c "
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', $PF_PORT, timeout=30)
s.sendmail('sender@postfix-sender.test', [sys.argv[1]], 'Subject: danehop postfix test\n\nhello\n')
s.quit()" "$1"
}

# postfix_wait RCPT - wait (at most 20 s) for Postfix to log a status for RCPT; print it
postfix_wait() {
    local line
    for _ in $(seq 1 200); do
        line=$(grep "to=<$1>" "$PF_DIR/maillog" | grep -o 'status=[a-z]*.*' | tail -1)
        [ -n "$line" ] && { echo "$line"; return 0; }
        sleep 0.1
    done
    return 1
}
