/* SPDX-License-Identifier: MIT */
/*
 * destructive.c - rules for statements that destroy data: DROP TABLE,
 * DROP COLUMN, DROP SCHEMA, DROP DATABASE, TRUNCATE, DELETE or UPDATE
 * without a WHERE clause, and data changes with one (UPDATE/DELETE ...
 * WHERE, INSERT ... SELECT) on tables that existed before the migration.
 *
 * Objects created earlier in the same migration hold no data yet, so
 * dropping or emptying them is not reported. A table the catalog does not
 * know (a lone file, or history that starts later) counts as existing,
 * also under IF EXISTS. Dropping an index, view, sequence or type is not
 * data loss and is left alone, except DROP TYPE ... CASCADE, which drops
 * every column of that type.
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/rules_common.h"
#include "gate/buf.h"
#include "gate/catalog.h"
#include "gate/lint.h"

#include <string.h>

static const struct gate_rule ban_drop_table = {
    .id = "ban-drop-table",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "DROP TABLE of a table that existed before this migration",
    .why = "DROP TABLE deletes every row of the table, together with its indexes, constraints "
           "and triggers, and there is no undo short of a restore from backup. Code that is "
           "still deployed and reads or writes the table starts failing the moment the "
           "migration commits, and CASCADE silently drops views and foreign keys that depend "
           "on it. Prisma writes a \"You are about to drop the table\" warning for it, which is "
           "easy to miss in review. Tables created earlier in the same migration are not "
           "reported: they hold no data yet.",
    .help = "drop tables in a separate, later release: first remove every use from the "
            "application and deploy, take a backup (pg_dump -t), and only then run the DROP "
            "with a suppression that records why it is safe",
    .example_bad = "-- DropTable\nDROP TABLE \"Post\";",
    .example_good = "-- the app stopped using \"Post\" in v2.3; backup in s3://backups/post.dump\n"
                    "-- prisma-gate-ignore ban-drop-table: unused since v2.3, backed up\n"
                    "DROP TABLE \"Post\";",
};

static const struct gate_rule ban_drop_column = {
    .id = "ban-drop-column",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "DROP COLUMN of a column that existed before this migration",
    .why = "Dropping a column deletes its data in every row and cannot be undone without a "
           "restore. Application code that is still running and selects or inserts the column "
           "(Prisma Client lists every column of a model explicitly) fails until the new "
           "release is out. Prisma also uses DROP COLUMN + ADD COLUMN when it cannot cast a "
           "changed type, which loses the data of the whole column. Columns added earlier in "
           "the same migration, and columns of tables created in it, are not reported. A "
           "column dropped in a swap whose data was copied (ADD COLUMN \"x_new\", UPDATE ... "
           "SET \"x_new\" = ..., DROP COLUMN \"x\", RENAME COLUMN \"x_new\" TO \"x\") is "
           "reported as the type change it is (changing-column-type) instead.",
    .help = "expand/contract: remove the field from schema.prisma and the code first (or mark "
            "it @ignore), deploy, then drop the column in a later migration with a suppression "
            "that records why it is safe",
    .example_bad = "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"legacyId\";",
    .example_good = "-- release N: \"legacyId\" removed from schema.prisma and the code\n"
                    "-- release N+1:\n"
                    "-- prisma-gate-ignore ban-drop-column: unused since release N\n"
                    "ALTER TABLE \"User\" DROP COLUMN \"legacyId\";",
};

static const struct gate_rule ban_drop_schema = {
    .id = "ban-drop-schema",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "DROP SCHEMA",
    .why = "DROP SCHEMA ... CASCADE deletes every table, view, type and function in the "
           "schema with all their data; without CASCADE it fails as soon as the schema holds "
           "anything. Neither belongs in an application migration. Schemas created earlier in "
           "the same migration are not reported.",
    .help = "do not drop schemas from a migration; if the schema really is obsolete, drop it by "
            "hand after a backup (pg_dump -n schema)",
    .example_bad = "DROP SCHEMA \"analytics\" CASCADE;",
    .example_good = "-- keep the schema; drop single, unused tables in later releases instead\n"
                    "SELECT 1;",
};

static const struct gate_rule ban_drop_database = {
    .id = "ban-drop-database",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "DROP DATABASE",
    .why = "DROP DATABASE deletes a whole database. It cannot run inside a transaction block, "
           "so in a multi-statement migration.sql it fails; alone, it destroys everything in "
           "that database. It never belongs in a migration.",
    .help = "remove the statement; databases are created and dropped by provisioning, not by "
            "migrations",
    .example_bad = "DROP DATABASE \"staging\";",
    .example_good = "-- databases are managed outside the migrations\nSELECT 1;",
};

static const struct gate_rule ban_truncate_cascade = {
    .id = "ban-truncate-cascade",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "TRUNCATE (with or without CASCADE) of an existing table",
    .why = "TRUNCATE deletes every row of the table at once, under an ACCESS EXCLUSIVE lock, "
           "and the rows are gone once the migration commits. With CASCADE it also empties "
           "every table that has a foreign key to it, and those tables are not named in the "
           "statement. Tables created earlier in the same migration are not reported unless "
           "CASCADE reaches other tables.",
    .help = "name the tables you mean to empty explicitly and drop CASCADE; to remove only "
            "some rows, use DELETE ... WHERE in batches",
    .example_bad = "TRUNCATE \"Session\" CASCADE;",
    .example_good = "DELETE FROM \"Session\" WHERE \"expiresAt\" < now() - interval '30 days';",
};

static const struct gate_rule ban_delete_without_where = {
    .id = "ban-delete-without-where",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "DELETE without WHERE on an existing table",
    .why = "A DELETE without a WHERE clause removes every row of the table. In a migration "
           "it runs inside the migration's transaction, holding a row lock on every row until "
           "the whole file commits, and the data is gone afterwards; ON DELETE CASCADE "
           "foreign keys empty the tables that refer to it too (the finding lists them, "
           "transitively, from the migration history). It is almost always a "
           "mistake or a forgotten condition. DELETEs inside function bodies (trigger "
           "functions) do not run during the migration and are not reported.",
    .help = "add the WHERE clause that selects the rows to remove; to empty a table on "
            "purpose, say so with a suppression and a reason",
    .example_bad = "DELETE FROM \"ExecutedRule\";",
    .example_good = "DELETE FROM \"ExecutedRule\" WHERE \"status\" = 'SKIPPED';",
};

static const struct gate_rule ban_update_without_where = {
    .id = "ban-update-without-where",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_DATA_LOSS,
    .summary = "UPDATE without WHERE: a whole-table write",
    .why = "An UPDATE without WHERE writes a new version of every row of the table in one "
           "transaction: it holds a row lock on every row (blocking concurrent writers) until "
           "the migration commits, doubles the table on disk until vacuum, and overwrites the "
           "old values of the assigned columns for good. In a Prisma migration the whole file "
           "is one transaction, so on a large table this is a long outage for writers. A "
           "backfill of a column added earlier in the same migration is reported as a "
           "whole-table write (category rewrite) rather than data loss.",
    .help = "backfill in batches outside the migration (UPDATE ... WHERE \"id\" BETWEEN a AND b, "
            "committing each batch), or add the WHERE clause that limits the rows",
    .example_bad = "UPDATE \"User\" SET \"plan\" = 'free';",
    .example_good =
        "UPDATE \"User\" SET \"plan\" = 'free' WHERE \"plan\" IS NULL AND \"id\" < 10000;",
};

static const struct gate_rule changing_existing_rows = {
    .id = "changing-existing-rows",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_DATA_DEPENDENT,
    .lock = "ROW EXCLUSIVE",
    .summary = "UPDATE ... WHERE or INSERT ... SELECT on a table that existed before this "
               "migration",
    .why = "A data change in a migration runs inside the migration's transaction: every row it "
           "writes stays locked until the whole file commits, and how long it takes depends on "
           "the data, not on the migration - it grows with the table and cannot be reviewed "
           "from the SQL alone. An earlier ALTER TABLE of the same table in the file makes it "
           "worse: its ACCESS EXCLUSIVE lock is still held, so reads wait too (the finding then "
           "says so and is high). A WHERE that matches every row - \"col IS NULL\" on a column "
           "that was added nullable without a default and never filled - is a whole-table "
           "write and reported as high. An UPDATE that names its rows by the table's primary "
           "key (\"id\" = 'x', \"id\" IN ('x', 'y')) touches a bounded number of rows and is "
           "not reported. Tables created earlier in the same migration are not reported; UPDATE "
           "and INSERT in function bodies do not run during the migration.",
    .help = "backfill in committed batches outside the migration (UPDATE ... WHERE \"id\" "
            "BETWEEN a AND b, one transaction per batch), or, for a small table, keep it and "
            "suppress with -- prisma-gate-ignore changing-existing-rows: reason",
    .example_bad = "UPDATE \"Invoice\" i SET \"paidAt\" = p.\"createdAt\" FROM \"Payment\" p\n"
                   "WHERE p.\"invoiceId\" = i.\"id\";",
    .example_good =
        "-- run after the deploy, in batches of 10000 ids, each in its own transaction:\n"
        "-- UPDATE \"Invoice\" i SET \"paidAt\" = p.\"createdAt\" FROM \"Payment\" p\n"
        "--   WHERE p.\"invoiceId\" = i.\"id\" AND i.\"id\" BETWEEN 1 AND 10000;\n"
        "SELECT 1;",
};

static const struct gate_rule deleting_existing_rows = {
    .id = "deleting-existing-rows",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_DATA_LOSS,
    .lock = "ROW EXCLUSIVE",
    .summary = "DELETE ... WHERE on a table that existed before this migration",
    .why =
        "A DELETE in a migration removes rows for good once the migration commits: a rollback "
        "of the release does not bring them back. How many rows it removes, and how long it "
        "holds their locks (until the whole file commits), depends on the data of each "
        "database it runs on. Foreign keys with ON DELETE CASCADE to the table silently "
        "delete the matching rows of the referencing tables too, and theirs in turn (the "
        "finding lists them, from the migration history). A WHERE that matches every row (\"col IS NULL\" on a "
        "column added nullable without a default and never filled) deletes the whole table "
        "and is critical; one that names its rows by the table's primary key is medium (high "
        "when ON DELETE CASCADE reaches other tables). Tables created earlier in the same "
        "migration are not reported.",
    .help = "delete in a reviewed script after a backup of the rows (COPY (SELECT ...) TO ...), "
            "or suppress with -- prisma-gate-ignore deleting-existing-rows: reason",
    .example_bad = "DELETE FROM \"Session\" WHERE \"userId\" IS NULL;",
    .example_good = "-- rows archived to s3://backups/sessions.csv; small table\n"
                    "-- prisma-gate-ignore deleting-existing-rows: orphans, archived first\n"
                    "DELETE FROM \"Session\" WHERE \"userId\" IS NULL;",
};

static const struct gate_rule *const rules[] = {
    &ban_drop_table,           &ban_drop_column,        &ban_drop_schema,
    &ban_drop_database,        &ban_truncate_cascade,   &ban_delete_without_where,
    &ban_update_without_where, &changing_existing_rows, &deleting_existing_rows,
};

/* ---- helpers ------------------------------------------------------------ */

