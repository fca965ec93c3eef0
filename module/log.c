/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c - one line per decision, where the configuration says
 *
 * syslog() is used without openlog(): inside an MTA the MTA's own ident and
 * options stay as they are. A log file is opened, appended to and closed per
 * decision, so rotation needs no signal; it is created 0640 whatever the
 * umask (Exim delivers with umask 0).
 */
#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "decision.h"

static void emit(const dh_config *c, dh_log_dest dest, int prio, const char *line)
{
    FILE *f;
    int fd;

    switch (dest) {
    case DH_LOG_SYSLOG: syslog(c->log_facility | prio, "%s", line); break;
    case DH_LOG_STDERR: fprintf(stderr, "%s\n", line); break;
    case DH_LOG_FILE:
        /* 0640 whatever the umask: Exim runs its deliveries with umask 0 */
        if ((fd = open(c->log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640)) < 0)
            break;
        if ((f = fdopen(fd, "a")) == NULL) {
            close(fd);
            break;
        }
        fprintf(f, "%s\n", line);
        fclose(f);
        break;
    default: break;
    }
}

void danehop_log_line(const danehop_ctx *cctx, int fallback, int warning, const char *line)
{
    static const dh_config defaults = {.log_facility = LOG_MAIL, .log_level = LOG_INFO};
    /* the snapshot is held for the line, so a reload cannot free the file's settings */
    danehop_ctx *ctx = (danehop_ctx *) cctx;
    dh_snap *s = ctx ? dh_ctx_acquire(ctx) : NULL;
    const dh_config *c = s ? s->config : NULL;
    dh_log_dest dest;
    int prio = warning ? LOG_WARNING : LOG_INFO;

    if (c == NULL || c->log == DH_LOG_UNSET) {
        dest = fallback == DANEHOP_LOG_SYSLOG   ? DH_LOG_SYSLOG
               : fallback == DANEHOP_LOG_STDERR ? DH_LOG_STDERR
                                                : DH_LOG_NONE;
        if (c == NULL)
            c = &defaults;
    } else {
        dest = c->log;
    }
    if (dest != DH_LOG_NONE && prio <= c->log_level)
        emit(c, dest, prio, line);
    dh_snap_release(ctx, s);
}

void danehop_log_decision(const danehop_ctx *ctx, const danehop_decision *d, int fallback)
{
    size_t i;

    for (i = 0; i == 0 || i < d->nhosts; i++) {
        char *line = danehop_host_log_line(d, d->nhosts ? i : (size_t) -1);

        if (line != NULL) {
            danehop_log_line(ctx, fallback, d->status == DANEHOP_STATUS_DEFER, line);
            danehop_string_free(line);
        }
    }
}
