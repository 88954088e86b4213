/* SPDX-License-Identifier: MIT */
/*
 * sql_same.h - the fast path of gate_sql_parse() against the full scan
 * (GATE_SQL_FULL_SCAN), for test_sql.c and tests/fuzz/fuzz_sql.c.
 */
#ifndef GATE_TEST_SQL_SAME_H
#define GATE_TEST_SQL_SAME_H

#include "gate/compat.h"
#include "gate/sql.h"

/*
 * Do a (parsed with the default flags) and b (with GATE_SQL_FULL_SCAN)
 * agree: comments, statement locations, lengths, kinds and depths, ALTER
 * command locations? true when they do; else false with the first
 * difference in why[0..n).
 */
static inline bool sql_same_as_full_scan(const struct gate_sql_file *a,
                                         const struct gate_sql_file *b, char *why, size_t n)
{
    if (a->ncomments != b->ncomments) {
        (void)snprintf(why, n, "%d comments, full scan %d", a->ncomments, b->ncomments);
        return false;
    }
    for (int i = 0; i < a->ncomments; i++) {
        const struct gate_sql_comment *x = &a->comments[i];
        const struct gate_sql_comment *y = &b->comments[i];

        if (x->start != y->start || x->end != y->end || x->block != y->block ||
            strcmp(x->text, y->text)) {
            (void)snprintf(why, n, "comment %d at %d-%d, full scan %d-%d", i, x->start, x->end,
                           y->start, y->end);
            return false;
        }
    }
    if (a->nstmts != b->nstmts) {
        (void)snprintf(why, n, "%d statements, full scan %d", a->nstmts, b->nstmts);
        return false;
    }
    for (int i = 0; i < a->nstmts; i++) {
        const struct gate_stmt *x = &a->stmts[i];
        const struct gate_stmt *y = &b->stmts[i];

        if (x->location != y->location || x->length != y->length || x->kind != y->kind ||
            x->depth != y->depth || x->ncmds != y->ncmds) {
            (void)snprintf(why, n, "statement %d at %d+%d, full scan %d+%d", i, x->location,
                           x->length, y->location, y->length);
            return false;
        }
        for (int k = 0; k < x->ncmds; k++) {
            if (x->cmds[k].location != y->cmds[k].location) {
                (void)snprintf(why, n, "statement %d command %d at %d, full scan %d", i, k,
                               x->cmds[k].location, y->cmds[k].location);
                return false;
            }
        }
    }
    return true;
}

#endif
