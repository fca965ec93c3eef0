/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conffile.h - the danehop configuration file (danehop.conf(5))
 *
 * One file, read by every shim, decides resolver set-up, logging and the
 * per-destination rules. Parsing is all or nothing: a file with any error
 * changes nothing, and the error names the file, the line and the problem.
 */
#ifndef DANEHOP_CONFFILE_H
#define DANEHOP_CONFFILE_H

#include <stddef.h>
#include <time.h>

#include "policy.h"
#include "resolver.h"

#define DH_CONFIG_DEFAULT_PATH "/etc/danehop.conf"

typedef enum { DH_LOG_UNSET = 0, DH_LOG_NONE, DH_LOG_SYSLOG, DH_LOG_STDERR, DH_LOG_FILE } dh_log_dest;

typedef struct dh_config {
    char *path;
    time_t mtime;
    long mtime_ns;
    dh_settings res;
    int recursion;     /* -1 unset */
    unsigned query_ms; /* 0 unset */
    unsigned total_ms;
    long cache_size; /* -1 unset */
    dh_log_dest log;
    char *log_file;
    int log_facility;
    int log_level; /* syslog priority; decisions log at LOG_INFO */
    dh_rules *rules;
} dh_config;

/*
 * dh_config_parse - read path into *out. Returns 0, or -1 with err set to
 * "path:line: what is wrong" (errlen bytes) and *out NULL.
 */
int dh_config_parse(const char *path, dh_config **out, char *err, size_t errlen);
dh_config *dh_config_free(dh_config *c);
/*
 * dh_config_refresh - with watching on, re-read the file if it changed.
 * Returns -1 (ctx error set) while the file is broken: refuse to decide.
 */
int dh_config_refresh(danehop_ctx *ctx);

#endif
