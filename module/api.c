/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * api.c - the function table for MTAs that load danehop at run time
 *
 * One exported data-free entry point (danehop_api) hands out every public
 * function, so a caller needs one dlsym and no link-time dependency.
 */
#include "danehop.h"

int danehop_abi_version(void) { return DANEHOP_ABI_VERSION; }

const char *danehop_version(void) { return PACKAGE_VERSION; }

static const danehop_api_v0 table = {
    .abi = DANEHOP_ABI_VERSION,
    .size = sizeof(danehop_api_v0),
    .abi_version = danehop_abi_version,
    .version = danehop_version,
    .ctx_new = danehop_ctx_new,
    .ctx_free = danehop_ctx_free,
    .ctx_set_unbound_conf = danehop_ctx_set_unbound_conf,
    .ctx_set_trust_anchor = danehop_ctx_set_trust_anchor,
    .ctx_add_forwarder = danehop_ctx_add_forwarder,
    .ctx_set_resolv_conf = danehop_ctx_set_resolv_conf,
    .ctx_set_recursion = danehop_ctx_set_recursion,
    .ctx_set_timeouts = danehop_ctx_set_timeouts,
    .ctx_set_cache_size = danehop_ctx_set_cache_size,
    .ctx_load_config = danehop_ctx_load_config,
    .ctx_watch_config = danehop_ctx_watch_config,
    .ctx_describe = danehop_ctx_describe,
    .ctx_error = danehop_ctx_error,
    .resolve = danehop_resolve,
    .decision_free = danehop_decision_free,
    .decision_status = danehop_decision_status,
    .status_name = danehop_status_name,
    .decision_domain = danehop_decision_domain,
    .decision_mx_secure = danehop_decision_mx_secure,
    .decision_reason = danehop_decision_reason,
    .decision_port = danehop_decision_port,
    .decision_rounds = danehop_decision_rounds,
    .decision_query_count = danehop_decision_query_count,
    .decision_query = danehop_decision_query,
    .decision_host_count = danehop_decision_host_count,
    .decision_host = danehop_decision_host,
    .action_name = danehop_action_name,
    .host_name = danehop_host_name,
    .host_preference = danehop_host_preference,
    .host_action = danehop_host_action,
    .host_reason = danehop_host_reason,
    .host_base_domain = danehop_host_base_domain,
    .host_sni = danehop_host_sni,
    .host_address_secure = danehop_host_address_secure,
    .host_tlsa_count = danehop_host_tlsa_count,
    .host_tlsa = danehop_host_tlsa,
    .host_tlsa_text = danehop_host_tlsa_text,
    .host_unusable_count = danehop_host_unusable_count,
    .host_unusable_text = danehop_host_unusable_text,
    .host_name_count = danehop_host_name_count,
    .host_refname = danehop_host_refname,
    .host_address_count = danehop_host_address_count,
    .host_address = danehop_host_address,
    .host_hop_count = danehop_host_hop_count,
    .host_hop = danehop_host_hop,
    .verify = danehop_verify,
    .verify_host = danehop_verify_host,
    .verdict_authenticated = danehop_verdict_authenticated,
    .verdict_reason = danehop_verdict_reason,
    .verdict_match = danehop_verdict_match,
    .verdict_peername = danehop_verdict_peername,
    .verdict_free = danehop_verdict_free,
    .ssl_apply = danehop_ssl_apply,
    .decision_json = danehop_decision_json,
    .decision_text = danehop_decision_text,
    .host_log_line = danehop_host_log_line,
    .string_free = danehop_string_free,
    .log_decision = danehop_log_decision,
    .log_line = danehop_log_line,
    .decision_match = danehop_decision_match,
    .match_name = danehop_match_name,
    .ctx_error_code = danehop_ctx_error_code,
    .error_name = danehop_error_name,
    .decision_error = danehop_decision_error,
    .host_error = danehop_host_error,
    .host_mandatory = danehop_host_mandatory,
};

/* one generation per SONAME: a library serves the table of its own ABI only */
const danehop_api_v0 *danehop_api(unsigned abi_version)
{
    return abi_version == DANEHOP_ABI_VERSION ? &table : NULL;
}
