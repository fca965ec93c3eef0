/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confparse.c - the danehop configuration file, read into a dh_config
 *
 * DESCRIPTION
 *   Lines are "key = value" settings or rules; "#" starts a comment (on a
 *   rule line, the comment is the rule's note and shows up in reasons).
 *   Unknown keys, duplicate keys, over-long lines, bytes that are not UTF-8
 *   and rules that do not compile are errors: a configuration that says
 *   something other than what the admin meant must not be half-used.
 *
 *   Parsing needs no resolver: the engine's context (conffile.c) and the
 *   daemon client (client.c) read the same file the same way, so a file
 *   one of them refuses the other refuses too.
 */
#include "confparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cache.h"
#include "daemon.h"

#define MAX_LINE 4096
#define MAX_FILE (1024 * 1024)

typedef struct parser {
    dh_config *c;
    const char *path;
    unsigned line;
    unsigned seen[16]; /* line where each key was set, for duplicates */
    char *err;
    size_t errlen;
} parser;

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(parser *p, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->line)
        snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
    else
        snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
    return -1;
}

/* valid_utf8 - strict UTF-8 (no overlongs, no surrogates, no NUL) */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], need, min, cp;

        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0)
            need = 1, min = 0x80, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0)
            need = 2, min = 0x800, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0)
            need = 3, min = 0x10000, cp = c & 0x07;
        else
            return 0;
        for (unsigned k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

/*
 * control_char - the first control byte other than TAB, or -1. A rule's
 * note ends up in reasons, log lines and socketmap replies: a CR or an ESC
 * in it would forge a line or a terminal sequence there.
 */
static int control_char(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (((unsigned char) s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return (unsigned char) s[i];
    return -1;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int readable(parser *p, const char *key, const char *path)
{
    if (*path != '/')
        return fail(p, "%s: give an absolute path", key);
    if (access(path, R_OK) != 0)
        return fail(p, "%s = %s: %s", key, path, strerror(errno));
    return 0;
}

static int parse_seconds(parser *p, const char *key, const char *v, unsigned *ms)
{
    char *end;
    double d = strtod(v, &end);

    if (end == v || *end != '\0' || d < 0.01 || d > 600)
        return fail(p, "%s = %s: seconds from 0.01 to 600", key, v);
    *ms = (unsigned) (d * 1000 + 0.5);
    return 0;
}

static int facility(const char *name)
{
    static const struct {
        const char *n;
        int f;
    } t[] = {
        {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
        {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
        {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
    };
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].n, name) == 0)
            return t[i].f;
    return -1;
}

/* ---- settings: one handler per key -------------------------------------- */

static int key_path(parser *p, const char *key, char *v)
{
    dh_settings *r = &p->c->res;
    char **slot = key[0] == 'u' ? &r->unbound_conf : key[0] == 't' ? &r->trust_anchor : &r->resolv_conf;

    if (readable(p, key, v) != 0)
        return -1;
    return (*slot = strdup(v)) ? 0 : fail(p, "out of memory");
}

static int key_forwarders(parser *p, const char *key, char *v)
{
    dh_settings *r = &p->c->res;
    char *tok, *save = NULL;

    (void) key;
    for (tok = strtok_r(v, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        if (r->nforwarders == DH_MAX_FORWARDERS)
            return fail(p, "forwarders: at most %d", DH_MAX_FORWARDERS);
        if (!dh_forwarder_ok(tok))
            return fail(p, "forwarders: \"%.64s\" is not an IP address (optionally @port)", tok);
        if ((r->forwarders[r->nforwarders++] = strdup(tok)) == NULL)
            return fail(p, "out of memory");
    }
    return 0;
}

static int key_recursion(parser *p, const char *key, char *v)
{
    (void) key;
    if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
        return fail(p, "recursion: yes or no");
    p->c->res.recursion = v[0] == 'y';
    return 0;
}

static int key_timeout(parser *p, const char *key, char *v)
{
    return parse_seconds(p, key, v, key[0] == 'q' ? &p->c->res.query_ms : &p->c->res.total_ms);
}

static int key_cache_size(parser *p, const char *key, char *v)
{
    char *end;
    long n = strtol(v, &end, 10);

    (void) key;
    if (*end != '\0' || n < 0 || n > DH_CACHE_MAX)
        return fail(p, "cache_size: 0 to %d decisions", DH_CACHE_MAX);
    p->c->res.cache_size = n;
    return 0;
}

static int key_log(parser *p, const char *key, char *v)
{
    dh_config *c = p->c;

    (void) key;
    if (strcmp(v, "syslog") == 0)
        c->log = DH_LOG_SYSLOG;
    else if (strcmp(v, "stderr") == 0)
        c->log = DH_LOG_STDERR;
    else if (strcmp(v, "none") == 0)
        c->log = DH_LOG_NONE;
    else if (strncmp(v, "file:", 5) == 0 && v[5] == '/') {
        c->log = DH_LOG_FILE;
        if ((c->log_file = strdup(v + 5)) == NULL)
            return fail(p, "out of memory");
    } else
        return fail(p, "log: syslog, stderr, none or file:/absolute/path");
    return 0;
}

static int key_log_facility(parser *p, const char *key, char *v)
{
    (void) key;
    if ((p->c->log_facility = facility(v)) < 0)
        return fail(p, "log_facility: mail, daemon, user or local0 to local7");
    return 0;
}

static int key_log_level(parser *p, const char *key, char *v)
{
    static const struct {
        const char *n;
        int level;
    } t[] = {{"error", LOG_ERR}, {"warning", LOG_WARNING}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};
    size_t i;

    (void) key;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].n, v) == 0) {
            p->c->log_level = t[i].level;
            return 0;
        }
    return fail(p, "log_level: error, warning, info or debug");
}

static int key_daemon(parser *p, const char *key, char *v)
{
    (void) key;
    if (!dh_daemon_ok(v))
        return fail(p, "daemon: unix:/absolute/path of danehopd's socket (at most %d bytes)",
                    DH_DAEMON_ADDR_MAX);
    if ((p->c->daemon = strdup(v)) == NULL)
        return fail(p, "out of memory");
    return 0;
}

static int key_daemon_fallback(parser *p, const char *key, char *v)
{
    (void) key;
    if (strcmp(v, "none") != 0 && strcmp(v, "local") != 0)
        return fail(p, "daemon_fallback: none or local");
    p->c->daemon_fallback = v[0] == 'l';
    return 0;
}

static const struct key {
    const char *name;
    int (*set)(parser *p, const char *key, char *v);
} keys[] = {
    {"unbound_conf", key_path},
    {"trust_anchor", key_path},
    {"resolv_conf", key_path},
    {"forwarders", key_forwarders},
    {"recursion", key_recursion},
    {"query_timeout", key_timeout},
    {"total_timeout", key_timeout},
    {"cache_size", key_cache_size},
    {"log", key_log},
    {"log_facility", key_log_facility},
    {"log_level", key_log_level},
    {"daemon", key_daemon},
    {"daemon_fallback", key_daemon_fallback},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* setting - "key = value": known, set once, not empty, then its handler */
static int setting(parser *p, const char *key, char *v)
{
    size_t k;

    for (k = 0; k < NKEYS && strcmp(keys[k].name, key) != 0; k++)
        ;
    if (k == NKEYS)
        return fail(p,
                    "unknown key \"%.60s\" (known: unbound_conf, trust_anchor, resolv_conf, "
                    "forwarders, recursion, query_timeout, total_timeout, cache_size, log, "
                    "log_facility, log_level, daemon, daemon_fallback)",
                    key);
    if (p->seen[k])
        return fail(p, "%s set twice (first at line %u)", key, p->seen[k]);
    p->seen[k] = p->line;
    if (*v == '\0')
        return fail(p, "%s: empty value", key);
    return keys[k].set(p, key, v);
}

/* ---- rules ------------------------------------------------------------------ */

static int rule(parser *p, char *line, char *note)
{
    static const struct {
        const char *n;
        dh_rule_policy p;
    } pol[] = {
        {"dane", DH_RULE_DANE},
        {"dane-only", DH_RULE_DANE_ONLY},
        {"half-dane", DH_RULE_HALF_DANE},
        {"exempt", DH_RULE_EXEMPT},
    };
    char *tok[4], *save = NULL, err[300];
    unsigned port = 0;
    int n = 0, i;
    dh_rule_field field;

    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == 4)
            return fail(p, "rule: \"%.60s\": too many words (policy field regex [port=N] [# note])", t);
        tok[n++] = t;
    }
    for (i = 0; i < 4 && strcmp(pol[i].n, tok[0]) != 0; i++)
        ;
    if (i == 4)
        return fail(p,
                    "\"%.60s\" is neither a key = value setting nor a rule "
                    "(dane, dane-only, half-dane, exempt)",
                    tok[0]);
    if (n < 3)
        return fail(p, "rule: give policy, field (domain, host or any) and a regex");
    if (strcmp(tok[1], "domain") == 0)
        field = DH_MATCH_DOMAIN;
    else if (strcmp(tok[1], "host") == 0)
        field = DH_MATCH_HOST;
    else if (strcmp(tok[1], "any") == 0)
        field = DH_MATCH_ANY;
    else
        return fail(p, "rule: field \"%.60s\" is not domain, host or any", tok[1]);
    if (n == 4) {
        char *end;
        unsigned long v;

        if (strncmp(tok[3], "port=", 5) != 0)
            return fail(p, "rule: \"%.60s\": only port=N may follow the regex", tok[3]);
        v = strtoul(tok[3] + 5, &end, 10);
        if (end == tok[3] + 5 || *end != '\0' || v < 1 || v > 65535)
            return fail(p, "rule: port must be 1 to 65535");
        port = (unsigned) v;
    }
    if (dh_rules_add(p->c->rules, pol[i].p, field, tok[2], port, note, p->line, err, sizeof(err)) != 0)
        return fail(p, "rule: %s", err);
    return 0;
}

static int parse_line(parser *p, char *raw)
{
    char *line = raw, *hash, *note = NULL, *eq;

    /* a comment starts at a '#' at the start or after white space */
    for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++)
        if (hash == line || hash[-1] == ' ' || hash[-1] == '\t') {
            *hash = '\0';
            note = trim(hash + 1);
            break;
        }
    line = trim(line);
    if (*line == '\0')
        return 0;
    eq = strchr(line, '=');
    if (eq != NULL && strcspn(line, " \t") >= (size_t) (eq - line)) {
        /* key=value or key = value: the key is the first word */
        *eq = '\0';
        return setting(p, trim(line), trim(eq + 1));
    }
    if (eq != NULL) {
        char *sp = line + strcspn(line, " \t");
        char *rest = trim(sp);

        if (rest[0] == '=') {
            *sp = '\0';
            return setting(p, line, trim(rest + 1));
        }
    }
    return rule(p, line, note);
}

