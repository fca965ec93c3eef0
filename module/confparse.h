/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confparse.h - the danehop configuration file (danehop.conf(5)), read
 *
 * SYNOPSIS
 *   #include "confparse.h"
 *
 *   int dh_config_parse(const char *path, dh_config **out, char *err, size_t errlen);
 *
 * DESCRIPTION
 *   dh_config_parse() reads path into *out (one reference). Parsing is all
 *   or nothing: it returns 0, or -1 with err set to "path:line: what is
 *   wrong" (errlen bytes) and *out NULL.
 */
#ifndef DANEHOP_CONFPARSE_H
#define DANEHOP_CONFPARSE_H

#include <stddef.h>

#include "config.h"

int dh_config_parse(const char *path, dh_config **out, char *err, size_t errlen);

#endif
