/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * render.h - a decision as JSON, as a readable report, as a log line
 *
 * The JSON form is a contract (README, "danehop resolve --json"): fields
 * may be added, never renamed.
 */
#ifndef DANEHOP_RENDER_H
#define DANEHOP_RENDER_H

#include "danehop.h"

#endif
