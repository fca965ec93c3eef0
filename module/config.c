/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config.c - one loaded version of the configuration file (see config.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

dh_config *dh_config_new(const char *path)
{
    dh_config *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    atomic_init(&c->refs, 1);
    dh_settings_init(&c->res);
    c->log_facility = LOG_MAIL;
    c->log_level = LOG_INFO;
    if ((c->rules = dh_rules_new()) == NULL || (c->path = strdup(path)) == NULL)
        return dh_config_free(c);
    return c;
}

dh_config *dh_config_ref(dh_config *c)
{
    if (c != NULL)
        atomic_fetch_add(&c->refs, 1);
    return c;
}

dh_config *dh_config_free(dh_config *c)
{
    if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
        return NULL;
    free(c->path);
    dh_settings_clear(&c->res);
    free(c->log_file);
    free(c->daemon);
    dh_rules_free(c->rules);
    free(c);
    return NULL;
}
