/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf.h - a bounded, growable text buffer for rendering
 *
 * Renderers (JSON, text report, socketmap replies) append into a buf; a
 * failed append (memory, or the bound) is sticky and reported once at the
 * end, so rendering code stays linear.
 */
#ifndef DANEHOP_BUF_H
#define DANEHOP_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct dh_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit;
    int failed;
} dh_buf;

/* dh_buf_init - empty buffer that never grows past limit bytes */
void dh_buf_init(dh_buf *b, size_t limit);
void dh_buf_add(dh_buf *b, const char *s);
void dh_buf_addn(dh_buf *b, const char *s, size_t n);
void dh_buf_printf(dh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dh_buf_json_string - append s as a quoted JSON string (NULL -> null) */
void dh_buf_json_string(dh_buf *b, const char *s);
/* dh_buf_finish - the NUL-terminated string (caller frees), or NULL on failure */
char *dh_buf_finish(dh_buf *b);
void dh_buf_discard(dh_buf *b);

#endif
