/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_walk.c - table B of the decision notes, fed with answers a lab zone
 * cannot produce on demand (a CNAME query failing while the address query
 * succeeds, answers that disagree, families that disagree on security).
 * The answers go through the same classification as libunbound's.
 */
#include <stdlib.h>
#include <unbound.h>

#include "tap.h"
#include "walk.h"

/* a response packet for qname A: qname CNAME target, target A 127.0.0.9 */
static size_t alias_packet(uint8_t *p, const char *qname, const char *target)
{
    size_t n = 12, qoff = 12, len;
    const char *s;

    memset(p, 0, 12);
    p[5] = 1;
    p[7] = 1;
    for (s = qname; *s;) {
        const char *dot = strchr(s, '.');
        len = dot ? (size_t) (dot - s) : strlen(s);
        p[n++] = (uint8_t) len;
        memcpy(p + n, s, len);
        n += len;
        s += len + (dot ? 1 : 0);
    }
    p[n++] = 0;
    p[n++] = 0, p[n++] = 1, p[n++] = 0, p[n++] = 1;
    p[n++] = 0xc0, p[n++] = (uint8_t) qoff;
    p[n++] = 0, p[n++] = 5, p[n++] = 0, p[n++] = 1, p[n++] = 0, p[n++] = 0, p[n++] = 0, p[n++] = 60;
    len = strlen(target) + 2;
    p[n++] = 0, p[n++] = (uint8_t) len;
    for (s = target; *s;) {
        const char *dot = strchr(s, '.');
        size_t l = dot ? (size_t) (dot - s) : strlen(s);
        p[n++] = (uint8_t) l;
        memcpy(p + n, s, l);
        n += l;
        s += l + (dot ? 1 : 0);
    }
    p[n++] = 0;
    return n;
}

typedef struct spec {
    int rcode; /* 0, 2 (SERVFAIL), 3 */
    int data;  /* records present */
    int secure;
    int bogus;
    const char *alias_to; /* CNAME target shown in the packet, or NULL */
} spec;

static struct ub_result *result(const char *qname, int qtype, spec s)
{
    struct ub_result *r = calloc(1, sizeof(*r));
    uint8_t pkt[512];

    r->qname = strdup(qname);
    r->qtype = qtype;
    r->qclass = 1;
    r->rcode = s.rcode;
    r->secure = s.secure;
    r->bogus = s.bogus;
    r->havedata = s.data;
    r->nxdomain = s.rcode == 3;
    r->data = calloc(2, sizeof(char *));
    r->len = calloc(2, sizeof(int));
    if (s.data) {
        if (qtype == DH_T_A) {
            r->data[0] = malloc(4);
            memcpy(r->data[0], "\x7f\x00\x00\x09", 4);
            r->len[0] = 4;
        } else if (qtype == DH_T_AAAA) {
            r->data[0] = calloc(1, 16);
            r->data[0][15] = 1;
            r->len[0] = 16;
        } else {
            r->data[0] = malloc(3);
            memcpy(r->data[0], "\x01x\x00", 3);
            r->len[0] = 3;
        }
    }
    if (s.alias_to && qtype != DH_T_CNAME) {
        size_t n = alias_packet(pkt, qname, s.alias_to);
        r->answer_packet = malloc(n);
        memcpy(r->answer_packet, pkt, n);
        r->answer_len = (int) n;
        r->canonname = strdup(s.alias_to);
    }
    return r;
}

typedef struct outcome {
    int decided;
    danehop_action action;
    size_t ncand;
    size_t naddrs;
    const char *reason;
} outcome;

