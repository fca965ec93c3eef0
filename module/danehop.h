/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehop.h - RFC 7672 DANE discovery for SMTP clients
 *
 * danehop answers one question for a mail client about to connect: for this
 * next-hop domain (and/or this host) and port, what must the TLS session
 * prove? It resolves MX, address and TLSA records with a local validating
 * resolver (libunbound), including the separate CNAME query of RFC 7672
 * section 2.2.2 that tells whether a host's alias is itself signed, and
 * returns an immutable decision per host:
 *
 *   dane       TLS required, authenticate with the TLSA set (SNI = base domain)
 *   encrypt    TLS required, no authentication (secure TLSA, none usable)
 *   may        DANE does not apply: opportunistic TLS
 *   defer      do not deliver via this host (DNS error, bogus data, policy)
 *   noaddress  the host has no address
 *
 * Every decision carries a reason string written for a mail administrator.
 *
 * Ownership: every object returned here is released with the matching
 * *_free() function; strings returned by accessors belong to their object and
 * live as long as it does. No function here exits, aborts or prints.
 *
 * Threads: every function may be called from any number of threads at once,
 * on one shared context or on several, except danehop_ctx_free(), which must
 * come after every other call on that context has returned. A change of
 * settings (a setter, danehop_ctx_load_config, a watched file) swaps in a new
 * snapshot of them; a decision already under way finishes with the settings
 * and rules it started with. Decisions and verdicts are immutable: any thread
 * may read them; each reference is freed once.
 *
 * Errors are per thread, like errno: danehop_ctx_error() returns the calling
 * thread's last error, whichever context (or NULL) it is given.
 *
 * Processes: a process may fork() at any time, even while other threads are
 * inside danehop; the child keeps using its contexts (each makes its own
 * libunbound context at its first lookup there) and the parent is unaffected.
 */
#ifndef DANEHOP_H
#define DANEHOP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The ABI generation: the SONAME's major (libdanehop.so.0), the symbol
 * version node (DANEHOP_0) and the table danehop_api() serves
 * (danehop_api_v0). Bumped, all four together, only by an incompatible
 * change; additions keep it (danehop(3), COMPATIBILITY).
 */
#define DANEHOP_ABI_VERSION 0

/* danehop_abi_version - the DANEHOP_ABI_VERSION the library was built with */
int danehop_abi_version(void);
/* danehop_version - the package version, e.g. "0.1.0" */
const char *danehop_version(void);

typedef struct danehop_ctx danehop_ctx;
typedef struct danehop_decision danehop_decision;
typedef struct danehop_host danehop_host;

typedef enum {
    DANEHOP_POLICY_OPPORTUNISTIC = 0, /* RFC 7672 opportunistic DANE (default) */
    DANEHOP_POLICY_MANDATORY = 1      /* RFC 7672 section 6: no DANE, no delivery */
} danehop_policy;

/* request flags */
#define DANEHOP_F_HALF_DANE 0x1u /* RFC 7672 2.2.1 MAY: DANE for hosts of an insecure MX */

typedef enum {
    DANEHOP_STATUS_OK = 0,  /* hosts decided; see each host */
    DANEHOP_STATUS_DEFER,   /* do not deliver now (MX lookup failed, no usable host) */
    DANEHOP_STATUS_NULLMX,  /* the domain accepts no mail (RFC 7505) */
    DANEHOP_STATUS_NXDOMAIN /* the domain does not exist */
} danehop_status;

typedef enum {
    DANEHOP_ACTION_DANE = 0,
    DANEHOP_ACTION_ENCRYPT,
    DANEHOP_ACTION_MAY,
    DANEHOP_ACTION_DEFER,
    DANEHOP_ACTION_NOADDRESS
} danehop_action;

/* ---- context: resolver set-up ------------------------------------------ */

/*
 * danehop_ctx_new - a context with the defaults: trust anchor from
 * /usr/share/dns/root.key (Debian's dns-root-data), the system's resolvers
 * (/etc/resolv.conf) as forwarders, 10 s per round of queries, 30 s in all.
 * Returns NULL only when out of memory. Free with danehop_ctx_free().
 */
