/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_wire.c - hostile bytes into every parser that reads DNS data
 *
 * LLVMFuzzerTestOneInput feeds one input to the packet CNAME-chain walker,
 * the name decoder (with and without compression), the MX, CNAME, address
 * and TLSA rdata parsers, and the name checks (name.c) on every name the
 * decoders produce and on the input taken as text, and the chain probe's
 * reader of raw answers (chainprobe.c) as an A and an MX answer. See fuzz.h for how it
 * runs ("make fuzz", and its corpus in "make check").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainprobe.h"
#include "fuzz.h"
#include "name.h"
#include "tlsa.h"
#include "wire.h"

const char fuzz_target[] = "wire";
const unsigned long fuzz_mutations = 200000;

/* names - the checks every name from DNS or an MTA goes through */
static void names(const char *name)
{
    char norm[DH_NAME_BUF];
    dh_name_status st = dh_name_check(name, norm);

    (void) dh_name_strerror(st);
    if (st == DH_NAME_OK) {
        char again[DH_NAME_BUF];

        /* a normalised name is its own normal form, and names the same domain */
        if (dh_name_check(norm, again) != DH_NAME_OK || strcmp(norm, again) != 0 ||
            !dh_name_equal(norm, name))
            abort();
    }
}

/* text_names - the input as a C string, whole and cut at each NUL */
static void text_names(const uint8_t *data, size_t size)
{
    char text[DH_WIRE_NAME_BUF + 64];
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

    memcpy(text, data, n);
    text[n] = '\0';
    names(text);
    if (n > 0 && text[0] != '\0')
        names(text + 1 + strcspn(text + 1, ".")); /* a suffix, as for parent domains */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dh_chain chain;
    char name[DH_WIRE_NAME_BUF], text[2 * 65536 + 16];
    unsigned pref;
    size_t off = 0;
    dh_tlsa t;
    dh_tlsa_verdict v[DH_TLSA_MAX_RECORDS];
    dh_tlsa set[DH_TLSA_MAX_RECORDS];
    size_t n = 0, i;

    text_names(data, size);
    if (dh_packet_chain(data, size, "mx.example.com", &chain) == 0)
        for (i = 0; i < chain.n; i++)
            names(chain.name[i]);
    if (size >= 2) {
        /* the raw answer a probe reads: its ID taken from the input, so
         * that the parse goes past the header */
        static dh_probe_answer pa;
        unsigned id = (unsigned) data[0] << 8 | data[1];

        if (dh_probe_parse(data, size, id, "mx.example.com", 1, &pa) > 0)
            for (i = 0; i < pa.chain.n; i++)
                names(pa.chain.name[i]);
        if (dh_probe_parse(data, size, id, "example.com", 15, &pa) > 0)
            for (i = 0; i < pa.nmx; i++)
                names(pa.mx[i]);
    }
    if (dh_wire_name(data, size, &off, 1, name) == 0)
        names(name);
    off = 0;
    if (dh_wire_name(data, size, &off, 0, name) == 0)
        names(name);
    if (dh_rdata_mx(data, size, &pref, name) == 0)
        names(name);
    if (dh_rdata_cname(data, size, name) == 0)
        names(name);
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
