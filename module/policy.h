/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * policy.h - per-destination rules: which DANE policy applies where
 *
 * A rule names a policy, what it matches (the next-hop domain, the MX host,
 * or either) and a PCRE2 regex, compiled once when the configuration is
 * loaded, matched anchored at both ends and case-insensitively against the
 * normalised name. Rules are tried in file order; the first match wins.
 * Match and depth limits bound every match: a pattern that would backtrack
 * for ever fails the match, and the decision defers (fail closed).
 */
#ifndef DANEHOP_POLICY_H
#define DANEHOP_POLICY_H

#include <stddef.h>

typedef enum {
    DH_RULE_DANE = 0,  /* opportunistic DANE (the default) */
    DH_RULE_DANE_ONLY, /* mandatory DANE */
    DH_RULE_HALF_DANE, /* DANE also for hosts of an insecure MX */
    DH_RULE_EXEMPT     /* no DANE lookups: opportunistic TLS */
} dh_rule_policy;

typedef enum { DH_MATCH_DOMAIN, DH_MATCH_HOST, DH_MATCH_ANY } dh_rule_field;

typedef struct dh_rule dh_rule;
typedef struct dh_rules dh_rules;

dh_rules *dh_rules_new(void);
/*
 * dh_rules_add - compile and append a rule; port 0 keeps the request's
 * port. Returns 0, or -1 with err (errlen bytes) saying what is wrong.
 */
int dh_rules_add(dh_rules *r, dh_rule_policy policy, dh_rule_field field, const char *regex, unsigned port,
                 const char *note, unsigned line, char *err, size_t errlen);
size_t dh_rules_count(const dh_rules *r);

typedef struct dh_rule_match {
    const dh_rule *rule; /* NULL: no rule matched */
    dh_rule_policy policy;
    unsigned port;
    const char *note; /* the rule's comment, or NULL */
    unsigned line;
    int error; /* a match failed (limits): fail closed */
} dh_rule_match;

/*
 * dh_rules_match - the first rule whose field and regex match name, where
 * is_host says whether name is an MX host or the next-hop domain.
 */
dh_rule_match dh_rules_match(const dh_rules *r, const char *name, int is_host);
const char *dh_rule_policy_name(dh_rule_policy p);
const char *dh_rule_field_name(dh_rule_field f);
/* dh_rules_describe - append "line N: policy field regex ..." lines to out */
struct dh_buf;
void dh_rules_describe(const dh_rules *r, struct dh_buf *out);
dh_rules *dh_rules_free(dh_rules *r);
/*
 * dh_rules_fork_lock, dh_rules_fork_unlock - hold PCRE2's JIT allocator
 * still across fork() (context.c's fork handlers; taken last)
 */
void dh_rules_fork_lock(void);
void dh_rules_fork_unlock(void);

#endif
