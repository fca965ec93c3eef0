/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario.c - the decision engine against scripted DNS answers (TAP)
 *
 * SYNOPSIS
 *   dnsreplay [file.scn ...]
 *
 * DESCRIPTION
 *   Runs every scenario of the given files (default: every *.scn under
 *   $top_srcdir/tests/harness/scenarios) through danehop_resolve() and
 *   the socketmap's map_lookup(), with replay.c answering the questions,
 *   and prints one TAP line per expectation. A scenario:
 *
 *     scenario A4/B3/C1: secure MX, usable TLSA
 *     dns     example.com MX secure 10 mx.example.com
 *     dns     mx.example.com A secure 192.0.2.1
 *     ...
 *     resolve example.com [host=H] [port=N] [mandatory] [half-dane]
 *     expect  status ok
 *     expect  host mx.example.com dane base=... sni=... names=a,b tlsa=3-1-1
 *     map     tlspolicy example.com -> OK dane-only
 *
 *   "conf" lines are danehop.conf(5) lines (rules), loaded before the first
 *   lookup with the harness's resolver settings.
 *   "dns" lines are the script (see replay.h for their form); the root
 *   DNSKEY probe is answered secure unless the script says otherwise.
 *   Expectations refer to the latest resolve:
 *     expect status ok|defer|nxdomain|nullmx     expect error
 *     expect hosts N                             expect mx-secure 0|1
 *     expect reason TEXT (a substring)           expect rounds N
 *     expect host NAME ACTION [base=B] [sni=S] [names=A,B] [tlsa=U-S-M,...]
 *                 [unusable=N] [addrs=N] [reason=TEXT, "%20" for a space]
 *       (B, S, the names and tlsa may be "-" for none)
 *     expect asked NAME TYPE                     expect not-asked NAME TYPE
 *     expect late-delivered N (late answers that reached the engine)
 *   Every scenario also checks that the engine asked nothing the script
 *   does not answer. A scenario with a "timeout" answer runs with short
 *   timeouts, and the other answers arrive from inside the send, so that
 *   only the scripted timeout can run out the clock.
 *
 *   The expectations are the test's own, written from RFC 7672's decision
 *   tables; nothing is read from outside the tree.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "danehop.h"
#include "maps.h"
#include "replay.h"
#include "tap.h"

typedef struct run {
    char title[256];
    char file[256];
    unsigned line;
    danehop_ctx *ctx;
    danehop_decision *d;
    int rc; /* of the latest resolve */
    int resolved;
    char *reply;     /* MAP_MAX_REPLY */
    char conf[4096]; /* "conf" lines: rules for a danehop.conf */
    size_t conflen;
    int conf_loaded;
} run;

static const char *trust_anchor;

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

/* start - a fresh context, replay state and the probe's default answer */
static void start(run *r, const char *title)
{
    snprintf(r->title, sizeof(r->title), "%s", title);
    rp_reset();
    r->resolved = 0;
    r->conflen = 0;
    r->conf_loaded = 0;
    r->d = NULL;
    r->ctx = danehop_ctx_new();
    /* a real libunbound context is built; it only never sends anything */
    if (r->ctx == NULL || danehop_ctx_set_trust_anchor(r->ctx, trust_anchor) != 0 ||
        danehop_ctx_add_forwarder(r->ctx, "127.0.0.1") != 0 || danehop_ctx_set_cache_size(r->ctx, 0) != 0)
        ok(0, "%s: context set up (%s)", title, r->ctx ? danehop_ctx_error(r->ctx) : "out of memory");
}

static void finish(run *r)
{
    size_t n, i, unscripted = 0;
    const rp_question *q = rp_questions(&n);

    if (r->ctx == NULL)
        return;
    for (i = 0; i < n; i++)
        if (!q[i].scripted) {
            if (unscripted++ == 0)
                printf("#   unscripted question: %s type %d\n", q[i].qname, q[i].qtype);
        }
    ok(unscripted == 0, "%s: every question the engine asked is scripted", r->title);
    danehop_decision_free(r->d);
    r->d = NULL;
    danehop_ctx_free(r->ctx);
    r->ctx = NULL;
}

static int word_is(const char *s, const char *w) { return strcmp(s, w) == 0; }

