/* SPDX-License-Identifier: BSD-2-Clause */
/* test_stats.c - danehopd's counters: classes, histogram, exposition format (no root, no DNS) */
#include <stdlib.h>

#include "decision.h"
#include "stats.h"
#include "tap.h"

/* decision - a decided domain with hosts of the given actions and reasons */
static danehop_decision *decision(danehop_status st, const char *reason, size_t n, const danehop_action *a,
                                  const char *const *why)
{
    danehop_decision *d = dh_decision_new();
    size_t i;

    d->status = st;
    d->reason = reason;
    d->hosts = dh_arena_alloc(d->arena, (n ? n : 1) * sizeof(*d->hosts));
    d->nhosts = n;
    for (i = 0; i < n; i++) {
        d->hosts[i].name = "mx.example";
        d->hosts[i].action = a[i];
        d->hosts[i].reason = why[i];
    }
    return d;
}

static int has(const char *text, const char *line) { return strstr(text, line) != NULL; }

int main(void)
{
    static const danehop_action acts[] = {DANEHOP_ACTION_DANE, DANEHOP_ACTION_MAY, DANEHOP_ACTION_DEFER,
                                          DANEHOP_ACTION_DEFER, DANEHOP_ACTION_NOADDRESS};
    static const char *const why[] = {
        "secure TLSA RRset at _25._tcp.mx.example with 1 usable record",
        "no secure TLSA records at mx.example: DANE does not apply, opportunistic TLS",
        "TLSA lookup at _25._tcp.mx.example failed (DNSSEC validation failed (bogus): sig expired)",
        "mandatory DANE (rule at line 3: dane-only), but no secure TLSA records",
        "mx.example has no A or AAAA records",
    };
    danehop_decision *d =
        decision(DANEHOP_STATUS_OK, "MX RRset of example is DNSSEC-signed (secure)", 5, acts, why);
    danehop_decision *t = decision(
        DANEHOP_STATUS_DEFER,
        "MX lookup for example failed (no answer in time (timeout)): delivery must wait", 0, NULL, NULL);
    char *text = malloc(200000);
    size_t n;

    ok(stats_map("tlspolicy example.com", 21) == ST_MAP_TLSPOLICY, "map by its first word");
    ok(stats_map("tlspolicyx example.com", 22) == ST_MAP_OTHER,
       "an unknown map is \"other\", never the client's word");
    ok(stats_reply("NOTFOUND ") == ST_REPLY_NOTFOUND && stats_reply("TEMP x") == ST_REPLY_TEMP &&
           stats_reply("OK dane") == ST_REPLY_OK && stats_reply("OKAY") == ST_REPLY_PERM,
       "reply classes by their first word");
    stats_start();
    stats_decision(d);
    stats_decision(t);
    stats_reused();
    stats_check_reused();
    stats_check_reused();
    stats_request(ST_MAP_TLSPOLICY, ST_REPLY_OK, 0.0003);
    stats_request(ST_MAP_TLSPOLICY, ST_REPLY_OK, 0.2);
    stats_request(ST_MAP_TLSPOLICY, ST_REPLY_TIMEOUT, 40);
    stats_error(ST_ERR_REQUEST_TIMEOUT);
    stats_set_clients(7, 4096);
    n = stats_render(text, 200000);
    ok(n > 0, "the counters render");
    ok(has(text, "# TYPE danehopd_requests_total counter\n"), "TYPE lines");
    ok(has(text, "danehopd_requests_total{map=\"tlspolicy\",reply=\"OK\"} 2\n"),
       "requests per map and reply");
    ok(has(text, "danehopd_requests_total{map=\"tlspolicy\",reply=\"TIMEOUT\"} 1\n"), "... TIMEOUT apart");
    ok(has(text, "danehopd_request_duration_seconds_bucket{map=\"tlspolicy\",le=\"0.0005\"} 1\n"),
       "histogram: cumulative buckets");
    ok(has(text, "danehopd_request_duration_seconds_bucket{map=\"tlspolicy\",le=\"0.25\"} 2\n"),
       "... growing");
    ok(has(text, "danehopd_request_duration_seconds_bucket{map=\"tlspolicy\",le=\"30\"} 2\n") &&
           has(text, "danehopd_request_duration_seconds_bucket{map=\"tlspolicy\",le=\"+Inf\"} 3\n") &&
           has(text, "danehopd_request_duration_seconds_count{map=\"tlspolicy\"} 3\n"),
       "... past the last bucket only in +Inf, and the count");
    ok(has(text, "danehopd_decisions_total{status=\"ok\",reason=\"decided\"} 1\n"), "a decided domain");
    ok(has(text, "danehopd_decisions_total{status=\"defer\",reason=\"timeout\"} 1\n"),
       "a deferred domain, by cause");
    ok(has(text, "danehopd_host_decisions_total{action=\"dane\",reason=\"secure_tlsa\"} 1\n"), "host: dane");
    ok(has(text, "danehopd_host_decisions_total{action=\"may\",reason=\"no_tlsa\"} 1\n"),
       "host: may, no TLSA");
    ok(has(text, "danehopd_host_decisions_total{action=\"defer\",reason=\"bogus\"} 1\n"),
       "host: defer, bogus");
    ok(has(text, "danehopd_host_decisions_total{action=\"defer\",reason=\"mandatory\"} 1\n"),
       "host: defer, mandatory DANE");
    ok(has(text, "danehopd_host_decisions_total{action=\"noaddress\",reason=\"noaddress\"} 1\n"),
       "host: noaddress");
    ok(has(text, "danehopd_decisions_reused_total 1\n"), "reused decisions");
    ok(has(text, "danehopd_chain_checks_reused_total 2\n"), "chain checks answered from the verdict table");
    ok(has(text, "danehopd_errors_total{error=\"request_timeout\"} 1\n") &&
           has(text, "danehopd_errors_total{error=\"refused\"} 0\n"),
       "errors per kind, zeros included");
    ok(has(text, "danehopd_clients 7\n") && has(text, "danehopd_clients_limit 4096\n"), "gauges");
    ok(stats_render(text, 100) == 0, "a buffer too small: nothing, not half a text");
    danehop_decision_free(d);
    danehop_decision_free(t);
    free(text);
    return done_testing();
}
