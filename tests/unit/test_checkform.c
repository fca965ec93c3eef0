/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_checkform.c - a chain check and its verdict cross danehopd's socket
 * whole (decform.c, verify-v1), and hostile texts are refused
 */
#include <stdlib.h>
#include <string.h>

#include "decform.h"
#include "decision.h"
#include "mutate.h"
#include "tap.h"
#include "verdict.h"

static const unsigned char key1[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3};
static const unsigned char cert0[] = {0x30, 0x82, 0x01, 0x0a, 0, 1, 2, 3, 4};
static const unsigned char cert1[] = {0x30, 0x03, 0x02, 0x01, 0x05};

/* a dane host with two records and two reference names */
static danehop_decision *sample(void)
{
    danehop_decision *d = dh_decision_new();
    dh_arena *a = d->arena;
    danehop_host *h;
    const char **names;

    d->nhosts = 1;
    d->hosts = h = dh_arena_alloc(a, sizeof(*h));
    h->name = "smtp.example.com";
    h->action = DANEHOP_ACTION_DANE;
    h->reason = "TLSA RRset secure";
    h->base_domain = h->sni = "smtp.example.com";
    h->ntlsa = 2;
    h->tlsa = dh_arena_alloc(a, 2 * sizeof(*h->tlsa));
    h->tlsa[0] = (dh_tlsa_out){3, 1, 1, sizeof(key1), key1, "3 1 1 deadbeef"};
    h->tlsa[1] = (dh_tlsa_out){2, 0, 1, sizeof(key1), key1, "2 0 1 deadbeef"};
    h->nnames = 2;
    h->names = names = dh_arena_alloc(a, 2 * sizeof(*names));
    names[0] = "smtp.example.com";
    names[1] = "smtp.example.org";
    return d;
}

static char *render_check(const danehop_host *h, const unsigned char *const *der, const size_t *len, size_t n)
{
    dh_buf b;

    dh_buf_init(&b, DH_CHECK_MAX + 1);
    if (dh_decform_render_check(h, der, len, n, &b) != 0) {
        dh_buf_discard(&b);
        return NULL;
    }
    return dh_buf_finish(&b);
}

static int check_refused(const char *text)
{
    const unsigned char *der[DH_CHECK_MAX_CERTS];
    size_t len[DH_CHECK_MAX_CERTS], n = 99;
    danehop_decision *holder = NULL;
    char err[256] = "";
    int rc = dh_decform_parse_check(text, strlen(text), &holder, der, len, &n, err, sizeof(err));

    if (rc == 0)
        danehop_decision_free(holder);
    return rc != 0 && holder == NULL && n == 0 && err[0] != '\0';
}

static void check_mutation(const char *text, const char *from, const char *to, const char *what)
{
    char *m = replace(text, from, to);

    ok(m != NULL && check_refused(m), "chain check refused: %s", what);
    free(m);
}

static int verdict_refused(const char *text)
{
    danehop_verdict *v = NULL;
    char err[256] = "";
    int rc = dh_decform_parse_verdict(text, strlen(text), &v, err, sizeof(err));

    if (rc == 0)
        danehop_verdict_free(v);
    return rc != 0 && v == NULL && err[0] != '\0';
}

static void verdict_mutation(const char *text, const char *from, const char *to, const char *what)
{
    char *m = replace(text, from, to);

    ok(m != NULL && verdict_refused(m), "verdict refused: %s", what);
    free(m);
}

