/* SPDX-License-Identifier: MIT */
/*
 * transaction.c - rules about how Prisma runs a migration.sql: the whole
 * file is sent as one simple-protocol query, which PostgreSQL runs as one
 * implicit transaction block; explicit BEGIN/COMMIT split it into blocks
 * (docs/internals/prisma-migrate.md, "How a file runs"). From that follow: commands that refuse a
 * transaction block fail unless they are the file's only statement; a new
 * enum value cannot be used in the block that adds it; a COMMIT makes the
 * file non-atomic; an unclosed BEGIN never commits; a ROLLBACK silently
 * discards work; a missing lock_timeout lets one blocked DDL stall
 * every query on the table; and a missing statement_timeout lets one long
 * statement hold every lock the file took for as long as it runs.
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/rules_common.h"
#include "gate/catalog.h"
#include "gate/lint.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the rules --------------------------------------------------------- */

static const struct gate_rule r_concurrent = {
    .id = "ban-concurrent-index-creation-in-transaction",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_EXECUTION,
    .summary = "a command that cannot run in a transaction block (CONCURRENTLY, VACUUM, ALTER "
               "SYSTEM, CREATE DATABASE ...) in a multi-statement migration.sql",
    .why = "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY, "
           "VACUUM, ALTER SYSTEM and CREATE/DROP DATABASE refuse to run inside a transaction "
           "block (SQLSTATE 25001). Prisma sends the whole migration.sql as one query, and "
           "PostgreSQL runs a query of several statements as one implicit transaction block - so "
           "such a command only works when it is the only statement in the file; even a SET "
           "lock_timeout in front of it makes the migration fail (P3018). Inside a DO block or a "
           "function it always fails. This models Prisma's classic runner; check the behaviour "
           "of your Prisma version if it documents support for concurrent index builds.",
    .help = "move the statement into a migration of its own whose migration.sql contains only "
            "that statement",
    .example_bad = "SET lock_timeout = '5s';\n"
                   "CREATE INDEX CONCURRENTLY \"Post_authorId_idx\" ON \"Post\"(\"authorId\");",
    .example_good = "-- prisma/migrations/20240101000000_post_author_idx/migration.sql, alone:\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Post_authorId_idx\" ON "
                    "\"Post\"(\"authorId\");",
};

static const struct gate_rule r_enum = {
    .id = "new-enum-value-used-in-transaction",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_EXECUTION,
    .summary = "a new enum value used in the transaction that adds it",
    .why = "PostgreSQL 12+ accepts ALTER TYPE ... ADD VALUE inside a transaction block, but the "
           "new value cannot be used until that transaction commits: the statement that uses it "
           "fails with \"unsafe use of new value\". A Prisma migration.sql is one transaction, "
           "so adding a value and using it (a DEFAULT, an UPDATE backfill, an INSERT) in the same "
           "file fails the migration. A value added to an enum created in the same transaction "
           "is fine, and so is a use after an explicit COMMIT.",
    .help = "move the statements that use the new value into a later migration",
    .example_bad = "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\n"
                   "UPDATE \"User\" SET \"role\" = 'EDITOR' WHERE \"isEditor\";",
    .example_good = "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';\n"
                    "-- next migration\n"
                    "UPDATE \"User\" SET \"role\" = 'EDITOR' WHERE \"isEditor\";",
};

static const struct gate_rule r_non_atomic = {
    .id = "non-atomic-migration",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_EXECUTION,
    .summary = "an explicit COMMIT splits migration.sql into several transactions",
    .why = "Without explicit transaction control a Prisma migration is atomic: PostgreSQL runs "
           "the file as one implicit transaction and any error rolls all of it back. A COMMIT "
           "(or END) in the file commits what came before it, and the statements after it run in "
           "a new transaction. If one of those fails, the earlier part stays applied while "
           "Prisma records the migration as failed; the next deploy stops with P3009 until "
           "someone repairs the database by hand and runs prisma migrate resolve, and re-running "
           "the file then trips over the part that was already applied. Prisma itself writes "
           "BEGIN ... COMMIT around the enum type swap it generates when enum values are removed, "
           "so any step after that block is outside it.",
    .help = "remove the explicit BEGIN/COMMIT (the file already runs as one transaction), or "
            "move the statements after the COMMIT into a migration of their own",
    .example_bad = "BEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('USER');\n"
                   "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING "
                   "(\"role\"::text::\"Role_new\");\n"
                   "COMMIT;\n"
                   "ALTER TABLE \"User\" DROP COLUMN \"legacy\";",
    .example_good = "CREATE TYPE \"Role_new\" AS ENUM ('USER');\n"
                    "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING "
                    "(\"role\"::text::\"Role_new\");\n"
                    "ALTER TABLE \"User\" DROP COLUMN \"legacy\";",
};

