/* SPDX-License-Identifier: MIT */
/*
 * msg.c - every diagnostic the tool prints goes through here, to stderr.
 */
#include "gate/compat.h"
#include "gate/msg.h"

#include <stdarg.h>
#include <stdio.h>

static enum gate_msg_level msg_level = GATE_MSG_NORMAL;

void gate_msg_set_level(enum gate_msg_level level)
{
    msg_level = level;
}

GATE_PRINTF(2, 0)
static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
    (void)fputs("prisma-gate: ", stderr);
    if (prefix)
        (void)fputs(prefix, stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
}

void gate_errorf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}

void gate_warnf(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_NORMAL)
        return;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

void gate_notef(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_NORMAL)
        return;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void gate_verbosef(const char *fmt, ...)
{
    va_list ap;

    if (msg_level < GATE_MSG_VERBOSE)
        return;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void gate_msg_raw(const char *data, size_t len)
{
    (void)fwrite(data, 1, len, stderr);
    (void)fflush(stderr);
}