/*
 * Created earlier in this file: the catalog's generation says so for
 * ordinary tables; temporary tables never enter the catalog, so look for
 * their CREATE statement.
 */
static bool new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_rules_new_table(ctx, q, idx, GATE_RULES_NEW_TEMP);
}

/* ---- DROP --------------------------------------------------------------- */

struct type_cascade {
    struct gate_lint_ctx *ctx;
    int idx;
    const struct gate_stmt *st;
    const struct gate_qname *type;
};

static void cascade_column(void *arg, const struct gate_cat_table *t,
                           const struct gate_cat_column *c)
{
    struct type_cascade *tc = arg;
    struct gate_qname tq = {t->schema, t->name};
    struct gate_finding *f;

    if (new_table(tc->ctx, &tq, tc->idx))
        return;
    f = gate_lint_emit(tc->ctx, &ban_drop_column, tc->idx, tc->st->location, t->name,
                       "dropping type %s with CASCADE drops column %s.\"%s\" and its data",
                       gate_lint_qname(tc->ctx, tc->type), gate_lint_qname(tc->ctx, &tq), c->name);
    gate_lint_help(tc->ctx, f,
                   "drop CASCADE; move %s.\"%s\" to another type first (ALTER TABLE %s ALTER "
                   "COLUMN \"%s\" TYPE text USING \"%s\"::text), then DROP TYPE %s",
                   gate_lint_qname(tc->ctx, &tq), c->name, gate_lint_qname(tc->ctx, &tq), c->name,
                   c->name, gate_lint_qname(tc->ctx, tc->type));
}

