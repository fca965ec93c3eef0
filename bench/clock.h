/* SPDX-License-Identifier: BSD-2-Clause */
/* clock.h - monotonic microseconds for the benchmarks */
#ifndef DANEHOP_BENCH_CLOCK_H
#define DANEHOP_BENCH_CLOCK_H

#include <time.h>

static inline double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

#endif
