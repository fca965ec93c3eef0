#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lab.sh - a hermetic DNSSEC lab on loopback
#
#   lab.sh up DIR     generate keys, certificates and signed zones into DIR,
#                     start NSD (authoritative, 127.53.0.1:53) and two broken
#                     servers (127.53.0.98:53 answers SERVFAIL, 127.53.0.99:53
#                     never answers), write
#                     DIR/unbound.conf for libunbound and DIR/lab.env
#   lab.sh resolver DIR
#                     also start an unbound daemon on 127.53.0.2:53 validating
#                     against the lab (for programs that use the libc resolver)
#   lab.sh down DIR   stop everything the lab started (by PID)
#   lab.sh status DIR exit 0 when the lab answers
#   lab.sh status-resolver DIR  exit 0 when the resolver daemon answers
#
# The lab has its own signed root; DIR/root.key is its trust anchor. Nothing
# outside 127.53.0.0/24 is ever queried. Zones live in zones/*.zone next to
# this script; tokens like @EE_SPKI256@ are replaced by digests of the
# certificates generated here, @DS:zone@ by the child's DS record, and lines
# ";TAMPER owner TYPE" corrupt that RRset's signature after signing.
# Needs root (port 53), nsd, ldnsutils, openssl, python3.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NS_ADDR=127.53.0.1
RESOLVER_ADDR=127.53.0.2
BLACKHOLE_ADDR=127.53.0.99
SERVFAIL_ADDR=127.53.0.98

# zone  file  signing mode (nsec | nsec3 | unsigned | expired | dsmismatch)
ZONES='
.                       root.zone                    nsec
com.                    com.zone                     nsec
org.                    org.zone                     nsec3
net.                    net.zone                     nsec3
example.com.            example.com.zone             nsec
example.org.            example.org.zone             unsigned
example.net.            example.net.zone             nsec3
expired.example.com.    expired.example.com.zone     expired
dsmismatch.example.com. dsmismatch.example.com.zone  dsmismatch
'

die() { echo "lab.sh: $*" >&2; exit 1; }

need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "$c not found (apt-get install nsd ldnsutils openssl python3 unbound)"
    done
}

hexdigest() { # alg < der
    openssl dgst -"$1" -binary | od -An -v -tx1 | tr -d ' \n'
}

make_certs() {
    local c=$1/certs
    mkdir -p "$c"
    # DANE-EE: a self-signed leaf; names and dates do not matter to DANE-EE.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$c/ee.key" -out "$c/ee.crt" -days 3650 -subj /CN=smtp.example.com \
        -addext subjectAltName=DNS:smtp.example.com 2>/dev/null
    # DANE-TA: a private CA that issues the server certificate.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$c/ta.key" -out "$c/ta.crt" -days 3650 -subj "/CN=danehop lab CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
    # and a server certificate it issues, naming the lab's DANE-TA hosts
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$c/ta-leaf.key" \
        -subj /CN=smtp.example.com -out "$c/ta-leaf.csr" 2>/dev/null
    printf 'subjectAltName=DNS:smtp.example.com,DNS:t201.example.com,DNS:t211.example.com,DNS:tamx.example.com\n' > "$c/ta-leaf.ext"
    openssl x509 -req -in "$c/ta-leaf.csr" -CA "$c/ta.crt" -CAkey "$c/ta.key" -CAcreateserial \
        -days 3650 -extfile "$c/ta-leaf.ext" -out "$c/ta-leaf.crt" 2>/dev/null
    cat "$c/ta-leaf.crt" "$c/ta.crt" > "$c/ta-chain.pem"
    openssl x509 -in "$c/ee.crt" -outform DER -out "$c/ee.der"
    openssl x509 -in "$c/ee.crt" -noout -pubkey | openssl pkey -pubin -outform DER -out "$c/ee.spki"
    openssl x509 -in "$c/ta.crt" -outform DER -out "$c/ta.der"
    openssl x509 -in "$c/ta.crt" -noout -pubkey | openssl pkey -pubin -outform DER -out "$c/ta.spki"
    {
        echo "EE_SPKI256=$(hexdigest sha256 < "$c/ee.spki")"
        echo "EE_SPKI512=$(hexdigest sha512 < "$c/ee.spki")"
        echo "EE_CERT256=$(hexdigest sha256 < "$c/ee.der")"
        echo "EE_SPKIFULL=$(od -An -v -tx1 < "$c/ee.spki" | tr -d ' \n')"
        echo "TA_CERT256=$(hexdigest sha256 < "$c/ta.der")"
        echo "TA_SPKI256=$(hexdigest sha256 < "$c/ta.spki")"
    } > "$c/digests"
}

keyname() { # zone -> key base name file
    local z=$1; [ "$z" = . ] && z=root; echo "$z" | sed 's/\.$//'
}

