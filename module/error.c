/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   error - this thread's last error: a code a shim can act on, and the text
 *
 * DESCRIPTION
 *   Every public call that fails leaves its reason here
 *   (danehop_ctx_error, danehop_ctx_error_code) and returns -1 or NULL.
 *   The error is per thread, not per context: danehopd's workers share
 *   one context, and each must read its own failure. It needs nothing but
 *   libc, so the daemon client (client.c) shares it with the engine.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

#include "escape.h"

static _Thread_local char last_error[DH_ERR_MAX];
static _Thread_local danehop_error last_code;

/* set_error - this thread's error: a code a shim can act on, and the text */
static int set_error(danehop_error code, const char *fmt, va_list ap)
{
    char raw[DH_ERR_MAX];

    vsnprintf(raw, sizeof(raw), fmt, ap);
    /* names, paths and words from the input may carry CR, LF or TAB */
    dh_escape_controls(raw, last_error, sizeof(last_error));
    last_code = code;
    return -1;
}

int dh_fail(danehop_error code, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = set_error(code, fmt, ap);
    va_end(ap);
    return rc;
}

danehop_error danehop_ctx_error_code(const danehop_ctx *ctx)
{
    (void) ctx;
    return last_code;
}

const char *danehop_ctx_error(const danehop_ctx *ctx)
{
    (void) ctx;
    return last_error;
}
