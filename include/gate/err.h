/* SPDX-License-Identifier: MIT */
/*
 * err.h - the error idiom. A function that can fail returns enum gate_code
 * and takes struct gate_err *err as its last parameter. The first failure
 * wins; success never touches err.
 */
#ifndef GATE_ERR_H
#define GATE_ERR_H

#include "gate/compat.h"

enum gate_code {
    GATE_OK = 0,
    GATE_E_USAGE,
    GATE_E_POLICY,
    GATE_E_IO,
    GATE_E_DB,
    GATE_E_GIT,
    GATE_E_SQL,
    GATE_E_HTTP,
    GATE_E_LIMIT,
    GATE_E_INTERNAL,
};

struct gate_err {
    enum gate_code code; /* GATE_OK: no error recorded */
    char msg[512];       /* fixed: reporting never allocates */
};

/*
 * Record an error (unless one is already recorded) and return code.
 * err may be NULL, then only the code is returned.
 */
enum gate_code gate_fail(struct gate_err *err, enum gate_code code, const char *fmt, ...)
    GATE_PRINTF(3, 4);

/* Forget a recorded error. */
void gate_err_clear(struct gate_err *err);

/* Abort with a message: a broken invariant, never a user error. */
GATE_NORETURN void gate_bug(const char *file, int line, const char *msg);
#define GATE_BUG(msg) gate_bug(__FILE__, __LINE__, (msg))

#endif
