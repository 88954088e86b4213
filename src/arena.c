/* SPDX-License-Identifier: MIT */
/*
 * arena.c - chunked bump allocator.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/xalloc.h"
#include "gate/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 16384
#define CHUNK_MAX  ((size_t)8 << 20)

struct gate_arena_chunk {
    struct gate_arena_chunk *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void *gate_arena_alloc(struct gate_arena *a, size_t n)
{
    struct gate_arena_chunk *c;
    void *p;

    if (n > SIZE_MAX / 2)
        GATE_BUG("arena allocation over SIZE_MAX / 2: a length computed wrong");
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->used < n) {
        /*
         * past 8 MiB, chunks grow with the arena (an eighth of it, up to
         * 8 MiB): few big ones for a big file, small ones for the rest
         */
        size_t want = a->total / 8 > CHUNK_MAX ? CHUNK_MAX : a->total / 8;
        size_t size = a->total >= CHUNK_MAX && want > CHUNK_SIZE ? want : CHUNK_SIZE;

        if (n > size)
            size = n;

        c = gate_xmalloc(sizeof(*c) + size);
        c->size = size;
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    p = a->head->data + a->used;
    a->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *gate_arena_strndup(struct gate_arena *a, const char *s, size_t n)
{
    char *p;

    if (n > SIZE_MAX / 2)
        GATE_BUG("arena copy over SIZE_MAX / 2: a length computed wrong");
    p = gate_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void gate_arena_grow(struct gate_arena *a, void **p, size_t *cap, size_t used, size_t need,
                     size_t elem)
{
    size_t ncap = *cap ? *cap : 8;
    void *bigger;

    if (need <= *cap)
        return;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            GATE_BUG("arena array over SIZE_MAX / 2: a length computed wrong");
        ncap *= 2;
    }
    bigger = gate_arena_alloc(a, ncap * elem);
    if (used)
        memcpy(bigger, *p, used * elem);
    *p = bigger;
    *cap = ncap;
}

char *gate_arena_strdup(struct gate_arena *a, const char *s)
{
    if (!s)
        return NULL;
    return gate_arena_strndup(a, s, strlen(s));
}

char *gate_arena_vprintf(struct gate_arena *a, const char *fmt, va_list ap)
{
    char small[1024];
    va_list aq;
    int n;
    char *p;

    /* one pass when the text fits (almost always), two otherwise */
    va_copy(aq, ap);
    n = vsnprintf(small, sizeof(small), fmt, aq);
    va_end(aq);
    if (n < 0)
        GATE_BUG("vsnprintf failed");
    p = gate_arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof(small))
        memcpy(p, small, (size_t)n + 1);
    else
        (void)vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *gate_arena_printf(struct gate_arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = gate_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void gate_arena_absorb(struct gate_arena *dst, struct gate_arena *src)
{
    struct gate_arena_chunk *tail = src->head;

    if (!tail)
        return;
    while (tail->next)
        tail = tail->next;
    if (dst->head) {
        /* behind dst's head, which stays the chunk dst allocates from */
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
        dst->used = src->used;
    }
    dst->total += src->total;
    src->head = NULL;
    src->used = 0;
    src->total = 0;
}

void gate_arena_release(struct gate_arena *a)
{
    struct gate_arena_chunk *c = a->head;

    while (c) {
        struct gate_arena_chunk *next = c->next;

        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}
