/* SPDX-License-Identifier: MIT */
/*
 * msg.h - diagnostics on stderr. The only module that writes to stderr;
 * stdout carries only the requested report.
 */
#ifndef GATE_MSG_H
#define GATE_MSG_H

#include "gate/compat.h"

enum gate_msg_level {
    GATE_MSG_QUIET = -1, /* -q: errors only */
    GATE_MSG_NORMAL = 0,
    GATE_MSG_VERBOSE = 1, /* -v */
};

void gate_msg_set_level(enum gate_msg_level level);

/* "prisma-gate: error: ..." */
void gate_errorf(const char *fmt, ...) GATE_PRINTF(1, 2);
/* "prisma-gate: warning: ..." (suppressed by -q) */
void gate_warnf(const char *fmt, ...) GATE_PRINTF(1, 2);
/* progress and notes (suppressed by -q) */
void gate_notef(const char *fmt, ...) GATE_PRINTF(1, 2);
/* only with -v */
void gate_verbosef(const char *fmt, ...) GATE_PRINTF(1, 2);
/* raw text to stderr, no prefix and no newline added (e.g. streamed child output) */
void gate_msg_raw(const char *data, size_t len);

#endif
