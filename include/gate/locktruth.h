/* SPDX-License-Identifier: MIT */
/*
 * locktruth.h - the table locks PostgreSQL took, as measured on a real
 * server by tests/integration/lint-locks.sh and recorded in
 * src/lint/lock_truth.tsv. The build turns that file into a table
 * (build/gen/lock_truth.h, src/lint/lock_truth.awk); the rules reference's
 * lock column and its list of disputed lock levels come from it, so the
 * documentation says what PostgreSQL did, not what a rule believes.
 */
#ifndef GATE_LOCKTRUTH_H
#define GATE_LOCKTRUTH_H

#include "gate/compat.h"

struct gate_lock_truth {
    const char *rule;      /* the rule whose lock this row is, or NULL */
    const char *statement; /* the statement measured ("ADD CHECK") */
    const char *table;     /* the table of the test case the lock was read on */
    const char *lock;      /* "ACCESS EXCLUSIVE" ... "ACCESS SHARE", or "none" */
    bool rewrite;          /* the table got a new relfilenode */
    int postgres;          /* major version of the server measured */
    bool disputed;         /* a level tools disagree about */
};

/* Number of rows, and the i-th in file order (NULL past the end). */
size_t gate_lock_truth_count(void);
const struct gate_lock_truth *gate_lock_truth_at(size_t i);

/* The row of rule id (the lock of the table the rule flags), or NULL. */
const struct gate_lock_truth *gate_lock_truth_rule(const char *id);

#endif
