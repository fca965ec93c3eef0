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
 *   ${dlfunc{MODULE}{danehop_pass}{$tls_out_dane}{$domain}{$host}{$host_address}{PORT:CONFIG}}
 *
 *   {$domain} may be {[RELAY]}: an administrator's relay (manualroute,
 *   smarthost), integration/exim/danehop-relay-transport.conf.
 *
 * DESCRIPTION
 *   Exim (4.96 to today) skips DANE when the MX host is a DNSSEC-signed
 *   alias into an unsigned zone, and renames the host to the alias's
 *   target. These entry points give the smtp transport danehop's decision
 *   for the connection instead (integration/exim/danehop-transport.conf):
 *
 *   danehop_gate (helo_data)        the fail-closed gate: any expansion failure
 *                                   of helo_data defers the host, so a defer
 *                                   or noaddress decision, a host that is not
 *                                   a validated host, a broken configuration,
 *                                   an ABI mismatch or a missing module all
 *                                   defer. Empty $host and $host_address (Exim
 *                                   comparing a waiting message's helo_data):
 *                                   the HELO name, quietly
 *   danehop_require_tls             "*" for dane, encrypt and defer: no cleartext
 *   danehop_try_dane                "*" unless the decision is encrypt (Exim's own
 *                                   DANE would defer on unusable records)
 *   danehop_sni (tls_sni)           the TLSA base domain for dane, else ""; never
 *                                   fails (a failing tls_sni crashes a continued
 *                                   connection in Exim). In a continued process
 *                                   whose connection nobody verified, a name
 *                                   that differs from every real SNI, so Exim
 *                                   drops the reused connection and opens one
 *   danehop_pass (hosts_nopass_tls) "*" (do not pass on) for a dane connection
 *                                   that was not verified; a verified one is
 *                                   passed with its sealed chain (seal.c)
 *   danehop_event (event_action)    tcp:connect: refuse a defer or noaddress
 *                                   decision, or a host that is not a
 *                                   validated one; drop any inherited seal;
 *                                   tls:cert: collect the chain, verify it at
 *                                   depth 0 with OpenSSL DANE (in
 *                                   danehop_exim_client.so: have danehopd
 *                                   verify it, module/client.c), also when
 *                                   Exim's own DANE is active: that one trusts
 *                                   the AD bit of Exim's resolver, which an
 *                                   attacker on the path to it can set on a
 *                                   forged TLSA record. A refused
 *                                   certificate also shuts the connection down
 *                                   (peer_abort.h): Exim's OpenSSL builds
 *                                   ignore the refusal in try-verify mode
 *   danehop_after_tls               (authenticated_sender) per message, after
 *                                   TLS is up and before MAIL: fails, so Exim
 *                                   defers, when the decision is dane and
 *                                   this module did not verify the peer
 *                                   ($tls_out_dane is not taken on trust):
 *                                   the gate behind the shutdown; and for
 *                                   defer and noaddress: a continued process
 *                                   runs no gate and no tcp:connect, so this
 *                                   is its only gate.
 *
 *   Everything comes in as arguments; nothing of Exim is called, so one
 *   binary serves every Exim version. No entry point takes the maximum of
 *   eight arguments: with eight, Exim (4.96 and earlier) counts its argument
 *   array past the end and passes a garbage argc (seen crashing here). The
 *   decision is made once per
 *   (domain, host, address, port) per process: later calls for the same
 *   connection reuse it. Exim forks per delivery; danehop's resolver is
 *   created in the process that resolves.
 *
 *   The original MX name is reconstructed, and Exim's view checked: $host
 *   and $host_address come from Exim's own DNS, which does not validate.
 *   danehop_decision_match() (module/match.c) finds the validated MX host
 *   of $domain whose name or CNAME chain holds $host and whose addresses
 *   (where danehop found any) hold $host_address. No such host: deferred,
 *   with both views in the log, and never decided again as a relay. Only
 *   when DANE cannot apply to the domain at all (unsigned MX RRset, exempt)
 *   is Exim's host decided on its own. Relays come only through "[RELAY]".
 *
 *   Continued connections (exim -MC, the TLS proxy): no tls:cert event and
 *   no certificate reach the new process. The chain verified in the
 *   handshake is sealed in a memfd that only Exim's -MC exec inherits
 *   (seal.c); the new process, which never saw a tcp:connect, verifies it
 *   again against its own message's decision. A connection with no such
 *   seal delivers nothing for a dane decision.
 *
 * DIAGNOSTICS
 *   Every connection logs one decision line and, for dane, one verdict line,
 *   where the configuration's "log" key says (syslog, mail facility, by
 *   default): Exim itself logs CV=no for module-enforced DANE.
 */
