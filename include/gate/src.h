/* SPDX-License-Identifier: MIT */
/*
 * src.h - maps byte offsets in a source text to 1-based line and column.
 * Lines end at LF, CRLF or a lone CR; columns count UTF-8 characters
 * (an invalid byte counts as one column), so an editor shows the same
 * place.
 */
#ifndef GATE_SRC_H
#define GATE_SRC_H

#include "gate/compat.h"

struct gate_src_memo;

struct gate_src {
    const char *text; /* borrowed */
    size_t len;
    size_t *lines; /* byte offset of each line start; owned */
    size_t nlines;
    /* the last answer, to count a column on from it on the same line; owned */
    struct gate_src_memo *memo;
};

/* Index the line starts of text[0..len). text must outlive src. */
void gate_src_init(struct gate_src *src, const char *text, size_t len);
void gate_src_release(struct gate_src *src);
/*
 * 1-based line and column of byte offset off (clamped to the text). Asked
 * in increasing order on one line, each column is counted on from the
 * previous one (one long line with many findings stays linear). Not for
 * one src shared by threads.
 */
void gate_src_position(const struct gate_src *src, size_t off, int *line, int *col);
/* Byte offset of the start of 1-based line (clamped). */
size_t gate_src_line_start(const struct gate_src *src, int line);

#endif
