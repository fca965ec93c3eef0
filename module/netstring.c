/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstring.c - netstrings, the socketmap framing
 *
 * The length is decimal without leading zeros (a lone "0" aside), at most
 * as many digits as the limit needs; anything else is refused at once, so
 * a hostile client cannot make the daemon wait for a huge payload.
 */
#include "netstring.h"

#include <stdio.h>
#include <string.h>

ns_status ns_parse(const char *buf, size_t len, size_t max, const char **payload, size_t *plen, size_t *used)
{
    size_t i = 0, n = 0;

    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
        if (i == 1 && buf[0] == '0')
            return NS_BAD;
        n = n * 10 + (size_t) (buf[i] - '0');
        if (n > max)
            return NS_TOO_LONG;
        i++;
    }
    if (i == len)
        return i > 7 ? NS_BAD : NS_MORE;
    if (i == 0 || buf[i] != ':')
        return NS_BAD;
    if (len - i - 1 < n + 1)
        return NS_MORE;
    if (buf[i + 1 + n] != ',')
        return NS_BAD;
    *payload = buf + i + 1;
    *plen = n;
    *used = i + 2 + n;
    return NS_OK;
}

size_t ns_format(const char *payload, size_t plen, char *out, size_t outlen)
{
    int head = snprintf(out, outlen, "%zu:", plen);

    if (head < 0 || (size_t) head + plen + 1 >= outlen)
        return 0;
    memcpy(out + head, payload, plen);
    out[head + plen] = ',';
    out[head + plen + 1] = '\0';
    return (size_t) head + plen + 1;
}
