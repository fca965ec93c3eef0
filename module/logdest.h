/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logdest.h - where a log line goes
 *
 * SYNOPSIS
 *   #include "logdest.h"
 *
 *   void dh_log_emit(const dh_config *c, int fallback, int warning, const char *line);
 *
 * DESCRIPTION
 *   dh_log_emit() writes line where c's "log" key says; where c is NULL or
 *   says nothing, where fallback (DANEHOP_LOG_SYSLOG, _STDERR, _NONE) says.
 *   warning logs at LOG_WARNING, else LOG_INFO; c's log_level filters.
 *   It needs nothing but libc: the engine's context (log.c) and the
 *   daemon client (client.c) both log through it.
 */
#ifndef DANEHOP_LOGDEST_H
#define DANEHOP_LOGDEST_H

#include "config.h"
#include "danehop.h"

void dh_log_emit(const dh_config *c, int fallback, int warning, const char *line);

#endif
