/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c - canned libunbound answers through the engine's transport seam
 *
 * DESCRIPTION
 *   Defines dh_transport_send/fd/process/cancel (module/transport.h) for
 *   the test program, so module/transport.o, libunbound's real transport,
 *   is not linked in; everything from query.c up is the production code.
 *   The libunbound context itself is real (created, configured, deleted),
 *   it only never sends a packet.
 *
 *   The results follow libunbound 1.17's conventions (design notes,
 *   libunbound-notes.md): a bogus answer keeps its data with rcode
 *   NOERROR and bogus=1; SERVFAIL and REFUSED are rcodes with secure=0;
 *   canonname is set only when a CNAME was followed; data and len are
 *   NULL-terminated arrays even when empty; ub_resolve_free() releases
 *   everything, so all of it is malloc'd here.
 */
#include "replay.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unbound.h>
#include <unistd.h>

#include "transport.h"

int rp_sync;
unsigned rp_late_delivered;

static rp_answer script[RP_MAX_ANSWERS];
static size_t nscript;
static rp_question asked[RP_MAX_ASKED];
static size_t nasked;

typedef struct flight {
    struct ub_ctx *ub; /* the resolver that asked */
    int id;
    void *data;
    dh_transport_cb cb;
    const rp_answer *a; /* NULL: unscripted */
    int too_late;       /* a late answer whose cancel was refused */
    char qname[RP_NAME];
    int qtype;
} flight;

static flight inflight[RP_MAX_ASKED];
static size_t ninflight;
static int next_id = 1;
static int pipefd[2] = {-1, -1};

void rp_reset(void)
{
    nscript = nasked = ninflight = 0;
    memset(script, 0, sizeof(script));
    rp_sync = 0;
    rp_late_delivered = 0;
    if (pipefd[0] >= 0) {
        char junk[64];

        while (read(pipefd[0], junk, sizeof(junk)) > 0)
            ;
    }
}

rp_answer *rp_script(void)
{
    if (nscript == RP_MAX_ANSWERS)
        return NULL;
    memset(&script[nscript], 0, sizeof(script[0]));
    return &script[nscript++];
}

const rp_question *rp_questions(size_t *n)
{
    *n = nasked;
    return asked;
}

/* same_name - case-insensitive, a trailing dot ignored */
static int same_name(const char *x, const char *y)
{
    size_t lx = strlen(x), ly = strlen(y);

    if (lx > 1 && x[lx - 1] == '.')
        lx--;
    if (ly > 1 && y[ly - 1] == '.')
        ly--;
    return lx == ly && strncasecmp(x, y, lx) == 0;
}

static const rp_answer *find(const char *qname, int qtype)
{
    size_t i;

    for (i = 0; i < nscript; i++)
        if (script[i].qtype == qtype && same_name(script[i].qname, qname))
            return &script[i];
    return NULL;
}

int rp_has(const char *qname, int qtype) { return find(qname, qtype) != NULL; }

int rp_has_timeout(void)
{
    size_t i;

    for (i = 0; i < nscript; i++)
        if (script[i].status == RP_TIMEOUT || script[i].status == RP_LATE)
            return 1;
    return 0;
}

static const struct {
    const char *name;
    int type;
} types[] = {{"A", 1}, {"CNAME", 5}, {"MX", 15}, {"AAAA", 28}, {"DNSKEY", 48}, {"TLSA", 52}};

int rp_type(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcasecmp(types[i].name, name) == 0)
            return types[i].type;
    return -1;
}

/* ---- presentation to wire ------------------------------------------------ */

/* name_wire - "a.b." or "a.b" to uncompressed wire form; length or 0 */
static size_t name_wire(const char *name, uint8_t *out, size_t cap)
{
    size_t n = 0;
    const char *s = name;

    if (strcmp(name, ".") == 0) {
        out[0] = 0;
        return 1;
    }
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t l = dot ? (size_t) (dot - s) : strlen(s);

        if (l == 0 || l > 63 || n + l + 2 > cap)
            return 0;
        out[n++] = (uint8_t) l;
        memcpy(out + n, s, l);
        n += l;
        s += l + (dot ? 1 : 0);
    }
    out[n++] = 0;
    return n;
}

/* hex_wire - "ab01" or "ab*32" (one octet repeated) */
static int hex_wire(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    const char *star = strchr(s, '*');
    unsigned v;

    *len = 0;
    if (star != NULL) {
        unsigned long count = strtoul(star + 1, NULL, 10);

        if (star - s != 2 || sscanf(s, "%2x", &v) != 1 || count > cap)
            return -1;
        memset(out, (int) v, count);
        *len = count;
        return 0;
    }
    if (strlen(s) % 2 != 0)
        return -1;
    for (; *s; s += 2) {
        if (*len == cap || !isxdigit((unsigned char) s[0]) || !isxdigit((unsigned char) s[1]) ||
            sscanf(s, "%2x", &v) != 1)
            return -1;
        out[(*len)++] = (uint8_t) v;
    }
    return 0;
}

