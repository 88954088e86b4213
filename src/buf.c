/* SPDX-License-Identifier: MIT */
/*
 * buf.c - growable byte buffer.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/xalloc.h"
#include "gate/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gate_buf_release(struct gate_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void gate_buf_reset(struct gate_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void grow(struct gate_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        GATE_BUG("buffer size overflow");
    GATE_GROW(b->data, b->cap, b->len + extra + 1);
}

#define SINK_CHUNK 65536

bool gate_buf_flush(struct gate_buf *b)
{
    if (!b->sink || !b->len)
        return !b->sink_error;
    if (!b->sink_error && fwrite(b->data, 1, b->len, b->sink) != b->len)
        b->sink_error = true;
    gate_buf_reset(b);
    return !b->sink_error;
}

void gate_buf_add(struct gate_buf *b, const void *data, size_t len)
{
    grow(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    if (b->sink && b->len >= SINK_CHUNK)
        (void)gate_buf_flush(b);
}

void gate_buf_adds(struct gate_buf *b, const char *s)
{
    gate_buf_add(b, s, strlen(s));
}

void gate_buf_addc(struct gate_buf *b, char c)
{
    if (b->len + 2 <= b->cap && !b->sink) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    gate_buf_add(b, &c, 1);
}

void gate_buf_printf(struct gate_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        GATE_BUG("vsnprintf failed");
    grow(b, (size_t)n);
    va_start(ap, fmt);
    (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    if (b->sink && b->len >= SINK_CHUNK)
        (void)gate_buf_flush(b);
}

const char *gate_buf_str(const struct gate_buf *b)
{
    return b->data ? b->data : "";
}

char *gate_buf_detach(struct gate_buf *b)
{
    char *p = b->data ? b->data : gate_xstrdup("");

    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
