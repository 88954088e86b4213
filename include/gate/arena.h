/* SPDX-License-Identifier: MIT */
/*
 * arena.h - a chunked bump allocator for data that lives as long as its
 * owner (a run, a parsed file). Objects in an arena never own malloc'd
 * memory or library handles: the arena runs no destructors.
 * A zeroed struct is a valid empty arena.
 */
#ifndef GATE_ARENA_H
#define GATE_ARENA_H

#include "gate/compat.h"

#include <stdarg.h>

struct gate_arena_chunk;

struct gate_arena {
    struct gate_arena_chunk *head;
    size_t used;  /* bytes used in head */
    size_t total; /* bytes handed out, for statistics */
};

/* Zeroed, 16-byte aligned memory; never NULL (aborts on OOM). */
void *gate_arena_alloc(struct gate_arena *a, size_t n);
char *gate_arena_strdup(struct gate_arena *a, const char *s);
char *gate_arena_strndup(struct gate_arena *a, const char *s, size_t n);
char *gate_arena_printf(struct gate_arena *a, const char *fmt, ...) GATE_PRINTF(2, 3);
char *gate_arena_vprintf(struct gate_arena *a, const char *fmt, va_list ap) GATE_PRINTF(2, 0);
/*
 * A growable array in an arena: make *p (cap elements of size elem, the
 * first used of them in use) hold at least need, by moving it to a block
 * twice as big (8 elements at first; zeroed past used). The old block
 * stays in the arena until the arena is released. Aborts only as
 * gate_arena_alloc does.
 */
void gate_arena_grow(struct gate_arena *a, void **p, size_t *cap, size_t used, size_t need,
                     size_t elem);

/* gate_arena_grow for an array arr with size_t cap; need is evaluated twice. */
#define GATE_ARENA_GROW(a, arr, cap, used, need)                                                 \
 ((need) > (cap) ? gate_arena_grow((a), (void **)&(arr), &(cap), (used), (need), sizeof(*(arr))) \
                 : (void)0)

/*
 * Move every chunk of src into dst (src is empty afterwards): what was
 * allocated from src now lives, and is released, with dst. For a worker
 * thread that fills an arena of its own, then hands its result over.
 */
void gate_arena_absorb(struct gate_arena *dst, struct gate_arena *src);

/* Free every chunk; the arena is empty again. */
void gate_arena_release(struct gate_arena *a);

#endif
