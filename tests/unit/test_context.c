/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_context.c - the context's contract with its caller, without DNS
 * (or with a forwarder that is not there): input echoed in errors is
 * escaped, names with an empty last label are refused before any rule sees
 * them, and a dead forwarder is told apart from a resolver that does not
 * validate.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"
#include "danehop.h"
#include "tap.h"

static char path[] = "/tmp/danehop-context-XXXXXX";

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
}

/* no_controls - the error has no raw CR, LF or TAB in it */
static int no_controls(const char *s) { return strpbrk(s, "\r\n\t") == NULL; }

static void escaping(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d = NULL;
    const char *e;

    is_int(danehop_resolve(ctx, "evil\r\nInjected: yes\t.example", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0,
                           &d),
           -1, "a domain with CR, LF and TAB is refused");
    e = danehop_ctx_error(ctx);
    ok(no_controls(e) && strstr(e, "evil\\r\\nInjected: yes\\t.example") != NULL,
       "... and the error shows them escaped: %s", e);

    write_file("cache_size = 1\r\nexempt domain x  # note\x01\r\n");
    is_int(danehop_ctx_load_config(ctx, path), -1, "a rule whose note has a control byte is refused");
    e = danehop_ctx_error(ctx);
    ok(strstr(e, ":2: control character \\x01") != NULL, "... naming the line and the byte: %s", e);
    write_file("trust_anchor = /nonexistent\tfile\n");
    is_int(danehop_ctx_load_config(ctx, path), -1,
           "a missing trust anchor with a TAB in its path is refused");
    e = danehop_ctx_error(ctx);
    ok(no_controls(e) && strstr(e, "/nonexistent\\tfile") != NULL, "... escaped in the error: %s", e);
    is_int(danehop_ctx_set_unbound_conf(ctx, "/nonexistent/a\x1b[2Jb"), -1,
           "a path with ESC in it is refused");
    e = danehop_ctx_error(ctx);
    ok(strchr(e, 0x1b) == NULL && strstr(e, "a\\x1b[2Jb") != NULL, "... escaped as \\x1b: %s", e);
    is_int(danehop_ctx_add_forwarder(ctx, "1.2.3.4\n"), -1, "a forwarder with a LF is refused");
    ok(no_controls(danehop_ctx_error(ctx)), "... escaped: %s", danehop_ctx_error(ctx));
    danehop_ctx_free(ctx);
}