/*
 * read_line - the next line into buf (at most MAX_LINE bytes and the NUL),
 * without its newline. Returns 1 with *len set, 0 at the end of the file,
 * -1 for a line longer than MAX_LINE: it is not read further, so a line of
 * any length costs MAX_LINE bytes. NUL bytes are kept and counted.
 */
static int read_line(FILE *f, char *buf, size_t *len)
{
    size_t n = 0;
    int c;

    while ((c = getc(f)) != EOF && c != '\n') {
        if (n == MAX_LINE)
            return -1;
        buf[n++] = (char) c;
    }
    buf[n] = '\0';
    *len = n;
    return c == EOF && n == 0 ? 0 : 1;
}

/* config_new - an empty configuration for the file version st describes */
static dh_config *config_new(const char *path, const struct stat *st)
{
    dh_config *c = dh_config_new(path);

    if (c != NULL) {
        c->mtime = st->st_mtim.tv_sec;
        c->mtime_ns = st->st_mtim.tv_nsec;
    }
    return c;
}

/* parse_lines - every line of f into p->c; 0, or -1 with p->err set */
static int parse_lines(parser *p, FILE *f)
{
    char buf[MAX_LINE + 1];
    size_t len, total = 0;
    int r;

    while ((r = read_line(f, buf, &len)) != 0) {
        p->line++;
        if (r < 0)
            return fail(p, "line longer than %d bytes", MAX_LINE);
        total += len + 1;
        if (total > MAX_FILE)
            return fail(p, "file larger than %d bytes", MAX_FILE);
        if (!valid_utf8((unsigned char *) buf, len))
            return fail(p, "not UTF-8 text (or a NUL byte)");
        if (len > 0 && buf[len - 1] == '\r')
            buf[--len] = '\0'; /* a CRLF line end */
        if ((r = control_char(buf, len)) >= 0)
            return fail(p, "control character \\x%02x in the line", r);
        if (parse_line(p, buf) != 0)
            return -1;
    }
    if (ferror(f)) {
        p->line = 0;
        return fail(p, "read error: %s", strerror(errno));
    }
    return 0;
}

int dh_config_parse(const char *path, dh_config **out, char *err, size_t errlen)
{
    parser p;
    FILE *f;
    struct stat st;
    int rc;

    memset(&p, 0, sizeof(p));
    p.path = path;
    p.err = err;
    p.errlen = errlen;
    *out = NULL;
    if ((f = fopen(path, "r")) == NULL)
        return fail(&p, "%s", strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fail(&p, "not a regular file");
    }
    if ((p.c = config_new(path, &st)) == NULL) {
        fclose(f);
        return fail(&p, "out of memory");
    }
    rc = parse_lines(&p, f);
    fclose(f);
    if (rc != 0) {
        dh_config_free(p.c);
        return -1;
    }
    *out = p.c;
    return 0;
}
