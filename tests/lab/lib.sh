# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - TAP helpers and the lab fixture for the lab tests
#
# lab_start uses the lab named by $DANEHOP_LAB_DIR when it is up (.ci/run
# starts one for the whole suite), otherwise starts a private one and stops
# it when the test exits; without root, or with DANEHOP_NO_LAB set, it skips
# the rest of the test. Tests that start their own lab are serialised by a
# lock: there is one 127.53.0.1:53.

: "${top_srcdir:?run through make check}"
: "${DANEHOP:?run through make check}"

# The suite never reads the system's /etc/danehop.conf (an installed package
# may have one): the CLI's default file is an empty one of the test's own.
DANEHOP_CONFIG=$(mktemp)
export DANEHOP_CONFIG
at_exit_early_config=$DANEHOP_CONFIG

tap_n=0
tap_failed=0

# at_exit CMD - run CMD when the test exits (every registered command, last first)
exit_cmds=""
at_exit() { exit_cmds="$1; $exit_cmds"; }
trap 'eval "$exit_cmds"' EXIT
at_exit 'rm -f "$at_exit_early_config"'

ok() { # cond-status description
    tap_n=$((tap_n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" = 0 ]
}

bail() {
    echo "Bail out! $*"
    exit 1
}

# lab_skip WHY - skip what needs the lab and end the test here: the rest of
# the plan when some points ran already (a plan of 0 after them would be
# malformed TAP), else the whole test
lab_skip() {
    if [ "$tap_n" = 0 ]; then
        echo "1..0 # SKIP $1"
        exit 0
    fi
    tap_n=$((tap_n + 1))
    echo "ok $tap_n # SKIP the rest: $1"
    done_testing
    exit
}

lab_start() {
    [ -z "${DANEHOP_NO_LAB:-}" ] || lab_skip "DANEHOP_NO_LAB is set (a package build: no servers, no port 53)"
    if [ -n "${DANEHOP_LAB_DIR:-}" ] && [ -f "$DANEHOP_LAB_DIR/lab.env" ] &&
        bash "$top_srcdir/integration/lab/lab.sh" status "$DANEHOP_LAB_DIR"; then
        . "$DANEHOP_LAB_DIR/lab.env"
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        lab_skip "the DNSSEC lab needs root (it serves on 127.53.0.1:53)"
    fi
    exec 9> /tmp/danehop-lab.lock
    flock 9
    LAB_OWN=$(mktemp -d)
    chmod 755 "$LAB_OWN" # Exim's delivery processes read the lab's files
    bash "$top_srcdir/integration/lab/lab.sh" up "$LAB_OWN/lab" >&2 || bail "the lab did not start"
    at_exit 'bash "$top_srcdir/integration/lab/lab.sh" down "$LAB_OWN/lab"; rm -rf "$LAB_OWN"' 
    . "$LAB_OWN/lab/lab.env"
}

# resolve ARGS... - run danehop resolve --json against the lab; sets $out, $rc
resolve() {
    out=$("$DANEHOP" resolve --json --unbound-conf "$DANEHOP_LAB_UNBOUND_CONF" "$@" 2> "$errfile")
    rc=$?
}

# expect JQ-EXPRESSION DESCRIPTION - the last decision satisfies the expression
expect() {
    if printf '%s' "$out" | jq -e "$1" > /dev/null 2>&1; then
        ok 0 "$2"
    else
        ok 1 "$2"
        echo "#   expected: $1"
        printf '%s\n' "$out" | jq -c '{status, reason, hosts: [.hosts[] | {name, action, base_domain, tlsa, names, reason}]}' 2>/dev/null | sed 's/^/#   got: /' | head -c 3000
        echo
        sed 's/^/#   stderr: /' "$errfile"
    fi
}

# expect_rc N DESCRIPTION
expect_rc() {
    if [ "$rc" = "$1" ]; then ok 0 "$2"; else ok 1 "$2"; echo "#   exit status $rc, want $1"; fi
}

# smtp_start ADDR CERT KEY [--no-starttls] - a STARTTLS receiver on ADDR:25,
# logging sessions to $smtp_log; stopped when the test exits
smtp_pids=""
smtp_log=$(mktemp)
at_exit smtp_stop_all
smtp_start() {
    local addr=$1 cert=$2 key=$3 pidf
    shift 3
    # tests run in parallel (make check -j2) and several serve 127.0.0.11:25:
    # the first receiver of a test waits for the others' tests to finish
    if [ -z "${smtp_locked:-}" ]; then
        exec 7> /tmp/danehop-smtp.lock
        flock 7
        smtp_locked=1
    fi
    pidf=$(mktemp)
    python3 "$top_srcdir/integration/smtp/smtp_server.py" --listen "$addr:25" --cert "$cert" --key "$key" \
        --log "$smtp_log" --pidfile "$pidf" "$@" > /dev/null 2>&1 &
    for _ in $(seq 1 50); do [ -s "$pidf" ] && break; sleep 0.05; done
    # the pid file is written after the bind: none means the address was taken
    [ -s "$pidf" ] || bail "SMTP receiver could not listen on $addr:25 (in use?)"
    smtp_pids="$smtp_pids $(cat "$pidf")"
    rm -f "$pidf"
    for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/$addr/25") 2>/dev/null && return 0; sleep 0.05; done
    bail "SMTP receiver on $addr did not start"
}
smtp_stop_all() {
    local p
    for p in $smtp_pids; do kill "$p" 2>/dev/null; done
    smtp_pids=""
}

errfile=$(mktemp)