static void checks(void)
{
    danehop_decision *d = sample(), *holder = NULL;
    const unsigned char *in[2] = {cert0, cert1}, *der[DH_CHECK_MAX_CERTS];
    size_t inlen[2] = {sizeof(cert0), sizeof(cert1)}, len[DH_CHECK_MAX_CERTS], n = 0;
    const unsigned char *many[DH_CHECK_MAX_CERTS + 1];
    size_t manylen[DH_CHECK_MAX_CERTS + 1], i;
    char *text = render_check(&d->hosts[0], in, inlen, 2), err[256] = "", *big;
    const danehop_host *h;

    ok(text != NULL && strncmp(text, "danehop-check 1\nhost =smtp.example.com\n", 39) == 0,
       "a chain check renders");
    ok(text && dh_decform_parse_check(text, strlen(text), &holder, der, len, &n, err, sizeof(err)) == 0,
       "and parses back: %s", err);
    h = holder ? danehop_decision_host(holder, 0) : NULL;
    ok(h && danehop_host_action(h) == DANEHOP_ACTION_DANE &&
           strcmp(danehop_host_base_domain(h), "smtp.example.com") == 0 && danehop_host_tlsa_count(h) == 2 &&
           danehop_host_name_count(h) == 2 && strcmp(danehop_host_refname(h, 1), "smtp.example.org") == 0,
       "the host's action, base domain, records and names cross whole");
    ok(n == 2 && len[0] == sizeof(cert0) && memcmp(der[0], cert0, sizeof(cert0)) == 0 &&
           len[1] == sizeof(cert1) && memcmp(der[1], cert1, sizeof(cert1)) == 0,
       "the chain crosses byte for byte, leaf first");
    danehop_decision_free(holder);
    if (text) {
        ok(check_refused(""), "empty");
        check_mutation(text, "danehop-check 1", "danehop-check 2", "another version");
        check_mutation(text, "certs 2", "certs 3", "fewer certificates than counted");
        check_mutation(text, "certs 2", "certs 17", "more than 16 certificates");
        check_mutation(text, "cert MIIB", "cert MI IB", "white space in the base64");
        check_mutation(text, "cert MIIB", "cert MIIB=", "base64 of a wrong length");
        check_mutation(text, "cert MIIB", "cert -IIB", "a character outside base64");
        check_mutation(text, "end\n", "end\nmore\n", "bytes after the end");
        check_mutation(text, "end\n", "", "no end");
        check_mutation(text, "tlsa 3 1 1 ", "tlsa 3 1 1 0", "a record of odd length");
        check_mutation(text, "host =", "host -", "a host without a name");
        check_mutation(text, "action 0", "action 9", "an action out of range");
    }
    free(text);
    for (i = 0; i <= DH_CHECK_MAX_CERTS; i++) {
        many[i] = cert1;
        manylen[i] = sizeof(cert1);
    }
    text = render_check(&d->hosts[0], many, manylen, DH_CHECK_MAX_CERTS + 1);
    ok(text == NULL, "a chain of 17 certificates is not rendered");
    free(text);
    /* a chain past the request's bound: refused by both sides */
    big = calloc(1, DH_CHECK_MAX_CERT);
    for (i = 0; i < 2; i++) {
        many[i] = (const unsigned char *) big;
        manylen[i] = DH_CHECK_MAX_CERT;
    }
    text = render_check(&d->hosts[0], many, manylen, 2);
    ok(text == NULL, "two 64 KB certificates are past the 96 KB chain check");
    free(text);
    manylen[0] = DH_CHECK_MAX_CERT + 1;
    text = render_check(&d->hosts[0], many, manylen, 1);
    ok(text == NULL, "one certificate over 64 KB is not rendered");
    free(text);
    free(big);
    danehop_decision_free(d);
}

static void verdicts(void)
{
    danehop_verdict *v = dh_verdict_new(), *back = NULL;
    char err[256] = "", *text;
    int u, s, m, depth;
    dh_buf b;

    v->authenticated = 1;
    v->usage = 3;
    v->selector = 1;
    v->mtype = 1;
    v->depth = 0;
    strcpy(v->peername, "smtp.example.com");
    strcpy(v->reason, "DANE-EE(3) SPKI(1) SHA2-256(1) matched at depth 0; 100% \"ok\" =-");
    dh_buf_init(&b, DH_DECFORM_MAX);
    dh_decform_render_verdict(v, &b);
    text = dh_buf_finish(&b);
    ok(text && dh_decform_parse_verdict(text, strlen(text), &back, err, sizeof(err)) == 0,
       "a verdict round-trips: %s", err);
    ok(back && danehop_verdict_authenticated(back) && danehop_verdict_match(back, &u, &s, &m, &depth) == 0 &&
           u == 3 && s == 1 && m == 1 && depth == 0 &&
           strcmp(danehop_verdict_peername(back), "smtp.example.com") == 0 &&
           strcmp(danehop_verdict_reason(back), v->reason) == 0,
       "authenticated, the record that matched, the peer name and the reason cross whole");
    danehop_verdict_free(back);
    ok(verdict_refused(""), "verdict refused: empty");
    ok(verdict_refused("OK\n"), "verdict refused: not a verdict");
    if (text) {
        verdict_mutation(text, "authenticated 1", "authenticated 2", "authenticated out of range");
        verdict_mutation(text, "danehop-verdict 1", "danehop-verdict 2", "another version");
        verdict_mutation(text, "end\n", "end\nauthenticated 1\n", "bytes after the end");
        verdict_mutation(text, "reason =", "reason -", "no reason");
        verdict_mutation(text, "reason =", "reason =forged%0Adanehop:%20verdict=dane-verified%20",
                         "a line break in the reason (a forged log line)");
        verdict_mutation(text, "peername =", "peername =%1B[2J", "an escape in the peer name");
    }
    free(text);
    /* "none" survives: a refusal names no record */
    v->authenticated = 0;
    v->usage = v->selector = v->mtype = v->depth = -1;
    v->peername[0] = '\0';
    dh_buf_init(&b, DH_DECFORM_MAX);
    dh_decform_render_verdict(v, &b);
    text = dh_buf_finish(&b);
    back = NULL;
    ok(text && dh_decform_parse_verdict(text, strlen(text), &back, err, sizeof(err)) == 0 && back &&
           !danehop_verdict_authenticated(back) && danehop_verdict_match(back, &u, &s, &m, &depth) != 0 &&
           danehop_verdict_peername(back) == NULL,
       "a refusal round-trips with no record and no peer name");
    danehop_verdict_free(back);
    free(text);
    danehop_verdict_free(v);
}

int main(void)
{
    checks();
    verdicts();
    return done_testing();
}
