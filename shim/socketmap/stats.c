/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.c - danehopd's counters, for an operator to graph
 *
 * SYNOPSIS
 *   #include "stats.h"
 *
 * DESCRIPTION
 *   Counters per map and reply, per decision class (the domain's status,
 *   each host's action with a reason class), per error, and a latency
 *   histogram per map; gauges for clients, workers and the queue. They are
 *   rendered in the Prometheus text exposition format (version 0.0.4), for
 *   the "stats" request and for node_exporter's textfile collector (a file
 *   written to a temporary name and renamed, so the collector never reads
 *   half a file).
 *
 *   The reason class is derived from the reason text of the decision, for
 *   graphs only: no reply depends on it. Reason texts the classes do not
 *   know count as "other".
 *
 *   One mutex guards everything: updates are a few additions per request.
 */
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const map_names[ST_NMAPS] = {"tlspolicy", "decision", "host", "stats", "other"};
static const char *const reply_names[ST_NREPLIES] = {"OK", "NOTFOUND", "TEMP", "TIMEOUT", "PERM"};
static const char *const error_names[ST_NERRORS] = {
    "malformed",    "too_long", "request_timeout", "idle_timeout", "client_gone", "refused",
    "accept_nofds", "accept",   "reload",          "memory",       "overloaded",
};

#define NSTATUS 4
#define NACTION 5
static const char *const status_names[NSTATUS] = {"ok", "defer", "nullmx", "nxdomain"};
static const char *const action_names[NACTION] = {"dane", "encrypt", "may", "defer", "noaddress"};

/* reason classes, in the order they are tested */
enum {
    R_SECURE_TLSA,
    R_UNUSABLE_TLSA,
    R_NOADDRESS,
    R_EXEMPT,
    R_INSECURE_MX,
    R_IP_LITERAL,
    R_NO_TLSA,
    R_INSECURE_HOST,
    R_MANDATORY,
    R_BOGUS,
    R_TIMEOUT,
    R_NOT_VALIDATING,
    R_SERVFAIL,
    R_LIMIT,
    R_MALFORMED,
    R_CNAME,
    R_NO_HOST,
    R_DECIDED,
    R_NULLMX,
    R_NXDOMAIN,
    R_OTHER,
    NREASONS
};
static const char *const reason_names[NREASONS] = {
    "secure_tlsa",   "unusable_tlsa", "noaddress",      "exempt",  "insecure_mx",    "ip_literal", "no_tlsa",
    "insecure_host", "mandatory",     "bogus",          "timeout", "not_validating", "servfail",   "limit",
    "malformed",     "cname",         "no_usable_host", "decided", "nullmx",         "nxdomain",   "other",
};

/* upper bounds of the latency buckets, seconds */
static const double buckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static struct {
    pthread_mutex_t lock;
    time_t started;
    unsigned long long requests[ST_NMAPS][ST_NREPLIES];
    unsigned long long hist[ST_NMAPS][NBUCKETS + 1];
    double hist_sum[ST_NMAPS];
    unsigned long long decisions[NSTATUS][NREASONS];
    unsigned long long hosts[NACTION][NREASONS];
    unsigned long long reused, checks_reused;
    unsigned long long errors[ST_NERRORS];
    unsigned long long accepted;
    unsigned long long reloads[2];
    long clients, clients_limit, busy, workers, queued;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER};

st_map stats_map(const char *req, size_t len)
{
    const char *sp = memchr(req, ' ', len);
    size_t n = sp ? (size_t) (sp - req) : len;
    int i;

    for (i = 0; i < ST_MAP_OTHER; i++)
        if (strlen(map_names[i]) == n && memcmp(req, map_names[i], n) == 0)
            return (st_map) i;
    return ST_MAP_OTHER;
}

st_reply stats_reply(const char *reply)
{
    int i;

    for (i = 0; i < ST_NREPLIES; i++) {
        size_t n = strlen(reply_names[i]);

        if (strncmp(reply, reply_names[i], n) == 0 && (reply[n] == ' ' || reply[n] == '\0'))
            return (st_reply) i;
    }
    return ST_REPLY_PERM;
}

static int has(const char *s, const char *what) { return s != NULL && strstr(s, what) != NULL; }

/* defer_class - why something was deferred, from its reason text */
static int defer_class(const char *r)
{
    if (has(r, "mandatory DANE"))
        return R_MANDATORY;
    if (has(r, "bogus"))
        return R_BOGUS;
    if (has(r, "timeout"))
        return R_TIMEOUT;
    if (has(r, "does not validate"))
        return R_NOT_VALIDATING;
    if (has(r, "SERVFAIL") || has(r, "lookup failed") || has(r, "resolver error") || has(r, "REFUSED"))
        return R_SERVFAIL;
    if (has(r, "too many") || has(r, "more than") || has(r, "out of memory") || has(r, "too large") ||
        has(r, "match limit"))
        return R_LIMIT;
    if (has(r, "malformed") || has(r, "not usable"))
        return R_MALFORMED;
    if (has(r, "CNAME"))
        return R_CNAME;
    if (has(r, "no host can be used"))
        return R_NO_HOST;
    return R_OTHER;
}

