/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * maps.c - the socketmap maps danehopd answers
 *
 * DESCRIPTION
 *   tlspolicy answers Postfix's smtp_tls_policy_maps so that Postfix's own
 *   per-host DANE (RFC 7672-correct, and re-validated at connection time)
 *   handles every host, and never with a level that lets Postfix use a
 *   host danehop deferred:
 *     every usable host under mandatory DANE    OK dane-only
 *     a host held back by a policy rule only    OK dane-only (Postfix's
 *                                               "dane" would use it)
 *     DANE applies to a host, or a host defers  OK dane  (Postfix redoes
 *       for DNS reasons (TLSA SERVFAIL, bogus)  the lookups: dane hosts
 *                                               verified, unusable TLSA
 *                                               encrypted, failed TLSA
 *                                               lookups skipped)
 *     DANE applies to no host, none deferred    NOTFOUND (Postfix's default)
 *     the whole domain defers                   TEMP reason
 *     ... and only timeouts stood in the way    TIMEOUT reason
 *   "OK encrypt" is never answered: at that level Postfix looks up no TLSA
 *   and would deliver unauthenticated to a host whose TLSA lookup failed.
 *   "OK dane-only" is never answered for an insecure MX RRset (half-DANE):
 *   Postfix defers those; "dane" with smtp_tls_dane_insecure_mx_policy =
 *   dane does half-DANE itself.
 *   With fingerprints on, a domain whose hosts are all dane with only
 *   "3 1 1" records is answered "OK fingerprint match=...|..." (Postfix
 *   with smtp_tls_fingerprint_digest = sha256 accepts exactly those keys).
 *
 *   Next-hop keys are parsed the way Postfix writes them (host_port(3)):
 *   domain, domain:port, domain:service, [host], [host]:port,
 *   [host]:service, [192.0.2.1], [ipv6:2001:db8::1]:25, [2001:db8::1]:25.
 *   An IP literal is answered NOTFOUND (DANE does not apply, RFC 7672
 *   section 2.2); a bracketed host is a non-MX destination (section 2.2.2).
 *
 *   TEMP, TIMEOUT or PERM follows the library's error codes, never its
 *   English: only unusable input is PERM.
 *
 *   The key=value forms percent-encode spaces, '%', ',', '|', '=' and any
 *   byte outside printable ASCII in values.
 */
#include "maps.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "decform.h"
#include "decision.h"
#include "discover.h"
#include "dlog.h"
#include "verdicts.h"

#define MAX_KEY 1024
/* the longest chain check the loop hashes to look it up, so that its work
 * stays small; a leaf certificate and its decision take 1 to 2 KB */
#define LOOP_MAX_CHECK 16384

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
    dh_buf_printf(b, " %serror=%s", prefix, danehop_error_name(danehop_host_error(h)));
}

/* defer_reply - TEMP, or TIMEOUT when only timeouts stood in the way */
static void defer_reply(char *reply, danehop_error e, const char *reason)
{
    snprintf(reply, MAP_MAX_REPLY, "%s %.1000s", e == DANEHOP_E_TIMEOUT ? "TIMEOUT" : "TEMP", reason);
}

typedef struct nexthop {
    char *name;    /* host or domain, brackets and "ipv6:" removed */
    unsigned port; /* 25 unless given */
    int bracketed; /* [name]: no MX lookup */
    int literal;   /* an IP address: DANE does not apply */
} nexthop;

/* service_port - a port number or a service name, as Postfix resolves it */
static int service_port(const char *svc, unsigned *port)
{
    static const struct {
        const char *name;
        unsigned port;
    } known[] = {{"smtp", 25}, {"submission", 587}, {"submissions", 465}, {"smtps", 465}};
    size_t i;

    if (*svc == '\0') {
        *port = 25;
        return 0;
    }
    if (strspn(svc, "0123456789") == strlen(svc)) {
        unsigned long p = strlen(svc) <= 5 ? strtoul(svc, NULL, 10) : 0;

        if (p < 1 || p > 65535)
            return -1;
        *port = (unsigned) p;
        return 0;
    }
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcasecmp(svc, known[i].name) == 0) {
            *port = known[i].port;
            return 0;
        }
    if (strlen(svc) <= 64) {
        struct servent se, *res = NULL;
        char buf[1024];

        if (getservbyname_r(svc, "tcp", &se, buf, sizeof(buf), &res) == 0 && res != NULL) {
            *port = ntohs((uint16_t) res->s_port);
            return 0;
        }
    }
    return -1;
}

