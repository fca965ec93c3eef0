/* SPDX-License-Identifier: BSD-2-Clause */
/* test_api.c - the run-time function table */
#include <string.h>

#include "danehop.h"
#include "tap.h"

int main(void)
{
    const danehop_api_v0 *api = danehop_api(DANEHOP_ABI_VERSION);
    danehop_ctx *ctx;

    ok(api != NULL, "ABI %d is served", DANEHOP_ABI_VERSION);
    if (api == NULL)
        return done_testing();
    is_int(api->abi, DANEHOP_ABI_VERSION, "the table names its ABI");
    is_int(api->size, sizeof(danehop_api_v0), "the table names its size");
    ok(api->resolve == danehop_resolve && api->ssl_apply == danehop_ssl_apply &&
           api->log_line == danehop_log_line,
       "entries are the library's functions");
    ok(api->version() == danehop_version(), "calls through the table work");
    ctx = api->ctx_new();
    ok(ctx != NULL && api->ctx_set_timeouts(ctx, 5, 1) == -1 && *api->ctx_error(ctx) != '\0',
       "a context through the table, with its errors");
    ok(api->ctx_error_code(ctx) == DANEHOP_E_CONFIG, "a bad setting is a configuration error (code)");
    {
        danehop_decision *d = NULL;

        ok(api->resolve(ctx, "a..example", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) == -1 &&
               d == NULL && api->ctx_error_code(ctx) == DANEHOP_E_INPUT,
           "a malformed name is bad input (code), not a configuration error");
        ok(api->resolve(ctx, NULL, "192.0.2.1", 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) == -1 &&
               api->ctx_error_code(ctx) == DANEHOP_E_INPUT,
           "an address literal is bad input (code)");
        ok(api->resolve(ctx, "example.com", NULL, 0, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) == -1 &&
               api->ctx_error_code(ctx) == DANEHOP_E_INPUT,
           "port 0 is bad input (code)");
    }
    ok(strcmp(api->error_name(DANEHOP_E_OK), "ok") == 0 &&
           strcmp(api->error_name(DANEHOP_E_DNS), "dns") == 0 &&
           strcmp(api->error_name(DANEHOP_E_TIMEOUT), "timeout") == 0 &&
           strcmp(api->error_name(DANEHOP_E_INPUT), "input") == 0 &&
           strcmp(api->error_name((danehop_error) 99), "internal") == 0,
       "error names, and an unknown code is internal");
    ok(api->decision_error == danehop_decision_error && api->host_error == danehop_host_error &&
           api->host_mandatory == danehop_host_mandatory,
       "the error-code accessors are in the table");
    api->ctx_free(ctx);
    ok(danehop_api(DANEHOP_ABI_VERSION + 1) == NULL && danehop_api(DANEHOP_ABI_VERSION + 100) == NULL,
       "unknown ABI versions get NULL");
    return done_testing();
}
