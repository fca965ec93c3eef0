/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * error.h - this thread's last error
 *
 * SYNOPSIS
 *   #include "error.h"
 *
 *   int dh_fail(danehop_error code, const char *fmt, ...);
 *   int dh_error(const char *fmt, ...);
 *
 * DESCRIPTION
 *   dh_error() sets this thread's error (danehop_ctx_error) as a
 *   configuration error and returns -1; dh_fail() does the same with the
 *   code given (danehop_ctx_error_code). CR, LF, TAB and other control
 *   characters are escaped: names and paths from the input end up in log
 *   lines and socketmap replies.
 */
#ifndef DANEHOP_ERROR_H
#define DANEHOP_ERROR_H

#include "danehop.h"

#define DH_ERR_MAX 512

int dh_fail(danehop_error code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* most errors are the configuration's or the set-up's */
#define dh_error(...) dh_fail(DANEHOP_E_CONFIG, __VA_ARGS__)

#endif
