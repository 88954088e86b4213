/* SPDX-License-Identifier: MIT */
/*
 * suggest.c - optimal string alignment distance for "did you mean".
 */
#include "gate/compat.h"
#include "gate/suggest.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;

    return m < c ? m : c;
}

size_t gate_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t w = lb + 1;
    size_t *d = gate_xmalloc(sizeof(size_t) * (la + 1) * w);
    size_t r;

    for (size_t i = 0; i <= la; i++)
        d[i * w] = i;
    for (size_t j = 0; j <= lb; j++)
        d[j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;

            d[i * w + j] =
                min3(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[(i - 2) * w + j - 2] + 1 < d[i * w + j])
                d[i * w + j] = d[(i - 2) * w + j - 2] + 1;
        }
    }
    r = d[la * w + lb];
    free(d);
    return r;
}

const char *gate_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    size_t limit = strlen(word) / 3;

    if (limit < 1)
        limit = 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = gate_edit_distance(word, candidates[i]);

        if (d < bestd) {
            bestd = d;
            best = candidates[i];
        }
    }
    return bestd <= limit ? best : NULL;
}