static void check_drop(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    for (int i = 0; i < st->nobjects; i++) {
        const struct gate_qname *q = &st->objects[i];
        const char *name = gate_lint_qname(ctx, q);
        struct gate_finding *f;

        if (!q->name)
            continue;
        switch (st->obj) {
        case GATE_OBJ_TABLE:
            if (new_table(ctx, q, idx))
                break;
            f = gate_lint_emit(ctx, &ban_drop_table, idx, st->location, q->name,
                               "dropping table %s destroys its data%s", name,
                               st->cascade ? "; CASCADE also drops the views and foreign keys "
                                             "that depend on it"
                                           : "");
            gate_lint_help(ctx, f,
                           "drop %s in a later release, after the application no longer uses it "
                           "and a backup exists (pg_dump -t '%s'); then suppress with "
                           "-- prisma-gate-ignore ban-drop-table: reason",
                           name, name);
            break;
        case GATE_OBJ_SCHEMA:
            if (gate_rules_schema_created(ctx, q->name, idx))
                break;
            f = gate_lint_emit(ctx, &ban_drop_schema, idx, st->location, NULL,
                               "dropping schema %s %s", name,
                               st->cascade ? "with CASCADE destroys every table in it and their "
                                             "data"
                                           : "destroys the objects in it (and fails if it is "
                                             "not empty)");
            gate_lint_help(ctx, f,
                           "remove the statement; if schema %s is obsolete, drop it by hand after "
                           "a backup (pg_dump -n '%s')",
                           name, name);
            break;
        case GATE_OBJ_DATABASE:
            gate_lint_emit(ctx, &ban_drop_database, idx, st->location, NULL,
                           "dropping database %s destroys all of its data", name);
            break;
        case GATE_OBJ_TYPE:
        case GATE_OBJ_DOMAIN:
            if (st->cascade) {
                struct type_cascade tc = {ctx, idx, st, q};

                gate_catalog_each_column_of_type(gate_lint_catalog(ctx), q, cascade_column, &tc);
            }
            break;
        default:
            break;
        }
    }
}

