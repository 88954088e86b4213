/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what every libFuzzer harness here shares: the entry point
 * libFuzzer calls, and the abort a broken invariant ends in (libFuzzer
 * then saves the input as a crash).
 */
#ifndef GATE_FUZZ_H
#define GATE_FUZZ_H

#include "gate/compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print what is wrong (one line, to stderr) and abort. */
GATE_PRINTF(1, 2) GATE_NORETURN static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vfprintf(stderr, fmt, ap);
    va_end(ap);
    (void)fputc('\n', stderr);
    abort();
}

#endif