danehop_ctx *danehop_ctx_new(void);
void danehop_ctx_free(danehop_ctx *ctx);

/*
 * Setters return 0, or -1 with danehop_ctx_error() saying why; on -1 nothing
 * changed. They take effect at the next resolve; strings are copied. A
 * setter's value lays over the configuration file's, whenever it is called
 * (before or after danehop_ctx_load_config) and across every reload of a
 * watched file; forwarders add to the file's.
 */
/*
 * an unbound.conf-syntax file handed to libunbound (ub_ctx_config): a
 * regular file of at most 1 MiB, parsed at once in a throw-away libunbound
 * context; val-permissive-mode and a module-config without the validator
 * are refused (bogus answers must stay bogus)
 */
int danehop_ctx_set_unbound_conf(danehop_ctx *ctx, const char *path);
/* a trust-anchor file (DS or DNSKEY records; read-only use) */
int danehop_ctx_set_trust_anchor(danehop_ctx *ctx, const char *path);
/* forward to this resolver (an IPv4/IPv6 address, optionally @port); repeatable */
int danehop_ctx_add_forwarder(danehop_ctx *ctx, const char *addr);
/* forward to the nameservers of this resolv.conf-style file */
int danehop_ctx_set_resolv_conf(danehop_ctx *ctx, const char *path);
/* resolve from the root servers instead of forwarding */
int danehop_ctx_set_recursion(danehop_ctx *ctx, int on);
/* timeouts in milliseconds: per round of concurrent queries, and in all */
int danehop_ctx_set_timeouts(danehop_ctx *ctx, unsigned query_ms, unsigned total_ms);
/*
 * decisions kept for reuse (default 4096; 0 turns reuse off). A repeated
 * question gets the same decision object until the smallest TTL of the DNS
 * answers behind it runs out (at most 300 s; 5 s for decisions with a defer).
 */
int danehop_ctx_set_cache_size(danehop_ctx *ctx, size_t max);
/*
 * danehop_ctx_load_config - read a danehop.conf(5) file: resolver settings
 * (defaults for keys it does not set), logging and policy rules. The
 * resolver settings it makes, with the setters' laid over them, are checked
 * for real in a throw-away libunbound context (a missing trust anchor, an
 * unusable unbound_conf are errors now, not at the first lookup). All or
 * nothing: on error (-1, danehop_ctx_error says "file:line: what" or "file:
 * what") the context is unchanged.
 */
int danehop_ctx_load_config(danehop_ctx *ctx, const char *path);
/*
 * danehop_ctx_watch_config - re-read the loaded file when its mtime changes
 * (one stat per resolve), as danehop_ctx_load_config does. While a changed
 * file does not load, danehop_resolve() fails (-1): a shim then defers
 * instead of guessing.
 */
int danehop_ctx_watch_config(danehop_ctx *ctx, int on);
/* danehop_ctx_describe - the effective settings and rules, as text;
 * caller frees with danehop_string_free */
char *danehop_ctx_describe(const danehop_ctx *ctx);
/* danehop_ctx_error - this thread's last error ("" if none); ctx is not used and may be NULL */
const char *danehop_ctx_error(const danehop_ctx *ctx);

/*
 * Error codes beside the reason strings, so that a shim chooses "try again"
 * or "give up" without reading English. Every code but DANEHOP_E_INPUT is
 * temporary: the mail waits (a broken configuration is fixed by the admin,
 * and the mail must still be there then). Never a reason to deliver with
 * less security.
 */
typedef enum {
    DANEHOP_E_OK = 0,  /* no error */
    DANEHOP_E_DNS,     /* a DNS lookup failed: SERVFAIL, bogus, indeterminate, malformed */
    DANEHOP_E_TIMEOUT, /* the DNS answers did not arrive in time */
    DANEHOP_E_POLICY,  /* a policy rule forbids delivery now (mandatory DANE not met) */
    DANEHOP_E_CONFIG,  /* the configuration or the resolver set-up is unusable */
    DANEHOP_E_INPUT,   /* the caller's input is unusable (name, address literal, port) */
    DANEHOP_E_NOMEM,   /* out of memory */
    DANEHOP_E_INTERNAL /* an internal limit or error */
} danehop_error;