/* issue 11: "example.org.." became "example.org.", which ^example\.org$ missed */
static void double_dot(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d = NULL;

    write_file("trust_anchor = /usr/share/dns/root.key\ndane-only domain ^example\\.org$\n");
    is_int(danehop_ctx_load_config(ctx, path), 0, "a dane-only rule loads");
    is_int(danehop_resolve(ctx, "example.org..", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
           "example.org.. is refused, not decided without its dane-only rule");
    ok(d == NULL && strstr(danehop_ctx_error(ctx), "empty label"), "... as a name with an empty label: %s",
       danehop_ctx_error(ctx));
    is_int(danehop_resolve(ctx, "example.org", "mx..example.org", 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d),
           -1, "a host with an empty label is refused too");
    danehop_ctx_free(ctx);
}

/* a forwarder that does not answer is not "a resolver that does not validate" */
static void dead_forwarder(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d = NULL;
    const char *r;

    danehop_ctx_add_forwarder(ctx, "127.0.0.1@9");
    danehop_ctx_set_timeouts(ctx, 1000, 2000);
    is_int(danehop_resolve(ctx, "example.org", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), 0,
           "a dead forwarder: a decision");
    r = d ? danehop_decision_reason(d) : "";
    ok(d && danehop_decision_status(d) == DANEHOP_STATUS_DEFER, "... to defer");
    ok(strstr(r, "did not answer") && strstr(r, "forwarders are running") && !strstr(r, "trust anchor"),
       "... saying the resolver did not answer, not that it does not validate: %s", r);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
}

static char ubconf[] = "/tmp/danehop-ubconf-XXXXXX";

static void write_ubconf(const char *text)
{
    FILE *f = fopen(ubconf, "w");

    fputs(text, f);
    fclose(f);
}

/* load_with - a danehop.conf naming unbound_conf = conf; 0 or -1 */
static int load_with(danehop_ctx *ctx, const char *conf)
{
    char text[300];

    snprintf(text, sizeof(text), "unbound_conf = %s\nexempt domain x\\.example\n", conf);
    write_file(text);
    return danehop_ctx_load_config(ctx, path);
}

static int has(const char *s, const char *part) { return strstr(s, part) != NULL; }

/*
 * issue 11: unbound_conf naming a directory made libunbound exit() at the
 * first lookup, /dev/zero hung it, and a syntax error or a missing trust
 * anchor was found only at the first lookup, after "reloaded". Now the file
 * is checked and parsed for real at load time.
 */
static void unbound_conf_checked(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    char *text;
    const char *good = "server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\n";

    write_ubconf(good);
    is_int(load_with(ctx, ubconf), 0, "a good unbound.conf loads");
    is_int(load_with(ctx, "/tmp"), -1, "unbound_conf naming a directory is refused at load");
    ok(has(danehop_ctx_error(ctx), "not a regular file"), "... as not a regular file: %s",
       danehop_ctx_error(ctx));
    is_int(load_with(ctx, "/dev/zero"), -1, "unbound_conf = /dev/zero is refused at load");
    ok(has(danehop_ctx_error(ctx), "not a regular file"), "... as not a regular file");
    is_int(danehop_ctx_set_unbound_conf(ctx, "/tmp"), -1, "the setter refuses a directory too");
    is_int(danehop_ctx_set_unbound_conf(ctx, "/dev/zero"), -1, "... and /dev/zero");

    write_ubconf("server:\n    this-is-not-an-option: yes\n");
    is_int(load_with(ctx, ubconf), -1, "an unbound.conf with a syntax error is refused at load");
    ok(has(danehop_ctx_error(ctx), "syntax error"), "... saying so: %s", danehop_ctx_error(ctx));
    write_ubconf("server:\n    verbosity: 1\n");
    is_int(load_with(ctx, ubconf), -1, "an unbound.conf without a trust anchor is refused at load");
    ok(has(danehop_ctx_error(ctx), "sets no trust anchor"), "... saying so: %s", danehop_ctx_error(ctx));
    write_ubconf(
        "server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\n    val-permissive-mode: yes\n");
    is_int(load_with(ctx, ubconf), -1, "val-permissive-mode (bogus passes as indeterminate) is refused");
    ok(has(danehop_ctx_error(ctx), "val-permissive-mode"), "... saying so: %s", danehop_ctx_error(ctx));
    write_ubconf(
        "server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\n    module-config: \"iterator\"\n");
    is_int(load_with(ctx, ubconf), -1, "a module-config without the validator is refused");
    ok(has(danehop_ctx_error(ctx), "no validator"), "... saying so: %s", danehop_ctx_error(ctx));
    {
        FILE *f = fopen(ubconf, "w");
        int i;

        fputs(good, f);
        for (i = 0; i < 120000; i++)
            fputs("# padding\n", f);
        fclose(f);
    }
    is_int(load_with(ctx, ubconf), -1, "an unbound.conf over 1 MiB is refused");
    ok(has(danehop_ctx_error(ctx), "larger than"), "... saying so: %s", danehop_ctx_error(ctx));

    /* an include: line reaches the same parser: a directory there would exit() too */
    write_ubconf("server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\ninclude: \"/tmp\"\n");
    is_int(load_with(ctx, ubconf), -1, "an unbound.conf that includes a directory is refused");
    ok(has(danehop_ctx_error(ctx), "include /tmp: not a regular file"), "... naming it: %s",
       danehop_ctx_error(ctx));
    write_ubconf("server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\n  include: /dev/zer*\n");
    is_int(load_with(ctx, ubconf), -1, "... and one whose include glob matches /dev/zero");

    text = danehop_ctx_describe(ctx);
    ok(text && has(text, "unbound_conf: /tmp/danehop-ubconf-") && has(text, "rules: 1"),
       "after every refusal the last good configuration is in force");
    danehop_string_free(text);

    /* a watched file that turns bad refuses to decide, and recovers */
    write_ubconf(good);
    is_int(load_with(ctx, ubconf), 0, "good again");
    danehop_ctx_watch_config(ctx, 1);
    {
        danehop_decision *d = NULL;
        struct timespec later[2] = {{2000000000, 0}, {2000000000, 0}};

        snprintf(text = malloc(300), 300, "unbound_conf = /dev/zero\nexempt domain x\\.example\n");
        write_file(text);
        free(text);
        utimensat(AT_FDCWD, path, later, 0);
        is_int(danehop_resolve(ctx, "x.example", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
               "watched: a change to unbound_conf = /dev/zero refuses to decide");
        ok(has(danehop_ctx_error(ctx), "not a regular file"), "... saying why: %s", danehop_ctx_error(ctx));
    }
    danehop_ctx_free(ctx);
}

/* "setters override the file", also after a watched reload */
static void setters_override(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    struct timespec later[2] = {{2100000000, 0}, {2100000000, 0}};
    char *text;

    write_file("trust_anchor = /dev/null\ncache_size = 3\nquery_timeout = 2\n");
    is_int(danehop_ctx_load_config(ctx, path), 0, "load");
    is_int(danehop_ctx_set_cache_size(ctx, 7), 0, "a setter after the load");
    danehop_ctx_watch_config(ctx, 1);
    write_file("trust_anchor = /dev/null\ncache_size = 5\nquery_timeout = 4\nexempt any .*\n");
    utimensat(AT_FDCWD, path, later, 0);
    {
        danehop_decision *d = NULL;

        is_int(danehop_resolve(ctx, "a.example", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), 0,
               "the changed file is read");
        danehop_decision_free(d);
    }
    text = danehop_ctx_describe(ctx);
    ok(text && has(text, "cache_size: 7") && has(text, "query_timeout: 4.00 s") && has(text, "rules: 1"),
       "the setter's value still lays over the new version; the rest is the file's");
    if (text && !has(text, "cache_size: 7"))
        printf("# %s\n", text);
    danehop_string_free(text);
    danehop_ctx_free(ctx);
}

/*
 * a file that takes every decision from danehopd builds no resolver at
 * load (conffile.c check_install), so its resolver keys are not tried
 * then. No way round must decide locally with them unchecked: the daemon
 * down, a setter after the load, a watched change to a local fallback, a
 * context that asks no daemon (as danehopd's): each fails, and where a
 * resolver is built, the permissive unbound.conf is refused there.
 */
static void daemon_only_unchecked(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d = NULL;
    struct timespec later[2] = {{2200000000, 0}, {2200000000, 0}};
    char text[400];

    write_ubconf(
        "server:\n    trust-anchor-file: \"/usr/share/dns/root.key\"\n    val-permissive-mode: yes\n");
    snprintf(text, sizeof(text), "daemon = unix:/nonexistent-danehop/d.sock\nunbound_conf = %s\n", ubconf);
    write_file(text);
    is_int(danehop_ctx_load_config(ctx, path), 0, "daemon only: loads without building its resolver");
    is_int(danehop_resolve(ctx, "example.com", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
           "daemon only, daemon down: no decision");
    ok(d == NULL && has(danehop_ctx_error(ctx), "danehopd"), "... the daemon's failure: %s",
       danehop_ctx_error(ctx));
    is_int(danehop_ctx_set_cache_size(ctx, 5), 0, "a setter after the load");
    is_int(danehop_resolve(ctx, "example.com", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
           "... still no local decision");
    ctx->no_daemon = 1;
    is_int(danehop_resolve(ctx, "example.com", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
           "asking no daemon: the local resolver, built now, is refused");
    ok(d == NULL && has(danehop_ctx_error(ctx), "val-permissive-mode"), "... for its permissive file: %s",
       danehop_ctx_error(ctx));
    ctx->no_daemon = 0;
    danehop_ctx_watch_config(ctx, 1);
    snprintf(text, sizeof(text),
             "daemon = unix:/nonexistent-danehop/d.sock\ndaemon_fallback = local\nunbound_conf = %s\n",
             ubconf);
    write_file(text);
    utimensat(AT_FDCWD, path, later, 0);
    is_int(danehop_resolve(ctx, "example.com", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d), -1,
           "watched: a change to daemon_fallback = local with that file refuses to decide");
    ok(d == NULL && has(danehop_ctx_error(ctx), "val-permissive-mode"), "... saying why: %s",
       danehop_ctx_error(ctx));
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
}

int main(void)
{
    int fd = mkstemp(path);

    close(fd);
    escaping();
    double_dot();
    dead_forwarder();
    fd = mkstemp(ubconf);
    close(fd);
    unbound_conf_checked();
    setters_override();
    daemon_only_unchecked();
    unlink(ubconf);
    unlink(path);
    return done_testing();
}
