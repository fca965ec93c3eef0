/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ubconf.c - resolver settings turned into a libunbound context (see ubconf.h)
 */
#include "ubconf.h"
#include "ubtune.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unbound.h>
#include <unistd.h>

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

void dh_ub_lock(void) { pthread_mutex_lock(&parse_lock); }
void dh_ub_unlock(void) { pthread_mutex_unlock(&parse_lock); }

/*
 * created - ub_ctx_create() under the lock: it takes libunbound's global
 * log lock (log_init), which has no fork handler, so a child forked while
 * another thread was in it waited for ever in its own first ub_ctx_create
 * (test_fork, under load). context.c takes this lock around fork().
 */
static struct ub_ctx *created(void)
{
    struct ub_ctx *ub;

    dh_ub_lock();
    ub = ub_ctx_create();
    dh_ub_unlock();
    return ub;
}

/* one_file_ok - a regular file of bounded size: nothing else may reach the parser */
static int one_file_ok(const char *path, const char *what, char *err, size_t errlen)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s %s: not a regular file", what, path);
        return -1;
    }
    if (st.st_size > DH_UNBOUND_CONF_MAX) {
        snprintf(err, errlen, "%s %s: larger than %d bytes", what, path, DH_UNBOUND_CONF_MAX);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return -1;
    }
    return 0;
}

static int conf_file_ok_at(const char *path, const char *what, int depth, char *err, size_t errlen);

/*
 * include_ok - the files an include: line names (a glob, as libunbound
 * expands it) go to the same parser, so each must pass the same checks
 */
static int include_ok(const char *line, int depth, char *err, size_t errlen)
{
    char pattern[PATH_MAX];
    size_t n;
    glob_t g;
    int rc = 0;

    line += strspn(line, " \t\"'");
    n = strcspn(line, " \t\r\n\"'#");
    if (n == 0 || n >= sizeof(pattern))
        return 0; /* libunbound says what is wrong with it */
    memcpy(pattern, line, n);
    pattern[n] = '\0';
    if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
        return 0; /* no match: libunbound reports a missing file itself */
    for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
        rc = conf_file_ok_at(g.gl_pathv[i], "unbound configuration include", depth + 1, err, errlen);
    globfree(&g);
    return rc;
}

/* conf_file_ok_at - path, and every file it includes, is safe for the parser */
static int conf_file_ok_at(const char *path, const char *what, int depth, char *err, size_t errlen)
{
    char line[1024];
    FILE *f;
    int rc = 0;

    if (depth > 4) {
        snprintf(err, errlen, "%s %s: includes nested more than 4 deep", what, path);
        return -1;
    }
    if (one_file_ok(path, what, err, errlen) != 0)
        return -1;
    if ((f = fopen(path, "r")) == NULL)
        return 0; /* gone since: libunbound says so */
    while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
        const char *p = line + strspn(line, " \t");

        if (strncmp(p, "include:", 8) == 0)
            rc = include_ok(p + 8, depth, err, errlen);
        else if (strncmp(p, "include-toplevel:", 17) == 0)
            rc = include_ok(p + 17, depth, err, errlen);
    }
    fclose(f);
    return rc;
}

static int conf_file_ok(const char *path, char *err, size_t errlen)
{
    return conf_file_ok_at(path, "unbound configuration", 0, err, errlen);
}

/* read_conf - the unbound.conf file into ub, checked first, parsed under the lock */
static int read_conf(struct ub_ctx *ub, const char *path, char *err, size_t errlen)
{
    int r;

    if (conf_file_ok(path, err, errlen) != 0)
        return -1;
    dh_ub_lock();
    r = ub_ctx_config(ub, path);
    dh_ub_unlock();
    if (r != 0) {
        snprintf(err, errlen, "unbound configuration %s: %s (check it with unbound-checkconf)", path,
                 r == UB_SYNTAX ? "syntax error" : ub_strerror(r));
        return -1;
    }
    return 0;
}

/* option - the value of an unbound.conf option, or NULL (caller frees) */
static char *option(struct ub_ctx *ub, const char *name)
{
    char *val = NULL;

    if (ub_ctx_get_option(ub, name, &val) != 0) {
        free(val);
        return NULL;
    }
    return val;
}

/* has_anchor - whether the unbound.conf file configured any trust anchor */
static int has_anchor(struct ub_ctx *ub)
{
    static const char *const opts[] = {"trust-anchor-file", "auto-trust-anchor-file", "trust-anchor",
                                       "trusted-keys-file"};
    size_t i;

    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *val = option(ub, opts[i]);
        int found = val != NULL && strspn(val, " \t\r\n") != strlen(val);

        free(val);
        if (found)
            return 1;
    }
    return 0;
}

/*
 * validating - whether bogus stays bogus: the validator module is on and
 * val-permissive-mode is off (it turns bogus into "indeterminate", which
 * hands forged data on as if unsigned)
 */
