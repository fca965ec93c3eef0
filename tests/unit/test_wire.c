/* SPDX-License-Identifier: BSD-2-Clause */
/* test_wire.c - wire-format names, rdata and CNAME chains from packets */
#include <stdlib.h>
#include "tap.h"
#include "wire.h"

int main(void)
{
    char out[DH_WIRE_NAME_BUF];
    size_t off;
    unsigned pref;
    dh_chain *c = calloc(1, sizeof(*c));
    uint8_t msg[512];
    size_t n = 0;

    /* plain name */
    {
        const uint8_t w[] = {3, 'W', 'w', 'W', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), 0, "decode www.example");
        is_str(out, "www.example", "lower-cased, no trailing dot");
        is_int(off, sizeof(w), "offset past the name");
    }
    {
        const uint8_t w[] = {0};
        off = 0;
        is_int(dh_wire_name(w, 1, &off, 0, out), 0, "root");
        is_str(out, ".", "root is .");
    }
    {
        const uint8_t w[] = {3, 'a', '.', 0, 0};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), 0, "label with a dot and a NUL");
        is_str(out, "a\\046\\000", "escaped, cannot pass for two labels");
    }
    {
        const uint8_t w[] = {5, 'a', 'b'};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), -1, "label past the end");
    }
    {
        const uint8_t w[] = {1, 'a'};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), -1, "no terminating root label");
    }
    {
        const uint8_t w[] = {1, 'a', 0xc0, 0};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), -1, "pointer refused in rdata");
        off = 2;
        is_int(dh_wire_name(w, sizeof(w), &off, 1, out), -1, "pointer to itself refused");
    }
    {
        const uint8_t w[] = {0x40, 'a', 0};
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), -1, "extended label type refused");
    }
    {
        uint8_t w[300];
        size_t i;
        for (i = 0; i < 5; i++) {
            w[i * 60] = 59;
            memset(w + i * 60 + 1, 'a', 59);
        }
        w[300 - 1] = 0;
        off = 0;
        is_int(dh_wire_name(w, sizeof(w), &off, 0, out), -1, "name over 255 octets refused");
    }
    /* MX rdata */
    {
        const uint8_t rd[] = {0, 10, 2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
        is_int(dh_rdata_mx(rd, sizeof(rd), &pref, out), 0, "MX rdata");
        is_int(pref, 10, "MX preference");
        is_str(out, "mx.example", "MX exchange");
        is_int(dh_rdata_mx(rd, sizeof(rd) - 1, &pref, out), -1, "truncated MX");
        is_int(dh_rdata_mx(rd, 2, &pref, out), -1, "MX without exchange");
    }
    {
        const uint8_t rd[] = {0, 0, 0};
        is_int(dh_rdata_mx(rd, sizeof(rd), &pref, out), 0, "null MX rdata");
        is_str(out, ".", "null MX exchange is the root");
    }
    {
        const uint8_t rd[] = {2, 'm', 'x', 0, 0xff};
        is_int(dh_rdata_cname(rd, sizeof(rd), out), -1, "trailing garbage after CNAME target");
    }
    {
        const uint8_t a[] = {127, 0, 0, 11};
        is_int(dh_rdata_addr(a, 4, out, sizeof(out)), 0, "A rdata");
        is_str(out, "127.0.0.11", "A text");
        is_int(dh_rdata_addr(a, 3, out, sizeof(out)), -1, "A rdata of 3 octets refused");
    }
    /* a real-shaped answer with a compressed CNAME chain */
    {
        static const uint8_t hdr[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0};
        static const uint8_t q[] = {2,   'm', 'x', 7,   'e', 'x', 'a', 'm', 'p', 'l',
                                    'e', 3,   'c', 'o', 'm', 0,   0,   1,   0,   1};
        /* mx.example.com CNAME hop.example.com */
        static const uint8_t rr1[] = {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'h', 'o', 'p', 0xc0, 15};
        /* hop.example.com (at offset 44) CNAME smtp.example.org */
        static const uint8_t rr2[] = {0xc0, 44,  0, 5,   0,   1,   0,   0,   0,   60,  0, 18,  4,   's', 'm',
                                      't',  'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0};
        /* smtp.example.org (at offset 62) A 127.0.0.11 */
        static const uint8_t rr3[] = {0xc0, 62, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 11};

        memcpy(msg + n, hdr, sizeof(hdr));
        n += sizeof(hdr);
        memcpy(msg + n, q, sizeof(q));
        n += sizeof(q);
        memcpy(msg + n, rr1, sizeof(rr1));
        n += sizeof(rr1);
        memcpy(msg + n, rr2, sizeof(rr2));
        n += sizeof(rr2);
        memcpy(msg + n, rr3, sizeof(rr3));
        n += sizeof(rr3);
        is_int(dh_packet_chain(msg, n, "mx.example.com", c), 0, "chain parsed");
        is_int(c->n, 3, "three names");
        is_str(c->name[1], "hop.example.com", "first hop");
        is_str(c->name[2], "smtp.example.org", "final name");
        ok(!c->loop && !c->truncated, "no loop");
        is_int(dh_packet_chain(msg, n - 5, "mx.example.com", c), -1, "truncated packet refused");
    }
    /* a.example CNAME b.example, b.example CNAME a.example: a loop */
    {
        static const uint8_t loop[] = {
            0,    1,   0x81, 0x80, 0,   1,   0, 2, 0, 0,  0, 0, 1,    'a', 7,    'e',
            'x',  'a', 'm',  'p',  'l', 'e', 0, 0, 1, 0,  1,                         /* 12: a.example */
            0xc0, 12,  0,    5,    0,   1,   0, 0, 0, 60, 0, 4, 1,    'b', 0xc0, 14, /* 39: b.example */
            0xc0, 39,  0,    5,    0,   1,   0, 0, 0, 60, 0, 2, 0xc0, 12,
        };
        is_int(dh_packet_chain(loop, sizeof(loop), "a.example", c), 0, "looping chain parsed");
        ok(c->loop, "loop detected");
        is_int(c->n, 2, "loop stops after b.example");
    }
    is_int(dh_packet_chain(NULL, 0, "a.example", c), 0, "no packet: chain of one");
    is_int(c->n, 1, "just the name");
    free(c);
    return done_testing();
}