/* rdata_wire - one record's presentation text for qtype to wire rdata */
static int rdata_wire(int qtype, char *text, uint8_t *out, size_t *len)
{
    char *f[6];
    size_t nf = 0, l;
    unsigned u, s, m;
    char *p, *save = NULL;

    for (p = strtok_r(text, " \t", &save); p && nf < 6; p = strtok_r(NULL, " \t", &save))
        f[nf++] = p;
    switch (qtype) {
    case 1: *len = 4; return nf == 1 && inet_pton(AF_INET, f[0], out) == 1 ? 0 : -1;
    case 28: *len = 16; return nf == 1 && inet_pton(AF_INET6, f[0], out) == 1 ? 0 : -1;
    case 5: return nf == 1 && (*len = name_wire(f[0], out, RP_RDATA)) > 0 ? 0 : -1;
    case 15:
        if (nf != 2 || sscanf(f[0], "%u", &u) != 1 || u > 65535 ||
            (l = name_wire(f[1], out + 2, RP_RDATA - 2)) == 0)
            return -1;
        out[0] = (uint8_t) (u >> 8);
        out[1] = (uint8_t) u;
        *len = l + 2;
        return 0;
    case 52:
        /* "U S M HEX"; HEX may be "-" for no data at all */
        if (nf != 4 || sscanf(f[0], "%u", &u) != 1 || sscanf(f[1], "%u", &s) != 1 ||
            sscanf(f[2], "%u", &m) != 1 || u > 255 || s > 255 || m > 255)
            return -1;
        out[0] = (uint8_t) u, out[1] = (uint8_t) s, out[2] = (uint8_t) m;
        if (strcmp(f[3], "-") == 0) {
            *len = 3;
            return 0;
        }
        if (hex_wire(f[3], out + 3, RP_RDATA - 3, &l) != 0)
            return -1;
        *len = l + 3;
        return 0;
    case 48:
        /* the probe only looks at the verdict: flags, protocol, algorithm, a key octet */
        memcpy(out, "\x01\x01\x03\x08\x01", 5);
        *len = 5;
        return 0;
    }
    return -1;
}

static const struct {
    const char *word;
    rp_status status;
} statuses[] = {{"secure", RP_SECURE},     {"insecure", RP_INSECURE}, {"bogus", RP_BOGUS},
                {"servfail", RP_SERVFAIL}, {"refused", RP_REFUSED},   {"timeout", RP_TIMEOUT},
                {"late", RP_LATE},         {"failed", RP_FAILED}};

int rp_answer_parse(rp_answer *a, const char *line, char *err, size_t errlen)
{
    char buf[4096], *save = NULL, *name, *type, *status, *rest, *rec;
    size_t i;

    if (strlen(line) >= sizeof(buf)) {
        snprintf(err, errlen, "line too long");
        return -1;
    }
    strcpy(buf, line);
    name = strtok_r(buf, " \t", &save);
    type = strtok_r(NULL, " \t", &save);
    status = strtok_r(NULL, " \t", &save);
    rest = strtok_r(NULL, "", &save);
    if (name == NULL || type == NULL || status == NULL || strlen(name) >= RP_NAME) {
        snprintf(err, errlen, "want NAME TYPE STATUS [via A,B] RDATA|nodata|nxdomain");
        return -1;
    }
    snprintf(a->qname, sizeof(a->qname), "%s", name);
    if ((a->qtype = rp_type(type)) < 0) {
        snprintf(err, errlen, "unknown type %s", type);
        return -1;
    }
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (strcmp(statuses[i].word, status) == 0)
            break;
    if (i == sizeof(statuses) / sizeof(statuses[0])) {
        snprintf(err, errlen, "unknown status %s", status);
        return -1;
    }
    a->status = statuses[i].status;
    while (rest && isspace((unsigned char) *rest))
        rest++;
    if (rest && strncmp(rest, "via ", 4) == 0) {
        char *hops = rest + 4, *hop, *hsave = NULL;

        while (*hops == ' ')
            hops++;
        rest = strpbrk(hops, " \t");
        if (rest)
            *rest++ = '\0';
        for (hop = strtok_r(hops, ",", &hsave); hop; hop = strtok_r(NULL, ",", &hsave)) {
            if (a->nchain == RP_MAX_CHAIN || strlen(hop) >= RP_NAME) {
                snprintf(err, errlen, "CNAME chain too long for the harness");
                return -1;
            }
            snprintf(a->chain[a->nchain++], RP_NAME, "%s", hop);
        }
        while (rest && isspace((unsigned char) *rest))
            rest++;
    }
    a->shape = RP_DATA;
    if (rest == NULL || *rest == '\0') {
        if (a->status == RP_SECURE || a->status == RP_INSECURE || a->status == RP_BOGUS) {
            snprintf(err, errlen, "give records, nodata or nxdomain");
            return -1;
        }
        return 0;
    }
    if (strcmp(rest, "nodata") == 0) {
        a->shape = RP_NODATA;
        return 0;
    }
    if (strcmp(rest, "nxdomain") == 0) {
        a->shape = RP_NXDOMAIN;
        return 0;
    }
    for (rec = strtok_r(rest, ",", &save); rec; rec = strtok_r(NULL, ",", &save)) {
        if (a->nrr == RP_MAX_RR) {
            snprintf(err, errlen, "more than %d records", RP_MAX_RR);
            return -1;
        }
        if (rdata_wire(a->qtype, rec, a->rr[a->nrr], &a->rrlen[a->nrr]) != 0) {
            snprintf(err, errlen, "bad %s record", type);
            return -1;
        }
        a->nrr++;
    }
    return 0;
}

