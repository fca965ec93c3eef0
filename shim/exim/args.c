/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * args.c - the Exim module's ${dlfunc} arguments: one connection
 *
 * SYNOPSIS
 *   #include "args.h"
 *
 * DESCRIPTION
 *   {$domain}{$host}{$host_address}{PORT:CONFIG} as Exim expands them.
 *   The strings end up in danehop's lookups, in a per-process cache key,
 *   in log lines and in the seal of a continued connection, so each is
 *   bounded, and names and addresses may hold no control character (a
 *   newline could forge a log line). Exim gives empty $host and
 *   $host_address when it compares the helo_data of a waiting message;
 *   those are accepted here and recognised by the caller.
 *
 * DIAGNOSTICS
 *   -1 on anything unusable: the entry points then fail closed.
 */
#include "args.h"

#include <stdlib.h>
#include <string.h>

/* plain - bounded, and free of control characters */
static int plain(const char *s)
{
    size_t n;

    for (n = 0; s[n] != '\0'; n++)
        if (n >= DH_EXIM_ARG_MAX || (unsigned char) s[n] < 0x20 || s[n] == 0x7f)
            return 0;
    return 1;
}

int dh_exim_parse_conn(dh_exim_conn *c, int argc, unsigned char *argv[], int i, const char *config_default)
{
    const char *pc;
    char *end;
    unsigned long port;

    if (i < 0 || argc < i + 4 || argv == NULL)
        return -1;
    c->domain = (const char *) argv[i];
    c->host = (const char *) argv[i + 1];
    c->address = (const char *) argv[i + 2];
    pc = (const char *) argv[i + 3];
    if (c->domain == NULL || c->host == NULL || c->address == NULL || pc == NULL)
        return -1;
    if (!plain(c->domain) || !plain(c->host) || !plain(c->address))
        return -1;
    if (*pc < '0' || *pc > '9')
        return -1; /* strtoul would take a sign or blanks */
    port = strtoul(pc, &end, 10);
    if (port < 1 || port > 65535 || (*end != '\0' && *end != ':'))
        return -1;
    c->port = (unsigned) port;
    c->config = *end == ':' && end[1] ? end + 1 : config_default;
    if (strlen(c->config) > DH_EXIM_ARG_MAX)
        return -1;
    return 0;
}

const char *dh_exim_relay_name(const char *domain, char *buf, size_t size)
{
    size_t len = strlen(domain);

    if (len < 3 || domain[0] != '[' || domain[len - 1] != ']' || len - 2 >= size)
        return NULL;
    memcpy(buf, domain + 1, len - 2);
    buf[len - 2] = '\0';
    return buf;
}
