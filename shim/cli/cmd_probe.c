/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_probe.c - "danehop probe": resolve, connect, STARTTLS, verify, report
 *
 *   danehop probe [--port N] [--json] [--io-timeout S] [resolver options] DOMAIN
 *   danehop probe ... --host HOST [DOMAIN]
 *   (every option: options.c)
 *
 * For each address of each MX host that DANE decided for (dane, encrypt,
 * may): EHLO, STARTTLS, a TLS handshake set up exactly as an MTA should
 * (danehop_ssl_apply: SNI = base domain, the TLSA records, reference names),
 * then what was negotiated, what matched, whether the certificate names
 * every MX name that routes to this address (DANE-TA needs that), and
 * whether the TLSA RRset allows a safe key rollover.
 *
 * Exit status: 0 every probed address did what its decision requires,
 * 2 an address failed (no TLS where required, or not authenticated), 75 the
 * domain's decision is defer, 1 usage or set-up error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "danehop.h"
#include "json_out.h"
#include "options.h"
#include "probe_addr.h"

static const char *rollover(const danehop_host *h)
{
    if (danehop_host_action(h) != DANEHOP_ACTION_DANE)
        return NULL;
    if (danehop_host_tlsa_count(h) >= 2)
        return "ready: more than one usable TLSA record";
    return "one TLSA record only: no safe key rollover; publish \"3 1 1\" for the current key and "
           "the next one, or \"3 1 1\" beside \"2 1 1\" for the issuing CA";
}

static void print_text(const probe_result *r, const danehop_host *h)
{
    const char *roll = rollover(h);

    printf("\n%s [%s] (%s): %s\n", r->host, r->address, r->action, r->required_ok ? "OK" : "FAILED");
    if (r->tls)
        printf("  TLS:         %s, %s\n", r->protocol, r->cipher);
    if (danehop_host_sni(h))
        printf("  SNI:         %s\n", danehop_host_sni(h));
    if (*r->match)
        printf("  matched:     TLSA %s\n", r->match);
    if (*r->error)
        printf("  problem:     %s\n", r->error);
    if (*r->names_text)
        printf("  MX names in the certificate: %s\n", r->names_text);
    if (roll)
        printf("  rollover:    %s\n", roll);
}

static void print_json(const probe_result *r, const danehop_host *h, int first)
{
    const char *roll = rollover(h);

    printf("%s{\"host\":\"%s\",\"address\":\"%s\",\"action\":\"%s\",\"ok\":%s,\"tls\":%s,", first ? "" : ",",
           r->host, r->address, r->action, r->required_ok ? "true" : "false", r->tls ? "true" : "false");
    printf("\"protocol\":%s%s%s,\"cipher\":%s%s%s,", r->tls ? "\"" : "", r->tls ? r->protocol : "null",
           r->tls ? "\"" : "", r->tls ? "\"" : "", r->tls ? r->cipher : "null", r->tls ? "\"" : "");
    printf("\"sni\":");
    json_print_string(danehop_host_sni(h));
    printf(",\"authenticated\":%s,\"match\":", r->authenticated ? "true" : "false");
    json_print_string(*r->match ? r->match : NULL);
    printf(",\"error\":");
    json_print_string(*r->error ? r->error : NULL);
    printf(",\"mx_names\":%s,\"rollover\":", r->names);
    json_print_string(roll);
    printf("}");
}

int cmd_probe(int argc, char **argv)
{
    danehop_ctx *ctx;
    danehop_decision *d = NULL;
    const char *host = NULL, *domain = NULL;
    unsigned long port = 25, io = 10;
    int json = 0, c, rc = CLI_EXIT_USAGE, failed = 0, first = 1;
    cli_parser p;
    size_t i, k;

    if ((rc = cli_begin(&p, "probe", 1, argc, argv)) != CLI_GO_ON)
        return rc;
    ctx = p.ctx;
    rc = CLI_EXIT_USAGE;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case OPT_JSON: json = 1; break;
        case OPT_HOST: host = optarg; break;
        case OPT_PORT:
            if (cli_parse_port(&p, optarg, &port) != 0)
                goto out;
            break;
        case OPT_IO_TIMEOUT:
            if (cli_parse_uint(optarg, 300, &io) != 0 || io == 0) {
                cli_error(&p, "--io-timeout %s: seconds, 1 to 300", optarg);
                goto out;
            }
            break;
        default: break;
        }
    }
    if (c < 0 || cli_domain_operand(&p, host, &domain) != 0)
        goto out;
    if (danehop_resolve(ctx, domain, host, (unsigned) port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        cli_error(&p, "%s", danehop_ctx_error(ctx));
        goto out;
    }
    if (json) {
        printf("{\"domain\":");
        json_print_string(danehop_decision_domain(d));
        printf(",\"status\":\"%s\",\"reason\":", danehop_status_name(danehop_decision_status(d)));
        json_print_string(danehop_decision_reason(d));
        printf(",\"probes\":[");
    } else {
        printf("%s: %s (%s)\n", domain ? domain : host, danehop_status_name(danehop_decision_status(d)),
               danehop_decision_reason(d));
    }
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        danehop_action a = danehop_host_action(h);

        if (a == DANEHOP_ACTION_DEFER || a == DANEHOP_ACTION_NOADDRESS) {
            if (!json)
                printf("\n%s: %s, not probed (%s)\n", danehop_host_name(h), danehop_action_name(a),
                       danehop_host_reason(h));
            continue;
        }
        for (k = 0; k < danehop_host_address_count(h) && k < MAX_ADDRS; k++) {
            probe_result r;

            probe_address(&r, d, h, danehop_host_address(h, k), (unsigned) port, (int) io);
            failed |= !r.required_ok;
            if (json)
                print_json(&r, h, first);
            else
                print_text(&r, h);
            first = 0;
        }
    }
    if (json)
        printf("]}\n");
    rc = danehop_decision_status(d) == DANEHOP_STATUS_DEFER ? CLI_EXIT_TEMPFAIL
         : failed                                           ? CLI_EXIT_NOTAUTH
                                                            : CLI_EXIT_OK;
out:
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return rc;
}
