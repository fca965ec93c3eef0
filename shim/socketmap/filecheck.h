/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filecheck.h - the files a loaded configuration needs, checked by the
 * user danehopd runs as
 */
#ifndef DANEHOP_FILECHECK_H
#define DANEHOP_FILECHECK_H

#include <stddef.h>

#include "danehop.h"

/*
 * filecheck_ctx - every file ctx's configuration names can be used: the
 * resolver's files read (regular files), the decision log appended to.
 * Returns 0, or -1 with err saying which file and why.
 */
int filecheck_ctx(const danehop_ctx *ctx, char *err, size_t errlen);
/* filecheck_writable - a file of ours can be created or replaced at path (a trial file beside it) */
int filecheck_writable(const char *path, char *err, size_t errlen);

#endif
