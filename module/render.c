/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * render.c - a decision as JSON, as a readable report, as a log line
 */
#include "render.h"

#include "buf.h"
#include "decision.h"

#define RENDER_LIMIT (4 * 1024 * 1024)

static void json_strings(dh_buf *b, const char *const *v, size_t n)
{
    size_t i;

    dh_buf_add(b, "[");
    for (i = 0; i < n; i++) {
        if (i)
            dh_buf_add(b, ",");
        dh_buf_json_string(b, v[i]);
    }
    dh_buf_add(b, "]");
}

static void json_host(dh_buf *b, const danehop_host *h)
{
    size_t i;

    dh_buf_add(b, "{\"name\":");
    dh_buf_json_string(b, h->name);
    dh_buf_printf(b, ",\"preference\":%u,\"action\":\"%s\",\"base_domain\":", h->preference,
                  danehop_action_name(h->action));
    dh_buf_json_string(b, h->base_domain);
    dh_buf_add(b, ",\"tlsa\":[");
    for (i = 0; i < h->ntlsa; i++) {
        if (i)
            dh_buf_add(b, ",");
        dh_buf_json_string(b, h->tlsa[i].text);
    }
    dh_buf_add(b, "],\"tlsa_unusable\":");
    json_strings(b, h->unusable, h->nunusable);
    dh_buf_add(b, ",\"names\":");
    json_strings(b, h->names, h->nnames);
    dh_buf_add(b, ",\"sni\":");
    dh_buf_json_string(b, h->sni);
    dh_buf_printf(b, ",\"address_secure\":%s,\"addresses\":", h->address_secure ? "true" : "false");
    json_strings(b, h->addrs, h->naddrs);
    dh_buf_add(b, ",\"chain\":[");
    for (i = 0; i < h->nhops; i++) {
        if (i)
            dh_buf_add(b, ",");
        dh_buf_add(b, "{\"name\":");
        dh_buf_json_string(b, h->hops[i].name);
        dh_buf_add(b, ",\"cname\":");
        dh_buf_json_string(b, h->hops[i].cname);
        dh_buf_printf(b, ",\"secure\":%s}",
                      h->hops[i].secure < 0 ? "null"
                      : h->hops[i].secure   ? "true"
                                            : "false");
    }
    dh_buf_add(b, "],\"reason\":");
    dh_buf_json_string(b, danehop_host_reason(h));
    dh_buf_printf(b, ",\"error\":\"%s\",\"mandatory\":%s}", danehop_error_name(danehop_host_error(h)),
                  h->mandatory ? "true" : "false");
}

char *danehop_decision_json(const danehop_decision *d)
{
    dh_buf b;
    size_t i;

    dh_buf_init(&b, RENDER_LIMIT);
    dh_buf_add(&b, "{\"domain\":");
    dh_buf_json_string(&b, d->domain);
    dh_buf_printf(&b, ",\"port\":%u,\"policy\":\"%s\",\"status\":\"%s\",\"mx_secure\":%s", d->port,
                  d->policy == DANEHOP_POLICY_MANDATORY ? "mandatory" : "opportunistic",
                  danehop_status_name(d->status), d->mx_secure ? "true" : "false");
    dh_buf_add(&b, ",\"mx_owner\":");
    dh_buf_json_string(&b, d->mx_owner);
    dh_buf_printf(&b, ",\"implicit_mx\":%s,\"exempt\":%s,\"rounds\":%u,\"source\":\"%s\",\"rule\":",
                  d->implicit_mx ? "true" : "false", d->exempt ? "true" : "false", d->rounds,
                  d->from_daemon ? "daemon" : "local");
    dh_buf_json_string(&b, d->rule);
    dh_buf_add(&b, ",\"reason\":");
    dh_buf_json_string(&b, danehop_decision_reason(d));
    dh_buf_printf(&b, ",\"error\":\"%s\"", danehop_error_name(danehop_decision_error(d)));
    dh_buf_add(&b, ",\"hosts\":[");
    for (i = 0; i < d->nhosts; i++) {
        if (i)
            dh_buf_add(&b, ",");
        json_host(&b, &d->hosts[i]);
    }
    dh_buf_add(&b, "],\"queries\":[");
    for (i = 0; i < d->nqueries; i++) {
        const dh_query_log *q = &d->queries[i];

        if (i)
            dh_buf_add(&b, ",");
        dh_buf_printf(&b, "{\"round\":%u,\"name\":", q->round);
        dh_buf_json_string(&b, q->name);
        dh_buf_printf(&b, ",\"type\":\"%s\",\"result\":", q->type);
        dh_buf_json_string(&b, q->result);
        dh_buf_add(&b, "}");
    }
    dh_buf_add(&b, "]}\n");
    return dh_buf_finish(&b);
}

