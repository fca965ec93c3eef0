/* SPDX-License-Identifier: BSD-2-Clause */
/* test_api.c - the run-time function table */
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
    api->ctx_free(ctx);
    ok(danehop_api(DANEHOP_ABI_VERSION + 1) == NULL && danehop_api(DANEHOP_ABI_VERSION + 100) == NULL,
       "unknown ABI versions get NULL");
    return done_testing();
}
