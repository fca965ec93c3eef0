/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.c - one line per decision, where the context's configuration says
 * (logdest.c writes it)
 */
#include "log.h"

#include "config.h"
#include "context.h"
#include "decision.h"
#include "logdest.h"

void danehop_log_line(const danehop_ctx *cctx, int fallback, int warning, const char *line)
{
    /* the snapshot is held for the line, so a reload cannot free the file's settings */
    danehop_ctx *ctx = (danehop_ctx *) cctx;
    dh_snap *s = ctx ? dh_ctx_acquire(ctx) : NULL;

    dh_log_emit(s ? s->config : NULL, fallback, warning, line);
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
