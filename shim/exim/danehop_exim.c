/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehop_exim.c - Exim ${dlfunc} entry points for RFC 7672 DANE
 *
 * SYNOPSIS
 *   ${dlfunc{MODULE}{danehop_gate}{$domain}{$host}{$host_address}{PORT:CONFIG}{HELO}{ABI}}
 *   ${dlfunc{MODULE}{danehop_require_tls}{$domain}{$host}{$host_address}{PORT:CONFIG}}
 *   ${dlfunc{MODULE}{danehop_try_dane}{$domain}{$host}{$host_address}{PORT:CONFIG}}
 *   ${dlfunc{MODULE}{danehop_sni}{$domain}{$host}{$host_address}{PORT:CONFIG}}
 *   ${dlfunc{MODULE}{danehop_event}{$event_name}{DEPTH CERT_B64}{$tls_out_tlsa_usage}
 *                                  {$domain}{$host}{$host_address}{PORT:CONFIG}}
 *   ${dlfunc{MODULE}{danehop_after_tls}{$tls_out_dane}{$domain}{$host}{$host_address}{PORT:CONFIG}}
 *
 * DESCRIPTION
 *   Exim (4.96 to today) skips DANE when the MX host is a DNSSEC-signed
 *   alias into an unsigned zone, and renames the host to the alias's
 *   target. These entry points give the smtp transport danehop's decision
 *   for the connection instead (integration/exim/danehop-transport.conf):
 *
 *   danehop_gate (helo_data)        the fail-closed gate: any expansion failure
 *                                   of helo_data defers the host, so a defer
 *                                   decision, a broken configuration, an ABI
 *                                   mismatch or a missing module all defer
 *   danehop_require_tls             "*" for dane, encrypt and defer: no cleartext
 *   danehop_try_dane                "*" unless the decision is encrypt (Exim's own
 *                                   DANE would defer on unusable records)
 *   danehop_sni (tls_sni)           the TLSA base domain for dane, else ""; never
 *                                   fails (a failing tls_sni crashes a continued
 *                                   connection in Exim)
 *   danehop_event (event_action)    tcp:connect: refuse a defer decision;
 *                                   tls:cert: collect the chain, verify it at
 *                                   depth 0 with OpenSSL DANE; stand back when
 *                                   Exim's own DANE is active. A refused
 *                                   certificate also shuts the connection down
 *                                   (peer_abort.h): Exim's OpenSSL builds
 *                                   ignore the refusal in try-verify mode
 *   danehop_after_tls               (authenticated_sender) per message, after
 *                                   TLS is up and before MAIL: fails, so Exim
 *                                   defers, when the decision is dane and
 *                                   neither this module nor Exim verified the
 *                                   peer: the gate behind the shutdown.
 *
 *   Everything comes in as arguments; nothing of Exim is called, so one
 *   binary serves every Exim version. No entry point takes the maximum of
 *   eight arguments: with eight, Exim (4.96 and earlier) counts its argument
 *   array past the end and passes a garbage argc (seen crashing here). The decision is made once per
 *   (domain, host, address, port) per process: later calls for the same
 *   connection reuse it. Exim forks per delivery; danehop's resolver is
 *   created in the process that resolves.
 *
 *   The original MX name is reconstructed: the decision for $domain lists
 *   every MX host with its CNAME chain, and the host whose chain ends in (or
 *   starts with) $host and whose addresses include $host_address is the one
 *   Exim is connecting to. A host that is no MX host of $domain is decided
 *   as a relay.
 *
 * DIAGNOSTICS
 *   Every connection logs one decision line and, for dane, one verdict line,
 *   where the configuration's "log" key says (syslog, mail facility, by
 *   default): Exim itself logs CV=no for module-enforced DANE.
 */
#include "peer_abort.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "danehop.h"

/* from Exim's local_scan.h; declared here so no Exim header is needed */
typedef unsigned char uschar;
#define EXIM_OK   0
#define EXIM_FAIL 2

/* the transport file names the ABI it was written for */
#define DANEHOP_EXIM_ABI "1"
#define DEFAULT_CONFIG   "/etc/danehop.conf"
#define MAX_CERTS        16
#define MAX_CERT_B64     (90 * 1024)