/* ---- ALTER TABLE ... DROP COLUMN ----------------------------------------- */

static void check_alter(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_stmt *stmts;
    int nstmts;

    if (!gate_rules_alters_table(st))
        return;
    if (new_table(ctx, &st->rel, idx))
        return;
    stmts = gate_lint_stmts(ctx, &nstmts);
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];
        const char *t;
        const char *from;
        bool copied;
        int r;
        struct gate_finding *f;

        if (c->kind != GATE_ALTER_DROP_COLUMN || !c->column)
            continue;
        if (gate_rules_column_added(ctx, &st->rel, c->column, idx))
            continue;
        t = gate_lint_qname(ctx, &st->rel);
        r = gate_rules_column_swap(ctx, &st->rel, c->column, idx, &from, &copied);
        if (r >= 0 && copied)
            continue; /* the data lives on under the old name: changing-column-type says what */
        if (r >= 0) {
            f = gate_lint_emit(ctx, &ban_drop_column, idx, c->location, st->rel.name,
                               "dropping column %s.\"%s\" destroys its data: \"%s\", renamed to "
                               "\"%s\" on line %d, is not filled from it in this migration",
                               t, c->column, from, c->column,
                               gate_rules_line_of(ctx, stmts[r].location));
            gate_lint_help(ctx, f,
                           "copy the data before the drop (UPDATE %s SET \"%s\" = \"%s\"::...), or "
                           "keep \"%s\" and drop it in a later release",
                           t, from, c->column, c->column);
            continue;
        }
        f = gate_lint_emit(ctx, &ban_drop_column, idx, c->location, st->rel.name,
                           "dropping column %s.\"%s\" destroys its data%s", t, c->column,
                           c->cascade ? "; CASCADE also drops the views and constraints that "
                                        "use it"
                                      : "");
        gate_lint_help(ctx, f,
                       "expand/contract: remove the field from schema.prisma and the code (or "
                       "mark it @ignore), deploy, and drop it in a later migration: ALTER TABLE "
                       "%s DROP COLUMN \"%s\" with -- prisma-gate-ignore ban-drop-column: reason",
                       t, c->column);
    }
}

