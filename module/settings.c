/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * settings.c - resolver settings as a value (see settings.h)
 */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

void dh_settings_init(dh_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->recursion = -1;
    s->cache_size = -1;
}

void dh_settings_clear(dh_settings *s)
{
    int i;

    free(s->unbound_conf);
    free(s->trust_anchor);
    free(s->resolv_conf);
    for (i = 0; i < s->nforwarders; i++)
        free(s->forwarders[i]);
    dh_settings_init(s);
}

/* replace - *dst becomes a copy of src when src is set */
static int replace(char **dst, const char *src)
{
    char *copy;

    if (src == NULL)
        return 0;
    if ((copy = strdup(src)) == NULL)
        return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

int dh_settings_overlay(dh_settings *dst, const dh_settings *top, char *err, size_t errlen)
{
    int i;

    if (replace(&dst->unbound_conf, top->unbound_conf) != 0 ||
        replace(&dst->trust_anchor, top->trust_anchor) != 0 ||
        replace(&dst->resolv_conf, top->resolv_conf) != 0)
        goto oom;
    if (dst->nforwarders + top->nforwarders > DH_MAX_FORWARDERS) {
        snprintf(err, errlen, "forwarders: at most %d in all", DH_MAX_FORWARDERS);
        dh_settings_clear(dst);
        return -1;
    }
    for (i = 0; i < top->nforwarders; i++, dst->nforwarders++)
        if ((dst->forwarders[dst->nforwarders] = strdup(top->forwarders[i])) == NULL)
            goto oom;
    if (top->recursion >= 0)
        dst->recursion = top->recursion;
    if (top->query_ms)
        dst->query_ms = top->query_ms;
    if (top->total_ms)
        dst->total_ms = top->total_ms;
    if (top->cache_size >= 0)
        dst->cache_size = top->cache_size;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    dh_settings_clear(dst);
    return -1;
}

int dh_settings_copy(dh_settings *dst, const dh_settings *src)
{
    char err[64];

    dh_settings_clear(dst);
    return dh_settings_overlay(dst, src, err, sizeof(err));
}

void dh_settings_defaults(dh_settings *s)
{
    if (s->recursion < 0)
        s->recursion = 0;
    if (s->query_ms == 0)
        s->query_ms = DH_DEFAULT_QUERY_MS;
    if (s->total_ms == 0)
        s->total_ms = DH_DEFAULT_TOTAL_MS;
    /* a round may not outlast the whole decision */
    if (s->total_ms < s->query_ms)
        s->total_ms = s->query_ms;
    if (s->cache_size < 0)
        s->cache_size = DH_CACHE_DEFAULT;
}

int dh_forwarder_ok(const char *addr)
{
    size_t n = strlen(addr);

    return n > 0 && n <= DH_FORWARDER_MAX && strspn(addr, "0123456789abcdefABCDEF.:@") == n;
}