static const struct gate_rule r_uncommitted = {
    .id = "ban-uncommitted-transaction",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_EXECUTION,
    .summary = "BEGIN without a later COMMIT",
    .why = "A BEGIN that is never closed leaves the transaction open when the query ends. "
           "Everything after the BEGIN - and, in Prisma's one-query model, everything before it "
           "in the same block - stays uncommitted, Prisma's own bookkeeping then runs inside that "
           "open transaction, and all of it is rolled back when the connection closes. The "
           "migration looks applied or half-applied while the schema did not change.",
    .help = "add the missing COMMIT, or remove the BEGIN (the file already runs as one "
            "transaction)",
    .example_bad = "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
    .example_good = "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
};

static const struct gate_rule r_nesting = {
    .id = "transaction-nesting",
    .risk = GATE_RISK_LOW,
    .category = GATE_CAT_EXECUTION,
    .summary = "BEGIN inside an open transaction, or COMMIT without a BEGIN",
    .why = "PostgreSQL has no nested transactions. A second BEGIN is ignored with a warning, so "
           "the first COMMIT ends both and what the author meant as an inner, separately atomic "
           "unit is not one. A COMMIT without a BEGIN is not a no-op under Prisma: the file runs "
           "as one implicit transaction, and the COMMIT commits everything before it and starts "
           "a new transaction (see non-atomic-migration).",
    .help = "remove the extra BEGIN/COMMIT; use SAVEPOINT for a nested unit",
    .example_bad = "BEGIN;\nBEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\n"
                   "COMMIT;",
    .example_good = "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
};

static const struct gate_rule r_rollback = {
    .id = "ban-rollback-in-migration",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_EXECUTION,
    .summary = "ROLLBACK in a migration",
    .why = "A ROLLBACK discards every statement of its transaction block - with or without a "
           "BEGIN, since Prisma's one-query model makes the start of the file a transaction "
           "block - yet the query succeeds, so Prisma records the migration as applied while the "
           "database never got the change. The schema and the migration history silently "
           "disagree.",
    .help = "remove the ROLLBACK and the statements it was meant to discard (test a migration "
            "against a shadow database instead)",
    .example_bad = "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nROLLBACK;",
    .example_good = "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
};

static const struct gate_rule r_lock_timeout = {
    .id = "require-lock-timeout",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_LOCK,
    .lock_note = "the rule reports the first statement of the file that waits for a lock on an "
                 "existing table, whichever mode that statement takes",
    .summary = "lock-taking DDL on an existing table without SET lock_timeout",
    .why = "DDL waits for its lock as long as it takes: behind a long-running query or an idle "
           "transaction, an ALTER TABLE waiting for ACCESS EXCLUSIVE makes every later query on "
           "the table queue behind it, and the application stalls although the DDL itself would "
           "be instant. With lock_timeout set the statement gives up instead, the migration "
           "fails cleanly (one transaction) and can be retried. Reported once per file, at the "
           "first statement that locks a table not created in the file. A file holding only a "
           "concurrent command must contain nothing else (see "
           "ban-concurrent-index-creation-in-transaction), so it is never reported; set the "
           "timeout for the migration role instead.",
    .help = "start migration.sql with SET lock_timeout = '5s';, or set it for the role Prisma "
            "migrates with: ALTER ROLE migrator SET lock_timeout = '5s';",
    .example_bad = "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
    .example_good = "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;",
};

static const struct gate_rule r_statement_timeout = {
    .id = "require-statement-timeout",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_LOCK,
    .lock_note = "the rule reports a long statement, whichever lock it takes; the timeout bounds "
                 "how long that lock and every earlier one of the file are held",
    .summary = "a long statement on an existing table (backfill, index build, validation) without "
               "SET statement_timeout",
    .why = "A backfill UPDATE, DELETE or INSERT ... SELECT, an index build, a constraint "
           "validation or a table rewrite on a table that already has rows runs as long as the "
           "table and the plan make it, and Prisma runs the whole migration.sql as one "
           "transaction: every lock the file took so far is held until that statement ends. "
           "Without statement_timeout nothing stops a statement that takes far longer than it did "
           "on a small staging table; with it the statement is cancelled, the migration fails "
           "cleanly (one transaction) and can be run again in a quiet window. PostgreSQL 13 and "
           "later apply the timeout to each statement of the file separately. Reported once per "
           "file, at the first such statement; statements on tables created earlier in the file, "
           "a few rows changed by primary key, and files holding only a concurrent command (which "
           "may contain nothing else) are not reported. A timeout set for the migration role "
           "cannot be seen in the file: suppress the finding file-wide with that reason.",
    .help = "start migration.sql with SET statement_timeout = '15min'; (long enough for the "
            "largest table), or set it for the role Prisma migrates with: ALTER ROLE migrator SET "
            "statement_timeout = '15min';",
    .example_bad = "UPDATE \"Invoice\" SET \"status\" = 'PAID' WHERE \"paidAt\" IS NOT NULL;",
    .example_good = "SET statement_timeout = '15min';\nUPDATE \"Invoice\" SET \"status\" = 'PAID' "
                    "WHERE \"paidAt\" IS NOT NULL;",
};