/* danehop_ctx_error_code - the code of this thread's last failed call on ctx
 * (DANEHOP_E_OK if none); like danehop_ctx_error, kept until the next failure */
danehop_error danehop_ctx_error_code(const danehop_ctx *ctx);
/* "ok", "dns", "timeout", "policy", "config", "input", "nomem", "internal" */
const char *danehop_error_name(danehop_error e);

/* ---- resolving ---------------------------------------------------------- */

/*
 * danehop_resolve - decide for a next-hop domain and/or one host
 *
 * domain: the next-hop domain (MX resolution, implicit MX, null MX), or NULL
 * host:   NULL to decide for every MX host of domain; otherwise decide for
 *         this host only (an MX host, or a relay: with domain given, the MX
 *         lookup of domain tells whether host was obtained securely)
 * port:   the SMTP port, 1-65535 (TLSA at _port._tcp.base)
 *
 * Returns 0 with *out set (DNS failures are decisions: defer, with a
 * reason), or -1 when the input is unusable (a malformed name, an address
 * literal, a bad port) or the resolver cannot be set up; then *out is NULL
 * and danehop_ctx_error() says why. Free *out with danehop_decision_free().
 */
int danehop_resolve(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                    danehop_policy policy, unsigned flags, danehop_decision **out);

/* danehop_decision_free - drop the caller's reference to d */
void danehop_decision_free(danehop_decision *d);

/* ---- the decision ------------------------------------------------------- */

danehop_status danehop_decision_status(const danehop_decision *d);
/* "ok", "defer", "nullmx", "nxdomain" */
const char *danehop_status_name(danehop_status s);
/* the next-hop domain as normalised, or NULL in host-only mode */
const char *danehop_decision_domain(const danehop_decision *d);
/* whether the MX RRset (and any CNAME leading to it) validated as secure */
int danehop_decision_mx_secure(const danehop_decision *d);
const char *danehop_decision_reason(const danehop_decision *d);
unsigned danehop_decision_port(const danehop_decision *d);
/* how many sequential rounds of DNS queries the decision took */
unsigned danehop_decision_rounds(const danehop_decision *d);
/*
 * The questions the decision asked, in order: the round (1-based), the
 * name, the type ("MX", "A", ...) and what came back.
 */
size_t danehop_decision_query_count(const danehop_decision *d);
int danehop_decision_query(const danehop_decision *d, size_t i, unsigned *round, const char **name,
                           const char **type, const char **result);
size_t danehop_decision_host_count(const danehop_decision *d);
/* hosts in MX preference order; NULL when i is out of range */
const danehop_host *danehop_decision_host(const danehop_decision *d, size_t i);

/*
 * danehop_decision_error - why a decision defers: DANEHOP_E_OK unless the
 * status is DANEHOP_STATUS_DEFER; then DANEHOP_E_TIMEOUT when only
 * timeouts stood in the way, DANEHOP_E_POLICY when a mandatory rule did,
 * DANEHOP_E_CONFIG when the resolver does not validate, and so on.
 */
danehop_error danehop_decision_error(const danehop_decision *d);

/* "dane", "encrypt", "may", "defer", "noaddress" */
const char *danehop_action_name(danehop_action a);

const char *danehop_host_name(const danehop_host *h);
/* MX preference; 0 for an implicit MX or a single host */
unsigned danehop_host_preference(const danehop_host *h);
danehop_action danehop_host_action(const danehop_host *h);
const char *danehop_host_reason(const danehop_host *h);
/* TLSA base domain (dane, encrypt), else NULL */
const char *danehop_host_base_domain(const danehop_host *h);
/* the SNI to send: the base domain for dane, else NULL */
const char *danehop_host_sni(const danehop_host *h);
/* whether the host's address records validated as secure */
int danehop_host_address_secure(const danehop_host *h);

/* usable TLSA records (after digest agility) of a dane decision */
size_t danehop_host_tlsa_count(const danehop_host *h);
int danehop_host_tlsa(const danehop_host *h, size_t i, uint8_t *usage, uint8_t *selector, uint8_t *mtype,
                      const unsigned char **data, size_t *len);
