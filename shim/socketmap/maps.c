/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * maps.c - the socketmap maps danehopd answers
 *
 * DESCRIPTION
 *   tlspolicy maps a decision to Postfix's TLS policy levels, leaving the
 *   per-host DANE work to Postfix, whose own DANE is RFC 7672-correct:
 *     every usable host dane          OK dane-only
 *     some host dane                  OK dane      (Postfix decides per host)
 *     every usable host encrypt       OK encrypt
 *     DANE does not apply             NOTFOUND     (Postfix's default level)
 *     the decision defers             TEMP reason  (Postfix: 4.7.5, deferred)
 *     ... because of a timeout        TIMEOUT reason
 *   With fingerprints on, a domain whose dane hosts publish only "3 1 1"
 *   records is answered "OK fingerprint match=...|..." (Postfix with
 *   smtp_tls_fingerprint_digest = sha256 accepts exactly those keys).
 *
 *   The key=value forms percent-encode spaces, '%', ',', '|', '=' and any
 *   byte outside printable ASCII in values.
 */
#include "maps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define MAX_KEY 1024

static void reply_set(char *reply, const char *fmt, const char *a)
{
    snprintf(reply, MAP_MAX_REPLY, fmt, a ? a : "");
}

/* add a percent-encoded value */
static void add_value(dh_buf *b, const char *v)
{
    const unsigned char *p;

    if (v == NULL) {
        dh_buf_add(b, "-");
        return;
    }
    for (p = (const unsigned char *) v; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || strchr("%,|=", *p))
            dh_buf_printf(b, "%%%02X", *p);
        else
            dh_buf_addn(b, (const char *) p, 1);
    }
}

static void add_host(dh_buf *b, const danehop_host *h, const char *prefix)
{
    size_t i;

    dh_buf_printf(b, " %shost=", prefix);
    add_value(b, danehop_host_name(h));
    dh_buf_printf(b, " %saction=%s %sbase=", prefix, danehop_action_name(danehop_host_action(h)), prefix);
    add_value(b, danehop_host_base_domain(h));
    dh_buf_printf(b, " %ssni=", prefix);
    add_value(b, danehop_host_sni(h));
    dh_buf_printf(b, " %stlsa=", prefix);
    for (i = 0; i < danehop_host_tlsa_count(h); i++) {
        char *t = strdup(danehop_host_tlsa_text(h, i)), *s;

        if (t == NULL)
            continue;
        for (s = t; *s; s++)
            if (*s == ' ')
                *s = ':';
        dh_buf_add(b, i ? "," : "");
        add_value(b, t);
        free(t);
    }
    if (danehop_host_tlsa_count(h) == 0)
        dh_buf_add(b, "-");
    dh_buf_printf(b, " %snames=", prefix);
    for (i = 0; i < danehop_host_name_count(h); i++) {
        dh_buf_add(b, i ? "," : "");
        add_value(b, danehop_host_refname(h, i));
    }
    if (danehop_host_name_count(h) == 0)
        dh_buf_add(b, "-");
    dh_buf_printf(b, " %sreason=", prefix);
    add_value(b, danehop_host_reason(h));
}

static int is_timeout(const char *reason) { return strstr(reason, "timeout") != NULL; }

static void defer_reply(char *reply, const char *reason)
{
    snprintf(reply, MAP_MAX_REPLY, "%s %.1000s", is_timeout(reason) ? "TIMEOUT" : "TEMP", reason);
}

/* split_port - "name:port" or "[name]:port" into name (no brackets) and port */
static int split_port(char *key, unsigned *port, int *bracketed)
{
    char *colon = strrchr(key, ':');
    size_t len;

    *port = 25;
    *bracketed = 0;
    if (colon != NULL && colon[1] != '\0' && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        unsigned long p = strtoul(colon + 1, NULL, 10);

        if (p < 1 || p > 65535)
            return -1;
        *port = (unsigned) p;
        *colon = '\0';
    }
    len = strlen(key);
    if (len >= 2 && key[0] == '[' && key[len - 1] == ']') {
        memmove(key, key + 1, len - 2);
        key[len - 2] = '\0';
        *bracketed = 1;
    }
    return *key ? 0 : -1;
}