static int host_class(danehop_action a, const char *r)
{
    switch (a) {
    case DANEHOP_ACTION_DANE: return R_SECURE_TLSA;
    case DANEHOP_ACTION_ENCRYPT: return R_UNUSABLE_TLSA;
    case DANEHOP_ACTION_NOADDRESS: return R_NOADDRESS;
    case DANEHOP_ACTION_DEFER: return defer_class(r);
    case DANEHOP_ACTION_MAY: break;
    }
    if (has(r, "exempt"))
        return R_EXEMPT;
    if (has(r, "MX RRset") && has(r, "not DNSSEC-signed"))
        return R_INSECURE_MX;
    if (has(r, "IP address"))
        return R_IP_LITERAL;
    if (has(r, "no secure TLSA"))
        return R_NO_TLSA;
    if (has(r, "not DNSSEC-signed"))
        return R_INSECURE_HOST;
    return R_OTHER;
}

static int status_class(danehop_status s, const char *r)
{
    switch (s) {
    case DANEHOP_STATUS_OK: return has(r, "exempt") ? R_EXEMPT : R_DECIDED;
    case DANEHOP_STATUS_NULLMX: return R_NULLMX;
    case DANEHOP_STATUS_NXDOMAIN: return R_NXDOMAIN;
    case DANEHOP_STATUS_DEFER: break;
    }
    return defer_class(r);
}

void stats_request(st_map map, st_reply reply, double seconds)
{
    size_t b = 0;

    while (b < NBUCKETS && seconds > buckets[b])
        b++;
    pthread_mutex_lock(&st.lock);
    st.requests[map][reply]++;
    st.hist[map][b]++;
    st.hist_sum[map] += seconds;
    pthread_mutex_unlock(&st.lock);
}

void stats_decision(const danehop_decision *d)
{
    danehop_status s = danehop_decision_status(d);
    size_t i, n = danehop_decision_host_count(d);
    int sc = status_class(s, danehop_decision_reason(d));

    pthread_mutex_lock(&st.lock);
    if ((unsigned) s < NSTATUS)
        st.decisions[s][sc]++;
    for (i = 0; i < n; i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        danehop_action a = danehop_host_action(h);

        if ((unsigned) a < NACTION)
            st.hosts[a][host_class(a, danehop_host_reason(h))]++;
    }
    pthread_mutex_unlock(&st.lock);
}

#define BUMP(field)                                                                                          \
    do {                                                                                                     \
        pthread_mutex_lock(&st.lock);                                                                        \
        field;                                                                                               \
        pthread_mutex_unlock(&st.lock);                                                                      \
    } while (0)

void stats_start(void) { BUMP(st.started = time(NULL)); }
void stats_reused(void) { BUMP(st.reused++); }
void stats_check_reused(void) { BUMP(st.checks_reused++); }
void stats_error(st_error e) { BUMP(st.errors[e]++); }
void stats_accepted(void) { BUMP(st.accepted++); }
void stats_reload(int ok) { BUMP(st.reloads[ok != 0]++); }
void stats_set_clients(long n, long limit) { BUMP((st.clients = n, st.clients_limit = limit)); }
void stats_set_workers(long busy, long total, long queued)
{
    BUMP((st.busy = busy, st.workers = total, st.queued = queued));
}

/* ---- rendering --------------------------------------------------------------- */

typedef struct out {
    char *p;
    size_t len, n;
    int full;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    int r;

    if (o->full)
        return;
    va_start(ap, fmt);
    r = vsnprintf(o->p + o->n, o->len - o->n, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t) r >= o->len - o->n) {
        o->full = 1;
        return;
    }
    o->n += (size_t) r;
}