static const struct gate_rule *const rules[] = {
    &r_concurrent, &r_enum,     &r_non_atomic,   &r_uncommitted,
    &r_nesting,    &r_rollback, &r_lock_timeout, &r_statement_timeout,
};

/* Per-file state (gate_lint_state: fresh for every file). */
struct file_state {
    bool lock_timeout_reported;
    bool statement_timeout_reported;
    bool built;
    int *open_before; /* per statement: the BEGIN open before it, or -1 */
    /* per statement: 1 in force, 0 not, -1 ask the slow scan */
    signed char *lock_timeout_on;
    signed char *statement_timeout_on;
};

static struct file_state *state(struct gate_lint_ctx *ctx)
{
    return gate_lint_state(ctx, &gate_rules_transaction, sizeof(struct file_state));
}

static struct file_state *file_facts(struct gate_lint_ctx *ctx);

/* ---- helpers ------------------------------------------------------------- */

static bool type_is(const struct gate_type *t, const struct gate_qname *q)
{
    struct gate_qname tq = {t->schema, t->name};

    return gate_rules_same_qname(&tq, q);
}

static bool is_tx(const struct gate_stmt *st, enum gate_tx_kind k)
{
    return st->kind == GATE_STMT_TRANSACTION && st->tx == k;
}

static bool ends_block(const struct gate_stmt *st)
{
    return is_tx(st, GATE_TX_COMMIT) || is_tx(st, GATE_TX_ROLLBACK) || is_tx(st, GATE_TX_PREPARE);
}

/* Statements that change nothing worth committing (transaction control, SET). */
static bool control_stmt(const struct gate_stmt *st)
{
    return st->kind == GATE_STMT_TRANSACTION || st->kind == GATE_STMT_SET;
}

/* Created earlier in this file (catalog, or a temp table / matview it does not track). */
static bool new_in_file(struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_rules_new_table(ctx, q, idx, GATE_RULES_NEW_TEMP | GATE_RULES_NEW_MATVIEW);
}

/* ---- ban-concurrent-index-creation-in-transaction ------------------------- */

/* The command as users know it, when it refuses a transaction block; else NULL. */
static const char *non_transactional(const struct gate_stmt *st)
{
    switch (st->kind) {
    case GATE_STMT_CREATE_INDEX:
        return st->concurrent ? "CREATE INDEX CONCURRENTLY" : NULL;
    case GATE_STMT_DROP:
        if (st->obj == GATE_OBJ_INDEX && st->concurrent)
            return "DROP INDEX CONCURRENTLY";
        if (st->obj == GATE_OBJ_DATABASE)
            return "DROP DATABASE";
        return NULL;
    case GATE_STMT_REINDEX:
        if (st->obj == GATE_OBJ_SCHEMA)
            return "REINDEX SCHEMA";
        if (st->obj == GATE_OBJ_DATABASE)
            return "REINDEX DATABASE";
        if (st->obj != GATE_OBJ_INDEX && st->obj != GATE_OBJ_TABLE)
            return "REINDEX SYSTEM";
        return st->concurrent ? "REINDEX CONCURRENTLY" : NULL;
    case GATE_STMT_ALTER_TABLE:
        for (int i = 0; i < st->ncmds; i++) {
            if (st->cmds[i].kind == GATE_ALTER_DETACH_PARTITION && st->cmds[i].concurrent)
                return "DETACH PARTITION CONCURRENTLY";
        }
        return NULL;
    case GATE_STMT_VACUUM:
        return "VACUUM";
    case GATE_STMT_ALTER_SYSTEM:
        return "ALTER SYSTEM";
    case GATE_STMT_CREATE_DATABASE:
        return "CREATE DATABASE";
    case GATE_STMT_CLUSTER:
        return st->rel.name ? NULL : "CLUSTER without a table name";
    default:
        return NULL;
    }
}

static void check_concurrent(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *what = non_transactional(st);
    const struct gate_stmt *all;
    int n;
    struct gate_finding *f;

    if (!what)
        return;
    all = gate_lint_stmts(ctx, &n);
    if (st->depth > 0) {
        bool in_do = st->parent >= 0 && st->parent < n && all[st->parent].kind == GATE_STMT_DO;

        f = gate_lint_emit(ctx, &r_concurrent, idx, st->location, st->rel.name,
                           in_do ? "%s will fail: it cannot run inside a DO block"
                                 : "%s cannot run inside a function: every call of the function "
                                   "will fail",
                           what);
        if (f)
            gate_lint_help(ctx, f,
                           "run %s as a plain top-level statement, alone in its own "
                           "migration.sql",
                           what);
        return;
    }
    if (gate_lint_top_count(ctx) <= 1)
        return;
    f = gate_lint_emit(ctx, &r_concurrent, idx, st->location, st->rel.name,
                       "%s will fail: Prisma sends migration.sql as one query, which PostgreSQL "
                       "runs as one transaction, and this file has %d statements",
                       what, gate_lint_top_count(ctx));
    if (f)
        gate_lint_help(ctx, f,
                       "move %s into a migration of its own whose migration.sql contains only "
                       "that statement - no SET lock_timeout, no BEGIN (create it with prisma "
                       "migrate dev --create-only and replace its content); set lock_timeout "
                       "for the migration role instead",
                       what);
}

