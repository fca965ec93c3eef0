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
 *   were left out when the window closes. Chain checks are logged where
 *   the configuration says, not here; dlog_admit() rates them, and the
 *   count of those left out comes here.
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
    "chain check lines",
};

static const unsigned class_burst[DLOG_NCLASSES] = {DLOG_BURST, DLOG_BURST, DLOG_BURST, DLOG_CHECK_BURST};

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

/*
 * close_window - end a passed window (lock held); what it left out is
 * written into note (empty if nothing), to be logged once the lock is
 * released: syslog() may block, and the loop takes this lock too
 */
static void close_window(int c, char *note, size_t size)
{
    note[0] = '\0';
    if (dl.cls[c].suppressed > 0)
        snprintf(note, size, "%lu more %s in %d s not logged (rate limit)", dl.cls[c].suppressed,
                 class_names[c], DLOG_WINDOW);
    dl.cls[c].start = 0;
    dl.cls[c].logged = 0;
    dl.cls[c].suppressed = 0;
}

/* admit - open or close the class's window; whether one more line fits (lock held) */
static int admit(int c, char *note, size_t size)
{
    time_t now = now_s();

    note[0] = '\0';
    if (dl.cls[c].start != 0 && now - dl.cls[c].start >= DLOG_WINDOW)
        close_window(c, note, size);
    if (dl.cls[c].start == 0)
        dl.cls[c].start = now;
    if (dl.cls[c].logged >= class_burst[c]) {
        dl.cls[c].suppressed++;
        return 0;
    }
    dl.cls[c].logged++;
    return 1;
}

int dlog_admit(dlog_class cls)
{
    char note[200];
    int yes;

    pthread_mutex_lock(&dl.lock);
    yes = admit((int) cls, note, sizeof(note));
    pthread_mutex_unlock(&dl.lock);
    if (note[0] != '\0')
        emit(LOG_WARNING, note);
    return yes;
}

void dlog_limited(dlog_class cls, int prio, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (dlog_admit(cls)) {
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        emit(prio, line);
    }
}

void dlog_tick(void)
{
    char notes[DLOG_NCLASSES][200];
    time_t now = now_s();
    int c;

    pthread_mutex_lock(&dl.lock);
    for (c = 0; c < DLOG_NCLASSES; c++) {
        notes[c][0] = '\0';
        if (dl.cls[c].start != 0 && now - dl.cls[c].start >= DLOG_WINDOW)
            close_window(c, notes[c], sizeof(notes[c]));
    }
    pthread_mutex_unlock(&dl.lock);
    for (c = 0; c < DLOG_NCLASSES; c++)
        if (notes[c][0] != '\0')
            emit(LOG_WARNING, notes[c]);
}
