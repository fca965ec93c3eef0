/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.h - danehopd's counters, for an operator to graph
 *
 * Every metric is described in danehopd(8). Labels come from fixed sets,
 * never from what a client sent.
 */
#ifndef DANEHOP_STATS_H
#define DANEHOP_STATS_H

#include <stddef.h>

#include "danehop.h"

typedef enum {
    ST_MAP_TLSPOLICY = 0,
    ST_MAP_DECISION,
    ST_MAP_HOST,
    ST_MAP_STATS,
    ST_MAP_OTHER,
    ST_NMAPS
} st_map;
typedef enum {
    ST_REPLY_OK = 0,
    ST_REPLY_NOTFOUND,
    ST_REPLY_TEMP,
    ST_REPLY_TIMEOUT,
    ST_REPLY_PERM,
    ST_NREPLIES
} st_reply;
typedef enum {
    ST_ERR_MALFORMED = 0,   /* not a netstring */
    ST_ERR_TOO_LONG,        /* a request over 10000 bytes */
    ST_ERR_REQUEST_TIMEOUT, /* a request or reply not through in --io-timeout */
    ST_ERR_IDLE_TIMEOUT,    /* no request in --idle-timeout */
    ST_ERR_WRITE,           /* the client went away before its reply */
    ST_ERR_REFUSED,         /* over --max-clients */
    ST_ERR_ACCEPT_FDS,      /* accept(): out of file descriptors */
    ST_ERR_ACCEPT,          /* accept(): anything else */
    ST_ERR_RELOAD,          /* a reload that kept the old configuration */
    ST_ERR_MEMORY,          /* a client or reply could not be allocated */
    ST_ERR_OVERLOAD,        /* a request waited over --io-timeout for a worker */
    ST_NERRORS
} st_error;

/* stats_map - the map of a request, by its first word */
st_map stats_map(const char *req, size_t len);
/* stats_reply - the class of a reply, by its first word */
st_reply stats_reply(const char *reply);
/* stats_request - one request answered, seconds after it was complete */
void stats_request(st_map map, st_reply reply, double seconds);
/* stats_decision - a decision made (not one reused): its status and every host's action */
void stats_decision(const danehop_decision *d);
/* stats_reused - a request answered with a decision made earlier */
void stats_reused(void);
/* stats_check_reused - a chain check answered from the verdict table */
void stats_check_reused(void);
/* stats_start - the daemon starts now */
void stats_start(void);
void stats_error(st_error e);
void stats_accepted(void);
void stats_reload(int ok);
/* gauges, set by their owner */
void stats_set_clients(long n, long limit);
void stats_set_workers(long busy, long total, long queued);
/* stats_render - the Prometheus text exposition format into out; the length, or 0 if out is too small */
size_t stats_render(char *out, size_t len);
/* stats_write_file - the same, atomically (a temporary file renamed); 0 or -1 with errno */
int stats_write_file(const char *path);

#endif
