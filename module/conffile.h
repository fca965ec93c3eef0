/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conffile.h - the danehop configuration file (danehop.conf(5)) applied to
 * a context
 *
 * One file, read by every shim, decides resolver set-up, logging and the
 * per-destination rules. confparse.c reads it, all or nothing; this layer
 * checks what it sets up and swaps it in, so a file with any error changes
 * nothing, and the error names the file, the line and the problem. This is
 * the top layer of the context (see context.h).
 */
#ifndef DANEHOP_CONFFILE_H
#define DANEHOP_CONFFILE_H

#include <stddef.h>

#include "config.h"
#include "confparse.h"
#include "context.h"

#define DH_CONFIG_DEFAULT_PATH "/etc/danehop.conf"

/*
 * dh_config_refresh - with watching on, re-read the file behind s if it
 * changed, and swap in a new snapshot. Returns 0 (nothing to do), 1 (a new
 * snapshot: acquire it again), or -1 (error set) while the file is broken:
 * refuse to decide.
 */
int dh_config_refresh(danehop_ctx *ctx, const dh_snap *s);

#endif