/* ---- TRUNCATE, DELETE, UPDATE ------------------------------------------ */

static void check_truncate(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    for (int i = 0; i < st->nobjects; i++) {
        const struct gate_qname *q = &st->objects[i];
        const char *name;
        struct gate_finding *f;

        if (!q->name)
            continue;
        if (!st->cascade && new_table(ctx, q, idx))
            continue;
        name = gate_lint_qname(ctx, q);
        if (st->cascade) {
            f = gate_lint_emit(ctx, &ban_truncate_cascade, idx, st->location, q->name,
                               "truncating %s with CASCADE deletes all of its rows and empties "
                               "every table with a foreign key to it",
                               name);
            gate_lint_help(ctx, f,
                           "drop CASCADE and name every table to empty explicitly (TRUNCATE %s, "
                           "...); or delete only the rows you mean: DELETE FROM %s WHERE ...",
                           name, name);
        } else {
            f = gate_lint_emit(ctx, &ban_truncate_cascade, idx, st->location, q->name,
                               "truncating %s deletes all of its rows", name);
            gate_lint_help(ctx, f,
                           "delete only the rows you mean, in batches: DELETE FROM %s WHERE ...; "
                           "if emptying the table is intended, suppress with "
                           "-- prisma-gate-ignore ban-truncate-cascade: reason",
                           name);
        }
    }
}

static void cascade_text(struct gate_lint_ctx *ctx, const char *table, struct gate_buf *b);

static void check_delete(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *name;
    struct gate_buf b = {0};
    struct gate_finding *f;

    if (st->has_where || !st->rel.name || gate_rules_in_function_body(ctx, st))
        return;
    if (new_table(ctx, &st->rel, idx))
        return;
    name = gate_lint_qname(ctx, &st->rel);
    cascade_text(ctx, st->rel.name, &b);
    f = gate_lint_emit(ctx, &ban_delete_without_where, idx, st->location, st->rel.name,
                       "DELETE without WHERE deletes every row of %s%s", name, gate_buf_str(&b));
    gate_buf_release(&b);
    gate_lint_help(ctx, f,
                   "add the condition that selects the rows to delete: DELETE FROM %s WHERE ...; "
                   "if emptying the table is intended, suppress with "
                   "-- prisma-gate-ignore ban-delete-without-where: reason",
                   name);
}

/* Every assigned column was added to the table earlier in this file: a backfill. */
static bool backfill_of_new_columns(const struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                    int idx)
{
    if (st->nset_columns < 1)
        return false;
    for (int i = 0; i < st->nset_columns; i++) {
        if (!gate_rules_column_added(ctx, &st->rel, st->set_columns[i], idx))
            return false;
    }
    return true;
}