#include "peer_abort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "base64.h"
#include "danehop.h"
#include "seal.h"

/* from Exim's local_scan.h; declared here so no Exim header is needed */
typedef unsigned char uschar;
#define EXIM_OK   0
#define EXIM_FAIL 2

/* the transport file names the ABI it was written for */
#define DANEHOP_EXIM_ABI "2"
#define DEFAULT_CONFIG   "/etc/danehop.conf"
#define MAX_CERTS        16
#define MAX_CERT_B64     (90 * 1024)

int danehop_gate(uschar **yield, int argc, uschar *argv[]);
int danehop_require_tls(uschar **yield, int argc, uschar *argv[]);
int danehop_try_dane(uschar **yield, int argc, uschar *argv[]);
int danehop_sni(uschar **yield, int argc, uschar *argv[]);
int danehop_event(uschar **yield, int argc, uschar *argv[]);
int danehop_after_tls(uschar **yield, int argc, uschar *argv[]);
int danehop_pass(uschar **yield, int argc, uschar *argv[]);

/*
 * the SNI of a continued connection that this process cannot vouch for:
 * it differs from every SNI a first connection sends (.invalid is never a
 * TLSA base domain), so Exim drops the reused connection and opens one of
 * its own, which gets a handshake and a verification
 */
#define UNVERIFIED_SNI "unverified-continued-connection.danehop.invalid"

/* Exim copies an OK yield and keeps a failure's for logging: static storage */
static char out[1200];

static struct {
    danehop_ctx *ctx;
    char config[1024];
    char error[1024]; /* why there is no usable host, if there is none */
    /* the connection the decision below is for: room for every argument at
     * its longest, so that no two connections share a truncated key */
    char key[4 * (DH_EXIM_ARG_MAX + 1) + 16];
    danehop_decision *d;
    const danehop_host *h;
    const char *mx; /* the original MX name */
    int logged;
    int verified;  /* the chain of this connection matched */
    int connected; /* this process opened a connection (tcp:connect): not a continued one */
    unsigned char *chain[MAX_CERTS];
    size_t chainlen[MAX_CERTS];
    int last_depth; /* -1: no certificate collected */
} st = {.last_depth = -1};

typedef dh_exim_conn conn;

static int yield_str(uschar **yield, int rc, const char *fmt, const char *a, const char *b)
{
    snprintf(out, sizeof(out), fmt, a ? a : "", b ? b : "");
    *yield = (uschar *) out;
    return rc;
}

