/* SPDX-License-Identifier: MIT */
/*
 * wrap.h - fitting text reports to a terminal: the terminal's width, and
 * word wrapping with a hanging indent that measures UTF-8 in columns
 * (utf8.h) and skips colour sequences. It splits text the log sanitiser
 * (ghsafe.h) has already made safe, and never makes a line that starts a
 * workflow command.
 */
#ifndef GATE_WRAP_H
#define GATE_WRAP_H

#include "gate/compat.h"
#include "gate/buf.h"

/* Narrowest width honoured: below it lines are wrapped at this many columns. */
#define GATE_WRAP_MIN 20

/*
 * The columns to wrap text written to fd at: 0 (no wrapping) unless fd is
 * a terminal; then $COLUMNS when it is a positive number (it overrides
 * the terminal's size), else the terminal's width (TIOCGWINSZ), else 0.
 * At least GATE_WRAP_MIN when not 0.
 */
size_t gate_wrap_width(int fd);

/* The columns s[0..n) takes on a terminal (colour sequences take none). */
size_t gate_wrap_columns(const char *s, size_t n);

/*
 * Append the line s[0..n) (no line break in it; colour sequences allowed)
 * to out followed by "\n", broken into lines of at most width columns:
 * at spaces, the spaces at a break dropped, each continuation line
 * indented by hang spaces (when that is more than width / 2: 4 more than
 * the line's own indent, at most width / 2). A word longer than a line
 * is broken inside, at a character boundary; the leading indent of s is
 * never a break. No continuation line starts, after blanks, with "::"
 * (a workflow command): a break that would make one is not taken, and
 * the line runs long instead. width 0: s as it is.
 */
void gate_wrap(struct gate_buf *out, const char *s, size_t n, size_t width, size_t hang);

#endif
