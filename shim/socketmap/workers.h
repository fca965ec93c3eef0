/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * workers.h - a bounded pool of threads that answer complete requests
 */
#ifndef DANEHOP_WORKERS_H
#define DANEHOP_WORKERS_H

#include <stddef.h>

/* one request handed to a worker and back; owned by the caller */
typedef struct wtask {
    struct wtask *next;
    const char *req; /* the request payload ("<map> <key>") */
    size_t len;
    long long queued_ms; /* when it became complete (monotonic) */
    char *reply;         /* set by the worker: the framed reply (malloc'd), or NULL */
    size_t reply_len;
} wtask;

/*
 * serve - answer t->req into t->reply; scratch holds WORKER_SCRATCH bytes
 * that the worker owns for its lifetime
 */
typedef void (*wserve_fn)(wtask *t, char *scratch);
#define WORKER_SCRATCH (100000 + 32)

/* workers_start - n threads; finished tasks are announced by writing to notify_fd (an eventfd) */
int workers_start(int n, wserve_fn serve, int notify_fd);
/* workers_submit - queue a task (never blocks; the queue is bounded by the clients) */
void workers_submit(wtask *t);
/* workers_done - take every finished task (a list through ->next, oldest first) */
wtask *workers_done(void);
/* workers_stop - let the threads finish their task and end */
void workers_stop(void);

#endif
