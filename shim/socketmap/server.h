/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * server.h - danehopd's event loop: every client, on one thread
 */
#ifndef DANEHOP_SERVER_H
#define DANEHOP_SERVER_H

#include "decform.h"
#include "listen.h"
#include "workers.h"

/* the largest request: Postfix's socketmap_max_query_size */
#define MAX_REQUEST 10000
/* a chain check (verify-v1): the map name and module/decform.h's DH_CHECK_MAX */
#define MAX_CHECK_REQUEST (10 + DH_CHECK_MAX)

typedef struct server_opts {
    int max_clients;
    int io_timeout;   /* seconds for a whole request to arrive, or a reply to leave */
    int idle_timeout; /* seconds a client may wait between requests */
    /* a signal arrived (its number); return 0 to stop the loop */
    int (*on_signal)(int sig);
    /* called about once a second */
    void (*on_tick)(void);
    /* answer a complete request on the loop's own thread where that cannot
     * wait (t->reply set, NULL when out of memory): 1; else 0 and a worker
     * takes it. NULL: every request goes to the workers */
    int (*answer_now)(wtask *t);
} server_opts;

/*
 * server_run - serve until on_signal says stop. sigfd is the read end of
 * the signal pipe (one byte per signal). Tasks go to the worker pool,
 * which must have been started with server_notify_fd().
 */
int server_run(listener *ls, int nls, int sigfd, const server_opts *o);
/* server_notify_fd - the eventfd the workers announce finished tasks on; -1 on error */
int server_notify_fd(void);

#endif