int danehop_gate(uschar **yield, int argc, uschar *argv[]);
int danehop_require_tls(uschar **yield, int argc, uschar *argv[]);
int danehop_try_dane(uschar **yield, int argc, uschar *argv[]);
int danehop_sni(uschar **yield, int argc, uschar *argv[]);
int danehop_event(uschar **yield, int argc, uschar *argv[]);
int danehop_after_tls(uschar **yield, int argc, uschar *argv[]);

/* Exim copies an OK yield and keeps a failure's for logging: static storage */
static char out[1024];

static struct {
    danehop_ctx *ctx;
    char config[1024];
    char error[512]; /* why the context is unusable, if it is */
    char key[1200];  /* the connection the decision below is for */
    danehop_decision *d;
    const danehop_host *h;
    const char *mx; /* the original MX name */
    int logged;
    int verified; /* the chain of this connection matched */
    unsigned char *chain[MAX_CERTS];
    size_t chainlen[MAX_CERTS];
    int last_depth; /* -1: no certificate collected */
} st = {.last_depth = -1};

typedef struct conn {
    const char *domain, *host, *address;
    unsigned port;
    const char *config;
} conn;

static int yield_str(uschar **yield, int rc, const char *fmt, const char *a, const char *b)
{
    snprintf(out, sizeof(out), fmt, a ? a : "", b ? b : "");
    *yield = (uschar *) out;
    return rc;
}

/* parse_conn - {$domain}{$host}{$host_address}{PORT:CONFIG} at argv[i] */
static int parse_conn(conn *c, int argc, uschar *argv[], int i)
{
    char *end;
    const char *pc;
    unsigned long port;

    if (argc < i + 4)
        return -1;
    c->domain = (const char *) argv[i];
    c->host = (const char *) argv[i + 1];
    c->address = (const char *) argv[i + 2];
    pc = (const char *) argv[i + 3];
    port = strtoul(pc, &end, 10);
    if (end == pc || port < 1 || port > 65535)
        return -1;
    c->port = (unsigned) port;
    c->config = *end == ':' && end[1] ? end + 1 : DEFAULT_CONFIG;
    return 0;
}

static void forget_chain(void)
{
    int i;

    for (i = 0; i < MAX_CERTS; i++) {
        free(st.chain[i]);
        st.chain[i] = NULL;
        st.chainlen[i] = 0;
    }
    st.last_depth = -1;
}

/* context - the danehop context for config, made once per process */
static danehop_ctx *context(const char *config)
{
    if (st.ctx != NULL && strcmp(st.config, config) == 0)
        return st.ctx;
    danehop_ctx_free(st.ctx);
    st.ctx = danehop_ctx_new();
    snprintf(st.config, sizeof(st.config), "%s", config);
    st.error[0] = '\0';
    if (st.ctx == NULL) {
        snprintf(st.error, sizeof(st.error), "out of memory");
    } else if (strcmp(config, DEFAULT_CONFIG) == 0 && access(config, F_OK) != 0) {
        /* no /etc/danehop.conf: the built-in defaults, as for every shim */
        return st.ctx;
    } else if (danehop_ctx_load_config(st.ctx, config) != 0) {
        snprintf(st.error, sizeof(st.error), "%s", danehop_ctx_error(st.ctx));
    } else {
        /* a changed file is picked up; a broken one refuses decisions */
        danehop_ctx_watch_config(st.ctx, 1);
        return st.ctx;
    }
    danehop_ctx_free(st.ctx);
    st.ctx = NULL;
    return NULL;
}

static int routes_to(const danehop_host *h, const char *address)
{
    size_t i;

    for (i = 0; i < danehop_host_address_count(h); i++)
        if (strcmp(danehop_host_address(h, i), address) == 0)
            return 1;
    return 0;
}

static int chain_has(const danehop_host *h, const char *name)
{
    size_t i;

    for (i = 0; i < danehop_host_hop_count(h); i++) {
        const char *n, *cn;
        int sec;

        danehop_host_hop(h, i, &n, &cn, &sec);
        if (strcasecmp(n, name) == 0)
            return 1;
    }
    return strcasecmp(danehop_host_name(h), name) == 0;
}

