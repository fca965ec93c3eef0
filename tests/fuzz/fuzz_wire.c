/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_wire.c - hostile bytes into every parser that reads DNS data
 *
 * LLVMFuzzerTestOneInput feeds one input to the packet CNAME-chain walker,
 * the name decoder (with and without compression), and the MX, CNAME,
 * address and TLSA rdata parsers. Built with -fsanitize=fuzzer it is a
 * libFuzzer target (see "make fuzz"); built normally, main() below drives
 * it with seeded mutations of real-shaped packets for a fixed number of
 * runs, so "make check" exercises it under ASan/UBSan in CI.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsa.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dh_chain chain;
    char name[DH_WIRE_NAME_BUF], text[2 * 65536 + 16];
    unsigned pref;
    size_t off = 0;
    dh_tlsa t;
    dh_tlsa_verdict v[DH_TLSA_MAX_RECORDS];
    dh_tlsa set[DH_TLSA_MAX_RECORDS];
    size_t n = 0;

    (void) dh_packet_chain(data, size, "mx.example.com", &chain);
    (void) dh_wire_name(data, size, &off, 1, name);
    off = 0;
    (void) dh_wire_name(data, size, &off, 0, name);
    (void) dh_rdata_mx(data, size, &pref, name);
    (void) dh_rdata_cname(data, size, name);
    (void) dh_rdata_addr(data, size, name, sizeof(name));
    if (dh_tlsa_parse(data, size, &t) == 0)
        (void) dh_tlsa_format(&t, text, sizeof(text));
    /* the input split into records: agility over a hostile set */
    for (off = 0; off + 4 <= size && n < DH_TLSA_MAX_RECORDS; n++) {
        size_t len = 4 + data[off + 3] % 70;

        if (off + len > size)
            len = size - off;
        if (dh_tlsa_parse(data + off, len, &set[n]) != 0)
            break;
        off += len;
    }
    (void) dh_tlsa_select(set, n, v);
    return 0;
}

#ifndef DANEHOP_LIBFUZZER
/* a real-shaped answer: mx.example.com CNAME hop.example.com CNAME smtp.example.org, A */
static const uint8_t seed[] = {
    0x12, 0x34, 0x81, 0x80, 0,   1,   0,   3,   0,    0,   0,    0,   2,    'm', 'x', 7,  'e', 'x', 'a', 'm',
    'p',  'l',  'e',  3,    'c', 'o', 'm', 0,   0,    1,   0,    1,   0xc0, 12,  0,   5,  0,   1,   0,   0,
    0,    60,   0,    6,    3,   'h', 'o', 'p', 0xc0, 15,  0xc0, 44,  0,    5,   0,   1,  0,   0,   0,   60,
    0,    18,   4,    's',  'm', 't', 'p', 7,   'e',  'x', 'a',  'm', 'p',  'l', 'e', 3,  'o', 'r', 'g', 0,
    0xc0, 62,   0,    1,    0,   1,   0,   0,   0,    60,  0,    4,   127,  0,   0,   11,
};

int main(int argc, char **argv)
{
    unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000, i;
    uint8_t buf[512];
    uint32_t rng = 0x9e3779b9u;

    for (i = 0; i < runs; i++) {
        size_t len = sizeof(seed), k, flips;

        memcpy(buf, seed, sizeof(seed));
        rng = rng * 1664525u + 1013904223u;
        flips = 1 + (rng >> 28);
        for (k = 0; k < flips; k++) {
            rng = rng * 1664525u + 1013904223u;
            buf[(rng >> 8) % sizeof(seed)] = (uint8_t) (rng >> 24);
        }
        rng = rng * 1664525u + 1013904223u;
        if ((rng >> 30) == 0)
            len = (rng >> 8) % sizeof(seed); /* truncate */
        LLVMFuzzerTestOneInput(buf, len);
    }
    printf("ok 1 - %lu mutated packets through every DNS parser without a fault\n1..1\n", runs);
    return 0;
}
#endif