static int resolve(danehop_ctx *ctx, const map_options *opt, const char *domain, const char *host,
                   unsigned port, danehop_decision **d, char *reply)
{
    if (danehop_resolve(ctx, domain, host, port, DANEHOP_POLICY_OPPORTUNISTIC, 0, d) == 0) {
        /* one line per decision, where the configuration says (syslog by default) */
        if (opt->decided)
            opt->decided(ctx, *d);
        else
            danehop_log_decision(ctx, *d, DANEHOP_LOG_SYSLOG);
        return 0;
    }
    {
        /* bad input is permanent; a resolver that cannot start is not */
        const char *why = danehop_ctx_error(ctx);

        snprintf(reply, MAP_MAX_REPLY, "%s %.1000s",
                 strstr(why, "domain \"") || strstr(why, "host \"") || strstr(why, "port") ? "PERM" : "TEMP",
                 why);
        return -1;
    }
    return 0;
}

/* fingerprints - "match=h1|h2..." when every dane host has only 3 1 1 records */
static int fingerprints(const danehop_decision *d, dh_buf *b)
{
    size_t i, k, n = 0;

    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);

        if (danehop_host_action(h) != DANEHOP_ACTION_DANE)
            continue;
        for (k = 0; k < danehop_host_tlsa_count(h); k++)
            if (strncmp(danehop_host_tlsa_text(h, k), "3 1 1 ", 6) != 0)
                return 0;
    }
    dh_buf_add(b, "OK fingerprint");
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);

        if (danehop_host_action(h) != DANEHOP_ACTION_DANE)
            continue;
        for (k = 0; k < danehop_host_tlsa_count(h); k++, n++)
            dh_buf_printf(b, "%s%s", n ? "|" : " match=", danehop_host_tlsa_text(h, k) + 6);
    }
    return n > 0;
}

static void tlspolicy(danehop_ctx *ctx, const map_options *opt, char *key, char *reply)
{
    danehop_decision *d;
    unsigned port;
    int bracketed;
    size_t i, usable = 0, dane = 0, encrypt = 0;

    if (key[0] == '.') {
        /* Postfix also asks for the parent domain (".example.com"): only
         * the next hop itself has a decision */
        reply_set(reply, "NOTFOUND %s", NULL);
        return;
    }
    if (split_port(key, &port, &bracketed) != 0) {
        reply_set(reply, "PERM bad next-hop \"%.200s\"", key);
        return;
    }
    if (resolve(ctx, opt, bracketed ? NULL : key, bracketed ? key : NULL, port, &d, reply) != 0)
        return;
    switch (danehop_decision_status(d)) {
    case DANEHOP_STATUS_DEFER:
        defer_reply(reply, danehop_decision_reason(d));
        danehop_decision_free(d);
        return;
    case DANEHOP_STATUS_NULLMX:
    case DANEHOP_STATUS_NXDOMAIN:
        reply_set(reply, "NOTFOUND %s", NULL);
        danehop_decision_free(d);
        return;
    case DANEHOP_STATUS_OK: break;
    }
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        danehop_action a = danehop_host_action(danehop_decision_host(d, i));

        usable += a <= DANEHOP_ACTION_MAY;
        dane += a == DANEHOP_ACTION_DANE;
        encrypt += a == DANEHOP_ACTION_ENCRYPT;
    }
    if (dane > 0 && dane == usable && opt->fingerprint) {
        dh_buf b;
        char *s;

        dh_buf_init(&b, MAP_MAX_REPLY - 1);
        if (fingerprints(d, &b) && (s = dh_buf_finish(&b)) != NULL) {
            reply_set(reply, "%s", s);
            free(s);
            danehop_decision_free(d);
            return;
        }
        dh_buf_discard(&b);
    }
    if (dane > 0)
        reply_set(reply, dane == usable ? "OK dane-only%s" : "OK dane%s", NULL);
    else if (encrypt > 0)
        reply_set(reply, encrypt == usable ? "OK encrypt%s" : "OK dane%s", NULL);
    else
        reply_set(reply, "NOTFOUND %s", NULL);
    danehop_decision_free(d);
}