/* pick - the MX host of d that Exim's (host, address) stands for */
static const danehop_host *pick(const danehop_decision *d, const char *host, const char *address)
{
    const danehop_host *maybe = NULL;
    size_t i;

    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);

        if (!chain_has(h, host))
            continue;
        if (routes_to(h, address) || danehop_host_address_count(h) == 0)
            return h;
        if (maybe == NULL)
            maybe = h;
    }
    return maybe;
}

/*
 * decide - the decision for this connection, made once. Returns NULL with
 * st.error set when no decision can be had (the caller fails closed).
 */
static const danehop_host *decide(const conn *c)
{
    char key[sizeof(st.key)];
    danehop_ctx *ctx;
    danehop_decision *d = NULL;

    snprintf(key, sizeof(key), "%s|%s|%s|%u|%s", c->domain, c->host, c->address, c->port, c->config);
    if (st.d != NULL && strcmp(key, st.key) == 0)
        return st.h;
    danehop_decision_free(st.d);
    st.d = NULL;
    st.h = NULL;
    st.logged = 0;
    st.verified = 0;
    forget_chain();
    snprintf(st.key, sizeof(st.key), "%s", key);
    if ((ctx = context(c->config)) == NULL)
        return NULL;
    if (*c->domain == '\0') {
        snprintf(st.error, sizeof(st.error), "$domain is empty: set multi_domain = false on the transport");
        return NULL;
    }
    if (danehop_resolve(ctx, c->domain, NULL, c->port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        snprintf(st.error, sizeof(st.error), "%s", danehop_ctx_error(ctx));
        return NULL;
    }
    st.h = pick(d, c->host, c->address);
    if (st.h == NULL && danehop_decision_status(d) == DANEHOP_STATUS_OK) {
        /* not one of the domain's MX hosts: a relay for it */
        danehop_decision_free(d);
        d = NULL;
        if (danehop_resolve(ctx, c->domain, c->host, c->port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
            snprintf(st.error, sizeof(st.error), "%s", danehop_ctx_error(ctx));
            return NULL;
        }
        st.h = danehop_decision_host(d, 0);
    }
    st.d = d;
    if (st.h == NULL)
        snprintf(st.error, sizeof(st.error), "domain %s: %s: %s", c->domain,
                 danehop_status_name(danehop_decision_status(d)), danehop_decision_reason(d));
    st.mx = st.h ? danehop_host_name(st.h) : NULL;
    return st.h;
}

static void log_decision(const conn *c)
{
    char line[1400];

    if (st.logged)
        return;
    st.logged = 1;
    if (st.h == NULL) {
        snprintf(line, sizeof(line), "danehop: domain=%s host=%s [%s] decision=defer reason=\"%s\"",
                 c->domain, c->host, c->address, st.error);
    } else {
        snprintf(line, sizeof(line),
                 "danehop: domain=%s host=%s [%s] mx=%s base=%s decision=%s mx_secure=%s reason=\"%s\"",
                 c->domain, c->host, c->address, st.mx,
                 danehop_host_base_domain(st.h) ? danehop_host_base_domain(st.h) : "-",
                 danehop_action_name(danehop_host_action(st.h)),
                 danehop_decision_mx_secure(st.d) ? "yes" : "no", danehop_host_reason(st.h));
    }
    danehop_log_line(st.ctx, DANEHOP_LOG_SYSLOG,
                     st.h == NULL || danehop_host_action(st.h) == DANEHOP_ACTION_DEFER, line);
}

int danehop_gate(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    if (argc != 6 || parse_conn(&c, argc, argv, 0) != 0)
        return yield_str(yield, EXIM_FAIL,
                         "danehop_gate: want {$domain}{$host}{$host_address}{PORT:CONFIG}{HELO}{ABI}%s%s",
                         NULL, NULL);
    if (strcmp((const char *) argv[5], DANEHOP_EXIM_ABI) != 0)
        return yield_str(yield, EXIM_FAIL,
                         "danehop: the transport is written for ABI %s, this module is ABI " DANEHOP_EXIM_ABI
                         "%s",
                         (const char *) argv[5], NULL);
    h = decide(&c);
    log_decision(&c);
    if (h == NULL)
        return yield_str(yield, EXIM_FAIL, "danehop: %s%s", st.error, NULL);
    if (danehop_host_action(h) == DANEHOP_ACTION_DEFER)
        return yield_str(yield, EXIM_FAIL, "danehop: %s: %s", st.mx, danehop_host_reason(h));
    return yield_str(yield, EXIM_OK, "%s%s", (const char *) argv[4], NULL);
}

int danehop_require_tls(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    /* anything but a clear "may" requires TLS: fail closed */
    if (parse_conn(&c, argc, argv, 0) != 0 || (h = decide(&c)) == NULL ||
        danehop_host_action(h) != DANEHOP_ACTION_MAY)
        return yield_str(yield, EXIM_OK, "*%s%s", NULL, NULL);
    return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
}

int danehop_try_dane(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    if (parse_conn(&c, argc, argv, 0) != 0 || (h = decide(&c)) == NULL ||
        danehop_host_action(h) == DANEHOP_ACTION_ENCRYPT)
        return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    return yield_str(yield, EXIM_OK, "*%s%s", NULL, NULL);
}

int danehop_sni(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    if (parse_conn(&c, argc, argv, 0) != 0 || (h = decide(&c)) == NULL || danehop_host_sni(h) == NULL)
        return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    return yield_str(yield, EXIM_OK, "%s%s", danehop_host_sni(h), NULL);
}

/* collect - keep the certificate at depth; -1 when it cannot be used */
static int collect(int depth, const char *b64)
{
    size_t len = strlen(b64);
    unsigned char *der;
    int n;

    if (depth < 0 || depth >= MAX_CERTS || len == 0 || len > MAX_CERT_B64 || len % 4 != 0)
        return -1;
    if (st.last_depth >= 0 && depth >= st.last_depth)
        forget_chain(); /* a new handshake on the same connection */
    if ((der = malloc(len / 4 * 3 + 1)) == NULL)
        return -1;
    n = EVP_DecodeBlock(der, (const unsigned char *) b64, (int) len);
    if (n <= 0) {
        free(der);
        return -1;
    }
    /* EVP_DecodeBlock counts the padding as data */
    if (len >= 1 && b64[len - 1] == '=')
        n--;
    if (len >= 2 && b64[len - 2] == '=')
        n--;
    free(st.chain[depth]);
    st.chain[depth] = der;
    st.chainlen[depth] = (size_t) n;
    st.last_depth = depth;
    return 0;
}

static int verify_chain(const conn *c, uschar **yield)
{
    const unsigned char *der[MAX_CERTS];
    size_t len[MAX_CERTS], n = 0;
    danehop_verdict *v;
    char line[1400];
    int ok, i;

    for (i = 0; i < MAX_CERTS; i++)
        if (st.chain[i] != NULL) {
            der[n] = st.chain[i];
            len[n++] = st.chainlen[i];
        }
    v = st.chain[0] ? danehop_verify_host(st.h, der, len, n) : NULL;
    ok = v != NULL && danehop_verdict_authenticated(v);
    snprintf(line, sizeof(line), "danehop: domain=%s host=%s [%s] mx=%s base=%s verdict=%s: %s", c->domain,
             c->host, c->address, st.mx, danehop_host_base_domain(st.h), ok ? "dane-verified" : "dane-failed",
             v ? danehop_verdict_reason(v) : "no usable certificate chain");
    danehop_log_line(st.ctx, DANEHOP_LOG_SYSLOG, !ok, line);
    st.verified = ok;
    if (!ok)
        snprintf(out, sizeof(out), "danehop: DANE authentication of %s failed: %s", st.mx,
                 v ? danehop_verdict_reason(v) : "no usable certificate chain");
    else
        out[0] = '\0';
    danehop_verdict_free(v);
    forget_chain();
    *yield = (uschar *) out;
    return EXIM_OK;
}

/*
 * tls_cert - the tls:cert event: "" to accept the certificate at this depth,
 * a reason to refuse it
 */
static void tls_cert(const conn *c, uschar *argv[], uschar **yield)
{
    const danehop_host *h;
    char *end;
    long depth, usage;

    usage = strtol((const char *) argv[2], &end, 10);
    if (end != (char *) argv[2] && usage != 0) {
        yield_str(yield, EXIM_OK, "%s%s", NULL, NULL); /* Exim's own DANE is at work */
        return;
    }
    if ((h = decide(c)) == NULL) {
        yield_str(yield, EXIM_OK, "danehop: %s%s", st.error, NULL);
        return;
    }
    if (danehop_host_action(h) != DANEHOP_ACTION_DANE) {
        yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
        return;
    }
    depth = strtol((const char *) argv[1], &end, 10);
    if (end == (char *) argv[1] || *end != ' ' || collect((int) depth, end + 1) != 0) {
        yield_str(yield, EXIM_OK, "danehop: unusable certificate at depth %s from %s", (const char *) argv[1],
                  c->host);
        return;
    }
    if (depth > 0)
        yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    else
        verify_chain(c, yield);
}

/*
 * refuse_peer - make a refused certificate end the handshake. Exim's GnuTLS
 * builds abort on the refusal alone; its OpenSSL builds ignore it in
 * try-verify mode (the transport's default, and the only mode that accepts a
 * DANE-EE certificate no public CA signed): the handshake would complete and
 * EHLO would reach the peer. Shutting the socket down here, inside the
 * handshake, fails it on every build (peer_abort.h); the per-message gate
 * (danehop_after_tls) stays behind it for a connection not found.
 */
static void refuse_peer(const conn *c)
{
    size_t len = strlen(out);

    if (peer_abort(c->address, c->port) > 0 && len + 40 < sizeof(out))
        snprintf(out + len, sizeof(out) - len, " (connection shut down)");
}

int danehop_event(uschar **yield, int argc, uschar *argv[])
{
    const char *event = argc > 0 ? (const char *) argv[0] : "";
    conn c;
    const danehop_host *h;

    /* event_action treats a failure as "carry on": always OK, verdict in the string */
    if (argc != 7 || parse_conn(&c, argc, argv, 3) != 0)
        return yield_str(yield, EXIM_OK,
                         "danehop_event: want {$event_name}{DEPTH CERT}{USAGE}"
                         "{$domain}{$host}{$host_address}{PORT:CONFIG}%s%s",
                         NULL, NULL);
    if (strcmp(event, "tcp:connect") == 0) {
        h = decide(&c);
        log_decision(&c);
        forget_chain();
        st.verified = 0;
        if (h == NULL)
            return yield_str(yield, EXIM_OK, "danehop: %s%s", st.error, NULL);
        if (danehop_host_action(h) == DANEHOP_ACTION_DEFER)
            return yield_str(yield, EXIM_OK, "danehop: %s: %s", st.mx, danehop_host_reason(h));
        return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    }
    if (strcmp(event, "tls:cert") != 0)
        return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    tls_cert(&c, argv, yield);
    if (**yield != '\0')
        refuse_peer(&c);
    return EXIM_OK;
}

int danehop_after_tls(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    if (argc != 5 || parse_conn(&c, argc, argv, 1) != 0)
        return yield_str(yield, EXIM_FAIL,
                         "danehop_after_tls: want {$tls_out_dane}{$domain}{$host}"
                         "{$host_address}{PORT:CONFIG}%s%s",
                         NULL, NULL);
    if ((h = decide(&c)) == NULL)
        return yield_str(yield, EXIM_FAIL, "danehop: %s%s", st.error, NULL);
    if (danehop_host_action(h) == DANEHOP_ACTION_DANE && !st.verified &&
        strcmp((const char *) argv[0], "yes") != 0)
        return yield_str(yield, EXIM_FAIL,
                         "danehop: %s: the TLS peer was not authenticated by DANE "
                         "(base domain %s): not sending mail",
                         st.mx, danehop_host_base_domain(h));
    if (danehop_host_action(h) == DANEHOP_ACTION_DEFER)
        return yield_str(yield, EXIM_FAIL, "danehop: %s: %s", st.mx, danehop_host_reason(h));
    /* empty: no AUTH= parameter */
    return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
}
