/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * workers.c - a bounded pool of threads that answer complete requests
 *
 * SYNOPSIS
 *   #include "workers.h"
 *
 * DESCRIPTION
 *   The event loop (server.c) owns every client and does all socket I/O;
 *   the workers only turn a complete request into a reply. A decision may
 *   wait seconds for DNS, so it must not run on the event loop. The
 *   library's resolve call blocks, but every thread shares one context,
 *   whose one libunbound instance multiplexes the questions of all of them
 *   (query.c): a waiting worker costs a thread, not a resolver. --workers
 *   bounds how many decisions run at once; requests beyond that wait in a
 *   FIFO queue, which holds at most one request per client (socketmap is
 *   request-reply: a client's next request is not read before its reply
 *   is written), so it is bounded by --max-clients.
 *
 *   Tasks move between threads under one mutex; a finished task is put on
 *   the done list and announced through an eventfd the event loop polls.
 */
#include "workers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "stats.h"

/* a decision's stack needs far less; threads are many */
#define WORKER_STACK (512 * 1024)

static struct {
    pthread_mutex_t lock;
    pthread_cond_t more;
    wtask *head, *tail; /* queued */
    wtask *done_head, *done_tail;
    long queued, busy, total;
    int stopping;
    int notify_fd;
    wserve_fn serve;
    pthread_t *threads;
    int nthreads;
} wp = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER};

static void gauges(void) { stats_set_workers(wp.busy, wp.total, wp.queued); }

static wtask *take(void)
{
    wtask *t;

    pthread_mutex_lock(&wp.lock);
    while (wp.head == NULL && !wp.stopping)
        pthread_cond_wait(&wp.more, &wp.lock);
    if ((t = wp.head) != NULL) {
        wp.head = t->next;
        if (wp.head == NULL)
            wp.tail = NULL;
        wp.queued--;
        wp.busy++;
        gauges();
    }
    pthread_mutex_unlock(&wp.lock);
    return t;
}

static void finish(wtask *t)
{
    uint64_t one = 1;

    t->next = NULL;
    pthread_mutex_lock(&wp.lock);
    if (wp.done_tail)
        wp.done_tail->next = t;
    else
        wp.done_head = t;
    wp.done_tail = t;
    wp.busy--;
    gauges();
    pthread_mutex_unlock(&wp.lock);
    if (write(wp.notify_fd, &one, sizeof(one)) < 0) {
        /* the counter is already non-zero: the loop will look */
    }
}

static void *worker(void *arg)
{
    char *scratch = malloc(WORKER_SCRATCH);
    wtask *t;

    (void) arg;
    while ((t = take()) != NULL) {
        t->reply = NULL;
        t->reply_len = 0;
        if (scratch != NULL)
            wp.serve(t, scratch);
        finish(t);
    }
    free(scratch);
    return NULL;
}

int workers_start(int n, wserve_fn serve, int notify_fd)
{
    pthread_attr_t attr;
    int i;

    wp.serve = serve;
    wp.notify_fd = notify_fd;
    if ((wp.threads = calloc((size_t) n, sizeof(*wp.threads))) == NULL)
        return -1;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    for (i = 0; i < n; i++) {
        if (pthread_create(&wp.threads[i], &attr, worker, NULL) != 0)
            break;
        wp.nthreads++;
    }
    pthread_attr_destroy(&attr);
    wp.total = wp.nthreads;
    gauges();
    if (wp.nthreads < n) {
        workers_stop();
        return -1;
    }
    return 0;
}

void workers_submit(wtask *t)
{
    t->next = NULL;
    pthread_mutex_lock(&wp.lock);
    if (wp.tail)
        wp.tail->next = t;
    else
        wp.head = t;
    wp.tail = t;
    wp.queued++;
    gauges();
    pthread_cond_signal(&wp.more);
    pthread_mutex_unlock(&wp.lock);
}

wtask *workers_done(void)
{
    wtask *t;

    pthread_mutex_lock(&wp.lock);
    t = wp.done_head;
    wp.done_head = wp.done_tail = NULL;
    pthread_mutex_unlock(&wp.lock);
    return t;
}

void workers_stop(void)
{
    int i;

    pthread_mutex_lock(&wp.lock);
    wp.stopping = 1;
    pthread_cond_broadcast(&wp.more);
    pthread_mutex_unlock(&wp.lock);
    for (i = 0; i < wp.nthreads; i++)
        pthread_join(wp.threads[i], NULL);
    free(wp.threads);
    wp.threads = NULL;
    wp.nthreads = 0;
}