/* the same as "U S M hex" text */
const char *danehop_host_tlsa_text(const danehop_host *h, size_t i);
/* records of the RRset that are not used, each with why: "U S M hex (why)" */
size_t danehop_host_unusable_count(const danehop_host *h);
const char *danehop_host_unusable_text(const danehop_host *h, size_t i);

/* reference names for DANE-TA name checks (RFC 7672 3.2.2), base domain first */
size_t danehop_host_name_count(const danehop_host *h);
const char *danehop_host_refname(const danehop_host *h, size_t i);

/* addresses to connect to (text form), in the order received */
size_t danehop_host_address_count(const danehop_host *h);
const char *danehop_host_address(const danehop_host *h, size_t i);

/*
 * The CNAME chain of the host, one entry per name: name, its CNAME target
 * (NULL for the last name) and whether the record at that name validated
 * as secure (-1 when not known).
 */
size_t danehop_host_hop_count(const danehop_host *h);
int danehop_host_hop(const danehop_host *h, size_t i, const char **name, const char **cname, int *secure);
/*
 * danehop_host_error - why a host is deferred: DANEHOP_E_OK unless its
 * action is DANEHOP_ACTION_DEFER; DANEHOP_E_POLICY when only a mandatory
 * rule keeps it out (an MTA's own DANE would not), DANEHOP_E_CONFIG when a
 * rule cannot be evaluated, DANEHOP_E_DNS when its lookups failed
 * (timeouts included).
 */
danehop_error danehop_host_error(const danehop_host *h);
/* danehop_host_mandatory - whether mandatory DANE applies to the host (the
 * request's policy or a rule): anything but dane is then deferred */
int danehop_host_mandatory(const danehop_host *h);

/* ---- the host a connection is for ------------------------------------------ */

typedef enum {
    DANEHOP_MATCH_HOST = 0, /* a host of the decision, by name (through its CNAME
                               chain) and, where it has addresses, by address */
    DANEHOP_MATCH_NO_DANE,  /* no host matched, but DANE cannot apply to the domain
                               (provably unsigned MX RRset, or exempt by a rule):
                               decide the MTA's host on its own */
    DANEHOP_MATCH_ADDRESS,  /* the name is a host's, the address is none of its */
    DANEHOP_MATCH_LIMIT,    /* an MX host past the limit of hosts evaluated */
    DANEHOP_MATCH_NONE      /* not a host of the decision */
} danehop_match;

/*
 * danehop_decision_match - the host of d that a connection to name (the
 * MTA's host name, possibly the end of a CNAME chain) at address (text)
 * stands for. The MTA's own DNS answers are not validated: a host that is
 * not matched must not be used (defer), except for DANEHOP_MATCH_NO_DANE.
 * Returns the host with *how = DANEHOP_MATCH_HOST, else NULL with *how
 * saying why. Pure: no DNS, no allocation.
 */
const danehop_host *danehop_decision_match(const danehop_decision *d, const char *name, const char *address,
                                           danehop_match *how);
/* "host", "no-dane", "address-mismatch", "past-host-limit", "not-a-host" */
const char *danehop_match_name(danehop_match m);

/* ---- certificate verification (OpenSSL DANE) ----------------------------- */

typedef struct danehop_verdict danehop_verdict;

/* one TLSA record, as given on a command line or taken from a decision */
typedef struct danehop_tlsa_rr {
    uint8_t usage, selector, mtype;
    const unsigned char *data;
    size_t len;
} danehop_tlsa_rr;

/* most records danehop_verify_host() hands on */
#define DH_TLSA_MAX 64

/*
 * danehop_verify - verify a chain the server presented (DER certificates,
 * leaf first; order of the rest does not matter) against TLSA records with
 * OpenSSL's DANE verifier. names[0] is the base domain (the primary
 * reference name); all names are used for DANE-TA name checks only
 * (RFC 7672 3.2). At most 16 certificates of at most 64 KiB. Returns NULL
 * only when out of memory; free with danehop_verdict_free().
 */
danehop_verdict *danehop_verify(const danehop_tlsa_rr *recs, size_t nrecs, const char *const *names,
                                size_t nnames, const unsigned char *const *der, const size_t *derlen,
                                size_t nder);