static void resolve(run *r, char *args)
{
    char *save = NULL, *tok, *domain = NULL, *host = NULL;
    int have_domain = 0;
    unsigned port = 25, flags = 0;
    danehop_policy policy = DANEHOP_POLICY_OPPORTUNISTIC;

    for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (strncmp(tok, "host=", 5) == 0)
            host = tok + 5;
        else if (strncmp(tok, "port=", 5) == 0)
            port = (unsigned) strtoul(tok + 5, NULL, 10);
        else if (word_is(tok, "mandatory"))
            policy = DANEHOP_POLICY_MANDATORY;
        else if (word_is(tok, "half-dane"))
            flags |= DANEHOP_F_HALF_DANE;
        else if (!have_domain++)
            domain = word_is(tok, "-") ? NULL : tok;
    }
    danehop_decision_free(r->d);
    r->d = NULL;
    r->rc = danehop_resolve(r->ctx, domain, host, port, policy, flags, &r->d);
    r->resolved = 1;
    if (r->rc != 0)
        printf("#   %s: danehop_resolve: %s\n", r->title, danehop_ctx_error(r->ctx));
}

static const danehop_host *find_host(const danehop_decision *d, const char *name)
{
    size_t i;

    for (i = 0; d && i < danehop_decision_host_count(d); i++)
        if (strcasecmp(danehop_host_name(danehop_decision_host(d, i)), name) == 0)
            return danehop_decision_host(d, i);
    return NULL;
}

/* list_is - "a,b,c" against the host's items; "-" is the empty list */
static int list_is(const char *want, size_t n, const char *(*item)(const danehop_host *, size_t),
                   const danehop_host *h)
{
    char buf[1024], *save = NULL, *tok;
    size_t i = 0;

    if (word_is(want, "-"))
        return n == 0;
    snprintf(buf, sizeof(buf), "%s", want);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++)
        if (i >= n || strcasecmp(item(h, i), tok) != 0)
            return 0;
    return i == n;
}

static const char *refname(const danehop_host *h, size_t i) { return danehop_host_refname(h, i); }

static const char *tlsa_usm(const danehop_host *h, size_t i)
{
    static char buf[16];
    uint8_t u = 0, s = 0, m = 0;
    const unsigned char *data;
    size_t len;

    danehop_host_tlsa(h, i, &u, &s, &m, &data, &len);
    snprintf(buf, sizeof(buf), "%u-%u-%u", u, s, m);
    return buf;
}

/* unescape - "%20" is a space in a reason= value; returns 1 */
static int unescape(char *v)
{
    char *p;

    while ((p = strstr(v, "%20")) != NULL) {
        *p = ' ';
        memmove(p + 1, p + 3, strlen(p + 3) + 1);
    }
    return 1;
}

static const char *or_dash(const char *s) { return s ? s : "-"; }

/* expect_host - NAME ACTION [key=value ...]: one TAP line for all of it */
static void expect_host(run *r, char *args)
{
    char desc[1024], got[2048];
    char *save = NULL, *name, *action, *kv;
    const danehop_host *h;
    int good;

    snprintf(desc, sizeof(desc), "%s", args);
    name = strtok_r(args, " \t", &save);
    action = strtok_r(NULL, " \t", &save);
    h = find_host(r->d, name ? name : "");
    good = h != NULL && action != NULL;

    if (good && !word_is(danehop_action_name(danehop_host_action(h)), action))
        good = 0;
    while (good && (kv = strtok_r(NULL, " \t", &save)) != NULL) {
        char *v = strchr(kv, '=');

        if (v == NULL) {
            good = 0;
            break;
        }
        *v++ = '\0';
        if (word_is(kv, "base"))
            good = word_is(or_dash(danehop_host_base_domain(h)), v);
        else if (word_is(kv, "sni"))
            good = word_is(or_dash(danehop_host_sni(h)), v);
        else if (word_is(kv, "names"))
            good = list_is(v, danehop_host_name_count(h), refname, h);
        else if (word_is(kv, "tlsa"))
            good = list_is(v, danehop_host_tlsa_count(h), tlsa_usm, h);
        else if (word_is(kv, "unusable"))
            good = danehop_host_unusable_count(h) == strtoul(v, NULL, 10);
        else if (word_is(kv, "addrs"))
            good = danehop_host_address_count(h) == strtoul(v, NULL, 10);
        else if (word_is(kv, "reason") && unescape(v))
            good = strstr(danehop_host_reason(h) ? danehop_host_reason(h) : "", v) != NULL;
        else
            good = 0;
    }
    ok(good, "%s: host %s", r->title, desc);
    if (!good && h != NULL) {
        size_t i;
        int n = snprintf(got, sizeof(got),
                         "%s base=%s sni=%s names=", danehop_action_name(danehop_host_action(h)),
                         or_dash(danehop_host_base_domain(h)), or_dash(danehop_host_sni(h)));

        for (i = 0; i < danehop_host_name_count(h) && n > 0 && (size_t) n < sizeof(got); i++)
            n +=
                snprintf(got + n, sizeof(got) - (size_t) n, "%s%s", i ? "," : "", danehop_host_refname(h, i));
        for (i = 0; i < danehop_host_tlsa_count(h) && n > 0 && (size_t) n < sizeof(got); i++)
            n += snprintf(got + n, sizeof(got) - (size_t) n, "%s%s", i ? "," : " tlsa=", tlsa_usm(h, i));
        printf("#   got: %s unusable=%zu addrs=%zu\n#   reason: %s\n", got, danehop_host_unusable_count(h),
               danehop_host_address_count(h), or_dash(danehop_host_reason(h)));
    } else if (h == NULL) {
        printf("#   no host %s in the decision (%s)\n", name ? name : "?",
               r->d ? or_dash(danehop_decision_reason(r->d)) : "no decision");
    }
}