/* ---- answers as libunbound gives them ----------------------------------- */

static size_t put16(uint8_t *p, size_t n, unsigned v)
{
    p[n] = (uint8_t) (v >> 8);
    p[n + 1] = (uint8_t) v;
    return n + 2;
}

/* put_rr - owner, type, class IN, TTL 300, rdata */
static size_t put_rr(uint8_t *p, size_t n, size_t cap, const char *owner, int type, const uint8_t *rd,
                     size_t rdlen)
{
    uint8_t wire[RP_NAME + 2];
    size_t l = name_wire(owner, wire, sizeof(wire));

    if (l == 0 || n + l + 10 + rdlen > cap)
        return 0;
    memcpy(p + n, wire, l);
    n = put16(p, n + l, (unsigned) type);
    n = put16(p, n, 1);
    n = put16(p, n, 0);
    n = put16(p, n, 300);
    n = put16(p, n, (unsigned) rdlen);
    memcpy(p + n, rd, rdlen);
    return n + rdlen;
}

static int rcode_of(const rp_answer *a)
{
    if (a == NULL || a->status == RP_REFUSED)
        return 5;
    if (a->status == RP_SERVFAIL)
        return 2;
    return a->shape == RP_NXDOMAIN ? 3 : 0;
}

/* packet - the response: question, the CNAME records, then the final name's records */
static void packet(struct ub_result *r, const rp_answer *a, int havedata)
{
    static uint8_t p[65535];
    size_t n = 12, i, l;
    uint8_t wire[RP_NAME + 2];
    const char *owner = r->qname;

    memset(p, 0, 12);
    p[2] = 0x81; /* QR RD */
    p[3] = (uint8_t) (0x80 | (r->secure ? 0x20 : 0) | r->rcode);
    p[5] = 1;
    if ((l = name_wire(r->qname, wire, sizeof(wire))) == 0)
        return;
    memcpy(p + n, wire, l);
    n = put16(p, n + l, (unsigned) r->qtype);
    n = put16(p, n, 1);
    for (i = 0; a != NULL && i < a->nchain && n; i++) {
        size_t rl = name_wire(a->chain[i], wire, sizeof(wire));

        n = put_rr(p, n, sizeof(p), owner, 5, wire, rl);
        owner = a->chain[i];
    }
    for (i = 0; havedata && i < a->nrr && n; i++)
        n = put_rr(p, n, sizeof(p), owner, a->qtype, a->rr[i], a->rrlen[i]);
    if (n == 0)
        return;
    put16(p, 6, (unsigned) ((a ? a->nchain : 0) + (havedata ? a->nrr : 0)));
    if ((r->answer_packet = malloc(n)) != NULL) {
        memcpy(r->answer_packet, p, n);
        r->answer_len = (int) n;
    }
}

/* result - what libunbound would hand the callback for (qname, qtype) */
static struct ub_result *result(const rp_answer *a, const char *qname, int qtype)
{
    struct ub_result *r = calloc(1, sizeof(*r));
    int ok = a != NULL && (a->status == RP_SECURE || a->status == RP_INSECURE || a->status == RP_BOGUS ||
                           a->status == RP_LATE);
    size_t i, nrr = ok && a->shape == RP_DATA ? a->nrr : 0;

