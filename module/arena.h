/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arena.h - one allocation pool per decision
 *
 * Everything a decision holds (names, records, reasons) is carved from one
 * arena, so danehop_decision_free() releases it in one call and no partial
 * decision can leak. The arena has a hard size limit: hostile DNS data can
 * make a decision large, never unbounded.
 */
#ifndef DANEHOP_ARENA_H
#define DANEHOP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct dh_arena dh_arena;

/* dh_arena_new - create an arena that refuses to grow past limit bytes */
dh_arena *dh_arena_new(size_t limit);
/* dh_arena_alloc - zeroed, aligned memory, or NULL when over the limit */
void *dh_arena_alloc(dh_arena *a, size_t size);
/* dh_arena_strdup - copy of s (NULL stays NULL; NULL on exhaustion) */
char *dh_arena_strdup(dh_arena *a, const char *s);
/* dh_arena_memdup - copy of len bytes */
void *dh_arena_memdup(dh_arena *a, const void *p, size_t len);
/* dh_arena_printf - formatted string in the arena, or NULL */
char *dh_arena_printf(dh_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *dh_arena_vprintf(dh_arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* dh_arena_exhausted - whether any allocation has failed */
int dh_arena_exhausted(const dh_arena *a);
/* dh_arena_free - release everything; returns NULL */
dh_arena *dh_arena_free(dh_arena *a);

#endif
