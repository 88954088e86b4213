/* SPDX-License-Identifier: MIT */
/*
 * progress.h - progress of long work (waiting for the gate lock, a Prisma
 * run, health retries, a drift replay) on stderr, through msg.c:
 *
 * - on a terminal (stderr a TTY, not GitHub Actions): one status line
 *   that updates in place ("\r", the stage's text and the seconds since
 *   it began), drawn at the first update or tick, then redrawn at most
 *   every 20 ms when its text changes and every second otherwise, erased
 *   at the end;
 * - under GITHUB_ACTIONS=true: the stage is a "::group::TITLE" section
 *   closed by "::endgroup::" (a group inside an open one is not opened:
 *   GitHub does not nest them); gate_progress_step lines are printed in
 *   it, gate_progress_update text is not (a log is not a terminal);
 * - elsewhere (a log file, a pipe): nothing but the end line;
 * - with -q: nothing at all.
 *
 * The end line (gate_progress_end with a format) is a note in every mode
 * but -q, after the group closes.
 */
#ifndef GATE_PROGRESS_H
#define GATE_PROGRESS_H

#include "gate/compat.h"

enum gate_progress_mode {
    GATE_PROGRESS_OFF = 0, /* -q, or not begun */
    GATE_PROGRESS_PLAIN,
    GATE_PROGRESS_TTY,
    GATE_PROGRESS_GITHUB,
};

struct gate_progress {
    enum gate_progress_mode mode;
    bool group;         /* this stage opened a GitHub group */
    long long t0;       /* monotonic ms at gate_progress_begin */
    long long drawn_ms; /* when the status line was last drawn, 0: never */
    bool changed;       /* text differs from what was drawn */
    char text[256];
};

/* The mode for this process: -q, GITHUB_ACTIONS, whether stderr is a terminal. */
enum gate_progress_mode gate_progress_mode(void);

/*
 * Begin a stage titled by fmt (the group's title, the first status
 * line). p needs no initialisation; end it with gate_progress_end.
 */
void gate_progress_begin(struct gate_progress *p, const char *fmt, ...) GATE_PRINTF(2, 3);
/* The status line's text from now on (a terminal only). */
void gate_progress_update(struct gate_progress *p, const char *fmt, ...) GATE_PRINTF(2, 3);
/* An event: the status line's text, and a line of its own under GitHub Actions. */
void gate_progress_step(struct gate_progress *p, const char *fmt, ...) GATE_PRINTF(2, 3);
/* Time passed: redraw the status line's seconds when due. Cheap; call it often. */
void gate_progress_tick(struct gate_progress *p);
/*
 * End the stage: erase the status line, close the group, then print the
 * end line fmt (NULL: none) as a note. A stage not begun is a no-op.
 */
void gate_progress_end(struct gate_progress *p, const char *fmt, ...) GATE_PRINTF(2, 3);
/* Milliseconds since gate_progress_begin. */
long long gate_progress_elapsed_ms(const struct gate_progress *p);

#endif
