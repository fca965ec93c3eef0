/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_config.c - the configuration grammar: every error names file and
 * line, a bad file never half-loads, rules match in order and are bounded
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conffile.h"
#include "tap.h"

static char path[] = "/tmp/danehop-test-XXXXXX";
static char err[600];

static int parse_text(const char *text, size_t len, dh_config **c)
{
    FILE *f = fopen(path, "w");

    fwrite(text, 1, len, f);
    fclose(f);
    err[0] = '\0';
    return dh_config_parse(path, c, err, sizeof(err));
}

static int parse_str(const char *text, dh_config **c)
{
    int rc = parse_text(text, strlen(text), c);

    if (rc != 0)
        printf("#   parse error: %s\n", err);
    return rc;
}

static void refuses(const char *text, const char *line_and_words, const char *what)
{
    dh_config *c = NULL;
    char want[300];
    int rc = parse_text(text, strlen(text), &c);

    snprintf(want, sizeof(want), "%s:%s", path, line_and_words);
    ok(rc == -1 && c == NULL && strstr(err, want) != NULL, "refused: %s", what);
    if (rc != -1 || strstr(err, want) == NULL)
        printf("#   error was: %s\n#   wanted: %s\n", err, want);
    dh_config_free(c);
}

/*
 * issue 11: a 50 MB line used 53 MB before the 4096-byte limit applied.
 * The line must be refused having read no more than the limit: the peak
 * resident size may not grow by anything near the line's size.
 */
static void over_long_line_is_not_read_whole(void)
{
    const size_t size = 50u * 1024 * 1024;
    struct rusage before, after;
    dh_config *c = NULL;
    FILE *f = fopen(path, "w");
    char *chunk = malloc(1024 * 1024);
    size_t i;

    memset(chunk, 'x', 1024 * 1024);
    fputs("cache_size = 1\n", f);
    for (i = 0; i < size / (1024 * 1024); i++)
        fwrite(chunk, 1, 1024 * 1024, f);
    fputs("\n", f);
    fclose(f);
    free(chunk);
    getrusage(RUSAGE_SELF, &before);
    ok(dh_config_parse(path, &c, err, sizeof(err)) == -1 && strstr(err, ":2: line longer than 4096"),
       "refused: a 50 MB line, at its line");
    getrusage(RUSAGE_SELF, &after);
    ok(after.ru_maxrss - before.ru_maxrss < 8 * 1024, "... without reading it whole (peak grew %ld KiB)",
       after.ru_maxrss - before.ru_maxrss);
}

