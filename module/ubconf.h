/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ubconf.h - resolver settings turned into a libunbound context, and
 * checked for real before anyone relies on them
 *
 * SYNOPSIS
 *   #include "ubconf.h"
 *
 *   struct ub_ctx *dh_ub_new(const dh_settings *s, char *err, size_t errlen);
 *   int dh_ub_check(const dh_settings *s, char *err, size_t errlen);
 *   int dh_ub_check_conf(const char *path, char *err, size_t errlen);
 *   void dh_ub_lock(void);
 *   void dh_ub_unlock(void);
 *
 * DESCRIPTION
 *   dh_ub_new() builds a context in threaded async mode (set first: else
 *   libunbound silently forks a helper process inside the MTA), reads the
 *   unbound.conf file if any, adds the trust anchor and the forwarders, or
 *   recursion, or the nameservers of a resolv.conf file.
 *
 *   It refuses settings under which DNSSEC would not protect anything: no
 *   trust anchor (every answer would look insecure), val-permissive-mode
 *   (bogus answers come back as "indeterminate", with their forged data),
 *   a module-config without the validator.
 *
 *   libunbound's configuration parser is not re-entrant and calls exit()
 *   when its input cannot be read (a directory: "input in flex scanner
 *   failed"), and reads a device like /dev/zero for ever. So the file must
 *   be a regular file of at most DH_UNBOUND_CONF_MAX bytes before it is
 *   handed over, and so must every file its include: lines name (at most 4
 *   deep); parsing is serialised by one process-wide lock
 *   (dh_ub_lock, also taken around fork() by context.c), and so is
 *   creating a context, which takes libunbound's own global log lock.
 *
 *   dh_ub_check() builds the context and throws it away: settings that
 *   pass it work at the first lookup. dh_ub_check_conf() checks one
 *   unbound.conf file on its own (a trust anchor may still come from
 *   elsewhere).
 *
 * DIAGNOSTICS
 *   NULL or -1 with err saying what is wrong, naming the file. Nothing is
 *   printed by danehop (libunbound itself prints syntax errors to stderr).
 */
#ifndef DANEHOP_UBCONF_H
#define DANEHOP_UBCONF_H

#include <stddef.h>

#include "settings.h"

/* the largest unbound.conf handed to libunbound */
#define DH_UNBOUND_CONF_MAX (1024 * 1024)

struct ub_ctx;

struct ub_ctx *dh_ub_new(const dh_settings *s, char *err, size_t errlen);
int dh_ub_check(const dh_settings *s, char *err, size_t errlen);
int dh_ub_check_conf(const char *path, char *err, size_t errlen);
void dh_ub_lock(void);
void dh_ub_unlock(void);

#endif
