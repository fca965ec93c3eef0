/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decform.h - a decision as text that crosses danehopd's socket whole
 *
 * SYNOPSIS
 *   int dh_decform_render(const danehop_decision *d, dh_buf *b);
 *   int dh_decform_parse(const char *text, size_t len, danehop_decision **out,
 *                        char *err, size_t errlen);
 *
 * DESCRIPTION
 *   Format "danehop-decision 1": one "key value" line per field, in a fixed
 *   order, strings percent-encoded ('-' alone is NULL, "=text" a string),
 *   lists preceded by their count. The parser is strict: every key in its
 *   place, every count and length bounded, anything else refused.
 */
#ifndef DANEHOP_DECFORM_H
#define DANEHOP_DECFORM_H

#include <stddef.h>

#include "buf.h"
#include "danehop.h"

#define DH_DECFORM_VERSION     1
#define DH_DECFORM_MAX         100000 /* bytes of one rendered decision */
#define DH_DECFORM_MAX_STR     2048   /* decoded bytes of one string */
#define DH_DECFORM_MAX_LIST    64     /* items of one list */
#define DH_DECFORM_MAX_QUERIES 1024   /* entries of the query log */

/* dh_decform_render - append d's text to b; -1 when b failed */
int dh_decform_render(const danehop_decision *d, dh_buf *b);
/* dh_decform_parse - a new decision from text; -1 with err set when the text is refused */
int dh_decform_parse(const char *text, size_t len, danehop_decision **out, char *err, size_t errlen);

#endif
