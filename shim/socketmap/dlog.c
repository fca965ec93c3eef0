/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dlog.c - danehopd's own log lines, with a rate limit
 *
 * SYNOPSIS
 *   #include "dlog.h"
 *
 * DESCRIPTION
 *   The daemon logs to syslog (and to stderr with --foreground). Lines a
 *   client can cause at will (a refused connection, a malformed request)
 *   or that repeat while a condition lasts (out of file descriptors) are
 *   rate-limited per class: a flood of 100,000 refused connections must not
 *   become 100,000 log lines and fill the disk. The first DLOG_BURST lines
 *   of a window are logged; the rest are counted, and one line says how many
 *   were left out when the window closes.
 *
 *   Thread-safe: workers and the event loop may log.
 */
#include "dlog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

static const char *const class_names[DLOG_NCLASSES] = {
    "refused connections",
    "accept failures",
    "client errors",
};

static struct {
    pthread_mutex_t lock;
    int foreground;
    struct {
        time_t start; /* of the window, 0 if none */
        unsigned logged;
        unsigned long suppressed;
    } cls[DLOG_NCLASSES];
} dl = {.lock = PTHREAD_MUTEX_INITIALIZER};

void dlog_init(int foreground)
{
    dl.foreground = foreground;
    openlog("danehopd", LOG_PID, LOG_MAIL);
}

static void emit(int prio, const char *line)
{
    syslog(prio, "%s", line);
    if (dl.foreground)
        fprintf(stderr, "danehopd: %s\n", line);
}

void dlog(int prio, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    emit(prio, line);
}

static time_t now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* close_window - report what a passed window left out (lock held) */
static void close_window(int c)
{
    char line[200];

    if (dl.cls[c].suppressed > 0) {
        snprintf(line, sizeof(line), "%lu more %s in %d s not logged (rate limit)", dl.cls[c].suppressed,
                 class_names[c], DLOG_WINDOW);
        emit(LOG_WARNING, line);
    }
    dl.cls[c].start = 0;
    dl.cls[c].logged = 0;
    dl.cls[c].suppressed = 0;
}

void dlog_limited(dlog_class cls, int prio, const char *fmt, ...)
{
    char line[1024];
    time_t now = now_s();
    va_list ap;
    int c = (int) cls;

    pthread_mutex_lock(&dl.lock);
    if (dl.cls[c].start != 0 && now - dl.cls[c].start >= DLOG_WINDOW)
        close_window(c);
    if (dl.cls[c].start == 0)
        dl.cls[c].start = now;
    if (dl.cls[c].logged >= DLOG_BURST) {
        dl.cls[c].suppressed++;
        pthread_mutex_unlock(&dl.lock);
        return;
    }
    dl.cls[c].logged++;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    emit(prio, line);
    pthread_mutex_unlock(&dl.lock);
}

void dlog_tick(void)
{
    time_t now = now_s();
    int c;

    pthread_mutex_lock(&dl.lock);
    for (c = 0; c < DLOG_NCLASSES; c++)
        if (dl.cls[c].start != 0 && now - dl.cls[c].start >= DLOG_WINDOW)
            close_window(c);
    pthread_mutex_unlock(&dl.lock);
}
