/* SPDX-License-Identifier: MIT */
/*
 * prefetch.h - read, hash and parse files ahead of the linter on worker
 * threads. Parsing is the expensive, independent part of linting a
 * directory; rules and the catalog replay stay on the calling thread and
 * in order. At most a small window of files is held in memory at once.
 */
#ifndef GATE_PREFETCH_H
#define GATE_PREFETCH_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/sql.h"

struct gate_prefetch_item {
    const char *path; /* borrowed from the caller's array */
    char *data;       /* file bytes (NUL-terminated), NULL when read failed */
    size_t len;
    enum gate_code read_rc; /* GATE_OK or the read error (read_err) */
    struct gate_err read_err;
    char checksum[65];
    bool has_nul;
    size_t nul_at;
    enum gate_code parse_rc; /* gate_sql_parse's result when read_rc is GATE_OK */
    struct gate_err parse_err;
    struct gate_sql_file file;
};

struct gate_prefetch;

/*
 * Start prefetching paths[0..n) (the array must outlive the prefetcher).
 * threads < 1 parses lazily on the calling thread instead; with workers,
 * the calling thread also parses an item no worker has taken yet.
 */
struct gate_prefetch *gate_prefetch_start(const char *const *paths, size_t n, int threads);
/* Item i, ready (blocks until it is). Items must be taken in order. */
struct gate_prefetch_item *gate_prefetch_get(struct gate_prefetch *p, size_t i);
/* Release item i's memory; lets the workers move on. */
void gate_prefetch_release(struct gate_prefetch *p, size_t i);
/* Stop the workers and free everything (also items not yet released). */
void gate_prefetch_free(struct gate_prefetch *p);

/* Worker threads for n files: PRISMA_GATE_THREADS, else online CPUs - 1 (max 3). */
int gate_prefetch_threads(size_t n);

#endif
