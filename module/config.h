/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.h - one loaded version of the configuration file, as a value
 *
 * SYNOPSIS
 *   #include "config.h"
 *
 *   dh_config *dh_config_new(const char *path);
 *   dh_config *dh_config_ref(dh_config *c);
 *   dh_config *dh_config_free(dh_config *c);
 *
 * DESCRIPTION
 *   What danehop.conf(5) said, once parsed (conffile.c): resolver settings,
 *   logging, the policy rules, and which version of the file it was (path
 *   and mtime). It does not change after parsing, so the snapshots of a
 *   context (context.h) share it by reference: dh_config_free() drops one
 *   reference and frees with the last.
 */
#ifndef DANEHOP_CONFIG_H
#define DANEHOP_CONFIG_H

#include <stdatomic.h>
#include <time.h>

#include "policy.h"
#include "settings.h"

typedef enum { DH_LOG_UNSET = 0, DH_LOG_NONE, DH_LOG_SYSLOG, DH_LOG_STDERR, DH_LOG_FILE } dh_log_dest;

typedef struct dh_config {
    _Atomic int refs;
    char *path;
    time_t mtime;
    long mtime_ns;
    dh_settings res;
    dh_log_dest log;
    char *log_file;
    int log_facility;
    int log_level; /* syslog priority; decisions log at LOG_INFO */
    dh_rules *rules;
    char *daemon;        /* "unix:/path" of a danehopd to ask, or NULL */
    int daemon_fallback; /* 1: decide in-process when the daemon fails */
} dh_config;

/* dh_config_new - an empty configuration for path (one reference), or NULL */
dh_config *dh_config_new(const char *path);
/* dh_config_ref - one more reference */
dh_config *dh_config_ref(dh_config *c);
/* dh_config_free - drop one reference; returns NULL */
dh_config *dh_config_free(dh_config *c);

#endif