static int was_asked(const char *name, const char *type)
{
    size_t n, i;
    const rp_question *q = rp_questions(&n);
    int t = rp_type(type);

    for (i = 0; i < n; i++)
        if (q[i].qtype == t && strcasecmp(q[i].qname, name) == 0)
            return 1;
    return 0;
}

static void expect(run *r, char *what)
{
    char *save = NULL, *key = strtok_r(what, " \t", &save), *rest = strtok_r(NULL, "", &save);
    const danehop_decision *d = r->d;

    rest = rest ? trim(rest) : "";
    if (key == NULL) {
        ok(0, "%s: empty expectation", r->title);
    } else if (word_is(key, "error")) {
        ok(r->rc != 0 && d == NULL, "%s: the request is refused", r->title);
    } else if (word_is(key, "asked") || word_is(key, "not-asked")) {
        char *s2 = NULL, *name = strtok_r(rest, " \t", &s2), *type = strtok_r(NULL, " \t", &s2);
        int yes = name && type && was_asked(name, type);

        ok(word_is(key, "asked") ? yes : !yes && name && type, "%s: %s %s %s", r->title,
           word_is(key, "asked") ? "asks" : "never asks", name ? name : "?", type ? type : "?");
    } else if (word_is(key, "late-delivered")) {
        is_int(rp_late_delivered, strtol(rest, NULL, 10), "%s: %s late answer(s) reached the callback",
               r->title, rest);
    } else if (!r->resolved || r->rc != 0 || d == NULL) {
        ok(0, "%s: expect %s: no decision to check", r->title, key);
    } else if (word_is(key, "status")) {
        is_str(danehop_status_name(danehop_decision_status(d)), rest, "%s: status %s", r->title, rest);
        if (!word_is(danehop_status_name(danehop_decision_status(d)), rest))
            printf("#   reason: %s\n", or_dash(danehop_decision_reason(d)));
    } else if (word_is(key, "hosts")) {
        is_int(danehop_decision_host_count(d), strtol(rest, NULL, 10), "%s: %s host(s)", r->title, rest);
    } else if (word_is(key, "mx-secure")) {
        is_int(danehop_decision_mx_secure(d), strtol(rest, NULL, 10), "%s: mx-secure %s", r->title, rest);
    } else if (word_is(key, "rounds")) {
        is_int(danehop_decision_rounds(d), strtol(rest, NULL, 10), "%s: %s round(s)", r->title, rest);
    } else if (word_is(key, "reason")) {
        ok(strstr(or_dash(danehop_decision_reason(d)), rest) != NULL, "%s: reason says \"%s\"", r->title,
           rest);
        if (strstr(or_dash(danehop_decision_reason(d)), rest) == NULL)
            printf("#   reason: %s\n", or_dash(danehop_decision_reason(d)));
    } else if (word_is(key, "host")) {
        expect_host(r, rest);
    } else {
        ok(0, "%s: unknown expectation %s", r->title, key);
    }
}

/* map - "REQUEST -> REPLY": the socketmap's answer starts with REPLY */
static void map(run *r, char *line)
{
    char *arrow = strstr(line, "->");
    map_options opt = {0};
    const char *want;
    char *req;

    if (arrow == NULL) {
        ok(0, "%s: map line without \"->\"", r->title);
        return;
    }
    *arrow = '\0';
    req = trim(line);
    want = trim(arrow + 2);
    if (strncmp(req, "fingerprint ", 12) == 0) {
        opt.fingerprint = 1;
        req = trim(req + 12);
    }
    map_lookup(r->ctx, &opt, req, strlen(req), r->reply);
    ok(strncmp(r->reply, want, strlen(want)) == 0, "%s: socketmap \"%s\" -> %s", r->title, req, want);
    if (strncmp(r->reply, want, strlen(want)) != 0)
        printf("#   got: %s\n", r->reply);
}