/* danehop_verify_host - the same with the TLSA set and names of a dane decision */
danehop_verdict *danehop_verify_host(const danehop_host *h, const unsigned char *const *der,
                                     const size_t *derlen, size_t nder);
int danehop_verdict_authenticated(const danehop_verdict *v);
/* what matched (usage, selector, matching type, depth), or why nothing did */
const char *danehop_verdict_reason(const danehop_verdict *v);
int danehop_verdict_match(const danehop_verdict *v, int *usage, int *selector, int *mtype, int *depth);
/* the reference name the certificate matched (DANE-TA), or NULL */
const char *danehop_verdict_peername(const danehop_verdict *v);
void danehop_verdict_free(danehop_verdict *v);

/*
 * danehop_ssl_apply - for OpenSSL-based MTAs: set up a client SSL object
 * (before the handshake, on an SSL_CTX with SSL_CTX_dane_enable done) for a
 * dane decision: SNI = base domain, DANE with the usable records, reference
 * names, no name checks for DANE-EE. Then check SSL_get_verify_result()
 * after the handshake. Returns 0, or -1 (do not connect).
 */
struct ssl_st;
int danehop_ssl_apply(struct ssl_st *ssl, const danehop_host *h);

/* ---- rendering ---------------------------------------------------------- */

/* danehop_decision_json - one JSON object; caller frees with danehop_string_free */
char *danehop_decision_json(const danehop_decision *d);
/* danehop_decision_text - a readable report; caller frees with danehop_string_free */
char *danehop_decision_text(const danehop_decision *d);
/*
 * danehop_host_log_line - one line for the mail log: domain, host, base
 * domain, decision and reason. Caller frees with danehop_string_free.
 */
char *danehop_host_log_line(const danehop_decision *d, size_t i);
void danehop_string_free(char *s);

/*
 * danehop_log_decision - one line per host (or one for the domain) to where
 * the configuration file's "log" key says; without that key, to fallback:
 * DANEHOP_LOG_SYSLOG, DANEHOP_LOG_STDERR or DANEHOP_LOG_NONE.
 */
#define DANEHOP_LOG_NONE   0
#define DANEHOP_LOG_SYSLOG 1
#define DANEHOP_LOG_STDERR 2
void danehop_log_decision(const danehop_ctx *ctx, const danehop_decision *d, int fallback);
/* danehop_log_line - one line of the caller's (e.g. a verdict) to the same place;
 * ctx may be NULL (no configuration could be loaded): then to fallback */
void danehop_log_line(const danehop_ctx *ctx, int fallback, int warning, const char *line);

/* ---- run-time loading ---------------------------------------------------- */

/*
 * For MTAs that load danehop at run time: dlopen("libdanehop.so.0") and
 * dlsym one name, "danehop_api", which returns every function of this
 * header in a table. Ask for the ABI version you were built against; NULL
 * means this library cannot serve it. Members are only ever added at the
 * end: check "size" before using one added after your version.
 */
