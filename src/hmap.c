/* SPDX-License-Identifier: MIT */
/*
 * hmap.c - string-keyed hash map: FNV-1a hashing, open addressing with
 * linear probing, grown to keep the load at most 1/2. It starts at four
 * slots: the catalog keeps one map per table, most with a column or two.
 */
#include "gate/hmap.h"

#include "gate/arena.h"

#include "gate/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_bytes(const void *key, size_t klen)
{
    const unsigned char *p = key;
    uint64_t h = 14695981039346656037ULL;

    for (size_t i = 0; i < klen; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return (size_t)(h ^ (h >> 29));
}

static struct gate_hmap_entry *probe(const struct gate_hmap *h, const void *key, size_t klen,
                                     size_t hash)
{
    size_t mask = h->cap - 1;

    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        struct gate_hmap_entry *e = &h->slots[i];

        if (!e->key)
            return e;
        if (e->hash == hash && e->klen == klen && !memcmp(e->key, key, klen))
            return e;
    }
}

static void grow(struct gate_hmap *h)
{
    struct gate_hmap old = *h;

    h->cap = old.cap ? old.cap * 2 : 4;
    h->slots = gate_xcalloc(h->cap, sizeof(*h->slots));
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key)
            *probe(h, old.slots[i].key, old.slots[i].klen, old.slots[i].hash) = old.slots[i];
    }
    free(old.slots);
}

struct gate_hmap_entry *gate_hmap_find(const struct gate_hmap *h, const void *key, size_t klen)
{
    struct gate_hmap_entry *e;

    if (!h->cap)
        return NULL;
    e = probe(h, key, klen, hash_bytes(key, klen));
    return e->key ? e : NULL;
}

struct gate_hmap_entry *gate_hmap_upsert(struct gate_hmap *h, const void *key, size_t klen,
                                         bool *created)
{
    size_t hash = hash_bytes(key, klen);
    struct gate_hmap_entry *e;

    if ((h->len + 1) * 2 > h->cap)
        grow(h);
    e = probe(h, key, klen, hash);
    if (created)
        *created = !e->key;
    if (!e->key) {
        e->key = h->keys ? gate_arena_alloc(h->keys, klen + 1) : gate_xmalloc(klen + 1);
        if (klen)
            memcpy(e->key, key, klen);
        e->key[klen] = '\0';
        e->klen = klen;
        e->hash = hash;
        h->len++;
    }
    return e;
}

struct gate_hmap_entry *gate_hmap_finds(const struct gate_hmap *h, const char *key)
{
    return gate_hmap_find(h, key, strlen(key));
}

struct gate_hmap_entry *gate_hmap_upserts(struct gate_hmap *h, const char *key, bool *created)
{
    return gate_hmap_upsert(h, key, strlen(key), created);
}

void gate_hmap_release(struct gate_hmap *h)
{
    for (size_t i = 0; i < h->cap && !h->keys; i++)
        free(h->slots[i].key);
    free(h->slots);
    h->slots = NULL;
    h->cap = h->len = 0;
}
