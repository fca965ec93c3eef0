/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   decform - a decision, a chain check and a verdict as text, for
 *   danehopd's decision-v1 and verify-v1 maps
 *
 * SYNOPSIS
 *   #include "decform.h"
 *
 *   int dh_decform_render(const danehop_decision *d, dh_buf *b);
 *   int dh_decform_parse(const char *text, size_t len, danehop_decision **out,
 *                        char *err, size_t errlen);
 *   int dh_decform_render_check(const danehop_host *h, ...);
 *   int dh_decform_parse_check(const char *text, size_t len, ...);
 *   int dh_decform_render_verdict(const danehop_verdict *v, dh_buf *b);
 *   int dh_decform_parse_verdict(const char *text, size_t len, ...);
 *
 * DESCRIPTION
 *   A library user that takes its decisions from danehopd (daemon.c) must
 *   get everything the accessors and danehop_decision_match() read, or it
 *   would decide on less than the daemon knew. The text is:
 *
 *     danehop-decision 1
 *     status N, error N, policy N, flags N, port N, mx_secure N,
 *     implicit_mx N, exempt N, rounds N, dns_errors N, timeouts N, domain S, mx_owner S,
 *     host_request S, rule S, reason S, skipped N + skip S...,
 *     hosts N, and per host: host S, preference N, action N, error N,
 *     mandatory N, address_secure N, reason S, base S, sni S,
 *     addrs N + addr S..., hops N + (hop S, cname S, secure N)...,
 *     tlsa N + (tlsa "U S M hex", tlsa_text S)..., unusable N + text S...,
 *     names N + name S...; then queries N + (query ROUND, qname S,
 *     qtype S, result S)... (the decision's query log)
 *     end
 *
 *   one "key value" per line, in exactly that order. S is "-" for NULL or
 *   "=" and the string with '%', bytes outside 0x21..0x7e percent-encoded.
 *   The parser refuses anything else: an unknown version, a key out of
 *   place, a number out of its range, a count past DH_DECFORM_MAX_LIST, a
 *   string past DH_DECFORM_MAX_STR, trailing bytes. Whatever it refuses,
 *   the caller defers; it never guesses.
 *
 *   A chain check ("danehop-check 1") is one host in the lines above, then
 *   certs N + (cert BASE64)..., then end; a verdict ("danehop-verdict 1")
 *   is authenticated, usage, selector, mtype, depth (each of the last four
 *   plus one, 0 for none), peername S, reason S, end (decform.h). Both are
 *   parsed as strictly.
 */
#include "decform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "decision.h"
#include "verdict.h"

/* ---- rendering ---------------------------------------------------------- */

static void put_num(dh_buf *b, const char *key, unsigned long v) { dh_buf_printf(b, "%s %lu\n", key, v); }

static void put_str(dh_buf *b, const char *key, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    dh_buf_add(b, key);
    if (s == NULL) {
        dh_buf_add(b, " -\n");
        return;
    }
    dh_buf_add(b, " =");
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (c > 0x20 && c < 0x7f && c != '%') {
            dh_buf_addn(b, s, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            dh_buf_addn(b, e, 3);
        }
    }
    dh_buf_add(b, "\n");
}

/* put_list - "count N", then N lines "item S" */
static void put_list(dh_buf *b, const char *count, const char *item, const char *const *s, size_t n)
{
    size_t i;

    put_num(b, count, n);
    for (i = 0; i < n; i++)
        put_str(b, item, s[i]);
}

static void put_host(dh_buf *b, const danehop_host *h)
{
    size_t i, j;

    put_str(b, "host", h->name);
    put_num(b, "preference", h->preference);
    put_num(b, "action", (unsigned long) h->action);
    put_num(b, "error", (unsigned long) h->error);
    put_num(b, "mandatory", h->mandatory != 0);
    put_num(b, "address_secure", h->address_secure != 0);
    put_str(b, "reason", h->reason);
    put_str(b, "base", h->base_domain);
    put_str(b, "sni", h->sni);
    put_list(b, "addrs", "addr", h->addrs, h->naddrs);
    put_num(b, "hops", h->nhops);
    for (i = 0; i < h->nhops; i++) {
        put_str(b, "hop", h->hops[i].name);
        put_str(b, "cname", h->hops[i].cname);
        put_num(b, "secure", (unsigned long) (h->hops[i].secure + 1));
    }
    put_num(b, "tlsa", h->ntlsa);
    for (i = 0; i < h->ntlsa; i++) {
        const dh_tlsa_out *t = &h->tlsa[i];

        dh_buf_printf(b, "tlsa %u %u %u ", t->usage, t->selector, t->mtype);
        for (j = 0; j < t->len; j++)
            dh_buf_printf(b, "%02x", t->data[j]);
        dh_buf_add(b, "\n");
        put_str(b, "tlsa_text", t->text);
    }
    put_list(b, "unusable", "text", h->unusable, h->nunusable);
    put_list(b, "names", "name", h->names, h->nnames);
}

int dh_decform_render(const danehop_decision *d, dh_buf *b)
{
    size_t i;

    dh_buf_printf(b, "danehop-decision %d\n", DH_DECFORM_VERSION);
    put_num(b, "status", (unsigned long) d->status);
    put_num(b, "error", (unsigned long) d->error);
    put_num(b, "policy", (unsigned long) d->policy);
    put_num(b, "flags", d->flags);
    put_num(b, "port", d->port);
    put_num(b, "mx_secure", d->mx_secure != 0);
    put_num(b, "implicit_mx", d->implicit_mx != 0);
    put_num(b, "exempt", d->exempt != 0);
    put_num(b, "rounds", d->rounds);
    put_num(b, "dns_errors", d->dns_errors);
    put_num(b, "timeouts", d->timeouts);
    put_str(b, "domain", d->domain);
    put_str(b, "mx_owner", d->mx_owner);
    put_str(b, "host_request", d->host_request);
    put_str(b, "rule", d->rule);
    put_str(b, "reason", d->reason);
    put_list(b, "skipped", "skip", d->skipped, d->nskipped);
    put_num(b, "hosts", d->nhosts);
    for (i = 0; i < d->nhosts; i++)
        put_host(b, &d->hosts[i]);
    put_num(b, "queries", d->nqueries);
    for (i = 0; i < d->nqueries; i++) {
        put_num(b, "query", d->queries[i].round);
        put_str(b, "qname", d->queries[i].name);
        put_str(b, "qtype", d->queries[i].type);
        put_str(b, "result", d->queries[i].result);
    }
    dh_buf_add(b, "end\n");
    return b->failed ? -1 : 0;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct reader {
    const char *p, *end;
    danehop_decision *d;
    char *err;
    size_t errlen;
    int failed;
    const char *what; /* "decision", "chain check", "verdict": for the error */
} reader;

static int refuse(reader *r, const char *why, const char *key)
{
    if (!r->failed)
        snprintf(r->err, r->errlen, "daemon %s refused: %s (%.40s)", r->what ? r->what : "decision", why,
                 key);
    r->failed = 1;
    return -1;
}

/* value - the next line must be "key value": the value and its length */
static const char *value(reader *r, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    const char *nl;

    if (r->failed)
        return NULL;
    nl = memchr(r->p, '\n', (size_t) (r->end - r->p));
    if (nl == NULL) {
        refuse(r, "truncated at", key);
        return NULL;
    }
    if ((size_t) (nl - r->p) < klen + 1 || memcmp(r->p, key, klen) != 0 || r->p[klen] != ' ') {
        refuse(r, "expected key", key);
        return NULL;
    }
    *vlen = (size_t) (nl - r->p) - klen - 1;
    key = r->p + klen + 1;
    r->p = nl + 1;
    return key;
}

/* num - a decimal number, no sign, no leading zeros, at most max */
static unsigned long num(reader *r, const char *key, unsigned long max)
{
    size_t len, i;
    const char *v = value(r, key, &len);
    unsigned long n = 0;

    if (v == NULL)
        return 0;
    if (len == 0 || len > 10 || (len > 1 && v[0] == '0'))
        return refuse(r, "bad number for", key), 0;
    for (i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return refuse(r, "bad number for", key), 0;
        /* checked per digit: every max is far below ULONG_MAX / 10, so n
         * never wraps, even where unsigned long has 32 bits */
        n = n * 10 + (unsigned long) (v[i] - '0');
        if (n > max)
            return refuse(r, "number out of range for", key), 0;
    }
    return n;
}

static int unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* str - NULL for "-", else the decoded string in the decision's arena */
static const char *str(reader *r, const char *key, int nullable)
{
    size_t len, i, o = 0;
    const char *v = value(r, key, &len);
    char *s;

    if (v == NULL)
        return NULL;
    if (len == 1 && v[0] == '-') {
        if (!nullable)
            refuse(r, "missing value for", key);
        return NULL;
    }
    if (len == 0 || v[0] != '=' || len - 1 > 3 * DH_DECFORM_MAX_STR)
        return refuse(r, "bad string for", key), NULL;
    if ((s = dh_arena_alloc(r->d->arena, len)) == NULL)
        return refuse(r, "out of memory at", key), NULL;
    for (i = 1; i < len; i++) {
        unsigned char c = (unsigned char) v[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= len)
                return refuse(r, "bad escape in", key), NULL;
            hi = unhex(v[i + 1]);
            lo = unhex(v[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return refuse(r, "bad escape in", key), NULL;
            s[o++] = (char) (hi << 4 | lo);
            i += 2;
        } else if (c > 0x20 && c < 0x7f) {
            s[o++] = (char) c;
        } else {
            return refuse(r, "bad byte in", key), NULL;
        }
    }
    if (o > DH_DECFORM_MAX_STR)
        return refuse(r, "string too long for", key), NULL;
    s[o] = '\0';
    return s;
}

/* list - room for n items of size sz (NULL when n is 0) */
static void *list(reader *r, size_t n, size_t sz, const char *key)
{
    void *p;

    if (n == 0 || r->failed)
        return NULL;
    if ((p = dh_arena_alloc(r->d->arena, n * sz)) == NULL)
        refuse(r, "out of memory at", key);
    else
        memset(p, 0, n * sz);
    return p;
}

/* get_list - "count N" (at most DH_DECFORM_MAX_LIST), then N lines "item S" */
static const char **get_list(reader *r, const char *count, const char *item, size_t *n)
{
    const char **s;
    size_t i;

    *n = num(r, count, DH_DECFORM_MAX_LIST);
    s = list(r, *n, sizeof(*s), count);
    for (i = 0; i < *n && !r->failed; i++)
        s[i] = str(r, item, 0);
    return s;
}

static void tlsa(reader *r, dh_tlsa_out *t)
{
    size_t len, i, n;
    const char *v = value(r, "tlsa", &len);
    unsigned u, s, m, field[3], f;
    int used = 0;
    unsigned char *data;

    if (v == NULL)
        return;
    /* "U S M hex": three decimal octets, one space after each */
    for (f = 0; f < 3; f++) {
        unsigned x = 0;
        int digits = 0;

        while ((size_t) used < len && v[used] >= '0' && v[used] <= '9' && digits < 4) {
            x = x * 10 + (unsigned) (v[used++] - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || x > 255 || (digits > 1 && v[used - digits] == '0') ||
            (size_t) used >= len || v[used++] != ' ')
            return (void) refuse(r, "bad record", "tlsa");
        field[f] = x;
    }
    u = field[0];
    s = field[1];
    m = field[2];
    n = len - (size_t) used;
    if (n == 0 || n % 2 != 0 || n / 2 > DH_DECFORM_MAX_STR)
        return (void) refuse(r, "bad record data", "tlsa");
    if ((data = dh_arena_alloc(r->d->arena, n / 2)) == NULL)
        return (void) refuse(r, "out of memory at", "tlsa");
    for (i = 0; i < n / 2; i++) {
        int hi = unhex(v[used + 2 * i]), lo = unhex(v[used + 2 * i + 1]);

        if (hi < 0 || lo < 0)
            return (void) refuse(r, "bad record data", "tlsa");
        data[i] = (unsigned char) (hi << 4 | lo);
    }
    t->usage = (uint8_t) u;
    t->selector = (uint8_t) s;
    t->mtype = (uint8_t) m;
    t->data = data;
    t->len = n / 2;
    t->text = str(r, "tlsa_text", 0);
}

static void host(reader *r, danehop_host *h)
{
    size_t i;

    h->name = str(r, "host", 0);
    h->preference = (unsigned) num(r, "preference", 65535);
    h->action = (danehop_action) num(r, "action", DANEHOP_ACTION_NOADDRESS);
    h->error = (danehop_error) num(r, "error", DANEHOP_E_INTERNAL);
    h->mandatory = (int) num(r, "mandatory", 1);
    h->address_secure = (int) num(r, "address_secure", 1);
    h->reason = str(r, "reason", 1);
    h->base_domain = str(r, "base", 1);
    h->sni = str(r, "sni", 1);
    h->addrs = get_list(r, "addrs", "addr", &h->naddrs);
    h->nhops = num(r, "hops", DH_DECFORM_MAX_LIST);
    h->hops = list(r, h->nhops, sizeof(*h->hops), "hops");
    for (i = 0; i < h->nhops && !r->failed; i++) {
        h->hops[i].name = str(r, "hop", 0);
        h->hops[i].cname = str(r, "cname", 1);
        h->hops[i].secure = (int) num(r, "secure", 2) - 1;
    }
    h->ntlsa = num(r, "tlsa", DH_TLSA_MAX);
    h->tlsa = list(r, h->ntlsa, sizeof(*h->tlsa), "tlsa");
    for (i = 0; i < h->ntlsa && !r->failed; i++)
        tlsa(r, &h->tlsa[i]);
    h->unusable = get_list(r, "unusable", "text", &h->nunusable);
    h->names = get_list(r, "names", "name", &h->nnames);
}

int dh_decform_parse(const char *text, size_t len, danehop_decision **out, char *err, size_t errlen)
{
    reader r = {text, text + len, NULL, err, errlen, 0, "decision"};
    danehop_decision *d;
    size_t i, vlen;
    const char *v;

    *out = NULL;
    if (len > DH_DECFORM_MAX || memchr(text, '\0', len) != NULL)
        return refuse(&r, "too long or a NUL byte", "decision");
    if ((d = r.d = dh_decision_new()) == NULL)
        return refuse(&r, "out of memory", "decision");
    v = value(&r, "danehop-decision", &vlen);
    if (v != NULL && (vlen != 1 || v[0] != '0' + DH_DECFORM_VERSION))
        refuse(&r, "unknown version", "danehop-decision");
    d->status = (danehop_status) num(&r, "status", DANEHOP_STATUS_NXDOMAIN);
    d->error = (danehop_error) num(&r, "error", DANEHOP_E_INTERNAL);
    d->policy = (danehop_policy) num(&r, "policy", DANEHOP_POLICY_MANDATORY);
    d->flags = (unsigned) num(&r, "flags", DANEHOP_F_HALF_DANE);
    d->port = (unsigned) num(&r, "port", 65535);
    d->mx_secure = (int) num(&r, "mx_secure", 1);
    d->implicit_mx = (int) num(&r, "implicit_mx", 1);
    d->exempt = (int) num(&r, "exempt", 1);
    d->rounds = (unsigned) num(&r, "rounds", 1000);
    d->dns_errors = (unsigned) num(&r, "dns_errors", 100000);
    d->timeouts = (unsigned) num(&r, "timeouts", 100000);
    d->domain = str(&r, "domain", 1);
    d->mx_owner = str(&r, "mx_owner", 1);
    d->host_request = str(&r, "host_request", 1);
    d->rule = str(&r, "rule", 1);
    d->reason = str(&r, "reason", 1);
    d->skipped = get_list(&r, "skipped", "skip", &d->nskipped);
    d->nhosts = num(&r, "hosts", DH_MAX_HOSTS);
    d->hosts = list(&r, d->nhosts, sizeof(*d->hosts), "hosts");
    for (i = 0; i < d->nhosts && !r.failed; i++)
        host(&r, &d->hosts[i]);
    d->nqueries = num(&r, "queries", DH_DECFORM_MAX_QUERIES);
    d->queries = list(&r, d->nqueries, sizeof(*d->queries), "queries");
    d->queries_cap = d->nqueries;
    for (i = 0; i < d->nqueries && !r.failed; i++) {
        d->queries[i].round = (unsigned) num(&r, "query", 1000);
        d->queries[i].name = str(&r, "qname", 0);
        d->queries[i].type = str(&r, "qtype", 0);
        d->queries[i].result = str(&r, "result", 0);
    }
    if (!r.failed && (r.end - r.p != 4 || memcmp(r.p, "end\n", 4) != 0))
        refuse(&r, "expected the end", "end");
    if (r.failed) {
        danehop_decision_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

/* ---- a chain check (verify-v1) and its verdict --------------------------- */

/* version - the first line must be "tag N" with this format's version */
static void version(reader *r, const char *tag)
{
    size_t vlen;
    const char *v = value(r, tag, &vlen);

    if (v != NULL && (vlen != 1 || v[0] != '0' + DH_DECFORM_VERSION))
        refuse(r, "unknown version", tag);
}

/* the_end - "end" and nothing after it */
static void the_end(reader *r)
{
    if (!r->failed && (r->end - r->p != 4 || memcmp(r->p, "end\n", 4) != 0))
        refuse(r, "expected the end", "end");
}

int dh_decform_render_check(const danehop_host *h, const unsigned char *const *der, const size_t *len,
                            size_t n, dh_buf *b)
{
    size_t i, start = b->len;

    if (n > DH_CHECK_MAX_CERTS)
        return -1;
    for (i = 0; i < n; i++)
        if (len[i] == 0 || len[i] > DH_CHECK_MAX_CERT)
            return -1;
    dh_buf_printf(b, "danehop-check %d\n", DH_DECFORM_VERSION);
    put_host(b, h);
    put_num(b, "certs", n);
    for (i = 0; i < n && !b->failed && b->len - start <= DH_CHECK_MAX; i++) {
        size_t elen = DH_BASE64_LEN(len[i]) + 1;
        char *enc = malloc(elen);

        if (enc == NULL)
            return -2;
        dh_base64_encode(der[i], len[i], enc, elen);
        dh_buf_add(b, "cert ");
        dh_buf_add(b, enc);
        dh_buf_add(b, "\n");
        free(enc);
    }
    dh_buf_add(b, "end\n");
    if (b->len - start > DH_CHECK_MAX)
        return -1;
    return b->failed ? -2 : 0;
}

int dh_decform_parse_check(const char *text, size_t len, danehop_decision **holder, const unsigned char **der,
                           size_t *derlen, size_t *n, char *err, size_t errlen)
{
    reader r = {text, text + len, NULL, err, errlen, 0, "chain check"};
    danehop_decision *d;
    size_t i, vlen, total = 0;

    *holder = NULL;
    *n = 0;
    if (len > DH_CHECK_MAX || memchr(text, '\0', len) != NULL)
        return refuse(&r, "too long or a NUL byte", "check");
    if ((d = r.d = dh_decision_new()) == NULL)
        return refuse(&r, "out of memory", "check");
    version(&r, "danehop-check");
    d->nhosts = 1;
    d->hosts = list(&r, 1, sizeof(*d->hosts), "host");
    if (!r.failed)
        host(&r, &d->hosts[0]);
    *n = num(&r, "certs", DH_CHECK_MAX_CERTS);
    for (i = 0; i < *n && !r.failed; i++) {
        const char *v = value(&r, "cert", &vlen);
        unsigned char *buf;
        long got;

        if (v == NULL)
            break;
        if (vlen == 0 || vlen > DH_BASE64_LEN(DH_CHECK_MAX_CERT) ||
            (buf = dh_arena_alloc(d->arena, vlen / 4 * 3)) == NULL) {
            refuse(&r, "certificate too long or out of memory", "cert");
            break;
        }
        if ((got = dh_base64_decode(v, vlen, buf, vlen / 4 * 3)) <= 0 ||
            (total += (size_t) got) > DH_CHECK_MAX) {
            refuse(&r, "bad base64 or chain too long", "cert");
            break;
        }
        der[i] = buf;
        derlen[i] = (size_t) got;
    }
    the_end(&r);
    if (r.failed) {
        danehop_decision_free(d);
        *n = 0;
        return -1;
    }
    *holder = d;
    return 0;
}

int dh_decform_render_verdict(const danehop_verdict *v, dh_buf *b)
{
    dh_buf_printf(b, "danehop-verdict %d\n", DH_DECFORM_VERSION);
    put_num(b, "authenticated", v->authenticated != 0);
    /* one more than the field, so that "none" (-1) is 0 */
    put_num(b, "usage", (unsigned long) (v->usage + 1));
    put_num(b, "selector", (unsigned long) (v->selector + 1));
    put_num(b, "mtype", (unsigned long) (v->mtype + 1));
    put_num(b, "depth", (unsigned long) (v->depth + 1));
    put_str(b, "peername", *v->peername ? v->peername : NULL);
    put_str(b, "reason", v->reason);
    dh_buf_add(b, "end\n");
    return b->failed ? -1 : 0;
}

/* has_control - whether s holds a byte below 0x20 or DEL */
static int has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

int dh_decform_parse_verdict(const char *text, size_t len, danehop_verdict **out, char *err, size_t errlen)
{
    reader r = {text, text + len, NULL, err, errlen, 0, "verdict"};
    danehop_verdict *v;
    const char *peer, *why;

    *out = NULL;
    if (len > DH_DECFORM_MAX || memchr(text, '\0', len) != NULL)
        return refuse(&r, "too long or a NUL byte", "verdict");
    /* strings are decoded into a scratch arena, then copied into the verdict */
    if ((r.d = dh_decision_new()) == NULL || (v = dh_verdict_new()) == NULL) {
        danehop_decision_free(r.d);
        return refuse(&r, "out of memory", "verdict");
    }
    version(&r, "danehop-verdict");
    v->authenticated = (int) num(&r, "authenticated", 1);
    v->usage = (int) num(&r, "usage", 256) - 1;
    v->selector = (int) num(&r, "selector", 256) - 1;
    v->mtype = (int) num(&r, "mtype", 256) - 1;
    /* a DANE-TA anchor given whole in its record sits just above the chain */
    v->depth = (int) num(&r, "depth", DH_CHECK_MAX_CERTS + 1) - 1;
    peer = str(&r, "peername", 1);
    why = str(&r, "reason", 0);
    the_end(&r);
    if (!r.failed && ((peer && strlen(peer) >= sizeof(v->peername)) || strlen(why) >= sizeof(v->reason)))
        refuse(&r, "string too long for", "verdict");
    /* they end up in the MTA's log lines: a CR or an ESC would forge one */
    if (!r.failed && (has_control(peer) || has_control(why)))
        refuse(&r, "control character in", "verdict");
    if (!r.failed) {
        snprintf(v->peername, sizeof(v->peername), "%s", peer ? peer : "");
        snprintf(v->reason, sizeof(v->reason), "%s", why);
    }
    danehop_decision_free(r.d);
    if (r.failed) {
        danehop_verdict_free(v);
        return -1;
    }
    *out = v;
    return 0;
}
