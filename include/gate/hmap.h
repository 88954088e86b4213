/* SPDX-License-Identifier: MIT */
/*
 * hmap.h - a hash map from byte-string keys to a pointer and a count,
 * for lookups by name in hot paths (catalog tables, fingerprints, unique
 * report names). Open addressing with linear probing; the map copies each
 * key and owns its memory (malloc, or the arena h->keys names). A zeroed struct is a valid empty
 * map.
 */
#ifndef GATE_HMAP_H
#define GATE_HMAP_H

#include "gate/compat.h"

#include <stddef.h>

struct gate_hmap_entry {
    char *key; /* owned copy, NUL-terminated; NULL: empty slot */
    size_t klen;
    size_t hash;
    void *ptr;  /* the caller's value */
    size_t num; /* the caller's count */
};

struct gate_arena;

struct gate_hmap {
    struct gate_hmap_entry *slots;
    size_t cap; /* 0 or a power of two */
    size_t len; /* keys held */
    /*
     * When set, key copies are made in this arena (the caller's, which
     * must outlive the map) rather than one malloc each: for a map of tens
     * of thousands of names that lives as long as its owner.
     */
    struct gate_arena *keys;
};

/* The entry for key (klen bytes), or NULL when absent. */
struct gate_hmap_entry *gate_hmap_find(const struct gate_hmap *h, const void *key, size_t klen);
/* The entry for key, inserted (ptr NULL, num 0) when absent; *created says which. Never NULL. */
struct gate_hmap_entry *gate_hmap_upsert(struct gate_hmap *h, const void *key, size_t klen,
                                         bool *created);
/* NUL-terminated key conveniences. */
struct gate_hmap_entry *gate_hmap_finds(const struct gate_hmap *h, const char *key);
struct gate_hmap_entry *gate_hmap_upserts(struct gate_hmap *h, const char *key, bool *created);
/* Free every key and the table; the map is empty again. Values are the caller's. */
void gate_hmap_release(struct gate_hmap *h);

#endif