/* ---- new-enum-value-used-in-transaction ------------------------------------ */

/* The enum was created in transaction block `block` before statement idx. */
static bool enum_created_in_block(struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx,
                                  int block)
{
    const struct gate_stmt *all;
    const int *pos;
    int n;
    int np;

    all = gate_lint_stmts(ctx, &n);
    pos = gate_lint_positions(ctx, GATE_POS_CREATE, q, NULL, &np);
    for (int k = 0; k < np && pos[k] < idx && pos[k] < n; k++) {
        if (all[pos[k]].kind == GATE_STMT_CREATE_ENUM && gate_lint_block(ctx, pos[k]) == block)
            return true;
    }
    return false;
}

/*
 * Could statement st coerce a literal to enum type q? False only when st
 * works on a table whose columns are all known and none has type q.
 */
static bool may_use_enum(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                         const struct gate_qname *q)
{
    const struct gate_cat_table *t;

    switch (st->kind) {
    case GATE_STMT_CREATE_TABLE:
        for (int i = 0; i < st->ncols; i++) {
            if (type_is(&st->cols[i].type, q))
                return true;
        }
        return false;
    case GATE_STMT_ALTER_TABLE:
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (c->coldef && type_is(&c->coldef->type, q))
                return true;
            if (c->kind == GATE_ALTER_COLUMN_TYPE && type_is(&c->newtype, q))
                return true;
        }
        break;
    case GATE_STMT_INSERT:
    case GATE_STMT_UPDATE:
    case GATE_STMT_DELETE:
        break;
    default:
        return true;
    }
    t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);
    if (!t || t->ncols == 0)
        return true;
    for (int i = 0; i < t->ncols; i++) {
        if (type_is(&t->cols[i].type, q))
            return true;
    }
    return false;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;

    return (x > y) - (x < y);
}

/*
 * The ADD VALUE statements before idx, in idx's block, whose first value
 * is one of st's strings: ascending, each once (malloc'd; *n their number).
 */
static int *added_values_used(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                              int block, int *n)
{
    int *js = NULL;
    size_t cap = 0;
    int nj = 0;
    int out = 0;

    for (int s = 0; s < st->nstrings; s++) {
        struct gate_qname v = {NULL, st->strings[s]};
        const int *pos;
        int np;

        pos = gate_lint_positions(ctx, GATE_POS_ADD_VALUE, &v, NULL, &np);
        for (int k = 0; k < np && pos[k] < idx; k++) {
            if (gate_lint_block(ctx, pos[k]) != block)
                continue;
            GATE_GROW(js, cap, (size_t)nj + 1);
            js[nj++] = pos[k];
        }
    }
    if (nj > 1)
        qsort(js, (size_t)nj, sizeof(*js), cmp_int);
    for (int k = 0; k < nj; k++) {
        if (!out || js[out - 1] != js[k])
            js[out++] = js[k];
    }
    *n = out;
    return js;
}

static void check_enum_use(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_stmt *all;
    int n;
    int block;
    int *js;
    int nj;

    if (!st->nstrings || st->kind == GATE_STMT_ALTER_ENUM || st->kind == GATE_STMT_CREATE_ENUM ||
        st->kind == GATE_STMT_DO || st->kind == GATE_STMT_CREATE_FUNCTION ||
        st->kind == GATE_STMT_COMMENT)
        return;
    /* a function body does not run when the function is created */
    if (gate_rules_in_function_body(ctx, st))
        return;
    all = gate_lint_stmts(ctx, &n);
    block = gate_lint_block(ctx, idx);
    /* only ADD VALUEs whose value st names can match: look those up, in file order */
    js = added_values_used(ctx, st, idx, block, &nj);
    for (int x = 0; x < nj; x++) {
        int j = js[x];
        const struct gate_stmt *a = &all[j];
        const char *v;
        struct gate_finding *f;

        if (a->kind != GATE_STMT_ALTER_ENUM || a->enum_rename || a->nvalues < 1 ||
            gate_lint_block(ctx, j) != block)
            continue;
        if (gate_rules_in_function_body(ctx, a))
            continue;
        v = a->values[0];
        if (enum_created_in_block(ctx, &a->rel, j, block))
            continue;
        for (int s = 0; s < st->nstrings; s++) {
            if (!gate_rules_str_eq(st->strings[s], v))
                continue;
            if (!may_use_enum(ctx, st, &a->rel))
                break;
            f = gate_lint_emit(ctx, &r_enum, idx, st->location, st->rel.name,
                               "enum value '%s' added to %s on line %d is used here, in the same "
                               "transaction: PostgreSQL rejects it (\"unsafe use of new value\") "
                               "and the migration fails",
                               v, gate_lint_qname(ctx, &a->rel),
                               gate_rules_line_of(ctx, a->location));
            if (f)
                gate_lint_help(ctx, f,
                               "keep ALTER TYPE %s ADD VALUE '%s' in this migration and move this "
                               "statement into a later one (Prisma runs each migration.sql as "
                               "one transaction)",
                               gate_lint_qname(ctx, &a->rel), v);
            break;
        }
    }
    free(js);
}

