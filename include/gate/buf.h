/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable, always NUL-terminated byte buffer (git's strbuf).
 * A zeroed struct is a valid empty buffer.
 */
#ifndef GATE_BUF_H
#define GATE_BUF_H

#include "gate/compat.h"

#include <stdio.h>

struct gate_buf {
    char *data; /* NULL or NUL-terminated; owned */
    size_t len;
    size_t cap;
    FILE *sink;      /* when set, full 64 KiB chunks are written out to it */
    bool sink_error; /* a write to sink failed (errno was set) */
};

void gate_buf_release(struct gate_buf *b);
void gate_buf_reset(struct gate_buf *b);
void gate_buf_add(struct gate_buf *b, const void *data, size_t len);
void gate_buf_adds(struct gate_buf *b, const char *s);
void gate_buf_addc(struct gate_buf *b, char c);
void gate_buf_printf(struct gate_buf *b, const char *fmt, ...) GATE_PRINTF(2, 3);
/* Write what is buffered to the sink (if any); false when a write failed. */
bool gate_buf_flush(struct gate_buf *b);
/* The buffer's text ("" when empty); borrowed. */
const char *gate_buf_str(const struct gate_buf *b);
/* Take the text; the caller frees it; b is left empty. */
char *gate_buf_detach(struct gate_buf *b);

#endif
