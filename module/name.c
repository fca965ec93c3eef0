/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * name.c - host and domain names as danehop accepts them
 */
#include "name.h"

#include <arpa/inet.h>
#include <string.h>

static int is_ldh(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* An all-numeric last label is never a host name: it is an IP address. */
static int looks_like_ip(const char *s)
{
    unsigned char tmp[16];
    const char *last = strrchr(s, '.');
    size_t i;

    if (inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1)
        return 1;
    last = last ? last + 1 : s;
    if (*last == '\0')
        return 0;
    for (i = 0; last[i]; i++)
        if (last[i] < '0' || last[i] > '9')
            return 0;
    return 1;
}

dh_name_status dh_name_check(const char *in, char *out)
{
    size_t len, i, label = 0;

    if (in == NULL || *in == '\0')
        return DH_NAME_EMPTY;
    if (in[0] == '[')
        return DH_NAME_ADDRESS_LITERAL;
    len = strnlen(in, DH_NAME_MAX + 2);
    if (len > 0 && in[len - 1] == '.')
        len--;
    if (len == 0)
        return DH_NAME_ROOT;
    if (len > DH_NAME_MAX)
        return DH_NAME_TOO_LONG;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) in[i];

        if (c >= 0x80)
            return DH_NAME_NON_ASCII;
        if (c == ':' && looks_like_ip(in))
            return DH_NAME_IP_ADDRESS;
        if (c == '.') {
            if (label == 0)
                return DH_NAME_EMPTY_LABEL;
            if (in[i - 1] == '-')
                return DH_NAME_HYPHEN;
            label = 0;
        } else if (!is_ldh(c)) {
            return DH_NAME_BAD_CHAR;
        } else {
            if (label == 0 && c == '-')
                return DH_NAME_HYPHEN;
            if (++label > 63)
                return DH_NAME_LABEL_TOO_LONG;
        }
        out[i] = (char) ((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    /* "example.org.." ends in an empty label; only one trailing dot is the root */
    if (label == 0)
        return DH_NAME_EMPTY_LABEL;
    if (in[len - 1] == '-')
        return DH_NAME_HYPHEN;
    out[len] = '\0';
    if (looks_like_ip(out))
        return DH_NAME_IP_ADDRESS;
    return DH_NAME_OK;
}

const char *dh_name_strerror(dh_name_status st)
{
    switch (st) {
    case DH_NAME_OK: return "valid name";
    case DH_NAME_EMPTY: return "empty name";
    case DH_NAME_TOO_LONG: return "name longer than 253 octets";
    case DH_NAME_EMPTY_LABEL: return "empty label (two dots in a row, or a leading dot)";
    case DH_NAME_LABEL_TOO_LONG: return "label longer than 63 octets";
    case DH_NAME_NON_ASCII:
        return "non-ASCII name (a U-label): give the A-label form instead, e.g. xn--... as printed by idn2";
    case DH_NAME_BAD_CHAR: return "character outside letters, digits, hyphen and dot";
    case DH_NAME_HYPHEN: return "label starts or ends with a hyphen";
    case DH_NAME_ADDRESS_LITERAL:
        return "address literal: DANE does not apply to IP address destinations (RFC 7672 section 2.2)";
    case DH_NAME_IP_ADDRESS:
        return "IP address, not a name: DANE does not apply to IP address destinations (RFC 7672 section "
               "2.2)";
    case DH_NAME_ROOT: return "the root name is not a mail destination";
    }
    return "invalid name";
}

int dh_name_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i;

    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    if (la != lb)
        return 0;
    for (i = 0; i < la; i++) {
        int ca = (unsigned char) a[i], cb = (unsigned char) b[i];

        if (ca >= 'A' && ca <= 'Z')
            ca += 32;
        if (cb >= 'A' && cb <= 'Z')
            cb += 32;
        if (ca != cb)
            return 0;
    }
    return 1;
}
