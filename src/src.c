/* SPDX-License-Identifier: MIT */
/*
 * src.c - byte offset to line:column mapping.
 */
#include "gate/compat.h"
#include "gate/src.h"
#include "gate/xalloc.h"

#include <stdlib.h>

struct gate_src_memo {
    size_t off, line; /* line: 0-based index into lines */
    int col;
    bool valid;
};

void gate_src_init(struct gate_src *src, const char *text, size_t len)
{
    size_t cap = 0;

    src->text = text;
    src->len = len;
    src->lines = NULL;
    src->nlines = 0;
    src->memo = gate_xcalloc(1, sizeof(*src->memo));
    GATE_GROW(src->lines, cap, 1);
    src->lines[src->nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        else if (text[i] != '\n' && text[i] != '\r')
            continue;
        GATE_GROW(src->lines, cap, src->nlines + 1);
        src->lines[src->nlines++] = i + 1;
    }
}

void gate_src_release(struct gate_src *src)
{
    free(src->lines);
    free(src->memo);
    src->lines = NULL;
    src->memo = NULL;
    src->nlines = 0;
}

void gate_src_position(const struct gate_src *src, size_t off, int *line, int *col)
{
    size_t lo = 0, hi = src->nlines;
    size_t start;
    int c = 1;

    if (off > src->len)
        off = src->len;
    /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (src->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    start = src->lines[lo];
    if (src->memo && src->memo->valid && src->memo->line == lo && src->memo->off <= off) {
        start = src->memo->off; /* on from the previous answer */
        c = src->memo->col;
    }
    for (size_t i = start; i < off; i++) {
        unsigned char ch = (unsigned char)src->text[i];

        /* count every byte that does not continue a UTF-8 sequence */
        if ((ch & 0xC0) != 0x80)
            c++;
    }
    *line = (int)lo + 1;
    *col = c;
    if (src->memo)
        *src->memo = (struct gate_src_memo){.off = off, .line = lo, .col = c, .valid = true};
}

size_t gate_src_line_start(const struct gate_src *src, int line)
{
    if (line < 1)
        return 0;
    if ((size_t)line > src->nlines)
        return src->len;
    return src->lines[line - 1];
}