/* ---- transaction control ---------------------------------------------------- */

static void check_tx_control(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_stmt *all;
    int n;
    int open = -1;

    all = gate_lint_stmts(ctx, &n);
    /* the explicit transaction open before idx, if any */
    open = file_facts(ctx)->open_before[idx];
    if (is_tx(st, GATE_TX_BEGIN)) {
        bool closed = false;

        if (open >= 0) {
            struct gate_finding *f =
                gate_lint_emit(ctx, &r_nesting, idx, st->location, NULL,
                               "BEGIN inside the transaction opened on line %d is ignored (there "
                               "are no nested transactions): the first COMMIT ends both",
                               gate_rules_line_of(ctx, all[open].location));

            if (f)
                gate_lint_help(ctx, f, "remove this BEGIN and its COMMIT, or use SAVEPOINT");
            return;
        }
        for (int j = idx + 1; j < n && !closed; j++)
            closed = all[j].depth == 0 && ends_block(&all[j]);
        if (!closed)
            gate_lint_emit(ctx, &r_uncommitted, idx, st->location, NULL,
                           "transaction opened here is never committed: its statements are "
                           "rolled back when the connection closes, after the query reported "
                           "success");
        return;
    }
    if (is_tx(st, GATE_TX_ROLLBACK)) {
        int first = -1;

        for (int j = idx - 1; j >= 0; j--) {
            if (all[j].depth > 0)
                continue;
            if (ends_block(&all[j]))
                break;
            if (!control_stmt(&all[j]))
                first = j;
        }
        if (first >= 0)
            gate_lint_emit(ctx, &r_rollback, idx, st->location, NULL,
                           "ROLLBACK discards the statements since line %d, yet the query "
                           "succeeds and Prisma records the migration as applied",
                           gate_rules_line_of(ctx, all[first].location));
        else
            gate_lint_emit(ctx, &r_rollback, idx, st->location, NULL,
                           "ROLLBACK in a migration discards its transaction block while Prisma "
                           "records the migration as applied");
        return;
    }
    if (is_tx(st, GATE_TX_COMMIT) && open < 0) {
        struct gate_finding *f;

        if (gate_lint_top_count(ctx) > 1)
            f = gate_lint_emit(ctx, &r_nesting, idx, st->location, NULL,
                               "COMMIT without BEGIN commits the statements before it (Prisma "
                               "runs the file as one implicit transaction) and starts a new one");
        else
            f = gate_lint_emit(ctx, &r_nesting, idx, st->location, NULL,
                               "COMMIT without BEGIN does nothing but raise a warning");
        if (f)
            gate_lint_help(ctx, f, "remove the COMMIT: the file already runs as one transaction");
    }
}

/* ---- require-lock-timeout ------------------------------------------------------ */

static bool timeout_disabled(const char *v)
{
    if (!v)
        return true;
    if (*v == '\'' || *v == '"')
        v++;
    if (!strncasecmp(v, "default", 7))
        return true;
    while (*v == '0' || *v == '.')
        v++;
    /* "0", "0s", "0ms", "0min": only zero digits before the unit */
    return !(*v >= '1' && *v <= '9');
}

/*
 * Whether the timeout setting name (lock_timeout, statement_timeout) is in
 * force after SET statement s (count_local: a SET LOCAL of the same block).
 */
static bool timeout_after(bool on, const struct gate_stmt *s, const char *name, bool count_local)
{
    if (s->depth > 0 || s->kind != GATE_STMT_SET)
        return on;
    if (s->reset && (!s->set_name || !strcmp(s->set_name, "all")))
        return false; /* RESET ALL */
    if (!gate_rules_str_eq(s->set_name, name))
        return on;
    if (s->reset)
        return false;
    if (s->set_local && !count_local)
        return on;
    return !timeout_disabled(s->set_value);
}

/* The same, by a scan of the statements before idx. */
static bool timeout_scan(struct gate_lint_ctx *ctx, int idx, const char *name)
{
    const struct gate_stmt *all;
    int n;
    bool on = false;

    all = gate_lint_stmts(ctx, &n);
    for (int j = 0; j < idx && j < n; j++)
        on = timeout_after(on, &all[j], name, gate_lint_block(ctx, j) == gate_lint_block(ctx, idx));
    return on;
}

/*
 * The file's prefix facts, built once: the BEGIN open before each
 * statement, and whether lock_timeout and statement_timeout are in force
 * for it (a running state without the SET LOCALs, and one with those of
 * the current block).
 */
