/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_context.c - the context's contract with its caller, without DNS
 * (or with a forwarder that is not there): input echoed in errors is
 * escaped, names with an empty last label are refused before any rule sees
 * them, and a dead forwarder is told apart from a resolver that does not
 * validate.
 */
#include <stdlib.h>
#include <unistd.h>

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

int main(void)
{
    int fd = mkstemp(path);

    close(fd);
    escaping();
    double_dot();
    dead_forwarder();
    unlink(path);
    return done_testing();
}
