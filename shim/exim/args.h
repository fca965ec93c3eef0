/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * args.h - the Exim module's ${dlfunc} arguments: one connection
 *
 * Every entry point of danehop_exim.so names the connection with four
 * expanded strings: {$domain}{$host}{$host_address}{PORT:CONFIG}, where
 * $domain may be "[relay]" (an administrator's relay, danehop-relay-
 * transport.conf). They come from Exim, from its unvalidated DNS and from
 * the configuration: bounded and checked here, before anything else sees
 * them.
 */
#ifndef DANEHOP_EXIM_ARGS_H
#define DANEHOP_EXIM_ARGS_H

#include <stddef.h>

/* longest $domain, $host, $host_address and CONFIG accepted */
#define DH_EXIM_ARG_MAX 1023

typedef struct dh_exim_conn {
    const char *domain, *host, *address; /* point into argv */
    unsigned port;
    const char *config; /* CONFIG, or the default */
} dh_exim_conn;

/*
 * dh_exim_parse_conn - the connection at argv[i..i+3]; config_default when
 * CONFIG is empty. Returns 0, or -1 (too few arguments, a bad port, an
 * over-long argument, a control character in a name or address).
 */
int dh_exim_parse_conn(dh_exim_conn *c, int argc, unsigned char *argv[], int i, const char *config_default);
/* dh_exim_relay_name - the relay in "[relay]" copied to buf, or NULL when domain is not one */
const char *dh_exim_relay_name(const char *domain, char *buf, size_t size);

#endif
