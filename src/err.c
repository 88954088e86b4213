/* SPDX-License-Identifier: MIT */
/*
 * err.c - records the first failure of a call chain in a struct gate_err.
 */
#include "gate/compat.h"
#include "gate/err.h"
#include "gate/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

enum gate_code gate_fail(struct gate_err *err, enum gate_code code, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != GATE_OK)
        return code;
    err->code = code;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void gate_err_clear(struct gate_err *err)
{
    err->code = GATE_OK;
    err->msg[0] = '\0';
}

void gate_bug(const char *file, int line, const char *msg)
{
    gate_errorf("BUG: %s:%d: %s", file, line, msg);
    abort();
}