/*
 * parse_nexthop - split a next-hop key in place, like Postfix's host_port():
 * "[host]:service", "[host]:", "[host]", "[ipv6:addr]...", "host:service",
 * "host:", "host"; copy (as large as key) keeps the key whole
 */
static int parse_nexthop(char *key, nexthop *nh, char *copy)
{
    const char *svc = "";
    char *end;
    unsigned char addr[16];

    /* the key as given, for messages: parsing cuts it up */
    strcpy(copy, key);
    memset(nh, 0, sizeof(*nh));
    if (key[0] == '[') {
        nh->name = key + 1;
        if (strncasecmp(nh->name, "ipv6:", 5) == 0)
            nh->name += 5;
        if ((end = strchr(nh->name, ']')) == NULL)
            return -1;
        *end++ = '\0';
        if (*end == ':')
            svc = end + 1;
        else if (*end != '\0')
            return -1;
        nh->bracketed = 1;
    } else {
        nh->name = key;
        if ((end = strrchr(key, ':')) != NULL) {
            *end = '\0';
            svc = end + 1;
        }
    }
    if (*nh->name == '\0' || service_port(svc, &nh->port) != 0)
        return -1;
    nh->literal = inet_pton(AF_INET, nh->name, addr) == 1 || inet_pton(AF_INET6, nh->name, addr) == 1;
    return 0;
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
    /* bad input is permanent; everything else (configuration, resolver,
     * memory) is fixed or passes, and the mail must still be there then */
    snprintf(reply, MAP_MAX_REPLY, "%s %.1000s",
             danehop_ctx_error_code(ctx) == DANEHOP_E_INPUT ? "PERM" : "TEMP", danehop_ctx_error(ctx));
    return -1;
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
    nexthop nh;
    char given[MAX_KEY + 1];
    size_t i, usable = 0, dane = 0, encrypt = 0, deferred = 0, held = 0, mandatory = 0;

    if (key[0] == '.') {
        /* Postfix also asks for the parent domain (".example.com"): only
         * the next hop itself has a decision */
        reply_set(reply, "NOTFOUND %s", NULL);
        return;
    }
    if (parse_nexthop(key, &nh, given) != 0) {
        reply_set(reply, "PERM bad next-hop \"%.200s\"", given);
        return;
    }
    if (nh.literal) {
        /* RFC 7672 section 2.2: DANE does not apply to an address literal */
        reply_set(reply, "NOTFOUND %s", NULL);
        return;
    }
    if (resolve(ctx, opt, nh.bracketed ? NULL : nh.name, nh.bracketed ? nh.name : NULL, nh.port, &d, reply) !=
        0)
        return;
    switch (danehop_decision_status(d)) {
    case DANEHOP_STATUS_DEFER:
        defer_reply(reply, danehop_decision_error(d), danehop_decision_reason(d));
        danehop_decision_free(d);
        return;
    case DANEHOP_STATUS_NULLMX:
    case DANEHOP_STATUS_NXDOMAIN:
        /* Postfix finds these itself and bounces: not a TLS question */
        reply_set(reply, "NOTFOUND %s", NULL);
        danehop_decision_free(d);
        return;
    case DANEHOP_STATUS_OK: break;
    }
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        danehop_action a = danehop_host_action(h);
        danehop_error e = danehop_host_error(h);

        usable += a <= DANEHOP_ACTION_MAY;
        dane += a == DANEHOP_ACTION_DANE;
        encrypt += a == DANEHOP_ACTION_ENCRYPT;
        deferred += a == DANEHOP_ACTION_DEFER;
        /* deferred for a reason Postfix's own DANE would not see */
        held += a == DANEHOP_ACTION_DEFER && (e == DANEHOP_E_POLICY || e == DANEHOP_E_CONFIG);
        mandatory += a <= DANEHOP_ACTION_MAY && danehop_host_mandatory(h);
    }
    if (opt->fingerprint && dane > 0 && dane == usable && deferred == 0) {
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
    if (held > 0 && danehop_decision_domain(d) != NULL && !danehop_decision_mx_secure(d)) {
        /* Postfix's dane-only defers an insecure MX RRset, and "dane"
         * would use the held host: no answer keeps only that host out */
        reply_set(reply,
                  "TEMP a policy rule holds back a host of the insecure MX RRset of %.300s, "
                  "which Postfix cannot be told to skip",
                  danehop_decision_domain(d));
    } else if (held > 0 || (mandatory > 0 && mandatory == usable)) {
        reply_set(reply, "OK dane-only%s", NULL);
    } else if (dane > 0 || encrypt > 0 || deferred > 0) {
        reply_set(reply, "OK dane%s", NULL);
    } else {
        reply_set(reply, "NOTFOUND %s", NULL);
    }
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
    nexthop nh;
    char given[MAX_KEY + 1];
    size_t i;
    dh_buf b;

    if (parse_nexthop(key, &nh, given) != 0 || nh.bracketed || nh.literal) {
        reply_set(reply, "PERM want a domain, optionally :port, got \"%.200s\"", given);
        return;
    }
    if (resolve(ctx, opt, nh.name, NULL, nh.port, &d, reply) != 0)
        return;
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_printf(&b, "OK status=%s mx_secure=%s hosts=%zu error=%s reason=",
                  danehop_status_name(danehop_decision_status(d)),
                  danehop_decision_mx_secure(d) ? "yes" : "no", danehop_decision_host_count(d),
                  danehop_error_name(danehop_decision_error(d)));
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
        if (danehop_decision_host_count(d) == 0)
            defer_reply(reply, danehop_decision_error(d), danehop_decision_reason(d));
        else
            defer_reply(reply,
                        danehop_decision_status(d) == DANEHOP_STATUS_DEFER
                            ? danehop_decision_error(d)
                            : danehop_host_error(danehop_decision_host(d, 0)),
                        danehop_host_reason(danehop_decision_host(d, 0)));
        danehop_decision_free(d);
        return;
    }
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_add(&b, "OK");
    add_host(&b, danehop_decision_host(d, 0), "");
    danehop_decision_free(d);
    finish(&b, reply);
}

