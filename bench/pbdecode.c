/* SPDX-License-Identifier: MIT */
/*
 * pbdecode.c - protobuf_c_message_unpack against gate_pb_decode on the
 * parse trees of the corpus. Not part of prisma-gate or of make check.
 *
 * Every migrations/<name>/migration.sql under the corpus is parsed once with
 * pg_query_parse_protobuf; then each round decodes every parse tree with
 * one decoder, then with the other (alternating, so drift hits both), each
 * tree into a bump arena released after it, as src/sql/sql.c does. Reported:
 * the median round's CPU time for each decoder and the ratio.
 *
 * Build and run from the repo root, after make:
 *   cc -std=c11 -O2 -g -Iinclude -o build/bench/pbdecode bench/pbdecode.c \
 *       build/libgate.a -l:libpg_query.a -lprotobuf-c -lpthread
 *   build/bench/pbdecode [CORPUS_DIR [ROUNDS]]   (../shared/corpus, 21)
 *
 * Exit status: 0, or 2 on a usage or I/O error, or 1 when a decoder fails
 * on a tree.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/err.h"
#include "gate/fs.h"
#include "gate/pbdecode.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

struct tree {
    uint8_t *data;
    size_t len;
};

static struct tree *trees;
static size_t ntrees;
static size_t cap;
static size_t bytes;

static void *arena_alloc(void *data, size_t size)
{
    return gate_arena_alloc(data, size ? size : 1);
}

static void arena_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

static int add_file(const char *path)
{
    struct gate_err err = {0};
    PgQueryProtobufParseResult r;
    char *sql;
    size_t len;

    if (gate_read_file(path, GATE_MAX_SQL_FILE, &sql, &len, &err) != GATE_OK) {
        printf("pbdecode: %s\n", err.msg);
        return -1;
    }
    r = pg_query_parse_protobuf(sql);
    free(sql);
    if (!r.error) {
        if (ntrees == cap) {
            cap = cap ? 2 * cap : 1024;
            trees = realloc(trees, cap * sizeof(*trees));
            if (!trees)
                abort();
        }
        trees[ntrees].len = r.parse_tree.len;
        trees[ntrees].data = malloc(r.parse_tree.len ? r.parse_tree.len : 1);
        if (!trees[ntrees].data)
            abort();
        memcpy(trees[ntrees].data, r.parse_tree.data, r.parse_tree.len);
        bytes += r.parse_tree.len;
        ntrees++;
    }
    pg_query_free_protobuf_parse_result(r);
    return 0;
}

/* Every migration.sql one directory below a "migrations" directory under dir. */
static int walk(const char *dir, bool in_migrations)
{
    DIR *dh = opendir(dir);
    struct dirent *de;
    int rc = 0;

    if (!dh) {
        printf("pbdecode: cannot open '%s'\n", dir);
        return -1;
    }
    while (!rc && (de = readdir(dh))) {
        char *p;

        if (de->d_name[0] == '.')
            continue;
        p = gate_path_join(dir, de->d_name);
        if (gate_path_kind(p) == GATE_PATH_DIR) {
            rc = walk(p, !strcmp(de->d_name, "migrations"));
            if (!rc && in_migrations) {
                char *f = gate_path_join(p, "migration.sql");

                if (gate_path_kind(f) == GATE_PATH_FILE)
                    rc = add_file(f);
                free(f);
            }
        }
        free(p);
    }
    closedir(dh);
    return rc;
}

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One round over every tree; the CPU seconds it took, or -1 when a tree failed. */
static double round_of(bool gate)
{
    double t0 = cpu_now();

    for (size_t i = 0; i < ntrees; i++) {
        struct gate_arena a = {0};
        ProtobufCAllocator al = {arena_alloc, arena_free, &a};
        const void *m;

        if (gate)
            m = gate_pb_decode(&pg_query__parse_result__descriptor, &al, trees[i].len,
                               trees[i].data);
        else
            m = pg_query__parse_result__unpack(&al, trees[i].len, trees[i].data);
        gate_arena_release(&a);
        if (!m)
            return -1;
    }
    return cpu_now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/corpus";
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 21;
    double *tp;
    double *tg;

    if (argc > 3 || rounds < 1 || rounds > 1000) {
        printf("usage: pbdecode [CORPUS_DIR [ROUNDS]]\n");
        return 2;
    }
    if (walk(dir, false))
        return 2;
    if (!ntrees) {
        printf("pbdecode: no parse trees under '%s'\n", dir);
        return 2;
    }
    tp = calloc((size_t)rounds, sizeof(*tp));
    tg = calloc((size_t)rounds, sizeof(*tg));
    if (!tp || !tg)
        abort();
    /* warm-up: page faults, caches, gate_pb_decode's tables */
    if (round_of(false) < 0 || round_of(true) < 0) {
        printf("pbdecode: a tree did not decode\n");
        return 1;
    }
    for (int r = 0; r < rounds; r++) {
        tp[r] = round_of(false);
        tg[r] = round_of(true);
        if (tp[r] < 0 || tg[r] < 0) {
            printf("pbdecode: a tree did not decode\n");
            return 1;
        }
    }
    qsort(tp, (size_t)rounds, sizeof(*tp), cmp_double);
    qsort(tg, (size_t)rounds, sizeof(*tg), cmp_double);
    printf("%zu parse trees, %zu bytes, %d rounds (median CPU time per round)\n", ntrees, bytes,
           rounds);
    printf("protobuf_c_message_unpack %8.2f ms\n", tp[rounds / 2] * 1e3);
    printf("gate_pb_decode            %8.2f ms\n", tg[rounds / 2] * 1e3);
    printf("speed-up                  %8.2fx\n", tp[rounds / 2] / tg[rounds / 2]);
    for (size_t i = 0; i < ntrees; i++)
        free(trees[i].data);
    free(trees);
    free(tp);
    free(tg);
    pg_query_exit();
    return 0;
}