typedef struct danehop_api_v0 {
    unsigned abi; /* DANEHOP_ABI_VERSION of the library */
    size_t size;  /* sizeof(struct danehop_api_v0) as built */
    int (*abi_version)(void);
    const char *(*version)(void);
    danehop_ctx *(*ctx_new)(void);
    void (*ctx_free)(danehop_ctx *ctx);
    int (*ctx_set_unbound_conf)(danehop_ctx *ctx, const char *path);
    int (*ctx_set_trust_anchor)(danehop_ctx *ctx, const char *path);
    int (*ctx_add_forwarder)(danehop_ctx *ctx, const char *addr);
    int (*ctx_set_resolv_conf)(danehop_ctx *ctx, const char *path);
    int (*ctx_set_recursion)(danehop_ctx *ctx, int on);
    int (*ctx_set_timeouts)(danehop_ctx *ctx, unsigned query_ms, unsigned total_ms);
    int (*ctx_set_cache_size)(danehop_ctx *ctx, size_t max);
    int (*ctx_load_config)(danehop_ctx *ctx, const char *path);
    int (*ctx_watch_config)(danehop_ctx *ctx, int on);
    char *(*ctx_describe)(const danehop_ctx *ctx);
    const char *(*ctx_error)(const danehop_ctx *ctx);
    int (*resolve)(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                   danehop_policy policy, unsigned flags, danehop_decision **out);
    void (*decision_free)(danehop_decision *d);
    danehop_status (*decision_status)(const danehop_decision *d);
    const char *(*status_name)(danehop_status s);
    const char *(*decision_domain)(const danehop_decision *d);
    int (*decision_mx_secure)(const danehop_decision *d);
    const char *(*decision_reason)(const danehop_decision *d);
    unsigned (*decision_port)(const danehop_decision *d);
    unsigned (*decision_rounds)(const danehop_decision *d);
    size_t (*decision_query_count)(const danehop_decision *d);
    int (*decision_query)(const danehop_decision *d, size_t i, unsigned *round, const char **name,
                          const char **type, const char **result);
    size_t (*decision_host_count)(const danehop_decision *d);
    const danehop_host *(*decision_host)(const danehop_decision *d, size_t i);
    const char *(*action_name)(danehop_action a);
    const char *(*host_name)(const danehop_host *h);
    unsigned (*host_preference)(const danehop_host *h);
    danehop_action (*host_action)(const danehop_host *h);
    const char *(*host_reason)(const danehop_host *h);
    const char *(*host_base_domain)(const danehop_host *h);
    const char *(*host_sni)(const danehop_host *h);
    int (*host_address_secure)(const danehop_host *h);
    size_t (*host_tlsa_count)(const danehop_host *h);
    int (*host_tlsa)(const danehop_host *h, size_t i, uint8_t *usage, uint8_t *selector, uint8_t *mtype,
                     const unsigned char **data, size_t *len);
    const char *(*host_tlsa_text)(const danehop_host *h, size_t i);
    size_t (*host_unusable_count)(const danehop_host *h);
    const char *(*host_unusable_text)(const danehop_host *h, size_t i);
    size_t (*host_name_count)(const danehop_host *h);
    const char *(*host_refname)(const danehop_host *h, size_t i);
    size_t (*host_address_count)(const danehop_host *h);
    const char *(*host_address)(const danehop_host *h, size_t i);
    size_t (*host_hop_count)(const danehop_host *h);
    int (*host_hop)(const danehop_host *h, size_t i, const char **name, const char **cname, int *secure);
    danehop_verdict *(*verify)(const danehop_tlsa_rr *recs, size_t nrecs, const char *const *names,
                               size_t nnames, const unsigned char *const *der, const size_t *derlen,
                               size_t nder);
    danehop_verdict *(*verify_host)(const danehop_host *h, const unsigned char *const *der,
                                    const size_t *derlen, size_t nder);
    int (*verdict_authenticated)(const danehop_verdict *v);
    const char *(*verdict_reason)(const danehop_verdict *v);
    int (*verdict_match)(const danehop_verdict *v, int *usage, int *selector, int *mtype, int *depth);
    const char *(*verdict_peername)(const danehop_verdict *v);
    void (*verdict_free)(danehop_verdict *v);
    int (*ssl_apply)(struct ssl_st *ssl, const danehop_host *h);
    char *(*decision_json)(const danehop_decision *d);
    char *(*decision_text)(const danehop_decision *d);
    char *(*host_log_line)(const danehop_decision *d, size_t i);
    void (*string_free)(char *s);
    void (*log_decision)(const danehop_ctx *ctx, const danehop_decision *d, int fallback);
    void (*log_line)(const danehop_ctx *ctx, int fallback, int warning, const char *line);
    const danehop_host *(*decision_match)(const danehop_decision *d, const char *name, const char *address,
                                          danehop_match *how);
    const char *(*match_name)(danehop_match m);
    /* the error codes (appended: check size) */
    danehop_error (*ctx_error_code)(const danehop_ctx *ctx);
    const char *(*error_name)(danehop_error e);
    danehop_error (*decision_error)(const danehop_decision *d);
    danehop_error (*host_error)(const danehop_host *h);
    int (*host_mandatory)(const danehop_host *h);
} danehop_api_v0;

const danehop_api_v0 *danehop_api(unsigned abi_version);

#ifdef __cplusplus
}
#endif

#endif