/* small_number - a decimal of at most 5 digits, no more than max */
static int small_number(const char *s, unsigned max, unsigned *out)
{
    size_t n = strspn(s, "0123456789");

    if (n == 0 || n > 5 || s[n] != '\0' || (n > 1 && s[0] == '0') || strtoul(s, NULL, 10) > max)
        return -1;
    *out = (unsigned) strtoul(s, NULL, 10);
    return 0;
}

/*
 * decision_v1 - the whole decision for a library user (module/daemon.c):
 * key "POLICY FLAGS PORT DOMAIN HOST" ('-' for no name), reply "OK " and
 * decform.c's text, or "TEMP|PERM CODE text" with the library's error code
 */
static int decision_v1(danehop_ctx *ctx, const map_options *opt, char *key, char *reply, int cached_only)
{
    char *f[5], *save = NULL, *tok;
    const char *domain, *host;
    unsigned policy, flags, port;
    danehop_decision *d;
    int n = 0;
    dh_buf b;

    for (tok = strtok_r(key, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
        f[n++] = tok;
    if (n != 5 || tok != NULL || small_number(f[0], DANEHOP_POLICY_MANDATORY, &policy) != 0 ||
        small_number(f[1], DANEHOP_F_HALF_DANE, &flags) != 0 || small_number(f[2], 65535, &port) != 0) {
        snprintf(reply, MAP_MAX_REPLY, "PERM %d want \"policy flags port domain host\"",
                 (int) DANEHOP_E_INPUT);
        return 1;
    }
    domain = strcmp(f[3], "-") ? f[3] : NULL;
    host = strcmp(f[4], "-") ? f[4] : NULL;
    if (cached_only) {
        if (!dh_resolve_cached(ctx, domain, host, port, (danehop_policy) policy, flags, &d))
            return 0;
        /* logging may block (syslog): only a decision logged already is
         * answered where nothing may wait; its first hand-out is a worker's */
        if (opt->decided == NULL || !dh_decision_was_used(d)) {
            danehop_decision_free(d);
            return 0;
        }
    } else if (danehop_resolve(ctx, domain, host, port, (danehop_policy) policy, flags, &d) != 0) {
        danehop_error e = danehop_ctx_error_code(ctx);

        snprintf(reply, MAP_MAX_REPLY, "%s %d %.1000s", e == DANEHOP_E_INPUT ? "PERM" : "TEMP", (int) e,
                 danehop_ctx_error(ctx));
        return 1;
    }
    if (opt->decided)
        opt->decided(ctx, d);
    else
        danehop_log_decision(ctx, d, DANEHOP_LOG_SYSLOG);
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_add(&b, "OK ");
    dh_decform_render(d, &b);
    danehop_decision_free(d);
    finish(&b, reply);
    return 1;
}

/*
 * dns_text - whether s is a name as a decision carries it: printable
 * ASCII, no space (names from DNS are escaped to that). A chain check is
 * any client's text, and its names go into danehopd's log and to OpenSSL
 * as reference names: anything else is refused, so no client can end a
 * log line early and write one of its own.
 */
static int dns_text(const char *s, int nullable)
{
    if (s == NULL)
        return nullable;
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
            return 0;
    return 1;
}

/* check_names - the host's name, base domain and reference names are dns_text */
static int check_names(const danehop_host *h)
{
    size_t i;

    if (!dns_text(danehop_host_name(h), 0) || !dns_text(danehop_host_base_domain(h), 1))
        return 0;
    for (i = 0; i < danehop_host_name_count(h); i++)
        if (!dns_text(danehop_host_refname(h, i), 0))
            return 0;
    return 1;
}

/*
 * verify_v1 - a chain check for a client that links no OpenSSL
 * (module/client.c): key = decform.h's chain check (one host of the
 * client's decision and the chain), reply "OK " and the verdict, or
 * "TEMP|PERM CODE text". The chain is checked against exactly the records
 * and names the client sent: the decision it acts on, which came from
 * this daemon. Anyone who may connect can ask; a verdict is all they get.
 * digest: the key's (verdicts.h), NULL if it has none; a DANE-EE verdict
 * is kept under it.
 */
static void verify_v1(danehop_ctx *ctx, const char *key, size_t klen, const unsigned char *digest,
                      char *reply)
{
    const unsigned char *der[DH_CHECK_MAX_CERTS];
    size_t derlen[DH_CHECK_MAX_CERTS], n;
    danehop_decision *holder;
    const danehop_host *h;
    danehop_verdict *v;
    char err[300], line[1200];
    int usage, selector, mtype, depth, logged;
    dh_buf b;

    if (dh_decform_parse_check(key, klen, &holder, der, derlen, &n, err, sizeof(err)) != 0) {
        snprintf(reply, MAP_MAX_REPLY, "PERM %d %s", (int) DANEHOP_E_INPUT, err);
        return;
    }
    h = danehop_decision_host(holder, 0);
    if (!check_names(h)) {
        danehop_decision_free(holder);
        snprintf(reply, MAP_MAX_REPLY, "PERM %d daemon chain check refused: a name that is not a DNS name",
                 (int) DANEHOP_E_INPUT);
        return;
    }
    if ((v = danehop_verify_host(h, der, derlen, n)) == NULL) {
        danehop_decision_free(holder);
        snprintf(reply, MAP_MAX_REPLY, "TEMP %d out of memory", (int) DANEHOP_E_NOMEM);
        return;
    }
    /* any client may ask as fast as it can: past the rate, counted (dlog.h) */
    if ((logged = dlog_admit(DLOG_CHECKS)) != 0) {
        snprintf(line, sizeof(line),
                 "danehop: chain check (verify-v1) host=%s base=%s certificates=%zu verdict=%s: %s",
                 danehop_host_name(h), danehop_host_base_domain(h) ? danehop_host_base_domain(h) : "-", n,
                 danehop_verdict_authenticated(v) ? "dane-verified" : "dane-failed",
                 danehop_verdict_reason(v));
        danehop_log_line(ctx, DANEHOP_LOG_SYSLOG, !danehop_verdict_authenticated(v), line);
    }
    dh_buf_init(&b, MAP_MAX_REPLY - 1);
    dh_buf_add(&b, "OK ");
    dh_decform_render_verdict(v, &b);
    finish(&b, reply);
    /* only where time cannot change it (DANE-EE ignores validity dates),
     * and only a check whose line was logged: the table's answers are not */
    if (digest != NULL && logged && danehop_verdict_match(v, &usage, &selector, &mtype, &depth) == 0 &&
        usage == 3 && strncmp(reply, "OK ", 3) == 0)
        verdicts_put(digest, reply);
    danehop_verdict_free(v);
    danehop_decision_free(holder);
}

/*
 * check - a verify-v1 request. The very bytes of a check that a DANE-EE
 * record authenticated before are answered from the verdict table: without
 * waiting, so also on the loop (cached_only), where only keys up to
 * LOOP_MAX_CHECK are hashed. Such an answer is counted (opt->rechecked),
 * not logged again: the check was logged when it was made, as a decision
 * is logged once however often the cache hands it out. 0 when the request
 * needs a worker.
 */
static int check(danehop_ctx *ctx, const map_options *opt, const char *key, size_t klen, char *reply,
                 int cached_only)
{
    verdicts_digest digest;
    int keyed = (!cached_only || klen <= LOOP_MAX_CHECK) && verdicts_key(key, klen, digest) == 0;

    if (keyed && verdicts_get(digest, reply, MAP_MAX_REPLY)) {
        if (opt->rechecked)
            opt->rechecked();
        return 1;
    }
    /* the rest is a worker's: up to 96 KB to decode, a chain to check, a line to log (which may block) */
    if (cached_only)
        return 0;
    verify_v1(ctx, key, klen, keyed ? digest : NULL, reply);
    return 1;
}

/* lookup - map_lookup(), or with cached_only what map_lookup_cached() says */
static int lookup(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply,
                  int cached_only)
{
    char key[MAX_KEY + 1];
    const char *sp = memchr(req, ' ', len);
    size_t mlen, klen;

    if (sp == NULL || memchr(req, '\0', len) != NULL) {
        reply_set(reply, "PERM request is not \"<map> <key>\"%s", NULL);
        return 1;
    }
    mlen = (size_t) (sp - req);
    klen = len - mlen - 1;
    /* a chain: larger than any name key, bounded by its own parser */
    if (mlen == 9 && memcmp(req, "verify-v1", 9) == 0)
        return check(ctx, opt, sp + 1, klen, reply, cached_only);
    if (klen == 0 || klen > MAX_KEY) {
        reply_set(reply, "PERM key empty or longer than 1024 bytes%s", NULL);
        return 1;
    }
    memcpy(key, sp + 1, klen);
    key[klen] = '\0';
    if (mlen == 11 && memcmp(req, "decision-v1", 11) == 0)
        return decision_v1(ctx, opt, key, reply, cached_only);
    if (cached_only)
        return 0;
    if (mlen == 9 && memcmp(req, "tlspolicy", 9) == 0)
        tlspolicy(ctx, opt, key, reply);
    else if (mlen == 8 && memcmp(req, "decision", 8) == 0)
        decision(ctx, opt, key, reply);
    else if (mlen == 4 && memcmp(req, "host", 4) == 0)
        host(ctx, opt, key, reply);
    else
        snprintf(reply, MAP_MAX_REPLY,
                 "PERM unknown map \"%.*s\" (tlspolicy, decision, host, decision-v1, verify-v1)",
                 (int) (mlen > 40 ? 40 : mlen), req);
    return 1;
}

void map_lookup(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply)
{
    (void) lookup(ctx, opt, req, len, reply, 0);
}

int map_lookup_cached(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply)
{
    return lookup(ctx, opt, req, len, reply, 1);
}