static outcome walk(spec a, spec aaaa, spec cname)
{
    static danehop_decision *d;
    dh_batch *b = dh_batch_new();
    dh_host_work *w = calloc(1, sizeof(*w));
    outcome o;

    if (d)
        danehop_decision_free(d);
    d = dh_decision_new();
    d->hosts = dh_arena_alloc(d->arena, sizeof(*d->hosts));
    w->out = &d->hosts[0];
    strcpy(w->name, "mx.example.com");
    dh_walk_queue(w, b);
    dh_batch_deliver(b, w->ia, 0, result(w->name, DH_T_A, a));
    dh_batch_deliver(b, w->iaaaa, 0, result(w->name, DH_T_AAAA, aaaa));
    dh_batch_deliver(b, w->icname, 0, result(w->name, DH_T_CNAME, cname));
    dh_walk(d, w, b);
    o.decided = w->decided;
    o.action = w->out->action;
    o.ncand = w->ncand;
    o.naddrs = w->out->naddrs;
    o.reason = w->out->reason ? w->out->reason : "";
    dh_batch_free(b);
    free(w);
    return o;
}

int main(void)
{
    const spec sec = {0, 1, 1, 0, NULL}, insec = {0, 1, 0, 0, NULL};
    const spec nodata_sec = {0, 0, 1, 0, NULL}, nodata_insec = {0, 0, 0, 0, NULL};
    const spec servfail = {2, 0, 0, 0, NULL}, bogus = {0, 1, 0, 1, NULL};
    const spec alias_insec = {0, 1, 0, 0, "smtp.example.org"};
    const spec alias_sec = {0, 1, 1, 0, "mx.example.net"};
    const spec cname_sec = {0, 1, 1, 0, NULL}, cname_insec = {0, 1, 0, 0, NULL};
    outcome o;

    o = walk(sec, nodata_sec, nodata_sec);
    ok(!o.decided && o.ncand == 1, "B3: secure, not an alias: one candidate");

    o = walk(alias_sec, nodata_sec, cname_sec);
    ok(!o.decided && o.ncand == 2, "B4: secure chain: candidates F and H");

    o = walk(insec, nodata_insec, nodata_insec);
    ok(o.decided && o.action == DANEHOP_ACTION_MAY, "B5: insecure, not an alias: may");

    o = walk(alias_insec, nodata_insec, cname_sec);
    ok(!o.decided && o.ncand == 1, "B6: insecure chain, secure CNAME at H: candidate H");

    o = walk(alias_insec, nodata_insec, cname_insec);
    ok(o.decided && o.action == DANEHOP_ACTION_MAY, "B7: insecure CNAME at H: may");

    o = walk(alias_insec, nodata_insec, servfail);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "B8: CNAME query fails: defer");
    ok(strstr(o.reason, "CNAME lookup") != NULL, "B8 reason names the CNAME lookup");

    o = walk(alias_insec, nodata_insec, bogus);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "B8: CNAME query bogus: defer");

    o = walk(alias_insec, nodata_insec, nodata_sec);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "B9: no longer a CNAME: defer");

    o = walk(servfail, servfail, nodata_sec);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "B1: both families fail: defer");

    o = walk(bogus, bogus, nodata_sec);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "B1: both families bogus: defer");

    o = walk(nodata_sec, (spec){3, 0, 1, 0, NULL}, nodata_sec);
    ok(o.decided && o.action == DANEHOP_ACTION_NOADDRESS, "B2: no addresses: noaddress");

    o = walk(nodata_sec, servfail, nodata_sec);
    ok(o.decided && o.action == DANEHOP_ACTION_DEFER, "NODATA plus a failure: defer, not noaddress");

    o = walk(sec, insec, nodata_sec);
    ok(!o.decided && o.ncand == 1 && o.naddrs == 1, "B10: A secure, AAAA insecure: IPv4 only, DANE");
    ok(strstr(o.reason, "IPv6 addresses left out") != NULL, "B10 reason says IPv6 was left out");

    o = walk(insec, sec, nodata_sec);
    ok(!o.decided && o.ncand == 1 && o.naddrs == 1, "B10: AAAA secure, A insecure: IPv6 only, DANE");

    o = walk(sec, servfail, nodata_sec);
    ok(!o.decided && o.naddrs == 1, "one family fails: the other is used");
    ok(strstr(o.reason, "IPv6 addresses left out") != NULL, "and the reason says so");

    o = walk(bogus, sec, nodata_sec);
    ok(!o.decided && o.naddrs == 1, "bogus A is never used as data");
    return done_testing();
}