static const char *secure_word(int s) { return s < 0 ? "unknown" : s ? "secure" : "insecure"; }

char *danehop_decision_text(const danehop_decision *d)
{
    dh_buf b;
    size_t i, k;

    dh_buf_init(&b, RENDER_LIMIT);
    if (d->domain)
        dh_buf_printf(&b, "domain %s (port %u, %s DANE): %s\n", d->domain, d->port,
                      d->policy == DANEHOP_POLICY_MANDATORY ? "mandatory" : "opportunistic",
                      danehop_status_name(d->status));
    else
        dh_buf_printf(&b, "host %s (port %u, %s DANE): %s\n", d->host_request ? d->host_request : "", d->port,
                      d->policy == DANEHOP_POLICY_MANDATORY ? "mandatory" : "opportunistic",
                      danehop_status_name(d->status));
    if (d->reason)
        dh_buf_printf(&b, "  %s\n", d->reason);
    if (d->rule && !d->exempt)
        dh_buf_printf(&b, "  policy: %s\n", d->rule);
    for (i = 0; i < d->nhosts; i++) {
        const danehop_host *h = &d->hosts[i];

        dh_buf_printf(&b, "\n");
        if (d->domain && !d->implicit_mx && d->host_request == NULL)
            dh_buf_printf(&b, "MX %u %s\n", h->preference, h->name);
        else
            dh_buf_printf(&b, "host %s\n", h->name);
        dh_buf_printf(&b, "  decision:    %s\n", danehop_action_name(h->action));
        dh_buf_printf(&b, "  why:         %s\n", danehop_host_reason(h));
        for (k = 0; k < h->nhops; k++) {
            const dh_hop *p = &h->hops[k];

            if (p->cname)
                dh_buf_printf(&b, "  chain:       %s CNAME %s (%s)\n", p->name, p->cname,
                              secure_word(p->secure));
            else
                dh_buf_printf(&b, "  chain:       %s addresses (%s)\n", p->name, secure_word(p->secure));
        }
        if (h->naddrs) {
            dh_buf_add(&b, "  addresses:  ");
            for (k = 0; k < h->naddrs; k++)
                dh_buf_printf(&b, " %s", h->addrs[k]);
            dh_buf_add(&b, "\n");
        }
        if (h->base_domain)
            dh_buf_printf(&b, "  base domain: %s\n", h->base_domain);
        if (h->sni)
            dh_buf_printf(&b, "  SNI:         %s\n", h->sni);
        for (k = 0; k < h->ntlsa; k++)
            dh_buf_printf(&b, "  TLSA:        %s\n", h->tlsa[k].text);
        for (k = 0; k < h->nunusable; k++)
            dh_buf_printf(&b, "  not used:    %s\n", h->unusable[k]);
        if (h->nnames) {
            dh_buf_add(&b, "  names:      ");
            for (k = 0; k < h->nnames; k++)
                dh_buf_printf(&b, " %s", h->names[k]);
            dh_buf_add(&b, "  (DANE-TA name checks)\n");
        }
    }
    dh_buf_printf(&b, "\n%u round%s of DNS queries, %zu quer%s\n", d->rounds, d->rounds == 1 ? "" : "s",
                  d->nqueries, d->nqueries == 1 ? "y" : "ies");
    return dh_buf_finish(&b);
}

char *danehop_host_log_line(const danehop_decision *d, size_t i)
{
    const danehop_host *h = danehop_decision_host(d, i);
    dh_buf b;

    dh_buf_init(&b, 8192);
    if (h == NULL) {
        dh_buf_printf(&b, "danehop: domain=%s status=%s reason=\"%s\"", d->domain ? d->domain : "-",
                      danehop_status_name(d->status), danehop_decision_reason(d));
        if (d->from_daemon)
            dh_buf_add(&b, " source=daemon");
        return dh_buf_finish(&b);
    }
    dh_buf_printf(&b, "danehop: domain=%s host=%s base=%s decision=%s mx=%s reason=\"%s\"",
                  d->domain ? d->domain : "-", h->name, h->base_domain ? h->base_domain : "-",
                  danehop_action_name(h->action),
                  d->domain == NULL || d->implicit_mx ? "none"
                  : d->mx_secure                      ? "secure"
                                                      : "insecure",
                  danehop_host_reason(h));
    if (d->from_daemon)
        dh_buf_add(&b, " source=daemon");
    return dh_buf_finish(&b);
}
