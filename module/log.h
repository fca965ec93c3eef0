/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log.h - one line per decision, where the configuration says
 *
 * Shims call danehop_log_decision() (danehop.h); the destination (syslog
 * with a facility, stderr, a file, or nothing) and level come from the
 * configuration file. Lines name the domain, host, base domain and action.
 */
#ifndef DANEHOP_LOG_H
#define DANEHOP_LOG_H

#include "danehop.h"

#endif
