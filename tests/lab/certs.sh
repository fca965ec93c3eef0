# SPDX-License-Identifier: BSD-2-Clause
# certs.sh - test certificates, made fresh by each test run (never shipped)
#
# make_test_certs DIR creates, all with P-256 keys:
#   ee.crt            self-signed leaf (DANE-EE), CN/SAN mx.example.com
#   ee-expired.crt    the same key, expired in 2020
#   other.crt         another self-signed leaf (a wrong key)
#   ca.crt, int.crt   a root CA and an intermediate CA
#   leaf.crt          issued by int: SAN mx.example.com, example.com
#   wild.crt          issued by int: SAN *.example.com
#   partial.crt       issued by int: SAN m*.example.com (partial wildcard)
#   cnonly.crt        issued by int: CN mx.example.com, no SAN
#   sanother.crt      issued by int: CN mx.example.com, SAN other.example only
#   chain-*.pem       leaf + int + ca for each issued leaf; chain-noca.pem leaf + int
# and digest NAME sel mtype prints the TLSA data of NAME.crt.

make_test_certs() {
    local d=$1 n
    mkdir -p "$d"
    (
        cd "$d" || exit 1
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
        key ee; key other; key ca; key int; key leaf
        openssl req -x509 -new -key ee.key -out ee.crt -days 3650 -subj /CN=mx.example.com \
            -addext subjectAltName=DNS:mx.example.com 2>/dev/null
        openssl req -x509 -new -key other.key -out other.crt -days 3650 -subj /CN=mx.example.com \
            -addext subjectAltName=DNS:mx.example.com 2>/dev/null
        # expired: openssl ca is the tool that takes explicit dates
        mkdir -p ca-db && : > ca-db/index.txt && echo 01 > ca-db/serial
        cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = p
[p]
commonName = supplied
CNF
        openssl req -new -key ee.key -subj /CN=mx.example.com -out ee.csr 2>/dev/null
        openssl ca -batch -config ca-db/ca.cnf -selfsign -keyfile ee.key -in ee.csr -out ee-expired.crt \
            -startdate 20200101000000Z -enddate 20200201000000Z -notext > /dev/null 2>&1
        openssl req -x509 -new -key ca.key -out ca.crt -days 3650 -subj "/CN=Test Root CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
        openssl req -new -key int.key -subj "/CN=Test Intermediate CA" -out int.csr 2>/dev/null
        printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
        openssl x509 -req -in int.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile int.ext -out int.crt 2>/dev/null
        issue() { # name cn san-or-empty
            openssl req -new -key leaf.key -subj "/CN=$2" -out "$1.csr" 2>/dev/null
            : > "$1.ext"
            [ -n "$3" ] && echo "subjectAltName=$3" > "$1.ext"
            echo "extendedKeyUsage=serverAuth" >> "$1.ext"
            openssl x509 -req -in "$1.csr" -CA int.crt -CAkey int.key -CAcreateserial -days 3650 \
                -extfile "$1.ext" -out "$1.crt" 2>/dev/null
            cat "$1.crt" int.crt ca.crt > "chain-$1.pem"
        }
        issue leaf mx.example.com "DNS:mx.example.com,DNS:example.com"
        issue wild "wildcard" "DNS:*.example.com"
        issue partial "partial" "DNS:m*.example.com"
        issue cnonly mx.example.com ""
        issue sanother mx.example.com "DNS:other.example"
        cat leaf.crt int.crt > chain-noca.pem
        for n in ee ee-expired other; do cp "$n.crt" "chain-$n.pem"; done
    )
}

# digest NAME SELECTOR MTYPE - TLSA association data of NAME.crt (in the cwd)
digest() {
    local hash=cat
    [ "$3" = 1 ] && hash="openssl dgst -sha256 -binary"
    [ "$3" = 2 ] && hash="openssl dgst -sha512 -binary"
    if [ "$2" = 1 ]; then
        openssl x509 -in "$1.crt" -noout -pubkey | openssl pkey -pubin -outform DER
    else
        openssl x509 -in "$1.crt" -outform DER
    fi | $hash | od -An -v -tx1 | tr -d ' \n'
}
