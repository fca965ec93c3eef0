/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ubtune.h - libunbound options that cut a fresh process's round trips
 *
 * SYNOPSIS
 *   #include "ubtune.h"
 *
 *   void dh_ubtune(struct ub_ctx *ub, int recursing);
 *
 * DESCRIPTION
 *   dh_ubtune() sets libunbound options that change how many sequential
 *   queries a validation costs, never what it accepts. Call it on a new
 *   context before the unbound.conf file is read, so that the
 *   administrator's file has the last word on every option set here.
 */
#ifndef DANEHOP_UBTUNE_H
#define DANEHOP_UBTUNE_H

struct ub_ctx;

void dh_ubtune(struct ub_ctx *ub, int recursing);

#endif