static struct file_state *file_facts(struct gate_lint_ctx *ctx)
{
    struct file_state *fs = state(ctx);
    const struct gate_stmt *all;
    int n;
    int open = -1;
    bool global[2] = {false, false};
    bool cur[2] = {false, false};
    static const char *const names[2] = {"lock_timeout", "statement_timeout"};
    int cur_block = 0;

    if (fs->built)
        return fs;
    fs->built = true;
    all = gate_lint_stmts(ctx, &n);
    fs->open_before = gate_lint_scratch(ctx, sizeof(int) * (size_t)(n + 1));
    fs->lock_timeout_on = gate_lint_scratch(ctx, (size_t)(n + 1));
    fs->statement_timeout_on = gate_lint_scratch(ctx, (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const struct gate_stmt *s = &all[i];
        int b = gate_lint_block(ctx, i);

        fs->open_before[i] = open;
        if (b != cur_block && s->depth == 0) {
            cur[0] = global[0]; /* a new block: no SET LOCAL of it yet */
            cur[1] = global[1];
            cur_block = b;
        }
        fs->lock_timeout_on[i] = (signed char)(b != cur_block ? -1 : cur[0]);
        fs->statement_timeout_on[i] = (signed char)(b != cur_block ? -1 : cur[1]);
        for (int k = 0; k < 2; k++) {
            global[k] = timeout_after(global[k], s, names[k], false);
            cur[k] = timeout_after(cur[k], s, names[k], true);
        }
        if (s->depth > 0)
            continue;
        if (is_tx(s, GATE_TX_BEGIN) && open < 0)
            open = i;
        else if (ends_block(s))
            open = -1;
    }
    fs->open_before[n] = open;
    fs->lock_timeout_on[n] = -1;
    fs->statement_timeout_on[n] = -1;
    return fs;
}

/*
 * lock_timeout is in force for statement idx: the last SET before it
 * (in this file) set a non-zero value, and a SET LOCAL only within its
 * own transaction block.
 */
static bool lock_timeout_in_force(struct gate_lint_ctx *ctx, int idx)
{
    int n;
    signed char on;

    if (!gate_lint_lock_timeout_set(ctx, idx))
        return false;
    (void)gate_lint_stmts(ctx, &n);
    on = idx >= 0 && idx < n ? file_facts(ctx)->lock_timeout_on[idx] : -1;
    return on < 0 ? timeout_scan(ctx, idx, "lock_timeout") : on > 0;
}

/* The same for statement_timeout (from the same prefix facts). */
static bool statement_timeout_in_force(struct gate_lint_ctx *ctx, int idx)
{
    int n;
    signed char on;

    (void)gate_lint_stmts(ctx, &n);
    on = idx >= 0 && idx < n ? file_facts(ctx)->statement_timeout_on[idx] : -1;
    return on < 0 ? timeout_scan(ctx, idx, "statement_timeout") : on > 0;
}

/* A table not created in this file, or NULL name. */
static bool existing(struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return q->name && !new_in_file(ctx, q, idx);
}

/* Only VALIDATE CONSTRAINT: SHARE UPDATE EXCLUSIVE, which queues no reads or writes. */
static bool validate_only(const struct gate_stmt *st)
{
    for (int i = 0; i < st->ncmds; i++) {
        if (st->cmds[i].kind != GATE_ALTER_VALIDATE_CONSTRAINT)
            return false;
    }
    return st->ncmds > 0;
}

/*
 * Does statement st wait for a lock on an existing table in a mode that
 * stalls traffic? Then *out is that table (or, for an index of unknown
 * table, the index with *via_index set) and *what names the command.
 */
static bool locks_existing(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                           const char **what, struct gate_qname *out, bool *via_index)
{
    const struct gate_catalog *cat = gate_lint_catalog(ctx);
    const struct gate_qname *hit = NULL;

    *via_index = false;
    switch (st->kind) {
    case GATE_STMT_ALTER_TABLE:
        if (!gate_rules_alters_table(st) || validate_only(st))
            return false;
        *what = "ALTER TABLE";
        for (int i = 0; i < st->ncmds; i++) {
            if (st->cmds[i].kind == GATE_ALTER_DETACH_PARTITION && st->cmds[i].concurrent)
                return false;
        }
        if (existing(ctx, &st->rel, idx)) {
            hit = &st->rel;
            break;
        }
        /* a foreign key on a new table locks the referenced one (SHARE ROW EXCLUSIVE) */
        for (int i = 0; i < st->ncmds && !hit; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (c->cons && c->cons->kind == GATE_CONS_FOREIGN && existing(ctx, &c->cons->ref, idx))
                hit = &c->cons->ref;
            else if (c->coldef && c->coldef->references && existing(ctx, &c->coldef->ref, idx))
                hit = &c->coldef->ref;
        }
        break;
    case GATE_STMT_CREATE_TABLE:
        *what = "CREATE TABLE with a foreign key";
        for (int i = 0; i < st->ncols && !hit; i++) {
            if (st->cols[i].references && existing(ctx, &st->cols[i].ref, idx))
                hit = &st->cols[i].ref;
        }
        for (int i = 0; i < st->nconstraints && !hit; i++) {
            if (st->constraints[i].kind == GATE_CONS_FOREIGN &&
                existing(ctx, &st->constraints[i].ref, idx))
                hit = &st->constraints[i].ref;
        }
        break;
    case GATE_STMT_CREATE_INDEX:
        *what = "CREATE INDEX";
        if (!st->concurrent && existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    case GATE_STMT_DROP:
        if (st->obj == GATE_OBJ_TABLE) {
            *what = "DROP TABLE";
            for (int i = 0; i < st->nobjects && !hit; i++) {
                if (existing(ctx, &st->objects[i], idx))
                    hit = &st->objects[i];
            }
        } else if (st->obj == GATE_OBJ_INDEX && !st->concurrent) {
            *what = "DROP INDEX";
            for (int i = 0; i < st->nobjects; i++) {
                const struct gate_cat_index *x = gate_catalog_index(cat, &st->objects[i]);

                if (!x) {
                    *out = st->objects[i];
                    *via_index = true;
                    return true;
                }
                out->schema = x->schema;
                out->name = x->table;
                if (x->created_gen != gate_lint_generation(ctx) && existing(ctx, out, idx))
                    return true;
            }
        }
        break;
    case GATE_STMT_TRUNCATE:
    case GATE_STMT_LOCK:
        *what = st->kind == GATE_STMT_LOCK ? "LOCK TABLE" : "TRUNCATE";
        for (int i = 0; i < st->nobjects && !hit; i++) {
            if (existing(ctx, &st->objects[i], idx))
                hit = &st->objects[i];
        }
        if (!hit && !st->nobjects && existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    case GATE_STMT_RENAME:
        /* ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE: it queues no queries */
        *what = "RENAME";
        if ((st->obj == GATE_OBJ_TABLE || st->obj == GATE_OBJ_COLUMN ||
             st->obj == GATE_OBJ_CONSTRAINT) &&
            existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    case GATE_STMT_CREATE_TRIGGER:
    case GATE_STMT_CREATE_POLICY:
    case GATE_STMT_CLUSTER:
        *what = st->kind == GATE_STMT_CREATE_TRIGGER  ? "CREATE TRIGGER"
                : st->kind == GATE_STMT_CREATE_POLICY ? "CREATE POLICY"
                                                      : "CLUSTER";
        if (existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    case GATE_STMT_REINDEX:
        *what = "REINDEX";
        if (st->concurrent || !st->rel.name)
            return false;
        if (st->obj == GATE_OBJ_INDEX) {
            const struct gate_cat_index *x = gate_catalog_index(cat, &st->rel);

            if (!x) {
                *out = st->rel;
                *via_index = true;
                return true;
            }
            out->schema = x->schema;
            out->name = x->table;
            return x->created_gen != gate_lint_generation(ctx) && existing(ctx, out, idx);
        }
        if (st->obj == GATE_OBJ_TABLE && existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    case GATE_STMT_REFRESH_MATVIEW:
        *what = "REFRESH MATERIALIZED VIEW";
        if (!st->concurrent && existing(ctx, &st->rel, idx))
            hit = &st->rel;
        break;
    default:
        break;
    }
    if (!hit)
        return false;
    *out = *hit;
    return true;
}

static void check_lock_timeout(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_qname q = {0};
    bool via_index = false;
    const char *what = "";
    const char *name;
    struct gate_finding *f;

    if (state(ctx)->lock_timeout_reported)
        return;
    if (!locks_existing(ctx, st, idx, &what, &q, &via_index) || lock_timeout_in_force(ctx, idx))
        return;
    state(ctx)->lock_timeout_reported = true;
    name = gate_lint_qname(ctx, &q);
    if (via_index)
        f = gate_lint_emit(ctx, &r_lock_timeout, idx, st->location, NULL,
                           "%s %s locks its table with no lock_timeout set: if it waits behind a "
                           "long-running transaction, every later query on the table queues "
                           "behind it",
                           what, name);
    else
        f = gate_lint_emit(ctx, &r_lock_timeout, idx, st->location, q.name,
                           "%s locks %s with no lock_timeout set: if it waits behind a "
                           "long-running transaction, every later query on %s queues behind it",
                           what, name, name);
    if (f)
        gate_lint_help(ctx, f,
                       "start migration.sql with SET lock_timeout = '5s'; so a blocked statement "
                       "fails fast and the migration can be retried; or set it once for the role "
                       "Prisma migrates with (ALTER ROLE migrator SET lock_timeout = '5s';), which "
                       "also covers CREATE INDEX CONCURRENTLY files, where nothing but the one "
                       "statement may appear (PGOPTIONS='-c lock_timeout=5s' works for clients "
                       "that honour it)");
}

/* ---- require-statement-timeout -------------------------------------------------- */

/*
 * Statement st runs for as long as an existing table makes it: the
 * held-lock model's work (backfills, index builds, validations), the
 * constraints ALTER TABLE checks or indexes as it adds them, SET
 * [UN]LOGGED, CLUSTER and REFRESH MATERIALIZED VIEW. (SET NOT NULL is
 * left out: a validated CHECK makes it skip its scan.)
 */
static bool long_statement(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                           struct gate_qname *table, const char **what)
{
    if (gate_lint_long_work(ctx, st, table, what))
        return true;
    if (st->depth > 0 || !existing(ctx, &st->rel, idx))
        return false;
    *table = st->rel;
    switch (st->kind) {
    case GATE_STMT_ALTER_TABLE:
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (c->kind == GATE_ALTER_SET_LOGGED || c->kind == GATE_ALTER_SET_UNLOGGED) {
                *what = "table rewrite";
                return true;
            }
            if (c->kind == GATE_ALTER_ADD_CONSTRAINT && c->cons && !c->cons->not_valid &&
                (c->cons->kind == GATE_CONS_CHECK || c->cons->kind == GATE_CONS_UNIQUE ||
                 c->cons->kind == GATE_CONS_PRIMARY || c->cons->kind == GATE_CONS_EXCLUSION)) {
                *what = c->cons->kind == GATE_CONS_CHECK ? "CHECK validation scan" : "index build";
                return true;
            }
        }
        return false;
    case GATE_STMT_CLUSTER:
        *what = "CLUSTER";
        return true;
    case GATE_STMT_REFRESH_MATVIEW:
        *what = "REFRESH MATERIALIZED VIEW";
        return !st->concurrent;
    default:
        return false;
    }
}

static void check_statement_timeout(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_qname q = {0};
    const char *what = "";
    const char *name;
    struct gate_finding *f;

    if (state(ctx)->statement_timeout_reported || !long_statement(ctx, st, idx, &q, &what) ||
        statement_timeout_in_force(ctx, idx))
        return;
    state(ctx)->statement_timeout_reported = true;
    name = gate_lint_qname(ctx, &q);
    f = gate_lint_emit(ctx, &r_statement_timeout, idx, st->location, q.name,
                       "%s on %s runs with no statement_timeout set: how long it takes grows "
                       "with the data, and every lock the migration holds stays held until it "
                       "ends",
                       what, name);
    if (f)
        gate_lint_help(ctx, f,
                       "start migration.sql with SET statement_timeout = '15min'; (long enough "
                       "for the largest table) so a statement that runs away is cancelled and "
                       "the migration fails cleanly; or set it once for the role Prisma migrates "
                       "with (ALTER ROLE migrator SET statement_timeout = '15min';)");
}

/* ---- non-atomic-migration -------------------------------------------------------- */

static void check_non_atomic(struct gate_lint_ctx *ctx)
{
    const struct gate_stmt *all;
    int n;
    bool work = false;     /* current block has changes */
    int committed_at = -1; /* COMMIT that committed earlier changes */

    all = gate_lint_stmts(ctx, &n);
    for (int j = 0; j < n; j++) {
        const struct gate_stmt *s = &all[j];
        struct gate_finding *f;

        if (s->depth > 0)
            continue;
        if (is_tx(s, GATE_TX_COMMIT) || is_tx(s, GATE_TX_PREPARE)) {
            if (work && committed_at < 0)
                committed_at = j;
            work = false;
            continue;
        }
        if (is_tx(s, GATE_TX_ROLLBACK)) {
            work = false;
            continue;
        }
        if (control_stmt(s))
            continue;
        if (committed_at < 0) {
            work = true;
            continue;
        }
        f = gate_lint_emit(ctx, &r_non_atomic, j, s->location, NULL,
                           "this statement runs in a new transaction after the COMMIT on line %d: "
                           "if anything from here on fails, the statements before that COMMIT "
                           "stay applied while Prisma records the migration as failed (P3009 on "
                           "the next deploy)",
                           gate_rules_line_of(ctx, all[committed_at].location));
        if (f)
            gate_lint_help(
                ctx, f,
                "remove the explicit BEGIN/COMMIT - Prisma already runs migration.sql as "
                "one transaction, which also holds Prisma's own enum swap (-- "
                "AlterEnum) - or move the statements after line %d into a migration of "
                "their own",
                gate_rules_line_of(ctx, all[committed_at].location));
        return;
    }
}

/* ---- the family ------------------------------------------------------------------ */

static void transaction_stmt(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    check_concurrent(ctx, st, idx);
    check_enum_use(ctx, st, idx);
    if (st->depth == 0 && st->kind == GATE_STMT_TRANSACTION)
        check_tx_control(ctx, st, idx);
    check_lock_timeout(ctx, st, idx);
    check_statement_timeout(ctx, st, idx);
}

static void transaction_end(struct gate_lint_ctx *ctx)
{
    check_non_atomic(ctx);
}

const struct gate_rule_family gate_rules_transaction = {
    .name = "transaction",
    .rules = rules,
    .nrules = GATE_ARRAY_SIZE(rules),
    .stmt = transaction_stmt,
    .end = transaction_end,
};