static void finish(dh_buf *b, char *reply)
{
    char *s = dh_buf_finish(b);

    if (s == NULL) {
        reply_set(reply, "TEMP reply too large or out of memory%s", NULL);
        return;
    }
    reply_set(reply, "%s", s);
    free(s);
}

static void decision(danehop_ctx *ctx, const map_options *opt, char *key, char *reply)
{
    danehop_decision *d;
    unsigned port;
    int bracketed;
    size_t i;
    dh_buf b;

    if (split_port(key, &port, &bracketed) != 0 || bracketed) {
        reply_set(reply, "PERM want a domain, optionally :port, got \"%.200s\"", key);
        return;
    }
    if (resolve(ctx, opt, key, NULL, port, &d, reply) != 0)
        return;
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_printf(
        &b, "OK status=%s mx_secure=%s hosts=%zu reason=", danehop_status_name(danehop_decision_status(d)),
        danehop_decision_mx_secure(d) ? "yes" : "no", danehop_decision_host_count(d));
    add_value(&b, danehop_decision_reason(d));
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        char prefix[32];

        snprintf(prefix, sizeof(prefix), "%zu.", i + 1);
        add_host(&b, danehop_decision_host(d, i), prefix);
    }
    danehop_decision_free(d);
    finish(&b, reply);
}

static void host(danehop_ctx *ctx, const map_options *opt, char *key, char *reply)
{
    danehop_decision *d;
    char *h = strchr(key, ':'), *p;
    unsigned long port;
    dh_buf b;

    if (h == NULL || (p = strchr(h + 1, ':')) == NULL || strchr(p + 1, ':') != NULL) {
        reply_set(reply, "PERM want domain:host:port, got \"%.200s\"", key);
        return;
    }
    *h++ = '\0';
    *p++ = '\0';
    port = strtoul(p, NULL, 10);
    if (strspn(p, "0123456789") != strlen(p) || port < 1 || port > 65535) {
        reply_set(reply, "PERM bad port \"%.20s\"", p);
        return;
    }
    if (resolve(ctx, opt, *key ? key : NULL, h, (unsigned) port, &d, reply) != 0)
        return;
    if (danehop_decision_host_count(d) == 0 ||
        danehop_host_action(danehop_decision_host(d, 0)) == DANEHOP_ACTION_DEFER) {
        defer_reply(reply, danehop_decision_host_count(d) ? danehop_host_reason(danehop_decision_host(d, 0))
                                                          : danehop_decision_reason(d));
        danehop_decision_free(d);
        return;
    }
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_add(&b, "OK");
    add_host(&b, danehop_decision_host(d, 0), "");
    danehop_decision_free(d);
    finish(&b, reply);
}

void map_lookup(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply)
{
    char key[MAX_KEY + 1];
    const char *sp = memchr(req, ' ', len);
    size_t mlen, klen;

    if (sp == NULL || memchr(req, '\0', len) != NULL) {
        reply_set(reply, "PERM request is not \"<map> <key>\"%s", NULL);
        return;
    }
    mlen = (size_t) (sp - req);
    klen = len - mlen - 1;
    if (klen == 0 || klen > MAX_KEY) {
        reply_set(reply, "PERM key empty or longer than 1024 bytes%s", NULL);
        return;
    }
    memcpy(key, sp + 1, klen);
    key[klen] = '\0';
    if (mlen == 9 && memcmp(req, "tlspolicy", 9) == 0)
        tlspolicy(ctx, opt, key, reply);
    else if (mlen == 8 && memcmp(req, "decision", 8) == 0)
        decision(ctx, opt, key, reply);
    else if (mlen == 4 && memcmp(req, "host", 4) == 0)
        host(ctx, opt, key, reply);
    else
        snprintf(reply, MAP_MAX_REPLY, "PERM unknown map \"%.*s\" (tlspolicy, decision, host)",
                 (int) (mlen > 40 ? 40 : mlen), req);
}
