/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dlog.h - danehopd's own log lines, with a rate limit for the ones a
 * client can cause
 */
#ifndef DANEHOP_DLOG_H
#define DANEHOP_DLOG_H

/* classes of warnings that a client (or the lack of file descriptors) can repeat at will */
typedef enum {
    DLOG_REFUSED = 0, /* over --max-clients */
    DLOG_ACCEPT,      /* accept() failed: out of file descriptors, memory */
    DLOG_CLIENT,      /* malformed or too slow client */
    DLOG_CHECKS,      /* chain checks (verify-v1): any client may ask as fast as it can */
    DLOG_NCLASSES
} dlog_class;

/* at most DLOG_BURST lines of a class per DLOG_WINDOW seconds; chain
 * checks DLOG_CHECK_BURST, one per DANE delivery of a busy Exim site */
#define DLOG_BURST       3
#define DLOG_CHECK_BURST 500
#define DLOG_WINDOW      5

/* dlog_init - syslog as ident "danehopd"; also stderr when foreground */
void dlog_init(int foreground);
/* dlog - one line, always */
void dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dlog_limited - one line unless the class is over its rate; the rest are counted */
void dlog_limited(dlog_class cls, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * dlog_admit - whether one more line of the class fits its rate (the
 * caller then writes it where it belongs); one that does not is counted
 */
int dlog_admit(dlog_class cls);
/* dlog_tick - close windows that have passed: one line per class saying how many were suppressed */
void dlog_tick(void);

#endif