make_keys() {
    local d=$1 zone file mode k
    mkdir -p "$d/keys"
    while read -r zone file mode; do
        [ -n "$zone" ] || continue
        [ "$mode" = unsigned ] && continue
        k=$(cd "$d/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone")
        echo "$k" > "$d/keys/$(keyname "$zone").name"
        if [ "$mode" = dsmismatch ]; then
            # the parent publishes the DS of a key the child never signs with
            k=$(cd "$d/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone")
        fi
        (cd "$d/keys" && ldns-key2ds -n -2 "$k.key") > "$d/keys/$(keyname "$zone").ds"
    done <<< "$ZONES"
}

render_zone() { # dir template -> stdout
    local d=$1 t=$2 line name
    # shellcheck disable=SC1091
    . "$d/certs/digests"
    while IFS= read -r line; do
        case "$line" in
        @DS:*@)
            name=${line#@DS:}; name=${name%@}
            cat "$d/keys/$(keyname "$name.").ds" ;;
        *)
            line=${line//@EE_SPKI256@/$EE_SPKI256}
            line=${line//@EE_SPKI512@/$EE_SPKI512}
            line=${line//@EE_CERT256@/$EE_CERT256}
            line=${line//@EE_SPKIFULL@/$EE_SPKIFULL}
            line=${line//@TA_CERT256@/$TA_CERT256}
            line=${line//@TA_SPKI256@/$TA_SPKI256}
            printf '%s\n' "$line" ;;
        esac
    done < "$t"
}

# Corrupt the signature over (owner, type): the data stays, validation fails.
tamper() { # signedfile owner type
    awk -v o="$2" -v t="$3" '
        BEGIN { o = tolower(o) }
        tolower($1) == o && $4 == "RRSIG" && $5 == t {
            s = $NF; c = substr(s, 20, 1); r = (c == "A") ? "B" : "A"
            $NF = substr(s, 1, 19) r substr(s, 21); n++
        }
        { print }
        END { if (!n) { print "no RRSIG " t " at " o > "/dev/stderr"; exit 1 } }
    ' "$1" > "$1.t" && mv "$1.t" "$1"
}

sign_zones() {
    local d=$1 zone file mode k out owner type now
    mkdir -p "$d/zones"
    now=$(date -u +%s)
    while read -r zone file mode; do
        [ -n "$zone" ] || continue
        out="$d/zones/$file"
        render_zone "$d" "$here/zones/$file" > "$out.src"
        if [ "$mode" = unsigned ]; then
            mv "$out.src" "$out"
            continue
        fi
        k="$d/keys/$(cat "$d/keys/$(keyname "$zone").name")"
        case "$mode" in
        nsec|dsmismatch) ldns-signzone -o "$zone" -f "$out" -i $((now - 3600)) -e $((now + 30 * 86400)) "$out.src" "$k" ;;
        nsec3) ldns-signzone -n -t 0 -o "$zone" -f "$out" -i $((now - 3600)) -e $((now + 30 * 86400)) "$out.src" "$k" ;;
        expired) ldns-signzone -o "$zone" -f "$out" -i 20200101000000 -e 20200201000000 "$out.src" "$k" ;;
        esac
        { grep '^;TAMPER ' "$out.src" || true; } | while read -r _ owner type; do
            tamper "$out" "$owner" "$type" || die "tamper $owner $type failed in $file"
        done
    done <<< "$ZONES"
}

write_nsd_conf() {
    local d=$1 zone file mode
    {
        cat <<EOF
server:
    ip-address: $NS_ADDR
    port: 53
    username: ""
    chroot: ""
    zonesdir: "$d/zones"
    database: ""
    zonelistfile: "$d/nsd/zone.list"
    xfrdfile: "$d/nsd/xfrd.state"
    xfrdir: "$d/nsd"
    pidfile: "$d/nsd/nsd.pid"
    logfile: "$d/nsd/nsd.log"
    server-count: 1
    hide-version: yes
    verbosity: 1
remote-control:
    control-enable: no
EOF
        while read -r zone file mode; do
            [ -n "$zone" ] || continue
            printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$zone" "$file"
        done <<< "$ZONES"
    } > "$d/nsd/nsd.conf"
}

write_resolver_conf() {
    local d=$1
    cp "$d/keys/root.ds" "$d/root.key"
    printf '.\t3600000\tIN\tNS\tns.nic.\nns.nic.\t3600000\tIN\tA\t%s\n' "$NS_ADDR" > "$d/root.hints"
    # libunbound's view of the lab: full recursion from the lab root,
    # validation with the lab's anchor. Loopback servers must be allowed.
    cat > "$d/unbound.conf" <<EOF
server:
    root-hints: "$d/root.hints"
    trust-anchor-file: "$d/root.key"
    do-not-query-localhost: no
    val-log-level: 2
    # the black-hole delegation must fail fast enough for tests
    infra-host-ttl: 60
EOF
}

start_broken_servers() {
    # Two broken "authoritative servers": one never answers (timeouts), one
    # answers SERVFAIL to everything (a lame delegation that fails fast).
    local d=$1
    python3 - "$BLACKHOLE_ADDR" "$SERVFAIL_ADDR" > /dev/null 2>&1 <<'EOF' &
import select, socket, sys
hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
hole.bind((sys.argv[1], 53))
fail = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fail.bind((sys.argv[2], 53))
while True:
    for s in select.select([hole, fail], [], [])[0]:
        q, peer = s.recvfrom(65535)
        if s is hole or len(q) < 12:
            continue
        i = 12
        while i < len(q) and q[i] != 0:
            i += q[i] + 1
        qend = i + 5
        if qend > len(q):
            continue
        flags = bytes([0x80 | (q[2] & 0x79), 0x02])
        s.sendto(q[:2] + flags + b"\x00\x01" + b"\x00" * 6 + q[12:qend], peer)
EOF
    echo $! > "$d/broken.pid"
}

wait_answer() { # addr
    local i
    for i in $(seq 1 100); do
        if dig +time=1 +tries=1 @"$1" . SOA +norec > /dev/null 2>&1; then return 0; fi
        sleep 0.05
    done
    return 1
}

up() {
    local d=$1
    need nsd ldns-keygen ldns-signzone ldns-key2ds openssl python3 dig
    [ "$(id -u)" = 0 ] || die "the lab binds port 53 on $NS_ADDR: run as root"
    down "$d" 2>/dev/null || true
    rm -rf "$d"; mkdir -p "$d/nsd"
    d=$(cd "$d" && pwd)
    make_certs "$d"
    make_keys "$d"
    sign_zones "$d"
    write_nsd_conf "$d"
    nsd-checkconf "$d/nsd/nsd.conf" || die "bad nsd.conf"
    if dig +time=1 +tries=1 @"$NS_ADDR" . SOA +norec > /dev/null 2>&1; then
        die "something already answers on $NS_ADDR:53 (another lab? stop it with: lab.sh down DIR)"
    fi
    nsd -c "$d/nsd/nsd.conf" || die "nsd did not start; see $d/nsd/nsd.log"
    wait_answer "$NS_ADDR" || die "nsd does not answer on $NS_ADDR; see $d/nsd/nsd.log"
    start_broken_servers "$d"
    write_resolver_conf "$d"
    cat > "$d/lab.env" <<EOF
DANEHOP_LAB_DIR=$d
DANEHOP_LAB_UNBOUND_CONF=$d/unbound.conf
DANEHOP_LAB_TRUST_ANCHOR=$d/root.key
DANEHOP_LAB_NS=$NS_ADDR
DANEHOP_LAB_RESOLVER=$RESOLVER_ADDR
EOF
    cat "$d/certs/digests" >> "$d/lab.env"
    echo "lab up in $d (NSD on $NS_ADDR:53)"
}

resolver() {
    local d
    d=$(cd "$1" && pwd)
    need unbound
    cat > "$d/unbound-daemon.conf" <<EOF
server:
    interface: $RESOLVER_ADDR
    port: 53
    access-control: 127.0.0.0/8 allow
    username: ""
    chroot: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    logfile: "$d/unbound.log"
    use-syslog: no
    do-daemonize: yes
    root-hints: "$d/root.hints"
    trust-anchor-file: "$d/root.key"
    do-not-query-localhost: no
    val-log-level: 2
remote-control:
    control-enable: no
EOF
    unbound -c "$d/unbound-daemon.conf" || die "unbound did not start; see $d/unbound.log"
    wait_answer "$RESOLVER_ADDR" || die "unbound does not answer on $RESOLVER_ADDR"
    echo "resolver up on $RESOLVER_ADDR:53"
}

down() {
    local d=$1 f pid
    for f in "$d/nsd/nsd.pid" "$d/broken.pid" "$d/unbound.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        rm -f "$f"
    done
}

case "${1:-}" in
up) [ $# = 2 ] || die "usage: lab.sh up DIR"; up "$2" ;;
resolver) [ $# = 2 ] || die "usage: lab.sh resolver DIR"; resolver "$2" ;;
down) [ $# = 2 ] || die "usage: lab.sh down DIR"; down "$2" ;;
status) [ $# = 2 ] || die "usage: lab.sh status DIR"; wait_answer "$NS_ADDR" ;;
status-resolver) [ $# = 2 ] || die "usage: lab.sh status-resolver DIR"
    dig +time=1 +tries=1 @"$RESOLVER_ADDR" . SOA > /dev/null 2>&1 ;;
*) die "usage: lab.sh up|resolver|down|status DIR" ;;
esac
