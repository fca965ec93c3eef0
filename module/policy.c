/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * policy.c - per-destination rules compiled with PCRE2
 */
#include "policy.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* the most rules a file may hold, and the longest pattern */
#define MAX_RULES   1024
#define MAX_PATTERN 1024
/*
 * PCRE2's JIT compiler and pcre2_code_free() of JIT code take a lock of its
 * executable-memory allocator. A fork while another thread holds it leaves
 * the child's copy locked for ever (an Exim delivery process forked from a
 * threaded one would hang at its first rule), so every such call goes
 * through jit_lock, which fork's prepare handler takes (dh_rules_fork_lock).
 */
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

void dh_rules_fork_lock(void) { pthread_mutex_lock(&jit_lock); }

void dh_rules_fork_unlock(void) { pthread_mutex_unlock(&jit_lock); }

/* code_free - pcre2_code_free under jit_lock */
static void code_free(pcre2_code *code)
{
    pthread_mutex_lock(&jit_lock);
    pcre2_code_free(code);
    pthread_mutex_unlock(&jit_lock);
}

/* backtracking bounds per match: generous for sane patterns, tiny for CPUs */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 10000

struct dh_rule {
    dh_rule_policy policy;
    dh_rule_field field;
    char *regex;
    unsigned port;
    char *note;
    unsigned line;
    pcre2_code *code;
};

struct dh_rules {
    size_t n, cap;
    dh_rule *v;
    pcre2_match_context *mctx;
};

/*
 * dh_rules_new - an empty rule list. The array and PCRE2's match context
 * come with the first rule: most configurations have none, and an Exim
 * delivery process pays for every page it touches.
 */
dh_rules *dh_rules_new(void) { return calloc(1, sizeof(dh_rules)); }

/* room - space for one more rule (and the match context before the first); 0 or -1 */
static int room(dh_rules *r)
{
    dh_rule *v;
    size_t cap;

    if (r->mctx == NULL) {
        if ((r->mctx = pcre2_match_context_create(NULL)) == NULL)
            return -1;
        pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
        pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
    }
    if (r->n < r->cap)
        return 0;
    cap = r->cap ? r->cap * 4 : 8;
    if (cap > MAX_RULES)
        cap = MAX_RULES;
    if ((v = realloc(r->v, cap * sizeof(*v))) == NULL)
        return -1;
    r->v = v;
    r->cap = cap;
    return 0;
}

int dh_rules_add(dh_rules *r, dh_rule_policy policy, dh_rule_field field, const char *regex, unsigned port,
                 const char *note, unsigned line, char *err, size_t errlen)
{
    dh_rule *rule;
    int code;
    PCRE2_SIZE off;

    if (r->n >= MAX_RULES) {
        snprintf(err, errlen, "more than %d rules", MAX_RULES);
        return -1;
    }
    if (strlen(regex) > MAX_PATTERN) {
        snprintf(err, errlen, "pattern longer than %d characters", MAX_PATTERN);
        return -1;
    }
    if (room(r) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rule = &r->v[r->n];
    memset(rule, 0, sizeof(*rule));
    rule->code =
        pcre2_compile((PCRE2_SPTR) regex, PCRE2_ZERO_TERMINATED,
                      PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_CASELESS | PCRE2_UTF, &code, &off, NULL);
    if (rule->code == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, errlen, "bad regular expression at offset %zu: %s", (size_t) off, (char *) msg);
        return -1;
    }
    /* JIT where the platform has it; the interpreter is the fallback */
    pthread_mutex_lock(&jit_lock);
    (void) pcre2_jit_compile(rule->code, PCRE2_JIT_COMPLETE);
    pthread_mutex_unlock(&jit_lock);
    rule->regex = strdup(regex);
    rule->note = note && *note ? strdup(note) : NULL;
    if (rule->regex == NULL || (note && *note && rule->note == NULL)) {
        code_free(rule->code);
        free(rule->regex);
        free(rule->note);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rule->policy = policy;
    rule->field = field;
    rule->port = port;
    rule->line = line;
    r->n++;
    return 0;
}

size_t dh_rules_count(const dh_rules *r) { return r ? r->n : 0; }

dh_rule_match dh_rules_match(const dh_rules *r, const char *name, int is_host)
{
    dh_rule_match m;
    pcre2_match_data *md;
    size_t i;

    memset(&m, 0, sizeof(m));
    if (r == NULL || r->n == 0)
        return m;
    if ((md = pcre2_match_data_create(1, NULL)) == NULL) {
        m.error = 1;
        return m;
    }
    for (i = 0; i < r->n; i++) {
        const dh_rule *rule = &r->v[i];
        int rc;

        if ((rule->field == DH_MATCH_HOST && !is_host) || (rule->field == DH_MATCH_DOMAIN && is_host))
            continue;
        rc = pcre2_match(rule->code, (PCRE2_SPTR) name, strlen(name), 0, 0, md, r->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            continue;
        m.rule = rule;
        m.line = rule->line;
        if (rc < 0) {
            /* over the match limits, or worse: never guess a policy */
            m.error = 1;
            break;
        }
        m.policy = rule->policy;
        m.port = rule->port;
        m.note = rule->note;
        break;
    }
    pcre2_match_data_free(md);
    return m;
}

const char *dh_rule_policy_name(dh_rule_policy p)
{
    switch (p) {
    case DH_RULE_DANE: return "dane";
    case DH_RULE_DANE_ONLY: return "dane-only";
    case DH_RULE_HALF_DANE: return "half-dane";
    case DH_RULE_EXEMPT: return "exempt";
    }
    return "?";
}

const char *dh_rule_field_name(dh_rule_field f)
{
    return f == DH_MATCH_DOMAIN ? "domain" : f == DH_MATCH_HOST ? "host" : "any";
}

void dh_rules_describe(const dh_rules *r, dh_buf *out)
{
    size_t i;

    for (i = 0; r && i < r->n; i++) {
        const dh_rule *rule = &r->v[i];

        dh_buf_printf(out, "rule (line %u): %s %s %s", rule->line, dh_rule_policy_name(rule->policy),
                      dh_rule_field_name(rule->field), rule->regex);
        if (rule->port)
            dh_buf_printf(out, " port=%u", rule->port);
        if (rule->note)
            dh_buf_printf(out, " # %s", rule->note);
        dh_buf_add(out, "\n");
    }
}

dh_rules *dh_rules_free(dh_rules *r)
{
    size_t i;

    if (r == NULL)
        return NULL;
    for (i = 0; i < r->n; i++) {
        code_free(r->v[i].code);
        free(r->v[i].regex);
        free(r->v[i].note);
    }
    pcre2_match_context_free(r->mctx);
    free(r->v);
    free(r);
    return NULL;
}
