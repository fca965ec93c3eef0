#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# libfuzzer.sh - build every fuzz target with clang's libFuzzer and run each
# for a while ("make fuzz"; outside CI's time budget).
#
#   libfuzzer.sh SRCDIR BUILDDIR SECONDS TARGET...
#
# The library is compiled once with coverage and ASan/UBSan into
# BUILDDIR/fuzz-work/obj; each target then runs SECONDS seconds on its seed
# corpus (SRCDIR/tests/fuzz/corpus/TARGET, only read) and keeps what it
# learns in BUILDDIR/fuzz-work/TARGET/corpus. A crash leaves its input in
# BUILDDIR/fuzz-work/TARGET/ and fails the run; replay it with
#   tests/fuzz/fuzz_TARGET 0 DIR-WITH-THAT-FILE
set -eu
src=$1 build=$2 seconds=$3
shift 3
work=$build/fuzz-work
mkdir -p "$work/obj"
command -v clang > /dev/null || { echo "make fuzz: clang is needed (apt-get install clang)" >&2; exit 1; }

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
flags="-g -O1 -std=c11 -include $build/config.h -I$src/module -I$src/shim/socketmap -I$src/shim/cli -I$src/shim/exim
       -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(pkg-config --cflags libunbound libpcre2-8 openssl 2>/dev/null || true)"
libs="-lunbound -lpcre2-8 -lssl -lcrypto -lpthread"

objs=
for c in "$src"/module/*.c "$src/shim/cli/tlsa_text.c" "$src/shim/exim/args.c"; do
    # client.c is the daemon client's own implementation of the engine's
    # danehop.h (danehop_resolve, danehop_verify_host...): not both in one link
    case $c in */module/client.c) continue ;; esac
    o=$work/obj/$(basename "$c" .c).o
    if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
        # shellcheck disable=SC2086
        clang $flags $san -fsanitize=fuzzer-no-link -c -o "$o" "$c"
    fi
    objs="$objs $o"
done

max_len() {
    case $1 in
    wire | tlsa_text) echo 1024 ;;
    netstring) echo 4096 ;;
    conffile) echo 8192 ;;
    *) echo 16384 ;;
    esac
}

rc=0
for t in "$@"; do
    mkdir -p "$work/$t/corpus"
    # shellcheck disable=SC2086
    clang $flags $san -fsanitize=fuzzer -o "$work/fuzz_$t" "$src/tests/fuzz/fuzz_$t.c" $objs $libs
    echo "== fuzz_$t: $seconds s"
    if ! "$work/fuzz_$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -print_final_stats=1 \
        -artifact_prefix="$work/$t/" "$work/$t/corpus" "$src/tests/fuzz/corpus/$t" 2> "$work/$t/log"; then
        echo "fuzz_$t: FAILED, see $work/$t/log and the crash input in $work/$t/"
        rc=1
    fi
    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE" "$work/$t/log" || true
done
exit $rc
