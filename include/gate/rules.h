/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the rule catalogue. Each family of rules lives in one file
 * under src/lint/rules/ and exports one struct gate_rule_family; rules.c keeps
 * the table of families (git's commands[] habit).
 *
 * A family's stmt() hook runs for every statement in file order, before
 * the catalog applies that statement (so the catalog shows the state the
 * statement runs against); end() runs once after the last statement.
 * Rules report through lint.h's gate_lint_emit().
 */
#ifndef GATE_RULES_H
#define GATE_RULES_H

#include "gate/compat.h"
#include "gate/run.h"
#include "gate/sql.h"

struct gate_lint_ctx;

enum gate_rule_flags {
    GATE_RULE_HYGIENE = 1 << 0, /* off for Prisma-generated statements */
    GATE_RULE_META = 1 << 1,    /* produced by the engine, not a family */
    GATE_RULE_OFF = 1 << 2,     /* off unless the policy enables it */
};

struct gate_rule {
    const char *id;      /* squawk's name where squawk has the hazard */
    enum gate_risk risk; /* default risk */
    enum gate_category category;
    /*
     * The table lock the rule claims PostgreSQL takes for what it flags
     * ("ACCESS EXCLUSIVE"); NULL when it claims none. Each claim has its
     * measured row in src/lint/lock_truth.tsv (locktruth.h), which
     * tests/integration/lint-locks.sh writes from pg_locks on a real
     * server and test_locktruth compares with this; the documentation
     * prints the measured lock.
     */
    const char *lock;
    /* For a lock-category rule that claims no single lock: why not. */
    const char *lock_note;
    unsigned flags;
    const char *summary;      /* one line: what it flags */
    const char *why;          /* explain: why it is a hazard (a paragraph) */
    const char *help;         /* the safe alternative (default help text) */
    const char *example_bad;  /* explain: SQL that fires */
    const char *example_good; /* explain: the safe version */
};

struct gate_rule_family {
    const char *name;
    const struct gate_rule *const *rules;
    size_t nrules;
    void (*stmt)(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx);
    void (*end)(struct gate_lint_ctx *ctx);
};

extern const struct gate_rule_family gate_rules_destructive;
extern const struct gate_rule_family gate_rules_breaking;
extern const struct gate_rule_family gate_rules_rewrite;
extern const struct gate_rule_family gate_rules_locking;
extern const struct gate_rule_family gate_rules_transaction;
extern const struct gate_rule_family gate_rules_hygiene;

/* Engine-produced rules (defined in rules.c). */
extern const struct gate_rule gate_rule_syntax_error;
extern const struct gate_rule gate_rule_unused_suppression;
extern const struct gate_rule gate_rule_invalid_suppression;
extern const struct gate_rule gate_rule_prisma_warning;
extern const struct gate_rule gate_rule_empty_migration;
extern const struct gate_rule gate_rule_utf8_bom;
extern const struct gate_rule gate_rule_invalid_utf8;
extern const struct gate_rule gate_rule_held_lock;

/* Every family, NULL-terminated. */
extern const struct gate_rule_family *const gate_rule_families[];

/* Number of rules (families + engine rules) and the i-th, sorted by id. */
size_t gate_rules_count(void);
const struct gate_rule *gate_rule_at(size_t i);
/* Look up by id; NULL when unknown. */
const struct gate_rule *gate_rule_find(const char *id);
/* The known id closest to id (for "did you mean"), or NULL. */
const char *gate_rule_suggest(const char *id);

#endif
