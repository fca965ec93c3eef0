/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_render.h - "danehop report" output: readable text, or JSON
 */
#ifndef DANEHOP_CLI_REPORT_RENDER_H
#define DANEHOP_CLI_REPORT_RENDER_H

#include "report.h"

/* rp_print_text - the verdict, the findings, the DNS, the senders, on stdout */
void rp_print_text(const rp_report *r);
/* rp_print_json - one JSON object on stdout (contract: danehop(1)) */
void rp_print_json(const rp_report *r, int exit_status);

#endif