int main(void)
{
    dh_config *c = NULL;
    dh_rule_match m;
    char *big;
    int fd = mkstemp(path);

    close(fd);

    /* a good file */
    is_int(parse_str(
               "# comment\n\n  query_timeout = 2.5\ncache_size=10\nforwarders = 192.0.2.1, 192.0.2.2@5353\n"
               "log = file:/var/log/danehop.log\n"
               "exempt   domain ^legacy\\.example$   # ticket 7\n"
               "dane-only any    ^(.*\\.)?bank\\.example$\n"
               "dane     domain special\\.example port=2525\n",
               &c),
           0, "good file parses");
    if (c == NULL)
        return done_testing();
    is_int(c->res.query_ms, 2500, "query_timeout in ms");
    is_int(c->res.cache_size, 10, "cache_size");
    is_int(c->res.nforwarders, 2, "two forwarders");
    is_int(c->log, DH_LOG_FILE, "log to a file");
    is_int(dh_rules_count(c->rules), 3, "three rules");
    m = dh_rules_match(c->rules, "legacy.example", 0);
    ok(m.rule && m.policy == DH_RULE_EXEMPT && m.line == 7, "exempt rule matches, line 7");
    is_str(m.note, "ticket 7", "the rule's comment is its note");
    m = dh_rules_match(c->rules, "LEGACY.EXAMPLE", 0);
    ok(m.rule != NULL, "matching ignores case");
    m = dh_rules_match(c->rules, "xlegacy.example", 0);
    ok(m.rule == NULL, "anchored at the start");
    m = dh_rules_match(c->rules, "legacy.example.com", 0);
    ok(m.rule == NULL, "anchored at the end");
    m = dh_rules_match(c->rules, "legacy.example", 1);
    ok(m.rule == NULL, "a domain rule does not match hosts");
    m = dh_rules_match(c->rules, "mx.bank.example", 1);
    ok(m.rule && m.policy == DH_RULE_DANE_ONLY, "an any rule matches hosts");
    m = dh_rules_match(c->rules, "special.example", 0);
    ok(m.rule && m.port == 2525, "port override");
    dh_config_free(c);

    /* first match wins */
    is_int(parse_str("exempt domain a\\.example\ndane-only domain .*\n", &c), 0, "order file");
    m = dh_rules_match(c->rules, "a.example", 0);
    ok(m.policy == DH_RULE_EXEMPT, "first matching rule wins");
    m = dh_rules_match(c->rules, "b.example", 0);
    ok(m.policy == DH_RULE_DANE_ONLY, "later rule for the rest");
    dh_config_free(c);

    /* catastrophic backtracking is bounded: the match fails closed */
    is_int(parse_str("exempt domain (a+)+b\n", &c), 0, "backtracking pattern compiles");
    m = dh_rules_match(c->rules, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0);
    ok(m.error || m.rule == NULL, "backtracking pattern: bounded (error or no match), no hang");
    dh_config_free(c);

    refuses("frobnicate = 1\n", "1: unknown key", "unknown key");
    refuses("cache_size = 1\ncache_size = 2\n", "2: cache_size set twice (first at line 1)", "duplicate key");
    refuses("query_timeout = fast\n", "1: query_timeout", "bad number");
    refuses("query_timeout = 0\n", "1: query_timeout", "zero timeout");
    refuses("recursion = maybe\n", "1: recursion", "bad boolean");
    refuses("forwarders = ns.example\n", "1: forwarders", "forwarder not an address");
    refuses("unbound_conf = /nonexistent/unbound.conf\n", "1: unbound_conf", "missing file");
    refuses("trust_anchor = relative.key\n", "1: trust_anchor: give an absolute path", "relative path");
    refuses("log = carrier-pigeon\n", "1: log", "bad log destination");
    refuses("daemon = inet:127.0.0.1:8025\n", "1: daemon: unix:/absolute/path", "daemon not a unix socket");
    refuses("daemon = unix:relative.sock\n", "1: daemon: unix:/absolute/path", "daemon socket path relative");
    refuses("daemon_fallback = guess\n", "1: daemon_fallback: none or local", "daemon_fallback neither");
    refuses("# ok\nexempt domain (unclosed\n", "2: rule: bad regular expression", "bad regex");
    refuses("exempt nowhere x\n", "1: rule: field", "bad field");
    refuses("exempt domain x port=0\n", "1: rule: port", "port 0");
    refuses("exempt domain x extra\n", "1: rule: \"extra\"", "junk after the regex");
    /* issue 11: a fifth word was dropped silently */
    refuses("# ok\ndane-only domain ^x\\.example$ port=26 oops\n", "2: rule: \"oops\": too many words",
            "a stray word after port=N");
    refuses("allow domain x\n", "1: \"allow\" is neither", "unknown policy word");
    refuses("exempt domain\n", "1: rule: give", "rule without regex");
    refuses("cache_size =\n", "1: cache_size: empty value", "empty value");
    {
        const char bad[] = "cache_size = 1\n# caf\xe9\n";
        dh_config *cc = NULL;
        ok(parse_text(bad, sizeof(bad) - 1, &cc) == -1 && strstr(err, ":2: not UTF-8"),
           "refused: Latin-1 byte");
    }
    {
        const char nul[] = "cache_size = 1\0\n";
        dh_config *cc = NULL;
        ok(parse_text(nul, sizeof(nul) - 1, &cc) == -1 && strstr(err, ":1: not UTF-8"), "refused: NUL byte");
    }
    big = malloc(5000);
    memset(big, '#', 4999);
    big[4999] = '\n';
    ok(parse_text(big, 5000, &c) == -1 && strstr(err, ":1: line longer"), "refused: over-long line");
    free(big);
    over_long_line_is_not_read_whole();
    ok(dh_config_parse("/nonexistent/danehop.conf", &c, err, sizeof(err)) == -1 &&
           strstr(err, "/nonexistent/danehop.conf: No such file"),
       "refused: missing file, named");
    unlink(path);
    return done_testing();
}
