/* SPDX-License-Identifier: MIT */
/*
 * lint_internal.h - what the files of the lint engine share (src/lint/):
 * the linter, the per-file context the rules see through lint.h's
 * accessors, and the engine's later passes.
 *
 *   lint.c        the engine: Prisma's execution model, rule families,
 *                 held locks, risk, the driver
 *   suppress.c    prisma-gate-ignore[-file] directives
 *   crosscheck.c  Prisma's "Warnings" header against the findings
 */
#ifndef GATE_LINT_INTERNAL_H
#define GATE_LINT_INTERNAL_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/hmap.h"
#include "gate/lint.h"
#include "gate/src.h"

struct gate_linter {
    struct gate_lint_opts opts;
    struct gate_catalog *cat;
};

/* The strongest lock a transaction block of the file holds on a table so far. */
struct held_lock {
    const char *schema;
    const char *name;
    int mode;  /* enum lock_mode */
    int stmt;  /* the statement that took it */
    int block; /* its transaction block */
};

struct gate_lint_ctx {
    struct gate_linter *l;
    struct gate_run *run;
    struct gate_migration *m;
    struct gate_sql_file *filep;
    struct gate_sql_file file; /* a view of *filep */
    struct gate_src src;
    const char *text;
    int gen;
    int cur;           /* statement being checked */
    int *block;        /* per statement */
    bool *explicit_tx; /* per statement */
    int *block_size;   /* per block: number of non-control statements */
    int nblocks;
    const char **step;        /* per statement */
    bool *lock_timeout;       /* per statement: SET lock_timeout seen before it */
    int top;                  /* top-level statements */
    struct gate_arena *arena; /* run arena: finding strings */
    struct gate_arena scratch;
    void *family_state[16]; /* per family, per file (gate_lint_state) */
    struct held_lock *held; /* locks the file's transaction blocks hold so far */
    size_t nheld, capheld;
    int *renames; /* statements that rename a column, in file order */
    int nrenames;
    struct gate_hmap heldmap; /* block + table -> index into held (num) */
    struct gate_hmap pos;     /* gate_lint_positions(): key -> struct pos_list (ptr) */
    bool pos_built;
    int *newlines; /* offsets of '\n' before the first NUL (gate_lint_line_of) */
    size_t nnewlines;
    bool newlines_built;
};

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Apply the file's suppression directives to the findings made so far:
 * suppressed ones are marked with the directive's reason; a directive
 * that is malformed, misplaced or suppresses nothing is a finding itself.
 */
void gate_lint_apply_directives(struct gate_lint_ctx *ctx);

/*
 * Read the Warnings header Prisma writes into a generated migration and
 * link each warning to the findings that confirm it (prisma_warning); a
 * warning no statement of the file matches any more is a finding.
 */
void gate_lint_cross_check(struct gate_lint_ctx *ctx);

#endif
