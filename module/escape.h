/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.h - control characters made visible in text for logs and replies
 *
 * SYNOPSIS
 *   #include "escape.h"
 *
 *   size_t dh_escape_controls(const char *in, char *out, size_t outlen);
 *
 * DESCRIPTION
 *   Error messages quote names, paths and words that came from the MTA, a
 *   socket client or a file. A CR, LF or TAB in them would start a new log
 *   line or a new field in whatever reads the message (syslog, a socketmap
 *   reply, Exim's log), so every error passes through here on its way out:
 *   CR, LF and TAB become \r, \n and \t, every other byte below 0x20 and
 *   DEL become \xHH. Everything else, UTF-8 included, is copied as it is.
 *
 *   dh_escape_controls() writes at most outlen bytes, always NUL-terminated
 *   (when outlen > 0), never splitting an escape; it returns the length
 *   written.
 */
#ifndef DANEHOP_ESCAPE_H
#define DANEHOP_ESCAPE_H

#include <stddef.h>

size_t dh_escape_controls(const char *in, char *out, size_t outlen);

#endif
