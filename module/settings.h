/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * settings.h - resolver settings as a value: where answers come from, how
 * long to wait for them, how many decisions to keep
 *
 * SYNOPSIS
 *   #include "settings.h"
 *
 *   void dh_settings_init(dh_settings *s);
 *   void dh_settings_clear(dh_settings *s);
 *   int dh_settings_copy(dh_settings *dst, const dh_settings *src);
 *   int dh_settings_overlay(dh_settings *dst, const dh_settings *top, char *err, size_t errlen);
 *   void dh_settings_defaults(dh_settings *s);
 *
 * DESCRIPTION
 *   The configuration file and the context's setters both produce one of
 *   these, with every field "unset" unless said. A context's effective
 *   settings are the file's with the setters' laid over them
 *   (dh_settings_overlay: a set string or number replaces, forwarders are
 *   added), then dh_settings_defaults() fills in what nobody set. So what a
 *   setter said survives every reload of the file.
 *
 *   This is the bottom layer of the context: plain data, no locks, no
 *   libunbound (ubctx.c turns settings into a libunbound context).
 *
 * DIAGNOSTICS
 *   dh_settings_copy and dh_settings_overlay return -1 when out of memory
 *   (dst is then cleared), overlay also when the forwarders add up to more
 *   than DH_MAX_FORWARDERS (err says so).
 */
#ifndef DANEHOP_SETTINGS_H
#define DANEHOP_SETTINGS_H

#include <stddef.h>

#define DH_DEFAULT_TRUST_ANCHOR "/usr/share/dns/root.key"
#define DH_DEFAULT_RESOLV_CONF  "/etc/resolv.conf"
#define DH_DEFAULT_QUERY_MS     10000
#define DH_DEFAULT_TOTAL_MS     30000
#define DH_MAX_FORWARDERS       8
#define DH_FORWARDER_MAX        64

typedef struct dh_settings {
    char *unbound_conf; /* NULL: unset */
    char *trust_anchor;
    char *resolv_conf;
    char *forwarders[DH_MAX_FORWARDERS];
    int nforwarders;
    int recursion;     /* -1 unset, 0, 1 */
    unsigned query_ms; /* 0 unset */
    unsigned total_ms; /* 0 unset */
    long cache_size;   /* -1 unset */
} dh_settings;

/* dh_settings_init - every field unset */
void dh_settings_init(dh_settings *s);
/* dh_settings_clear - free the strings; every field unset again */
void dh_settings_clear(dh_settings *s);
/* dh_settings_copy - dst becomes a deep copy of src */
int dh_settings_copy(dh_settings *dst, const dh_settings *src);
/* dh_settings_overlay - what top sets replaces dst's; top's forwarders are added */
int dh_settings_overlay(dh_settings *dst, const dh_settings *top, char *err, size_t errlen);
/* dh_settings_defaults - the defaults for every unset number (strings stay NULL) */
void dh_settings_defaults(dh_settings *s);
/* dh_forwarder_ok - an IPv4/IPv6 address, optionally @port, as text */
int dh_forwarder_ok(const char *addr);

#endif
