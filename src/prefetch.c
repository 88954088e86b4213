/* SPDX-License-Identifier: MIT */
/*
 * prefetch.c - a bounded pool of parser threads (POSIX threads).
 */
#include "gate/compat.h"
#include "gate/prefetch.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/xalloc.h"

#include <pthread.h>
#include <unistd.h>

#define WINDOW_PER_THREAD 4

/*
 * Items live in a ring of `window` slots: item i uses slot i % window, and
 * a worker only takes item i once item i - window has been released.
 */
struct gate_prefetch {
    const char *const *paths;
    size_t n;
    struct gate_prefetch_item *items; /* window slots */
    bool *ready;                      /* per slot */
    size_t next;                      /* next index a worker takes */
    size_t consumed;                  /* items released by the consumer */
    size_t window;
    bool stop;
    int nthreads;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t cv_work;  /* workers wait for window space */
    pthread_cond_t cv_ready; /* the consumer waits for an item */
};

static void load(struct gate_prefetch_item *it)
{
    const char *nul;

    it->read_rc = gate_read_file(it->path, GATE_MAX_SQL_FILE, &it->data, &it->len, &it->read_err);
    if (it->read_rc)
        return;
    gate_sha256_hex(it->data, it->len, it->checksum);
    nul = memchr(it->data, '\0', it->len);
    if (nul) {
        it->has_nul = true;
        it->nul_at = (size_t)(nul - it->data);
        return;
    }
    it->parse_rc = gate_sql_parse(it->data, it->len, &it->file, &it->parse_err);
}

/* Load item i into its slot (the slot is free: item i - window was released). */
static void slot_load(struct gate_prefetch *p, size_t i)
{
    struct gate_prefetch_item *it = &p->items[i % p->window];

    memset(it, 0, sizeof(*it));
    it->path = p->paths[i];
    load(it);
}

static void *worker(void *arg)
{
    struct gate_prefetch *p = arg;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->n && p->next >= p->consumed + p->window)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        i = p->next++;
        pthread_mutex_unlock(&p->mu);

        slot_load(p, i);

        pthread_mutex_lock(&p->mu);
        p->ready[i % p->window] = true;
        pthread_cond_broadcast(&p->cv_ready);
        pthread_mutex_unlock(&p->mu);
    }
    /*
     * libpg_query frees its per-thread memory in a thread-specific-data
     * destructor when the thread ends; calling pg_query_exit() here as well
     * would free it twice.
     */
    return NULL;
}

int gate_prefetch_threads(size_t n)
{
    const char *env = getenv("PRISMA_GATE_THREADS");
    long cpus;

    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);

        if (!*end && v >= 0 && v <= 64)
            return (int)v;
    }
    if (n < 8)
        return 0;
    cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2)
        return 0;
    /* the calling thread parses too, when it catches up with the workers */
    return cpus > 4 ? 3 : (int)cpus - 1;
}

struct gate_prefetch *gate_prefetch_start(const char *const *paths, size_t n, int threads)
{
    struct gate_prefetch *p = gate_xcalloc(1, sizeof(*p));

    p->paths = paths;
    p->n = n;
    p->window = threads < 1 ? 1 : (size_t)(threads + 1) * WINDOW_PER_THREAD;
    p->items = gate_xcalloc(p->window, sizeof(*p->items));
    p->ready = gate_xcalloc(p->window, sizeof(*p->ready));
    if (threads < 1)
        return p;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_ready, NULL);
    p->threads = gate_xcalloc((size_t)threads, sizeof(*p->threads));
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&p->threads[t], NULL, worker, p))
            break;
        p->nthreads++;
    }
    return p;
}

struct gate_prefetch_item *gate_prefetch_get(struct gate_prefetch *p, size_t i)
{
    size_t slot;

    if (i >= p->n)
        return NULL;
    slot = i % p->window;
    if (!p->nthreads) {
        if (!p->ready[slot]) {
            slot_load(p, i);
            p->ready[slot] = true;
        }
        return &p->items[slot];
    }
    pthread_mutex_lock(&p->mu);
    while (!p->ready[slot]) {
        size_t k = p->next;

        if (k < p->n && k < p->consumed + p->window) {
            /* rather than wait, parse the next item nobody has taken (maybe i itself) */
            p->next++;
            pthread_mutex_unlock(&p->mu);
            slot_load(p, k);
            pthread_mutex_lock(&p->mu);
            p->ready[k % p->window] = true;
            pthread_cond_broadcast(&p->cv_ready);
            continue;
        }
        pthread_cond_wait(&p->cv_ready, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return &p->items[slot];
}

static void release_item(struct gate_prefetch_item *it)
{
    free(it->data);
    it->data = NULL;
    gate_sql_file_release(&it->file);
}

void gate_prefetch_release(struct gate_prefetch *p, size_t i)
{
    size_t slot;

    if (i >= p->n)
        return;
    slot = i % p->window;
    release_item(&p->items[slot]);
    if (!p->nthreads) {
        p->ready[slot] = false;
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->ready[slot] = false;
    if (i + 1 > p->consumed)
        p->consumed = i + 1;
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
}

void gate_prefetch_free(struct gate_prefetch *p)
{
    if (!p)
        return;
    if (p->threads) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->cv_work);
        pthread_mutex_unlock(&p->mu);
        for (int t = 0; t < p->nthreads; t++)
            pthread_join(p->threads[t], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv_work);
        pthread_cond_destroy(&p->cv_ready);
        free(p->threads);
    }
    for (size_t i = 0; i < p->window; i++)
        release_item(&p->items[i]);
    free(p->items);
    free(p->ready);
    free(p);
}
