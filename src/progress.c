/* SPDX-License-Identifier: MIT */
/*
 * progress.c - progress of long work: chooses how it is shown (a
 * terminal's status line, GitHub's groups, nothing) and when; msg.c
 * writes it. See progress.h.
 */
#include "gate/compat.h"
#include "gate/progress.h"
#include "gate/clock.h"
#include "gate/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REDRAW_CHANGED_MS 100  /* a new text: at most ten lines a second */
#define REDRAW_IDLE_MS    1000 /* the same text: when its seconds change */

static int open_groups; /* GitHub does not nest groups: only the outermost opens one */

enum gate_progress_mode gate_progress_mode(void)
{
    const char *gh = getenv("GITHUB_ACTIONS");

    if (gate_msg_level() == GATE_MSG_QUIET)
        return GATE_PROGRESS_OFF;
    if (gh && !strcmp(gh, "true"))
        return GATE_PROGRESS_GITHUB;
    if (isatty(STDERR_FILENO) == 1)
        return GATE_PROGRESS_TTY;
    return GATE_PROGRESS_PLAIN;
}

static void draw(struct gate_progress *p, long long now)
{
    char line[320];

    (void)snprintf(line, sizeof(line), "%s %lld s", p->text, (now - p->t0) / 1000);
    gate_msg_status(line);
    p->drawn_ms = now;
    p->changed = false;
}

GATE_PRINTF(2, 0)
static void set_text(struct gate_progress *p, const char *fmt, va_list ap)
{
    char text[sizeof(p->text)];

    (void)vsnprintf(text, sizeof(text), fmt, ap);
    if (strcmp(text, p->text)) {
        memcpy(p->text, text, sizeof(text));
        p->changed = true;
    }
}

void gate_progress_begin(struct gate_progress *p, const char *fmt, ...)
{
    va_list ap;

    memset(p, 0, sizeof(*p));
    p->mode = gate_progress_mode();
    p->t0 = gate_clock_ms();
    va_start(ap, fmt);
    set_text(p, fmt, ap);
    va_end(ap);
    if (p->mode == GATE_PROGRESS_GITHUB && !open_groups) {
        gate_msg_group(p->text);
        p->group = true;
        open_groups++;
    }
}

void gate_progress_update(struct gate_progress *p, const char *fmt, ...)
{
    va_list ap;

    if (p->mode != GATE_PROGRESS_TTY)
        return;
    va_start(ap, fmt);
    set_text(p, fmt, ap);
    va_end(ap);
    gate_progress_tick(p);
}

void gate_progress_step(struct gate_progress *p, const char *fmt, ...)
{
    va_list ap;

    if (p->mode != GATE_PROGRESS_TTY && p->mode != GATE_PROGRESS_GITHUB)
        return;
    va_start(ap, fmt);
    set_text(p, fmt, ap);
    va_end(ap);
    if (p->mode == GATE_PROGRESS_GITHUB)
        gate_notef("%s", p->text);
    else
        gate_progress_tick(p);
}

void gate_progress_tick(struct gate_progress *p)
{
    long long now;

    if (p->mode != GATE_PROGRESS_TTY)
        return;
    now = gate_clock_ms();
    if (!p->drawn_ms || now - p->drawn_ms >= (p->changed ? REDRAW_CHANGED_MS : REDRAW_IDLE_MS))
        draw(p, now);
}

void gate_progress_end(struct gate_progress *p, const char *fmt, ...)
{
    if (p->mode == GATE_PROGRESS_OFF)
        return;
    if (p->mode == GATE_PROGRESS_TTY)
        gate_msg_status_clear();
    if (p->group) {
        gate_msg_group_end();
        p->group = false;
        open_groups--;
    }
    if (fmt) {
        char line[512];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        gate_notef("%s", line);
    }
    p->mode = GATE_PROGRESS_OFF;
}

long long gate_progress_elapsed_ms(const struct gate_progress *p)
{
    return gate_clock_ms() - p->t0;
}