    if (r == NULL)
        return NULL;
    r->qname = strdup(qname);
    r->qtype = qtype;
    r->qclass = 1;
    r->rcode = rcode_of(a);
    r->nxdomain = r->rcode == 3;
    r->secure = a != NULL && (a->status == RP_SECURE || a->status == RP_LATE);
    r->bogus = a != NULL && a->status == RP_BOGUS;
    if (r->bogus)
        r->why_bogus = strdup("signature crypto failed (scripted)");
    r->havedata = nrr > 0;
    r->ttl = 300;
    r->data = calloc(nrr + 1, sizeof(char *));
    r->len = calloc(nrr + 1, sizeof(int));
    for (i = 0; r->data && r->len && i < nrr; i++) {
        if ((r->data[i] = malloc(a->rrlen[i])) == NULL)
            break;
        memcpy(r->data[i], a->rr[i], a->rrlen[i]);
        r->len[i] = (int) a->rrlen[i];
    }
    if (ok && a->nchain > 0) {
        size_t l = strlen(a->chain[a->nchain - 1]);

        if ((r->canonname = malloc(l + 2)) != NULL)
            snprintf(r->canonname, l + 2, "%s%s", a->chain[a->nchain - 1],
                     a->chain[a->nchain - 1][l - 1] == '.' ? "" : ".");
    }
    if (ok)
        packet(r, a, r->havedata);
    return r;
}

static void deliver(const flight *f)
{
    if (f->a != NULL && f->a->status == RP_FAILED)
        f->cb(f->data, UB_SERVFAIL, NULL);
    else
        f->cb(f->data, 0, result(f->a, f->qname, f->qtype));
}

/* ---- the transport -------------------------------------------------------- */

/* unanswered - a question that waits for the engine's deadline */
static int unanswered(const flight *f)
{
    return f->a != NULL && (f->a->status == RP_TIMEOUT || (f->a->status == RP_LATE && !f->too_late));
}

/* deliver_late - late answers whose cancel was refused arrive now */
static void deliver_late(void)
{
    size_t i = 0;

    while (i < ninflight) {
        flight f = inflight[i];

        if (!f.too_late) {
            i++;
            continue;
        }
        inflight[i] = inflight[--ninflight];
        rp_late_delivered++;
        deliver(&f);
    }
}

int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb, int *id)
{
    const rp_answer *a = find(name, qtype);
    flight f;

    deliver_late();
    if (nasked < RP_MAX_ASKED) {
        snprintf(asked[nasked].qname, RP_NAME, "%s", name);
        asked[nasked].qtype = qtype;
        asked[nasked].scripted = a != NULL;
        nasked++;
    }
    if (ninflight == RP_MAX_ASKED || strlen(name) >= RP_NAME)
        return UB_NOMEM;
    memset(&f, 0, sizeof(f));
    f.ub = ub;
    f.id = next_id++;
    f.data = data;
    f.cb = cb;
    f.a = a;
    snprintf(f.qname, sizeof(f.qname), "%s", name);
    f.qtype = qtype;
    *id = f.id;
    if (rp_sync && !unanswered(&f)) {
        deliver(&f);
        return 0;
    }
    inflight[ninflight++] = f;
    if (pipefd[0] < 0 && pipe(pipefd) == 0) {
        fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
        fcntl(pipefd[1], F_SETFL, O_NONBLOCK);
    }
    if (!unanswered(&f) && write(pipefd[1], "x", 1) < 0)
        return UB_PIPE;
    return 0;
}

/* no chain probe: its hints only warm libunbound's cache, which is scripted */
int dh_transport_probe_open(const char *forwarder)
{
    (void) forwarder;
    return -1;
}

/* hints (prefetch.c) only warm libunbound's cache: nothing to replay */
void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb)
{
    (void) ub;
    (void) name;
    (void) qtype;
    (void) data;
    (void) cb;
}

int dh_transport_fd(struct ub_ctx *ub)
{
    (void) ub;
    return pipefd[0];
}

int dh_transport_process(struct ub_ctx *ub)
{
    char junk[64];
    size_t i = 0;

    (void) ub;
    while (read(pipefd[0], junk, sizeof(junk)) > 0)
        ;
    while (i < ninflight) {
        flight f = inflight[i];

        if (unanswered(&f) || f.too_late) {
            i++; /* the engine's deadline decides; late ones come at the next send */
            continue;
        }
        inflight[i] = inflight[--ninflight];
        deliver(&f);
    }
    return 0;
}

/* dh_transport_delete - as ub_ctx_delete: nothing owed for ub arrives any more */
void dh_transport_delete(struct ub_ctx *ub)
{
    size_t i = 0;

    while (i < ninflight) {
        if (inflight[i].ub == ub)
            inflight[i] = inflight[--ninflight];
        else
            i++;
    }
    ub_ctx_delete(ub);
}

int dh_transport_cancel(struct ub_ctx *ub, int id)
{
    size_t i;

    (void) ub;
    for (i = 0; i < ninflight; i++)
        if (inflight[i].id == id) {
            if (inflight[i].a != NULL && inflight[i].a->status == RP_LATE) {
                /* already on its way: libunbound cannot take it back */
                inflight[i].too_late = 1;
                return UB_NOID;
            }
            inflight[i] = inflight[--ninflight];
            return 0;
        }
    return UB_NOID;
}
