/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire.c - DNS wire format: names, rdata, the CNAME chain in an answer
 */
#include "wire.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "name.h"

#define T_CNAME 5

/* RFC 1035 4.1.4: at most this many pointers can be meaningful in one name */
#define MAX_POINTERS 126

int dh_wire_name(const uint8_t *msg, size_t len, size_t *off, int allow_ptr, char *out)
{
    size_t pos = *off, end = 0, o = 0, wirelen = 0;
    int jumped = 0, ptrs = 0;

    for (;;) {
        uint8_t l;

        if (pos >= len)
            return -1;
        l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            size_t target;

            if (!allow_ptr || pos + 1 >= len || ++ptrs > MAX_POINTERS)
                return -1;
            target = ((size_t) (l & 0x3f) << 8) | msg[pos + 1];
            /* a pointer must go backwards, which also rules out loops */
            if (target >= pos)
                return -1;
            if (!jumped)
                end = pos + 2;
            jumped = 1;
            pos = target;
            continue;
        }
        if (l & 0xc0)
            return -1; /* extended label types: not in use */
        pos++;
        if (l == 0)
            break;
        wirelen += (size_t) l + 1;
        if (wirelen > 254 || pos + l > len)
            return -1;
        if (o)
            out[o++] = '.';
        for (size_t i = 0; i < l; i++) {
            unsigned c = msg[pos + i];

            if (c >= 'A' && c <= 'Z')
                c += 32;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*') {
                out[o++] = (char) c;
            } else {
                snprintf(out + o, 5, "\\%03u", c);
                o += 4;
            }
        }
        pos += l;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    *off = jumped ? end : pos;
    return 0;
}

int dh_rdata_mx(const uint8_t *rd, size_t len, unsigned *pref, char *exchange)
{
    size_t off = 2;

    if (len < 3)
        return -1;
    *pref = ((unsigned) rd[0] << 8) | rd[1];
    if (dh_wire_name(rd, len, &off, 0, exchange) != 0 || off != len)
        return -1;
    return 0;
}

int dh_rdata_cname(const uint8_t *rd, size_t len, char *target)
{
    size_t off = 0;

    if (dh_wire_name(rd, len, &off, 0, target) != 0 || off != len)
        return -1;
    return 0;
}

int dh_rdata_addr(const uint8_t *rd, size_t len, char *out, size_t outlen)
{
    if (len == 4)
        return inet_ntop(AF_INET, rd, out, (socklen_t) outlen) ? 0 : -1;
    if (len == 16)
        return inet_ntop(AF_INET6, rd, out, (socklen_t) outlen) ? 0 : -1;
    return -1;
}

static unsigned get16(const uint8_t *p) { return ((unsigned) p[0] << 8) | p[1]; }

/*
 * find_cname - scan the answer section for a CNAME owned by owner; the
 * section is re-scanned per hop instead of copied, since chains are short.
 * Returns 1 with target set, 0 when there is none, -1 on malformation.
 */
static int find_cname(const uint8_t *msg, size_t len, const char *owner, char *target)
{
    static const size_t hdr = 12;
    size_t off = hdr, i;
    unsigned qd = get16(msg + 4), an = get16(msg + 6);
    char name[DH_WIRE_NAME_BUF];

    for (i = 0; i < qd; i++) {
        if (dh_wire_name(msg, len, &off, 1, name) != 0 || off + 4 > len)
            return -1;
        off += 4;
    }
    for (i = 0; i < an; i++) {
        unsigned type, rdlen;

        if (dh_wire_name(msg, len, &off, 1, name) != 0 || off + 10 > len)
            return -1;
        type = get16(msg + off);
        rdlen = get16(msg + off + 8);
        off += 10;
        if (off + rdlen > len)
            return -1;
        if (type == T_CNAME && dh_name_equal(name, owner)) {
            size_t roff = off;

            /* the target may be compressed against the whole message */
            if (dh_wire_name(msg, off + rdlen, &roff, 1, target) != 0 || roff != off + rdlen)
                return -1;
            return 1;
        }
        off += rdlen;
    }
    return 0;
}

int dh_packet_chain(const uint8_t *msg, size_t len, const char *qname, dh_chain *chain)
{
    char next[DH_WIRE_NAME_BUF];
    size_t i;

    memset(chain, 0, sizeof(*chain));
    if (strlen(qname) >= DH_WIRE_NAME_BUF)
        return -1;
    strcpy(chain->name[0], qname);
    chain->n = 1;
    if (msg == NULL || len == 0)
        return 0;
    if (len < 12)
        return -1;
    for (;;) {
        int r = find_cname(msg, len, chain->name[chain->n - 1], next);

        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        for (i = 0; i < chain->n; i++)
            if (dh_name_equal(chain->name[i], next)) {
                chain->loop = 1;
                return 0;
            }
        if (chain->n > DH_MAX_CHAIN) {
            chain->truncated = 1;
            return 0;
        }
        strcpy(chain->name[chain->n++], next);
    }
}