static void check_update(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *name;
    struct gate_finding *f;

    if (st->has_where || !st->rel.name || gate_rules_in_function_body(ctx, st))
        return;
    if (new_table(ctx, &st->rel, idx))
        return;
    name = gate_lint_qname(ctx, &st->rel);
    if (backfill_of_new_columns(ctx, st, idx)) {
        f = gate_lint_emit(ctx, &ban_update_without_where, idx, st->location, st->rel.name,
                           "UPDATE without WHERE backfills \"%s\" by writing every row of %s in "
                           "the migration's transaction, locking all of them until it commits",
                           st->set_columns[0], name);
        if (f)
            f->category = GATE_CAT_REWRITE;
    } else if (st->nset_columns > 0) {
        f = gate_lint_emit(ctx, &ban_update_without_where, idx, st->location, st->rel.name,
                           "UPDATE without WHERE overwrites \"%s\"%s in every row of %s and "
                           "locks all of them until the migration commits",
                           st->set_columns[0], st->nset_columns > 1 ? " (and more columns)" : "",
                           name);
    } else {
        f = gate_lint_emit(ctx, &ban_update_without_where, idx, st->location, st->rel.name,
                           "UPDATE without WHERE writes every row of %s and locks all of them "
                           "until the migration commits",
                           name);
    }
    gate_lint_help(ctx, f,
                   "limit the rows (UPDATE %s SET ... WHERE ...), or backfill in committed "
                   "batches outside the migration (UPDATE %s SET ... WHERE \"id\" BETWEEN a AND "
                   "b); if a single whole-table write is intended on a small table, suppress "
                   "with -- prisma-gate-ignore ban-update-without-where: reason",
                   name, name);
}

/* ---- UPDATE ... WHERE, DELETE ... WHERE, INSERT ... SELECT --------------- */

/*
 * The WHERE is "col IS NULL" on a column that holds NULL in every row: it
 * was added nullable without a default (in this file or earlier in the
 * history) and nothing has filled it since. Returns the column, else NULL.
 */
static const char *where_matches_all(const struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    const struct gate_cat_table *t;
    const struct gate_cat_column *c;

    if (!st->where_is_null)
        return NULL;
    t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);
    c = gate_catalog_column(t, st->where_is_null);
    return c && c->added_null ? c->name : NULL;
}

enum { CASCADE_MAX = 32 };

/* The tables a DELETE from one table reaches through ON DELETE CASCADE, transitively. */
struct cascade_list {
    const char *tables[CASCADE_MAX + 1]; /* [0]: the table deleted from */
    int n;
    bool more; /* more than CASCADE_MAX */
};

static void cascade_table(void *arg, const char *referencing)
{
    struct cascade_list *cl = arg;

    for (int i = 0; i <= cl->n; i++) {
        if (!strcmp(cl->tables[i], referencing))
            return;
    }
    if (cl->n >= CASCADE_MAX) {
        cl->more = true;
        return;
    }
    cl->tables[++cl->n] = referencing;
}

/* "; ON DELETE CASCADE also deletes the matching rows of "A", "B"" into b (nothing when none). */
static void cascade_text(struct gate_lint_ctx *ctx, const char *table, struct gate_buf *b)
{
    struct cascade_list cl = {.tables = {table}};

    for (int i = 0; i <= cl.n && i <= CASCADE_MAX; i++)
        gate_catalog_each_cascade(gate_lint_catalog(ctx), cl.tables[i], cascade_table, &cl);
    for (int i = 1; i <= cl.n; i++) {
        struct gate_qname q = {NULL, cl.tables[i]};

        gate_buf_printf(b, "%s%s",
                        i > 1 ? ", " : "; ON DELETE CASCADE also deletes the matching rows of ",
                        gate_lint_qname(ctx, &q));
    }
    if (cl.more)
        gate_buf_adds(b, " and more");
}

/* Per-file state (gate_lint_state: fresh for every file). */
struct file_state {
    bool temp_seen; /* a CREATE TEMP TABLE so far: only then look for one by name */
};

static struct file_state *state(struct gate_lint_ctx *ctx)
{
    return gate_lint_state(ctx, &gate_rules_destructive, sizeof(struct file_state));
}