static int validating(struct ub_ctx *ub, const char *path, char *err, size_t errlen)
{
    char *permissive = option(ub, "val-permissive-mode");
    char *modules = option(ub, "module-config");
    int ok = 1;

    if (permissive != NULL && strncmp(permissive, "yes", 3) == 0) {
        snprintf(err, errlen,
                 "unbound configuration %s sets val-permissive-mode: bogus answers would pass as "
                 "unsigned and DANE could be stripped; refusing it",
                 path);
        ok = 0;
    } else if (modules != NULL && strstr(modules, "validator") == NULL) {
        snprintf(err, errlen,
                 "unbound configuration %s: module-config \"%s\" has no validator: nothing would be "
                 "validated; refusing it",
                 path, modules);
        ok = 0;
    }
    free(permissive);
    free(modules);
    return ok ? 0 : -1;
}

/* add_anchor - the trust anchor file, or the one unbound_conf names */
static int add_anchor(struct ub_ctx *ub, const dh_settings *s, char *err, size_t errlen)
{
    const char *ta = s->trust_anchor ? s->trust_anchor : DH_DEFAULT_TRUST_ANCHOR;
    int r;

    if (s->trust_anchor == NULL && s->unbound_conf != NULL) {
        if (has_anchor(ub))
            return 0;
        snprintf(err, errlen,
                 "unbound configuration %s sets no trust anchor: refusing to run, since every answer "
                 "would look insecure and DANE would silently be off",
                 s->unbound_conf);
        return -1;
    }
    if (access(ta, R_OK) != 0) {
        snprintf(err, errlen,
                 "trust anchor %s: %s; without one DNSSEC cannot be validated (install dns-root-data, or "
                 "set a trust anchor)",
                 ta, strerror(errno));
        return -1;
    }
    if ((r = ub_ctx_add_ta_file(ub, ta)) != 0) {
        snprintf(err, errlen, "trust anchor %s: %s", ta, ub_strerror(r));
        return -1;
    }
    return 0;
}

/* add_upstream - forwarders, recursion, or the system's resolvers */
static int add_upstream(struct ub_ctx *ub, const dh_settings *s, char *err, size_t errlen)
{
    int i, r;

    for (i = 0; i < s->nforwarders; i++)
        if ((r = ub_ctx_set_fwd(ub, s->forwarders[i])) != 0) {
            snprintf(err, errlen, "forwarder %s: %s", s->forwarders[i], ub_strerror(r));
            return -1;
        }
    if (s->nforwarders > 0 || s->recursion > 0 || (s->unbound_conf != NULL && s->resolv_conf == NULL))
        return 0;
    /* default: the system's resolvers, which must pass DNSSEC records */
    if ((r = ub_ctx_resolvconf(ub, s->resolv_conf)) != 0) {
        snprintf(err, errlen, "%s: %s", s->resolv_conf ? s->resolv_conf : DH_DEFAULT_RESOLV_CONF,
                 ub_strerror(r));
        return -1;
    }
    return 0;
}

struct ub_ctx *dh_ub_new(const dh_settings *s, char *err, size_t errlen)
{
    struct ub_ctx *ub = created();
    int r;

    if (ub == NULL) {
        snprintf(err, errlen, "cannot create a libunbound context (out of memory?)");
        return NULL;
    }
    /* before anything else: threads, never a forked helper process */
    if ((r = ub_ctx_async(ub, 1)) != 0) {
        snprintf(err, errlen, "libunbound: cannot use a thread: %s", ub_strerror(r));
        goto fail;
    }
    /* generic reasons for bogus answers help nobody: ask for details */
    ub_ctx_set_option(ub, "val-log-level:", "2");
    /* before the admin's file, so that its settings win (ubtune.c) */
    dh_ubtune(ub, s->recursion > 0 && s->nforwarders == 0);
    if (s->unbound_conf != NULL && (read_conf(ub, s->unbound_conf, err, errlen) != 0 ||
                                    validating(ub, s->unbound_conf, err, errlen) != 0))
        goto fail;
    if (add_anchor(ub, s, err, errlen) != 0 || add_upstream(ub, s, err, errlen) != 0)
        goto fail;
    return ub;
fail:
    ub_ctx_delete(ub);
    return NULL;
}

int dh_ub_check(const dh_settings *s, char *err, size_t errlen)
{
    struct ub_ctx *ub = dh_ub_new(s, err, errlen);

    if (ub == NULL)
        return -1;
    ub_ctx_delete(ub);
    return 0;
}

int dh_ub_check_conf(const char *path, char *err, size_t errlen)
{
    struct ub_ctx *ub;
    int rc;

    if (conf_file_ok(path, err, errlen) != 0)
        return -1;
    if ((ub = created()) == NULL) {
        snprintf(err, errlen, "cannot create a libunbound context (out of memory?)");
        return -1;
    }
    ub_ctx_async(ub, 1);
    rc = read_conf(ub, path, err, errlen) == 0 && validating(ub, path, err, errlen) == 0 ? 0 : -1;
    ub_ctx_delete(ub);
    return rc;
}