/*
 * load_conf - the scenario's "conf" lines as a danehop.conf(5), with the
 * harness's resolver settings (a file replaces them all), loaded for real
 */
static void load_conf(run *r)
{
    const char *tmp = getenv("TMPDIR");
    char path[256];
    FILE *f;
    int fd;

    r->conf_loaded = 1;
    snprintf(path, sizeof(path), "%s/danehop-harness.XXXXXX",
             tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
        ok(0, "%s: a temporary configuration file", r->title);
        return;
    }
    fprintf(f, "trust_anchor = %s\nforwarders = 127.0.0.1\ncache_size = 0\n%.*s", trust_anchor,
            (int) r->conflen, r->conf);
    fclose(f);
    if (danehop_ctx_load_config(r->ctx, path) != 0)
        ok(0, "%s: configuration loads (%s)", r->title, danehop_ctx_error(r->ctx));
    unlink(path);
}

/*
 * prepare - before a lookup: the root DNSKEY validates unless the script
 * says otherwise; a scripted timeout gets short timeouts, and every other
 * answer then arrives from inside the send, so it cannot miss them
 */
static void prepare(run *r)
{
    char err[256];
    rp_answer *a;

    if (r->conflen > 0 && !r->conf_loaded)
        load_conf(r);
    if (!rp_has(".", 48) && (a = rp_script()) != NULL)
        rp_answer_parse(a, ". DNSKEY secure 257 3 8 AwEAAa", err, sizeof(err));
    if (rp_has_timeout()) {
        danehop_ctx_set_timeouts(r->ctx, 200, 2000);
        rp_sync = 1;
    }
}

static void run_file(run *r, const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[4096];
    unsigned line = 0;

    if (f == NULL) {
        ok(0, "open %s", path);
        return;
    }
    r->ctx = NULL;
    while (fgets(buf, sizeof(buf), f) != NULL) {
        char *s = trim(buf), *rest;
        char err[256];

        line++;
        if (*s == '\0' || *s == '#')
            continue;
        rest = s + strcspn(s, " \t");
        if (*rest)
            *rest++ = '\0';
        rest = trim(rest);
        if (word_is(s, "scenario")) {
            finish(r);
            start(r, rest);
        } else if (r->ctx == NULL) {
            ok(0, "%s:%u: \"%s\" outside a scenario", path, line, s);
        } else if (word_is(s, "dns")) {
            rp_answer *a = rp_script();

            if (a == NULL || rp_answer_parse(a, rest, err, sizeof(err)) != 0)
                ok(0, "%s:%u: dns line: %s", path, line, a ? err : "script full");
        } else if (word_is(s, "conf")) {
            int n = snprintf(r->conf + r->conflen, sizeof(r->conf) - r->conflen, "%s\n", rest);

            if (n < 0 || (size_t) n >= sizeof(r->conf) - r->conflen)
                ok(0, "%s:%u: conf lines too long for the harness", path, line);
            else
                r->conflen += (size_t) n;
        } else if (word_is(s, "resolve")) {
            prepare(r);
            resolve(r, rest);
        } else if (word_is(s, "expect")) {
            expect(r, rest);
        } else if (word_is(s, "map")) {
            prepare(r);
            map(r, rest);
        } else {
            ok(0, "%s:%u: unknown statement \"%s\"", path, line, s);
        }
    }
    finish(r);
    fclose(f);
}

static int scn_only(const struct dirent *e)
{
    size_t l = strlen(e->d_name);

    return l > 4 && strcmp(e->d_name + l - 4, ".scn") == 0;
}

int main(int argc, char **argv)
{
    static run r;
    const char *top = getenv("top_srcdir");
    char dir[1024], path[2048], rel[1024], ta[PATH_MAX];
    int i;

    /* absolute: a configuration file takes nothing else */
    snprintf(rel, sizeof(rel), "%s/tests/harness/root.key", top ? top : ".");
    trust_anchor = realpath(rel, ta) ? ta : rel;
    if ((r.reply = malloc(MAP_MAX_REPLY)) == NULL)
        return 1;
    if (argc > 1) {
        for (i = 1; i < argc; i++)
            run_file(&r, argv[i]);
    } else {
        struct dirent **list;
        int n;

        snprintf(dir, sizeof(dir), "%s/tests/harness/scenarios", top ? top : ".");
        if ((n = scandir(dir, &list, scn_only, alphasort)) <= 0) {
            ok(0, "scenarios in %s", dir);
            return done_testing();
        }
        for (i = 0; i < n; i++) {
            snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
            run_file(&r, path);
            free(list[i]);
        }
        free(list);
    }
    free(r.reply);
    return done_testing();
}
