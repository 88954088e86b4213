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

struct gate_prefetch {
    const char *const *paths;
    size_t n;
    struct gate_prefetch_item *items;
    bool *ready;
    size_t next;      /* next index a worker takes */
    size_t consumed;  /* items released by the consumer */
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

        load(&p->items[i]);

        pthread_mutex_lock(&p->mu);
        p->ready[i] = true;
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
    return cpus > 4 ? 4 : (int)cpus;
}

struct gate_prefetch *gate_prefetch_start(const char *const *paths, size_t n, int threads)
{
    struct gate_prefetch *p = gate_xcalloc(1, sizeof(*p));

    p->paths = paths;
    p->n = n;
    p->items = gate_xcalloc(n ? n : 1, sizeof(*p->items));
    p->ready = gate_xcalloc(n ? n : 1, sizeof(*p->ready));
    for (size_t i = 0; i < n; i++)
        p->items[i].path = paths[i];
    if (threads <= 1)
        return p;
    p->window = (size_t)threads * WINDOW_PER_THREAD;
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
    if (i >= p->n)
        return NULL;
    if (!p->nthreads) {
        if (!p->ready[i]) {
            load(&p->items[i]);
            p->ready[i] = true;
        }
        return &p->items[i];
    }
    pthread_mutex_lock(&p->mu);
    while (!p->ready[i])
        pthread_cond_wait(&p->cv_ready, &p->mu);
    pthread_mutex_unlock(&p->mu);
    return &p->items[i];
}

static void release_item(struct gate_prefetch_item *it)
{
    free(it->data);
    it->data = NULL;
    gate_sql_file_release(&it->file);
}

void gate_prefetch_release(struct gate_prefetch *p, size_t i)
{
    if (i >= p->n)
        return;
    release_item(&p->items[i]);
    if (!p->nthreads)
        return;
    pthread_mutex_lock(&p->mu);
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
    for (size_t i = 0; i < p->n; i++)
        release_item(&p->items[i]);
    free(p->items);
    free(p->ready);
    free(p);
}
