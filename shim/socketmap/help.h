/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * help.h - danehopd's answer to --help
 */
#ifndef DANEHOP_SOCKETMAP_HELP_H
#define DANEHOP_SOCKETMAP_HELP_H

#include <stdio.h>

/* danehopd_help - the usage line and a line per option, as danehopd(8) has them */
void danehopd_help(FILE *f);

#endif
