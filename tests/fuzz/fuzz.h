/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz.h - what every fuzz target provides
 *
 * Each tests/fuzz/fuzz_*.c defines LLVMFuzzerTestOneInput() and names its
 * seed corpus (tests/fuzz/corpus/<fuzz_target>/) and how many mutations
 * "make check" runs. Built with -fsanitize=fuzzer it is a libFuzzer target
 * ("make fuzz"); built normally it is linked with driver.c, which runs
 * every corpus file and then seeded mutations of them (TAP).
 */
#ifndef DANEHOP_FUZZ_H
#define DANEHOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const char fuzz_target[];
extern const unsigned long fuzz_mutations;

#endif
