/* SPDX-License-Identifier: MIT */
/*
 * msg.h - diagnostics on stderr. The only module that writes to stderr;
 * stdout carries only the requested report.
 */
#ifndef GATE_MSG_H
#define GATE_MSG_H

#include "gate/compat.h"
#include "gate/ghsafe.h"

enum gate_msg_level {
    GATE_MSG_QUIET = -1, /* -q: errors only */
    GATE_MSG_NORMAL = 0,
    GATE_MSG_VERBOSE = 1, /* -v */
};

void gate_msg_set_level(enum gate_msg_level level);
enum gate_msg_level gate_msg_level(void);

/* "prisma-gate: error: ..." */
void gate_errorf(const char *fmt, ...) GATE_PRINTF(1, 2);
/* "prisma-gate: warning: ..." (suppressed by -q) */
void gate_warnf(const char *fmt, ...) GATE_PRINTF(1, 2);
/* progress and notes (suppressed by -q) */
void gate_notef(const char *fmt, ...) GATE_PRINTF(1, 2);
/* only with -v */
void gate_verbosef(const char *fmt, ...) GATE_PRINTF(1, 2);
/*
 * Text to stderr as it is, no prefix and no newline added: only for the
 * gate's own workflow commands (annotations, ::add-mask::, fences), which
 * must reach the runner unchanged. Anything else goes through the
 * sanitiser (ghsafe.h): the functions above, gate_msg_text, the stream.
 */
void gate_msg_raw(const char *data, size_t len);
/* Lines of text (e.g. the policy's diagnostics), cleaned: line breaks kept. */
void gate_msg_text(const char *data, size_t len);

/*
 * A child program's output, streamed to stderr as it arrives: escape
 * sequences and control characters removed (colour sequences kept when
 * stderr is a terminal and not under GitHub Actions), lines that would
 * be workflow commands defused, and under GITHUB_ACTIONS=true all of it
 * between "::stop-commands::TOKEN" and "::TOKEN::" (TOKEN random per
 * stream), so nothing it prints is run as a workflow command. With -q
 * nothing is streamed (the caller still captures the output).
 */
struct gate_msg_stream {
    struct gate_safe safe;
    bool off; /* -q */
    bool fenced;
    char token[64];
};

void gate_msg_stream_begin(struct gate_msg_stream *s);
void gate_msg_stream_write(struct gate_msg_stream *s, const char *data, size_t len);
void gate_msg_stream_end(struct gate_msg_stream *s);

/*
 * Progress (progress.h decides when): gate_msg_status draws a terminal's
 * status line, "\r" + the cleaned text cut to the terminal's width +
 * erase-to-end-of-line, unless the cursor is not at the start of a line
 * (a child's unfinished line); any later write to stderr erases it first,
 * gate_msg_status_clear only erases it. gate_msg_group writes GitHub's
 * "::group::TITLE" (the title cleaned: one line, no workflow command),
 * gate_msg_group_end "::endgroup::".
 */
void gate_msg_status(const char *text);
void gate_msg_status_clear(void);
void gate_msg_group(const char *title);
void gate_msg_group_end(void);

#endif