static void head(out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_requests(out *o)
{
    int m, r;
    size_t b;

    head(o, "danehopd_requests_total", "counter", "Requests answered, by map and reply.");
    for (m = 0; m < ST_NMAPS; m++)
        for (r = 0; r < ST_NREPLIES; r++)
            if (st.requests[m][r] || (m == ST_MAP_TLSPOLICY && r == ST_REPLY_OK))
                put(o, "danehopd_requests_total{map=\"%s\",reply=\"%s\"} %llu\n", map_names[m],
                    reply_names[r], st.requests[m][r]);
    head(o, "danehopd_request_duration_seconds", "histogram",
         "Time from a complete request to its reply, queue wait included.");
    for (m = 0; m < ST_NMAPS; m++) {
        unsigned long long cum = 0;

        for (b = 0; b <= NBUCKETS; b++) {
            cum += st.hist[m][b];
            if (b < NBUCKETS)
                put(o, "danehopd_request_duration_seconds_bucket{map=\"%s\",le=\"%g\"} %llu\n", map_names[m],
                    buckets[b], cum);
            else
                put(o, "danehopd_request_duration_seconds_bucket{map=\"%s\",le=\"+Inf\"} %llu\n",
                    map_names[m], cum);
        }
        put(o, "danehopd_request_duration_seconds_sum{map=\"%s\"} %.6f\n", map_names[m], st.hist_sum[m]);
        put(o, "danehopd_request_duration_seconds_count{map=\"%s\"} %llu\n", map_names[m], cum);
    }
}

static void render_decisions(out *o)
{
    int s, a, r;

    head(o, "danehopd_decisions_total", "counter",
         "Decisions made (not reused), by status and reason class.");
    for (s = 0; s < NSTATUS; s++)
        for (r = 0; r < NREASONS; r++)
            if (st.decisions[s][r])
                put(o, "danehopd_decisions_total{status=\"%s\",reason=\"%s\"} %llu\n", status_names[s],
                    reason_names[r], st.decisions[s][r]);
    head(o, "danehopd_host_decisions_total", "counter",
         "Hosts in decisions made, by action (dane, encrypt, may, defer, noaddress) and reason class.");
    for (a = 0; a < NACTION; a++)
        for (r = 0; r < NREASONS; r++)
            if (st.hosts[a][r])
                put(o, "danehopd_host_decisions_total{action=\"%s\",reason=\"%s\"} %llu\n", action_names[a],
                    reason_names[r], st.hosts[a][r]);
    head(o, "danehopd_decisions_reused_total", "counter",
         "Requests answered with a decision made earlier (the decision cache).");
    put(o, "danehopd_decisions_reused_total %llu\n", st.reused);
    head(o, "danehopd_chain_checks_reused_total", "counter",
         "Chain checks (verify-v1) answered from the table of DANE-EE verdicts.");
    put(o, "danehopd_chain_checks_reused_total %llu\n", st.checks_reused);
}

static void render_rest(out *o)
{
    int e;

    head(o, "danehopd_errors_total", "counter", "Errors, by kind.");
    for (e = 0; e < ST_NERRORS; e++)
        put(o, "danehopd_errors_total{error=\"%s\"} %llu\n", error_names[e], st.errors[e]);
    head(o, "danehopd_connections_total", "counter", "Client connections accepted.");
    put(o, "danehopd_connections_total %llu\n", st.accepted);
    head(o, "danehopd_reloads_total", "counter", "Configuration reloads, by result.");
    put(o, "danehopd_reloads_total{result=\"ok\"} %llu\n", st.reloads[1]);
    put(o, "danehopd_reloads_total{result=\"failed\"} %llu\n", st.reloads[0]);
    head(o, "danehopd_clients", "gauge", "Clients connected now.");
    put(o, "danehopd_clients %ld\n", st.clients);
    head(o, "danehopd_clients_limit", "gauge", "Most clients held at once (--max-clients).");
    put(o, "danehopd_clients_limit %ld\n", st.clients_limit);
    head(o, "danehopd_workers", "gauge", "Worker threads (--workers).");
    put(o, "danehopd_workers %ld\n", st.workers);
    head(o, "danehopd_workers_busy", "gauge", "Workers answering a request now.");
    put(o, "danehopd_workers_busy %ld\n", st.busy);
    head(o, "danehopd_queue_length", "gauge", "Complete requests waiting for a worker.");
    put(o, "danehopd_queue_length %ld\n", st.queued);
    head(o, "danehopd_start_time_seconds", "gauge", "When the daemon started, seconds since the epoch.");
    put(o, "danehopd_start_time_seconds %lld\n", (long long) st.started);
}

size_t stats_render(char *p, size_t len)
{
    out o = {p, len, 0, 0};

    if (len == 0)
        return 0;
    pthread_mutex_lock(&st.lock);
    render_requests(&o);
    render_decisions(&o);
    render_rest(&o);
    pthread_mutex_unlock(&st.lock);
    return o.full ? 0 : o.n;
}

int stats_write_file(const char *path)
{
    char tmp[4200], *text;
    size_t n, cap = 256 * 1024;
    int fd, saved;
    ssize_t w;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int) sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((text = malloc(cap)) == NULL)
        return -1;
    if ((n = stats_render(text, cap)) == 0) {
        free(text);
        errno = ENOSPC;
        return -1;
    }
    /* a new file, never what someone left at the name: a FIFO there would block this open,
     * on the thread that serves every client; a file of theirs would become the metrics */
    unlink(tmp);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
        free(text);
        return -1;
    }
    w = write(fd, text, n);
    saved = w < 0 ? errno : EIO;
    free(text);
    if (w != (ssize_t) n || fsync(fd) != 0) {
        saved = w != (ssize_t) n ? saved : errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}