/* parse_conn - {$domain}{$host}{$host_address}{PORT:CONFIG} at argv[i] (args.c) */
static int parse_conn(conn *c, int argc, uschar *argv[], int i)
{
    return dh_exim_parse_conn(c, argc, argv, i, DEFAULT_CONFIG);
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

/* views - Exim's host against danehop's validated hosts, for the log and the defer reason */
static void views(const conn *c, const danehop_decision *d, danehop_match how)
{
    size_t i, j, n = danehop_decision_host_count(d);
    int len;

    len = snprintf(st.error, sizeof(st.error),
                   "Exim connects to %s [%s], %s; danehop's hosts for %s:", c->host, c->address,
                   how == DANEHOP_MATCH_ADDRESS ? "an address danehop did not find for that host"
                   : how == DANEHOP_MATCH_LIMIT ? "an MX host past the limit of hosts evaluated"
                                                : "which is not one of danehop's validated hosts",
                   c->domain);
    for (i = 0; i < n && len > 0 && (size_t) len < sizeof(st.error); i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        const char *name, *cname, *end = danehop_host_name(h);
        int sec;

        for (j = 0; j < danehop_host_hop_count(h); j++)
            if (danehop_host_hop(h, j, &name, &cname, &sec) == 0 && cname == NULL)
                end = name;
        len += snprintf(st.error + len, sizeof(st.error) - (size_t) len, " %s%s%s [", danehop_host_name(h),
                        end != danehop_host_name(h) ? " -> " : "", end != danehop_host_name(h) ? end : "");
        for (j = 0; j < danehop_host_address_count(h) && (size_t) len < sizeof(st.error); j++)
            len += snprintf(st.error + len, sizeof(st.error) - (size_t) len, "%s%s", j ? " " : "",
                            danehop_host_address(h, j));
        if ((size_t) len < sizeof(st.error))
            len += snprintf(st.error + len, sizeof(st.error) - (size_t) len, "] %s;",
                            danehop_action_name(danehop_host_action(h)));
    }
    if (n == 0 && len > 0 && (size_t) len < sizeof(st.error))
        snprintf(st.error + len, sizeof(st.error) - (size_t) len, " none (%s: %s)",
                 danehop_status_name(danehop_decision_status(d)), danehop_decision_reason(d));
}

/*
 * continued - in a process that did not connect itself (Exim's -MC), the
 * chain that the verifying process sealed for this very connection,
 * verified again against this message's decision
 */
static void continued(const conn *c)
{
    unsigned char *der[DH_SEAL_MAX_CERTS] = {NULL};
    size_t len[DH_SEAL_MAX_CERTS], n;
    danehop_verdict *v;
    char line[1400];

    if (st.connected || st.h == NULL || danehop_host_action(st.h) != DANEHOP_ACTION_DANE ||
        dh_seal_chain(c->host, c->address, c->port, der, len, &n) != 0)
        return;
    v = danehop_verify_host(st.h, (const unsigned char *const *) der, len, n);
    st.verified = v != NULL && danehop_verdict_authenticated(v);
    snprintf(line, sizeof(line),
             "danehop: domain=%s host=%s [%s] mx=%s base=%s verdict=%s (continued connection, chain "
             "sealed by the process that verified it): %s",
             c->domain, c->host, c->address, st.mx, danehop_host_base_domain(st.h),
             st.verified ? "dane-verified" : "dane-failed", v ? danehop_verdict_reason(v) : "out of memory");
    danehop_log_line(st.ctx, DANEHOP_LOG_SYSLOG, !st.verified, line);
    danehop_verdict_free(v);
    dh_seal_chain_free(der, n);
}

/*
 * decide - the decision for this connection, made once. Returns NULL with
 * st.error set when no host may be used (the caller fails closed).
 *
 * $domain routed by MX: Exim's $host/$host_address come from Exim's own,
 * unvalidated DNS. They must match one of danehop's validated hosts of
 * $domain (danehop_decision_match); otherwise the views disagree and the
 * host is deferred: never decided again as a relay. Only where DANE cannot
 * apply to the domain at all is Exim's host decided on its own.
 * "[relay]" in place of $domain: the administrator's relay, decided by its
 * own name (RFC 7672 section 3.2.2), and Exim's host matched against it.
 */
static const danehop_host *decide(const conn *c)
{
    char key[sizeof(st.key)], rbuf[256];
    const char *relay;
    danehop_ctx *ctx;
    danehop_decision *d = NULL;
    danehop_match how;

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
    relay = dh_exim_relay_name(c->domain, rbuf, sizeof(rbuf));
    if (danehop_resolve(ctx, relay ? NULL : c->domain, relay, c->port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) !=
        0) {
        snprintf(st.error, sizeof(st.error), "%s", danehop_ctx_error(ctx));
        return NULL;
    }
    st.h = danehop_decision_match(d, c->host, c->address, &how);
    if (st.h == NULL && how == DANEHOP_MATCH_NO_DANE) {
        /* the MX RRset is provably unsigned (or the domain exempt): Exim's host on its own */
        danehop_decision_free(d);
        d = NULL;
        if (danehop_resolve(ctx, c->domain, c->host, c->port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
            snprintf(st.error, sizeof(st.error), "%s", danehop_ctx_error(ctx));
            return NULL;
        }
        st.h = danehop_decision_host(d, 0);
    }
    st.d = d;
    if (st.h == NULL && danehop_decision_host_count(d) == 0 &&
        danehop_decision_status(d) != DANEHOP_STATUS_OK)
        snprintf(st.error, sizeof(st.error), "domain %s: %s: %s", c->domain,
                 danehop_status_name(danehop_decision_status(d)), danehop_decision_reason(d));
    else if (st.h == NULL)
        views(c, d, how);
    st.mx = st.h ? danehop_host_name(st.h) : NULL;
    continued(c);
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
    if (*c.host == '\0' && *c.address == '\0')
        /* no connection: Exim compares the helo_data of a waiting message
         * with this one's before reusing a connection; nothing to decide */
        return yield_str(yield, EXIM_OK, "%s%s", (const char *) argv[4], NULL);
    h = decide(&c);
    log_decision(&c);
    if (h == NULL)
        return yield_str(yield, EXIM_FAIL, "danehop: %s%s", st.error, NULL);
    switch (danehop_host_action(h)) {
    case DANEHOP_ACTION_DANE:
    case DANEHOP_ACTION_ENCRYPT:
    case DANEHOP_ACTION_MAY: return yield_str(yield, EXIM_OK, "%s%s", (const char *) argv[4], NULL);
    case DANEHOP_ACTION_NOADDRESS:
        /* danehop found no address, Exim has one: the views disagree */
        snprintf(out, sizeof(out), "danehop: %s: danehop found no address (%s), but Exim connects to %s [%s]",
                 st.mx, danehop_host_reason(h), c.host, c.address);
        *yield = (uschar *) out;
        return EXIM_FAIL;
    default: return yield_str(yield, EXIM_FAIL, "danehop: %s: %s", st.mx, danehop_host_reason(h));
    }
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
    /* a continued connection (no tcp:connect here) that this module did
     * not verify (Exim's own DANE does not count): make Exim open a new one */
    if (!st.connected && !st.verified)
        return yield_str(yield, EXIM_OK, "%s%s", UNVERIFIED_SNI, NULL);
    return yield_str(yield, EXIM_OK, "%s%s", danehop_host_sni(h), NULL);
}

/* collect - keep the certificate at depth; -1 when it cannot be used */
static int collect(int depth, const char *b64)
{
    size_t len = strlen(b64);
    unsigned char *der;
    long n;

    if (depth < 0 || depth >= MAX_CERTS || len == 0 || len > MAX_CERT_B64 || len % 4 != 0)
        return -1;
    if (st.last_depth >= 0 && depth >= st.last_depth)
        forget_chain(); /* a new handshake on the same connection */
    if ((der = malloc(len / 4 * 3)) == NULL)
        return -1;
    if ((n = dh_base64_decode(b64, len, der, len / 4 * 3)) <= 0) {
        free(der);
        return -1;
    }
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
    /* for Exim's continued (-MC) process, should this connection be passed
     * on; a chain that cannot be sealed leaves no seal of an earlier
     * handshake to be passed instead: the connection is then not passed */
    if (ok && dh_seal_make(c->host, c->address, c->port, der, len, n) != 0)
        dh_seal_drop();
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
    long depth;

    /* argv[2], Exim's own TLSA usage, is not a reason to stand back: Exim's
     * DANE believes the AD bit of its resolver's answers, danehop does not */
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
        /* a connection of this process's own: no inherited seal applies */
        st.connected = 1;
        dh_seal_drop();
        if (h == NULL)
            return yield_str(yield, EXIM_OK, "danehop: %s%s", st.error, NULL);
        if (danehop_host_action(h) == DANEHOP_ACTION_NOADDRESS)
            return yield_str(yield, EXIM_OK, "danehop: %s: danehop found no address, Exim has %s", st.mx,
                             c.address);
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
    h = decide(&c);
    /* a continued process runs no gate (helo_data) and no tcp:connect: this
     * is where its message's decision is logged and enforced */
    log_decision(&c);
    if (h == NULL)
        return yield_str(yield, EXIM_FAIL, "danehop: %s%s", st.error, NULL);
    switch (danehop_host_action(h)) {
    case DANEHOP_ACTION_DANE:
        /* $tls_out_dane (argv[0]) is not enough: Exim's DANE trusts an AD bit */
        if (!st.verified)
            return yield_str(yield, EXIM_FAIL,
                             "danehop: %s: the TLS peer was not authenticated by DANE "
                             "(base domain %s): not sending mail",
                             st.mx, danehop_host_base_domain(h));
        break;
    case DANEHOP_ACTION_ENCRYPT:
    case DANEHOP_ACTION_MAY: break;
    default: /* defer, and noaddress: over a connection opened for another message */
        return yield_str(yield, EXIM_FAIL, "danehop: %s: %s", st.mx, danehop_host_reason(h));
    }
    /* empty: no AUTH= parameter */
    return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
}

/*
 * danehop_pass (hosts_nopass_tls) - "*" keeps Exim from passing this TLS
 * connection on to a continued process: a dane connection that
 * this module did not verify (Exim's own DANE does not count: it trusts the
 * AD bit of its resolver's answers). A verified one is passed with
 * its seal, so the continued process can deliver over it.
 */
int danehop_pass(uschar **yield, int argc, uschar *argv[])
{
    conn c;
    const danehop_host *h;

    if (argc != 5 || parse_conn(&c, argc, argv, 1) != 0 || (h = decide(&c)) == NULL)
        return yield_str(yield, EXIM_OK, "*%s%s", NULL, NULL);
    switch (danehop_host_action(h)) {
    case DANEHOP_ACTION_MAY:
    case DANEHOP_ACTION_ENCRYPT: return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
    case DANEHOP_ACTION_DANE:
        if (st.verified && dh_seal_export() == 0)
            return yield_str(yield, EXIM_OK, "%s%s", NULL, NULL);
        return yield_str(yield, EXIM_OK, "*%s%s", NULL, NULL);
    default: return yield_str(yield, EXIM_OK, "*%s%s", NULL, NULL);
    }
}
