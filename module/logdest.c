/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logdest.c - where a log line goes: syslog, stderr or a file, as one
 * version of the configuration says (logdest.h)
 *
 * syslog() is used without openlog(): inside an MTA the MTA's own ident and
 * options stay as they are. A log file is opened, appended to and closed per
 * line, so rotation needs no signal; it is created 0640 whatever the
 * umask (Exim delivers with umask 0).
 */
#include "logdest.h"

#include <fcntl.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static void emit(const dh_config *c, dh_log_dest dest, int prio, const char *line)
{
    FILE *f;
    int fd;

    switch (dest) {
    case DH_LOG_SYSLOG: syslog(c->log_facility | prio, "%s", line); break;
    case DH_LOG_STDERR: fprintf(stderr, "%s\n", line); break;
    case DH_LOG_FILE:
        /* 0640 whatever the umask: Exim runs its deliveries with umask 0 */
        if ((fd = open(c->log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640)) < 0)
            break;
        if ((f = fdopen(fd, "a")) == NULL) {
            close(fd);
            break;
        }
        fprintf(f, "%s\n", line);
        fclose(f);
        break;
    default: break;
    }
}

void dh_log_emit(const dh_config *c, int fallback, int warning, const char *line)
{
    static const dh_config defaults = {.log_facility = LOG_MAIL, .log_level = LOG_INFO};
    dh_log_dest dest;
    int prio = warning ? LOG_WARNING : LOG_INFO;

    if (c == NULL || c->log == DH_LOG_UNSET) {
        dest = fallback == DANEHOP_LOG_SYSLOG   ? DH_LOG_SYSLOG
               : fallback == DANEHOP_LOG_STDERR ? DH_LOG_STDERR
                                                : DH_LOG_NONE;
        if (c == NULL)
            c = &defaults;
    } else {
        dest = c->log;
    }
    if (dest != DH_LOG_NONE && prio <= c->log_level)
        emit(c, dest, prio, line);
}
