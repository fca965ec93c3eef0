/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_watch.c - a watched configuration: a change is picked up, a broken
 * change makes danehop_resolve refuse (the Exim gate then defers), a fixed
 * file is used again. Exempt rules keep DNS out of it.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "danehop.h"
#include "tap.h"

static char path[] = "/tmp/danehop-watch-XXXXXX";

static void write_conf(const char *text, long when)
{
    FILE *f = fopen(path, "w");
    struct timespec ts[2] = {{when, 0}, {when, 0}};

    fputs(text, f);
    fclose(f);
    utimensat(AT_FDCWD, path, ts, 0);
}

static int decide(danehop_ctx *ctx, const char *domain, danehop_decision **d)
{
    *d = NULL;
    return danehop_resolve(ctx, domain, NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, d);
}

int main(void)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d;
    int fd = mkstemp(path);

    close(fd);
    write_conf("trust_anchor = /dev/null\nexempt domain .*  # first version\n", 1000000);
    is_int(danehop_ctx_load_config(ctx, path), 0, "load");
    danehop_ctx_watch_config(ctx, 1);
    is_int(decide(ctx, "a.example", &d), 0, "decides under the first version");
    ok(d && strstr(danehop_decision_reason(d), "first version"), "first version's rule applied");
    danehop_decision_free(d);

    write_conf("trust_anchor = /dev/null\nexempt domain .*  # second version\n", 2000000);
    is_int(decide(ctx, "b.example", &d), 0, "decides after a change");
    ok(d && strstr(danehop_decision_reason(d), "second version"), "the change was picked up");
    danehop_decision_free(d);

    write_conf("trust_anchor = /dev/null\nexempt domain (broken\n", 3000000);
    is_int(decide(ctx, "c.example", &d), -1, "broken change: refuses to decide");
    ok(d == NULL && strstr(danehop_ctx_error(ctx), ":2: rule: bad regular expression"),
       "the error names the line");
    is_int(decide(ctx, "c.example", &d), -1, "still refused on the next call");

    write_conf("trust_anchor = /dev/null\nexempt domain .*  # third version\n", 4000000);
    is_int(decide(ctx, "c.example", &d), 0, "fixed file: decides again");
    ok(d && strstr(danehop_decision_reason(d), "third version"), "the fixed version applies");
    danehop_decision_free(d);

    /* without watching, the loaded version stays */
    danehop_ctx_watch_config(ctx, 0);
    write_conf("trust_anchor = /dev/null\nexempt domain (broken\n", 5000000);
    is_int(decide(ctx, "d.example", &d), 0, "not watching: changes are not read");
    danehop_decision_free(d);
    is_int(danehop_ctx_load_config(ctx, path), -1, "explicit reload of a broken file fails");
    is_int(decide(ctx, "e.example", &d), 0, "and the last good configuration stays in force");
    ok(d && strstr(danehop_decision_reason(d), "third version"), "last good rule still applied");
    danehop_decision_free(d);

    danehop_ctx_free(ctx);
    unlink(path);
    return done_testing();
}