static void check_data_change(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *name;
    const char *all;
    int keys;
    struct gate_finding *f;

    /* data changes can be a file's every statement: no scan of the file per statement */
    if (!st->rel.name || gate_rules_in_function_body(ctx, st) ||
        gate_lint_new_table(ctx, &st->rel) ||
        (state(ctx)->temp_seen && new_table(ctx, &st->rel, idx)))
        return;
    name = gate_lint_qname(ctx, &st->rel);
    all = where_matches_all(ctx, st);
    keys = gate_lint_key_rows(ctx, st);
    if (keys && st->kind != GATE_STMT_DELETE)
        return; /* a few rows by primary key: bounded, not data-dependent */
    if (st->kind == GATE_STMT_DELETE) {
        struct gate_buf b = {0};
        bool cascades;

        cascade_text(ctx, st->rel.name, &b);
        cascades = b.len > 0;
        if (keys)
            f = gate_lint_emit(ctx, &deleting_existing_rows, idx, st->location, st->rel.name,
                               "DELETE from %s removes %s%d row%s by primary key, for good%s", name,
                               keys > 1 ? "up to " : "at most ", keys, keys > 1 ? "s" : "",
                               gate_buf_str(&b));
        else if (all)
            f = gate_lint_emit(ctx, &deleting_existing_rows, idx, st->location, st->rel.name,
                               "DELETE from %s WHERE \"%s\" IS NULL deletes every row: \"%s\" was "
                               "added without a default and never filled, so it is NULL in all "
                               "of them%s",
                               name, all, all, gate_buf_str(&b));
        else
            f = gate_lint_emit(ctx, &deleting_existing_rows, idx, st->location, st->rel.name,
                               "DELETE from %s removes existing rows for good; how many, and how "
                               "long their locks are held until the migration commits, depends "
                               "on the data%s",
                               name, gate_buf_str(&b));
        if (f && all)
            f->risk = GATE_RISK_CRITICAL;
        else if (f && keys && !cascades)
            f->risk = GATE_RISK_MEDIUM; /* named rows of this table only */
        gate_lint_help(ctx, f,
                       "back the rows up first (COPY (SELECT * FROM %s WHERE ...) TO ...) and "
                       "delete them in a reviewed script, or suppress with "
                       "-- prisma-gate-ignore deleting-existing-rows: reason",
                       name);
        gate_buf_release(&b);
        return;
    }
    if (st->kind == GATE_STMT_INSERT)
        f = gate_lint_emit(ctx, &changing_existing_rows, idx, st->location, st->rel.name,
                           "INSERT ... SELECT into %s copies rows inside the migration's "
                           "transaction: how many, and how long it takes, depends on the data",
                           name);
    else if (all)
        f = gate_lint_emit(ctx, &changing_existing_rows, idx, st->location, st->rel.name,
                           "UPDATE of %s WHERE \"%s\" IS NULL writes every row: \"%s\" was added "
                           "without a default and never filled, so it is NULL in all of them; "
                           "a whole-table write, every row locked until the migration commits",
                           name, all, all);
    else
        f = gate_lint_emit(ctx, &changing_existing_rows, idx, st->location, st->rel.name,
                           "UPDATE of %s changes existing rows inside the migration's "
                           "transaction: the rows it matches stay locked until the migration "
                           "commits, and how long it takes grows with the table",
                           name);
    if (f && all)
        f->risk = GATE_RISK_HIGH;
    gate_lint_help(ctx, f,
                   "run it after the deploy in committed batches (... WHERE \"id\" BETWEEN a AND "
                   "b, one transaction each), or, for a small table, suppress with "
                   "-- prisma-gate-ignore changing-existing-rows: reason");
}

static void destructive_stmt(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if ((st->kind == GATE_STMT_CREATE_TABLE || st->kind == GATE_STMT_CREATE_TABLE_AS) && st->temp)
        state(ctx)->temp_seen = true;
    switch (st->kind) {
    case GATE_STMT_DROP:
        check_drop(ctx, st, idx);
        break;
    case GATE_STMT_ALTER_TABLE:
        check_alter(ctx, st, idx);
        break;
    case GATE_STMT_TRUNCATE:
        check_truncate(ctx, st, idx);
        break;
    case GATE_STMT_DELETE:
        check_delete(ctx, st, idx);
        if (st->has_where)
            check_data_change(ctx, st, idx);
        break;
    case GATE_STMT_UPDATE:
        check_update(ctx, st, idx);
        if (st->has_where)
            check_data_change(ctx, st, idx);
        break;
    case GATE_STMT_INSERT:
        if (st->insert_select)
            check_data_change(ctx, st, idx);
        break;
    default:
        break;
    }
}

const struct gate_rule_family gate_rules_destructive = {
    .name = "destructive",
    .rules = rules,
    .nrules = GATE_ARRAY_SIZE(rules),
    .stmt = destructive_stmt,
    .end = NULL,
};
