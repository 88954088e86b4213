/* SPDX-License-Identifier: MIT */
/*
 * locking.c - rules for statements that lock an existing table for the
 * length of a scan or an index build: non-concurrent index DDL, foreign
 * keys and CHECK constraints added without NOT VALID, SET NOT NULL,
 * UNIQUE / PRIMARY KEY / EXCLUDE constraints that build their index under
 * ACCESS EXCLUSIVE, REINDEX, DETACH PARTITION, domain constraints,
 * VACUUM FULL / CLUSTER, REFRESH MATERIALIZED VIEW and SET [UN]LOGGED.
 *
 * Precision: nothing here fires on a table created earlier in the same
 * file (Prisma's CreateTable + CreateIndex + AddForeignKey shape), and
 * NOT VALID advice is only given where PostgreSQL accepts it (CHECK and
 * FOREIGN KEY, never UNIQUE, PRIMARY KEY or EXCLUDE). A foreign key
 * gets exactly one finding: adding-foreign-key-constraint when it is
 * added valid, constraint-missing-not-valid when it is added NOT VALID
 * and validated in the same transaction.
 *
 * The SQL the help suggests (the statement rewritten with CONCURRENTLY or
 * NOT VALID, default constraint names) is built in fixsql.c.
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/rules_common.h"
#include "gate/buf.h"
#include "gate/catalog.h"
#include "gate/lint.h"
#include "gate/fixsql.h"

#include <string.h>

/* ---- the rules --------------------------------------------------------- */

static const struct gate_rule r_create_index = {
    .id = "require-concurrent-index-creation",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "SHARE",
    .summary = "CREATE INDEX without CONCURRENTLY on an existing table",
    .why = "CREATE INDEX takes a SHARE lock on the table for the whole build: reads go on, but "
           "every INSERT, UPDATE and DELETE waits until the index is built, which grows with the "
           "table. A unique index also fails when the table already holds duplicate values "
           "(Prisma warns about this as \"A unique constraint covering the columns ... will be "
           "added\"). CREATE INDEX CONCURRENTLY builds the index without blocking writes, but it "
           "cannot run in a transaction block, and Prisma sends a multi-statement migration.sql "
           "as one query that PostgreSQL runs as one transaction: the concurrent build has to be "
           "the only statement of its own migration. Indexes on tables created earlier in the "
           "same file are not reported.",
    .help = "create the index with CREATE INDEX CONCURRENTLY IF NOT EXISTS, as the only statement "
            "of its own migration.sql",
    .example_bad = "CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");",
    .example_good = "-- migration.sql holding only this statement\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Post_authorId_idx\" ON "
                    "\"Post\"(\"authorId\");",
};

static const struct gate_rule r_drop_index = {
    .id = "require-concurrent-index-deletion",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "DROP INDEX without CONCURRENTLY",
    .why = "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is "
           "quick, but the lock request waits for every running query on the table, and every "
           "query that arrives after it waits behind it. DROP INDEX CONCURRENTLY waits for "
           "running transactions without blocking new ones; like every concurrent command it "
           "cannot run in a transaction block, so under Prisma it must be the only statement of "
           "its own migration.sql. Indexes created earlier in the same file are not reported.",
    .help = "drop it with DROP INDEX CONCURRENTLY IF EXISTS, as the only statement of its own "
            "migration.sql",
    .example_bad = "DROP INDEX \"Post_authorId_idx\";",
    .example_good = "-- migration.sql holding only this statement\n"
                    "DROP INDEX CONCURRENTLY IF EXISTS \"Post_authorId_idx\";",
};

static const struct gate_rule r_fk = {
    .id = "adding-foreign-key-constraint",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "SHARE ROW EXCLUSIVE",
    .summary = "FOREIGN KEY added to an existing table without NOT VALID",
    .why = "Adding a foreign key takes SHARE ROW EXCLUSIVE locks on both the referencing and the "
           "referenced table and then scans the referencing table to check every row, so writes "
           "to both tables wait for the whole scan. Added NOT VALID, the constraint is enforced "
           "for new rows at once and the locks are held only briefly; ALTER TABLE ... VALIDATE "
           "CONSTRAINT, run later in its own transaction, checks the old rows under a SHARE "
           "UPDATE EXCLUSIVE lock that lets reads and writes go on. Prisma's own shape - CREATE "
           "TABLE followed by ADD FOREIGN KEY on that new table - is not reported. One finding "
           "per foreign key: a NOT VALID key validated in the same transaction is reported by "
           "constraint-missing-not-valid instead.",
    .help = "add the constraint NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a "
            "separate migration",
    .example_bad = "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY "
                   "(\"authorId\") REFERENCES \"User\"(\"id\");",
    .example_good = "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY "
                    "(\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\n"
                    "-- next migration\n"
                    "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";",
};

static const struct gate_rule r_not_valid = {
    .id = "constraint-missing-not-valid",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "CHECK constraint added to an existing table without NOT VALID, or validated in "
               "the transaction that added it",
    .why = "Adding a CHECK constraint scans the whole table under an ACCESS EXCLUSIVE lock: no "
           "reads or writes until every row is checked. Added NOT VALID, it applies to new rows "
           "at once and skips the scan; ALTER TABLE ... VALIDATE CONSTRAINT then checks the old "
           "rows under a SHARE UPDATE EXCLUSIVE lock that lets reads and writes go on - but only "
           "when it runs in a later transaction. Validated in the same transaction (and a Prisma "
           "migration.sql is one transaction) the scan still runs while the ADD's lock is held. "
           "NOT VALID exists only for CHECK and FOREIGN KEY constraints; UNIQUE, PRIMARY KEY and "
           "EXCLUDE are covered by their own rules.",
    .help = "add the constraint NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a "
            "separate migration",
    .example_bad = "ALTER TABLE \"Order\" ADD CONSTRAINT \"Order_total_check\" CHECK (\"total\" "
                   ">= 0);",
    .example_good = "ALTER TABLE \"Order\" ADD CONSTRAINT \"Order_total_check\" CHECK (\"total\" "
                    ">= 0) NOT VALID;\n"
                    "-- next migration\n"
                    "ALTER TABLE \"Order\" VALIDATE CONSTRAINT \"Order_total_check\";",
};

static const struct gate_rule r_not_null = {
    .id = "adding-not-nullable-field",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "ALTER COLUMN ... SET NOT NULL on an existing table",
    .why = "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove there is "
           "no NULL, blocking reads and writes, and fails if one row holds NULL (Prisma warns "
           "\"Made the column ... required\"). Since PostgreSQL 12 the scan is skipped when a "
           "validated CHECK (col IS NOT NULL) constraint already proves it, so the safe recipe "
           "is: add that CHECK NOT VALID, validate it in a later migration (no blocking lock), "
           "then SET NOT NULL and drop the CHECK. No finding when such a validated CHECK exists "
           "in the replayed history or earlier in the file, unless the target is PostgreSQL 11 "
           "(policy postgres.version), which scans anyway.",
    .help = "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a separate migration, then "
            "SET NOT NULL and drop the CHECK",
    .example_bad = "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;",
    .example_good = "ALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS "
                    "NOT NULL) NOT VALID;\n"
                    "-- next migration\n"
                    "ALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_name_not_null\";\n"
                    "-- next migration\n"
                    "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"
                    "ALTER TABLE \"User\" DROP CONSTRAINT \"User_name_not_null\";",
};

static const struct gate_rule r_unique = {
    .id = "disallowed-unique-constraint",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "UNIQUE constraint added to an existing table without USING INDEX",
    .why = "ADD CONSTRAINT ... UNIQUE (and ADD COLUMN ... UNIQUE) builds the unique index while "
           "holding an ACCESS EXCLUSIVE lock on the table: no reads or writes for the whole "
           "build, and it fails if the table holds duplicates. Build the index first with CREATE "
           "UNIQUE INDEX CONCURRENTLY (alone in its own migration), then attach it with ADD "
           "CONSTRAINT ... UNIQUE USING INDEX, which is instant. NOT VALID does not exist for "
           "UNIQUE constraints.",
    .help = "CREATE UNIQUE INDEX CONCURRENTLY in its own migration, then ADD CONSTRAINT ... "
            "UNIQUE USING INDEX",
    .example_bad = "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_key\" UNIQUE (\"email\");",
    .example_good = "-- migration.sql holding only this statement\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_email_key\" ON "
                    "\"User\" (\"email\");\n"
                    "-- next migration\n"
                    "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_key\" UNIQUE USING INDEX "
                    "\"User_email_key\";",
};

static const struct gate_rule r_pk = {
    .id = "adding-serial-primary-key-field",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "PRIMARY KEY added to an existing table without USING INDEX",
    .why = "ADD PRIMARY KEY builds a unique index while holding an ACCESS EXCLUSIVE lock on the "
           "table, and also scans it to make the key columns NOT NULL: no reads or writes for "
           "the whole build, and it fails on duplicates or NULLs. Build the index first with "
           "CREATE UNIQUE INDEX CONCURRENTLY (alone in its own migration), make the columns NOT "
           "NULL through a validated CHECK, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.",
    .help = "CREATE UNIQUE INDEX CONCURRENTLY in its own migration, then ADD CONSTRAINT ... "
            "PRIMARY KEY USING INDEX",
    .example_bad = "ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_pkey\" PRIMARY KEY (\"id\");",
    .example_good = "-- migration.sql holding only this statement\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Item_pkey_idx\" ON "
                    "\"Item\" (\"id\");\n"
                    "-- next migration\n"
                    "ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_pkey\" PRIMARY KEY USING INDEX "
                    "\"Item_pkey_idx\";",
};

static const struct gate_rule r_exclusion = {
    .id = "adding-exclusion-constraint",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "EXCLUDE constraint added to an existing table",
    .why = "ADD CONSTRAINT ... EXCLUDE builds its index while holding an ACCESS EXCLUSIVE lock "
           "on the table - no reads or writes for the whole build - and fails if existing rows "
           "conflict. Unlike UNIQUE there is no USING INDEX path and no NOT VALID: an exclusion "
           "constraint cannot be added to a live table without blocking it.",
    .help = "declare the exclusion constraint when the table is created; on a live table, check "
            "for conflicting rows first and run it in a quiet window with a short lock_timeout",
    .example_bad = "ALTER TABLE \"Booking\" ADD CONSTRAINT \"Booking_no_overlap\" EXCLUDE USING "
                   "gist (\"roomId\" WITH =, \"during\" WITH &&);",
    .example_good = "CREATE TABLE \"Booking\" (\"roomId\" INTEGER, \"during\" TSTZRANGE,\n"
                    "    CONSTRAINT \"Booking_no_overlap\" EXCLUDE USING gist (\"roomId\" WITH =, "
                    "\"during\" WITH &&));",
};

static const struct gate_rule r_reindex = {
    .id = "require-concurrent-reindex",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "SHARE",
    .summary = "REINDEX without CONCURRENTLY",
    .why = "REINDEX takes a SHARE lock on the table (writes wait) and an ACCESS EXCLUSIVE lock on "
           "each index it rebuilds (queries that would use the index wait) for the whole "
           "rebuild. REINDEX ... CONCURRENTLY (PostgreSQL 12+) rebuilds without blocking; it "
           "cannot run in a transaction block, so under Prisma it must be the only statement of "
           "its own migration.sql. REINDEX SYSTEM has no concurrent form and is not reported.",
    .help = "use REINDEX ... CONCURRENTLY, as the only statement of its own migration.sql",
    .example_bad = "REINDEX INDEX \"Post_authorId_idx\";",
    .example_good = "-- migration.sql holding only this statement\n"
                    "REINDEX INDEX CONCURRENTLY \"Post_authorId_idx\";",
};

static const struct gate_rule r_detach = {
    .id = "require-concurrent-partition-detach",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "DETACH PARTITION without CONCURRENTLY",
    .why = "ALTER TABLE ... DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned "
           "table, blocking reads and writes of every partition while it waits and runs. DETACH "
           "PARTITION ... CONCURRENTLY (PostgreSQL 14+) takes only a SHARE UPDATE EXCLUSIVE lock; "
           "it cannot run in a transaction block, so under Prisma it must be the only statement "
           "of its own migration.sql.",
    .help = "use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY, as the only statement of its "
            "own migration.sql",
    .example_bad = "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\";",
    .example_good = "-- migration.sql holding only this statement\n"
                    "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\" CONCURRENTLY;",
};

static const struct gate_rule r_alter_domain = {
    .id = "ban-alter-domain-with-add-constraint",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "SHARE",
    .summary = "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID",
    .why = "ALTER DOMAIN ... ADD CONSTRAINT checks every column of every table that uses the "
           "domain, scanning each of those tables while holding a lock that blocks its writes. "
           "Added NOT VALID, the constraint applies to new values only, and ALTER DOMAIN ... "
           "VALIDATE CONSTRAINT can check the old ones later. Domains created earlier in the "
           "same file are not reported.",
    .help = "add the domain constraint NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in a "
            "separate migration; or use a CHECK constraint on the column instead",
    .example_bad = "ALTER DOMAIN \"positive_int\" ADD CONSTRAINT \"positive\" CHECK (VALUE > 0);",
    .example_good = "ALTER DOMAIN \"positive_int\" ADD CONSTRAINT \"positive\" CHECK (VALUE > 0) "
                    "NOT VALID;\n"
                    "-- next migration\n"
                    "ALTER DOMAIN \"positive_int\" VALIDATE CONSTRAINT \"positive\";",
};

static const struct gate_rule r_create_domain = {
    .id = "ban-create-domain-with-constraint",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_HYGIENE,
    .flags = GATE_RULE_HYGIENE,
    .summary = "CREATE DOMAIN with a constraint",
    .why = "A constraint on a domain is checked against every column that uses the domain "
           "whenever it changes: changing it later scans all those tables, and there is no way "
           "to change it one table at a time. A CHECK constraint on each column can be changed "
           "per table, with NOT VALID and VALIDATE. Prisma does not manage domains.",
    .help = "use a plain type and a CHECK constraint on each column",
    .example_bad = "CREATE DOMAIN \"positive_int\" AS INTEGER CHECK (VALUE > 0);",
    .example_good = "ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_qty_check\" CHECK (\"qty\" > 0) "
                    "NOT VALID;",
};

static const struct gate_rule r_repack = {
    .id = "prefer-repack",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "VACUUM FULL or CLUSTER on an existing table",
    .why = "VACUUM FULL and CLUSTER rewrite the whole table and all its indexes while holding an "
           "ACCESS EXCLUSIVE lock: no reads or writes until the copy is done, which grows with "
           "the table, and they need room for a second copy. pg_repack (or pg_squeeze) does the "
           "same online with only brief locks. VACUUM FULL also cannot run in a transaction "
           "block, so under Prisma it only works as the only statement of a migration.",
    .help = "reclaim space with pg_repack outside the migration, or schedule VACUUM FULL / "
            "CLUSTER in a maintenance window",
    .example_bad = "VACUUM FULL \"Event\";",
    .example_good = "-- outside the migration: pg_repack --table='\"Event\"' mydb",
};

static const struct gate_rule r_refresh = {
    .id = "require-concurrent-refresh",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "REFRESH MATERIALIZED VIEW without CONCURRENTLY",
    .why = "REFRESH MATERIALIZED VIEW runs the view's query while holding an ACCESS EXCLUSIVE "
           "lock on the view: every SELECT from it waits until the refresh is done. REFRESH "
           "MATERIALIZED VIEW CONCURRENTLY keeps the view readable (it needs a unique index on "
           "the view, and it may run inside the migration's transaction). Views created earlier "
           "in the same file are not reported.",
    .help = "use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index)",
    .example_bad = "REFRESH MATERIALIZED VIEW \"daily_stats\";",
    .example_good = "REFRESH MATERIALIZED VIEW CONCURRENTLY \"daily_stats\";",
};

static const struct gate_rule r_logged = {
    .id = "ban-set-logged-unlogged",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "ALTER TABLE ... SET LOGGED / SET UNLOGGED on an existing table",
    .why = "Changing a table's persistence rewrites the whole table and its indexes under an "
           "ACCESS EXCLUSIVE lock (SET LOGGED also writes all of it to the WAL, and replicas "
           "receive it). An UNLOGGED table is emptied after a crash and is not replicated, so "
           "SET UNLOGGED also changes durability.",
    .help = "avoid changing persistence of a live table in a migration; create a new table with "
            "the wanted persistence and copy the data in batches",
    .example_bad = "ALTER TABLE \"Event\" SET LOGGED;",
    .example_good = "CREATE TABLE \"Event_new\" (LIKE \"Event\" INCLUDING ALL);",
};

static const struct gate_rule *const rules[] = {
    &r_create_index, &r_drop_index, &r_fk,      &r_not_valid, &r_not_null,     &r_unique,
    &r_pk,           &r_exclusion,  &r_reindex, &r_detach,    &r_alter_domain, &r_create_domain,
    &r_repack,       &r_refresh,    &r_logged,
};

/* ---- helpers: names and objects ---------------------------------------- */

/*
 * Created earlier in this file: a table the catalog knows as new, or a
 * temporary table / materialized view (the catalog does not track them).
 */
static bool new_in_file(struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_rules_new_table(ctx, q, idx, GATE_RULES_NEW_TEMP | GATE_RULES_NEW_MATVIEW);
}

/* ---- emitting with help ----------------------------------------------- */

static void set_help(struct gate_lint_ctx *ctx, struct gate_finding *f, struct gate_buf *b)
{
    if (f && b->len)
        gate_lint_help(ctx, f, "%s", gate_buf_str(b));
}

static const char *tname(const struct gate_stmt *st)
{
    return st->rel.name;
}

/* ---- CREATE INDEX ------------------------------------------------------ */

static void check_create_index(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_buf b = {0};
    struct gate_finding *f;
    const char *table = gate_lint_qname(ctx, &st->rel);
    const char *dup = st->unique ? ", and fails if the table already holds duplicate values" : "";

    if (st->concurrent || new_in_file(ctx, &st->rel, idx))
        return;
    if (st->index_name)
        f = gate_lint_emit(ctx, &r_create_index, idx, st->location, tname(st),
                           "creating %sindex \"%s\" on %s without CONCURRENTLY blocks writes to "
                           "the table (SHARE lock) until the index is built%s",
                           st->unique ? "unique " : "", st->index_name, table, dup);
    else
        f = gate_lint_emit(ctx, &r_create_index, idx, st->location, tname(st),
                           "creating %sindex on %s without CONCURRENTLY blocks writes to the "
                           "table (SHARE lock) until the index is built%s",
                           st->unique ? "a unique " : "an ", table, dup);
    if (!f)
        return;
    gate_buf_adds(&b, "build it concurrently, as the only statement of its own migration.sql "
                      "(Prisma runs a multi-statement file as one transaction, where CONCURRENTLY "
                      "fails): ");
    if (!gate_fixsql_create_concurrently(ctx, st, &b)) {
        gate_buf_adds(&b, st->unique ? "CREATE UNIQUE INDEX CONCURRENTLY"
                                     : "CREATE INDEX CONCURRENTLY");
        if (st->index_name) {
            gate_buf_adds(&b, " IF NOT EXISTS ");
            gate_fixsql_ident(&b, st->index_name);
        }
        gate_buf_printf(&b, " ON %s (", table);
        if (st->nindex_columns > 0)
            gate_fixsql_columns(&b, st->index_columns, st->nindex_columns);
        else
            gate_buf_adds(&b, "...");
        gate_buf_adds(&b, st->has_where ? ") WHERE ...;" : ");");
    }
    if (st->index_name) {
        gate_buf_adds(&b, " - a failed concurrent build leaves an INVALID index behind: drop it "
                          "with DROP INDEX CONCURRENTLY IF EXISTS ");
        gate_fixsql_ident(&b, st->index_name);
        gate_buf_adds(&b, "; before retrying");
    }
    if (st->unique && gate_fixsql_all_named(st->index_columns, st->nindex_columns) &&
        !st->has_where) {
        gate_buf_adds(&b, "; look for duplicates first: SELECT ");
        gate_fixsql_columns(&b, st->index_columns, st->nindex_columns);
        gate_buf_printf(&b, ", count(*) FROM %s GROUP BY ", table);
        gate_fixsql_columns(&b, st->index_columns, st->nindex_columns);
        gate_buf_adds(&b, " HAVING count(*) > 1;");
    } else if (st->unique) {
        gate_buf_adds(&b, "; look for duplicate values first");
    }
    set_help(ctx, f, &b);
    gate_buf_release(&b);
}

/* ---- DROP INDEX -------------------------------------------------------- */

static void check_drop_index(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_catalog *cat = gate_lint_catalog(ctx);
    int gen = gate_lint_generation(ctx);

    if (st->concurrent)
        return;
    for (int i = 0; i < st->nobjects; i++) {
        const struct gate_qname *q = &st->objects[i];
        const struct gate_cat_index *x = gate_catalog_index(cat, q);
        struct gate_qname tq = {0};
        struct gate_finding *f;
        struct gate_buf b = {0};

        if (x) {
            tq.schema = x->schema;
            tq.name = x->table;
            if (x->created_gen == gen || new_in_file(ctx, &tq, idx))
                continue;
        }
        if (x && x->table)
            f = gate_lint_emit(ctx, &r_drop_index, idx, st->location, x->table,
                               "dropping index %s without CONCURRENTLY takes an ACCESS "
                               "EXCLUSIVE lock on %s, blocking its reads and writes while the "
                               "drop waits for running queries and runs",
                               gate_lint_qname(ctx, q), gate_lint_qname(ctx, &tq));
        else
            f = gate_lint_emit(ctx, &r_drop_index, idx, st->location, NULL,
                               "dropping index %s without CONCURRENTLY takes an ACCESS "
                               "EXCLUSIVE lock on its table, blocking its reads and writes while "
                               "the drop waits for running queries and runs",
                               gate_lint_qname(ctx, q));
        if (!f)
            continue;
        gate_buf_printf(&b,
                        "drop it concurrently, as the only statement of its own migration.sql "
                        "(Prisma runs a multi-statement file as one transaction, where "
                        "CONCURRENTLY fails): DROP INDEX CONCURRENTLY IF EXISTS %s;",
                        gate_lint_qname(ctx, q));
        set_help(ctx, f, &b);
        gate_buf_release(&b);
    }
}

/* ---- ALTER TABLE: constraints ------------------------------------------- */

/*
 * Help for a CHECK or FOREIGN KEY added valid: the same ADD with NOT VALID
 * (as written when the text is at hand, else template fallback), then the
 * VALIDATE in a separate migration, which does not block what the ADD
 * blocked.
 */
static void not_valid_help(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                           const struct gate_constraint *k, const struct gate_fixsql_args *a,
                           const char *fallback, const char *blocked, struct gate_buf *b)
{
    gate_buf_adds(b, "add it NOT VALID (enforced for new rows at once, no scan): ");
    if (gate_fixsql_add_constraint(ctx, st, k, b))
        gate_buf_adds(b, " NOT VALID;");
    else
        gate_fixsql_template(b, fallback, a);
    gate_buf_printf(
        b,
        " then, in a separate migration, check the existing rows without blocking %s: ", blocked);
    gate_fixsql_template(b, "ALTER TABLE {T} VALIDATE CONSTRAINT {N};", a);
}

static void check_fk(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                     const struct gate_alter_cmd *c)
{
    const struct gate_constraint *k = c->cons;
    const char *table = gate_lint_qname(ctx, &st->rel);
    bool self = gate_rules_same_qname(&st->rel, &k->ref);
    bool ref_new = !self && new_in_file(ctx, &k->ref, idx);
    struct gate_fixsql_args a = {.table = table, .cols = k->columns, .ncols = k->ncolumns};
    struct gate_buf name = {0};
    struct gate_buf b = {0};
    struct gate_finding *f;

    gate_fixsql_cons_name(&name, k->name, st->rel.name, k->columns, k->ncolumns, "fkey");
    a.name = gate_buf_str(&name);
    if (self || ref_new)
        f = gate_lint_emit(ctx, &r_fk, idx, k->location >= 0 ? k->location : c->location, tname(st),
                           "adding foreign key \"%s\" without NOT VALID scans %s to check every "
                           "row while holding a SHARE ROW EXCLUSIVE lock that blocks its writes",
                           a.name, table);
    else
        f = gate_lint_emit(ctx, &r_fk, idx, k->location >= 0 ? k->location : c->location, tname(st),
                           "adding foreign key \"%s\" without NOT VALID scans %s to check every "
                           "row while holding SHARE ROW EXCLUSIVE locks on %s and %s that block "
                           "writes to both",
                           a.name, table, table, gate_lint_qname(ctx, &k->ref));
    if (f) {
        a.ref = gate_lint_qname(ctx, &k->ref);
        not_valid_help(ctx, st, k, &a,
                       "ALTER TABLE {T} ADD CONSTRAINT {N} FOREIGN KEY ({K}) REFERENCES {R} ... "
                       "NOT VALID;",
                       "writes", &b);
        set_help(ctx, f, &b);
    }
    gate_buf_release(&b);
    gate_buf_release(&name);
}

/*
 * Set help template tmpl on f for a constraint on one column of st's
 * table that has no name of its own: {N} is PostgreSQL's default name
 * (table_column_suffix), {C} the column, {R} ref (NULL: none).
 */
static void column_cons_help(struct gate_lint_ctx *ctx, struct gate_finding *f,
                             const struct gate_stmt *st, const char *column,
                             const struct gate_qname *ref, const char *suffix, const char *tmpl)
{
    struct gate_fixsql_args a = {.table = gate_lint_qname(ctx, &st->rel), .column = column};
    struct gate_buf name = {0};
    struct gate_buf b = {0};

    if (!f)
        return;
    gate_fixsql_cons_name(&name, NULL, st->rel.name, &column, 1, suffix);
    a.name = gate_buf_str(&name);
    a.ref = ref ? gate_lint_qname(ctx, ref) : NULL;
    gate_fixsql_template(&b, tmpl, &a);
    set_help(ctx, f, &b);
    gate_buf_release(&b);
    gate_buf_release(&name);
}

static void check_column_fk(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                            const struct gate_coldef *cd)
{
    const char *table = gate_lint_qname(ctx, &st->rel);
    bool self = gate_rules_same_qname(&st->rel, &cd->ref);
    bool ref_new = !self && new_in_file(ctx, &cd->ref, idx);
    struct gate_finding *f;

    if (self || ref_new)
        f = gate_lint_emit(ctx, &r_fk, idx, cd->location, tname(st),
                           "adding column \"%s\" with REFERENCES adds a foreign key without NOT "
                           "VALID: %s is scanned under a SHARE ROW EXCLUSIVE lock that blocks its "
                           "writes",
                           cd->name, table);
    else
        f = gate_lint_emit(ctx, &r_fk, idx, cd->location, tname(st),
                           "adding column \"%s\" with REFERENCES adds a foreign key without NOT "
                           "VALID: %s is scanned under SHARE ROW EXCLUSIVE locks on %s and %s "
                           "that block writes to both",
                           cd->name, table, table, gate_lint_qname(ctx, &cd->ref));
    column_cons_help(ctx, f, st, cd->name, &cd->ref, "fkey",
                     "add the column without REFERENCES, then the key NOT VALID: ALTER TABLE {T} "
                     "ADD CONSTRAINT {N} FOREIGN KEY ({C}) REFERENCES {R} NOT VALID; then, in a "
                     "separate migration: ALTER TABLE {T} VALIDATE CONSTRAINT {N};");
}

static void check_check(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                        const struct gate_alter_cmd *c)
{
    const struct gate_constraint *k = c->cons;
    const char *table = gate_lint_qname(ctx, &st->rel);
    struct gate_fixsql_args a = {.table = table};
    struct gate_buf name = {0};
    struct gate_buf b = {0};
    struct gate_finding *f;

    gate_fixsql_cons_name(&name, k->name, st->rel.name, k->columns, k->ncolumns > 0 ? 1 : 0,
                          "check");
    a.name = gate_buf_str(&name);
    f = gate_lint_emit(ctx, &r_not_valid, idx, k->location >= 0 ? k->location : c->location,
                       tname(st),
                       "adding check constraint \"%s\" without NOT VALID scans %s under an ACCESS "
                       "EXCLUSIVE lock, blocking reads and writes until every row is checked",
                       a.name, table);
    if (f) {
        not_valid_help(ctx, st, k, &a, "ALTER TABLE {T} ADD CONSTRAINT {N} CHECK (...) NOT VALID;",
                       "reads or writes", &b);
        if (!k->name)
            gate_buf_adds(&b, " (name the constraint so the migration can validate it)");
        set_help(ctx, f, &b);
    }
    gate_buf_release(&b);
    gate_buf_release(&name);
}

static void check_column_check(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                               const struct gate_coldef *cd)
{
    struct gate_finding *f;

    f = gate_lint_emit(ctx, &r_not_valid, idx, cd->location, tname(st),
                       "adding column \"%s\" with a CHECK constraint scans %s under an ACCESS "
                       "EXCLUSIVE lock, blocking reads and writes until every row is checked",
                       cd->name, gate_lint_qname(ctx, &st->rel));
    column_cons_help(ctx, f, st, cd->name, NULL, "check",
                     "add the column without the CHECK, then the constraint NOT VALID: ALTER TABLE "
                     "{T} ADD CONSTRAINT {N} CHECK (...) NOT VALID; then, in a separate migration: "
                     "ALTER TABLE {T} VALIDATE CONSTRAINT {N};");
}

/*
 * The constraint name was added NOT VALID to rel earlier in the same
 * transaction block (an earlier statement, or an earlier command of this
 * one). Returns the offset of that ADD, or -1.
 */
static int added_not_valid_in_block(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                                    int cmd, const char *name, bool *is_fk)
{
    const struct gate_stmt *all;
    int n;
    int block = gate_lint_block(ctx, idx);

    all = gate_lint_stmts(ctx, &n);
    for (int j = idx; j >= 0; j--) {
        const struct gate_stmt *s = &all[j];
        int last = j == idx ? cmd : s->ncmds;

        if (gate_lint_block(ctx, j) != block)
            break;
        if (s->kind != GATE_STMT_ALTER_TABLE || !gate_rules_same_qname(&s->rel, &st->rel))
            continue;
        for (int i = last - 1; i >= 0; i--) {
            const struct gate_alter_cmd *c = &s->cmds[i];

            if (c->kind == GATE_ALTER_ADD_CONSTRAINT && c->cons && c->cons->not_valid &&
                gate_rules_str_eq(c->cons->name, name)) {
                *is_fk = c->cons->kind == GATE_CONS_FOREIGN;
                return c->cons->location >= 0 ? c->cons->location
                                              : (c->location >= 0 ? c->location : s->location);
            }
        }
    }
    return -1;
}

static void check_validate(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx, int cmd)
{
    const struct gate_alter_cmd *c = &st->cmds[cmd];
    bool is_fk = false;
    int at;
    struct gate_finding *f;
    const char *table = gate_lint_qname(ctx, &st->rel);

    if (!c->name)
        return;
    at = added_not_valid_in_block(ctx, st, idx, cmd, c->name, &is_fk);
    if (at < 0)
        return;
    f = gate_lint_emit(
        ctx, &r_not_valid, idx, c->location >= 0 ? c->location : st->location, tname(st),
        "constraint \"%s\" is validated in the same transaction that added it NOT "
        "VALID (line %d): the validation scan runs while the ADD's %s lock on %s "
        "is still held, blocking %s",
        c->name, gate_rules_line_of(ctx, at), is_fk ? "SHARE ROW EXCLUSIVE" : "ACCESS EXCLUSIVE",
        table, is_fk ? "writes" : "reads and writes");
    if (f)
        gate_lint_help(ctx, f,
                       "move ALTER TABLE %s VALIDATE CONSTRAINT \"%s\"; into a separate, later "
                       "migration (Prisma runs each migration.sql as one transaction)",
                       table, c->name);
}

static void check_unique(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                         const struct gate_alter_cmd *c)
{
    const struct gate_constraint *k = c->cons;
    const char *table = gate_lint_qname(ctx, &st->rel);
    struct gate_fixsql_args a = {.table = table, .cols = k->columns, .ncols = k->ncolumns};
    struct gate_buf name = {0};
    struct gate_buf b = {0};
    struct gate_finding *f;

    gate_fixsql_cons_name(&name, k->name, st->rel.name, k->columns, k->ncolumns, "key");
    a.name = gate_buf_str(&name);
    f = gate_lint_emit(ctx, &r_unique, idx, k->location >= 0 ? k->location : c->location, tname(st),
                       "adding unique constraint \"%s\" builds its index under an ACCESS "
                       "EXCLUSIVE lock on %s, blocking reads and writes for the whole build, and "
                       "fails if the table already holds duplicate values",
                       a.name, table);
    if (f) {
        gate_fixsql_template(
            &b,
            "build the index first, as the only statement of its own migration.sql: CREATE "
            "UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {N} ON {T} ({K}); then, in the next "
            "migration, attach it (instant): ALTER TABLE {T} ADD CONSTRAINT {N} UNIQUE USING "
            "INDEX {N};",
            &a);
        set_help(ctx, f, &b);
    }
    gate_buf_release(&b);
    gate_buf_release(&name);
}

static void check_column_unique(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                                const struct gate_coldef *cd)
{
    struct gate_finding *f;

    f = gate_lint_emit(ctx, &r_unique, idx, cd->location, tname(st),
                       "adding column \"%s\" with UNIQUE builds a unique index under an ACCESS "
                       "EXCLUSIVE lock on %s, blocking reads and writes for the whole build",
                       cd->name, gate_lint_qname(ctx, &st->rel));
    column_cons_help(ctx, f, st, cd->name, NULL, "key",
                     "add the column without UNIQUE; then, as the only statement of its own "
                     "migration.sql: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {N} ON {T} "
                     "({C}); then: ALTER TABLE {T} ADD CONSTRAINT {N} UNIQUE USING INDEX {N};");
}

/*
 * The key columns are NOT NULL already: declared so in the catalog, or
 * added NOT NULL by this same statement.
 */
static bool key_not_null(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                         const char *const *cols, int ncols)
{
    const struct gate_cat_table *t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);

    if (ncols <= 0)
        return false;
    for (int i = 0; i < ncols; i++) {
        const struct gate_cat_column *c = t && cols[i] ? gate_catalog_column(t, cols[i]) : NULL;
        bool nn = c && c->not_null;

        for (int k = 0; k < st->ncmds && !nn; k++) {
            const struct gate_coldef *cd = st->cmds[k].coldef;

            nn = st->cmds[k].kind == GATE_ALTER_ADD_COLUMN && cd &&
                 gate_rules_str_eq(cd->name, cols[i]) && (cd->not_null || cd->primary_key);
        }
        if (!nn)
            return false;
    }
    return true;
}

/* Help for a primary key built from an index: name is the constraint's name. */
static void pk_help(struct gate_lint_ctx *ctx, struct gate_finding *f, const struct gate_stmt *st,
                    const char *prefix, const char *name, const char *const *cols, int ncols,
                    bool not_null)
{
    const struct gate_catalog *cat = gate_lint_catalog(ctx);
    const char *table = gate_lint_qname(ctx, &st->rel);
    struct gate_qname iq = {st->rel.schema, name};
    struct gate_buf idx = {0};
    struct gate_buf b = {0};
    bool replaces = false;

    if (!f)
        return;
    /* the old key's index may still carry the name (Prisma's AlterPrimaryKey) */
    if (gate_catalog_index(cat, &iq))
        replaces = true;
    gate_buf_adds(&idx, name);
    if (replaces) {
        gate_buf_adds(&idx, "_new");
        gate_fixsql_clip_name(&idx);
    }
    gate_buf_adds(&b, prefix);
    gate_buf_adds(&b, "build the index first, as the only statement of its own migration.sql: "
                      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ");
    gate_fixsql_ident(&b, gate_buf_str(&idx));
    gate_buf_printf(&b, " ON %s (", table);
    gate_fixsql_columns(&b, cols, ncols);
    gate_buf_adds(&b, "); ");
    if (!not_null)
        gate_buf_adds(&b, "make the key columns NOT NULL through a validated CHECK (see "
                          "adding-not-nullable-field); ");
    gate_buf_printf(&b, "then, in the next migration: ALTER TABLE %s ", table);
    if (replaces) {
        gate_buf_adds(&b, "DROP CONSTRAINT ");
        gate_fixsql_ident(&b, name);
        gate_buf_adds(&b, ", ");
    }
    gate_buf_adds(&b, "ADD CONSTRAINT ");
    gate_fixsql_ident(&b, name);
    gate_buf_adds(&b, " PRIMARY KEY USING INDEX ");
    gate_fixsql_ident(&b, gate_buf_str(&idx));
    gate_buf_adds(&b, "; (instant; the index takes the constraint's name)");
    set_help(ctx, f, &b);
    gate_buf_release(&b);
    gate_buf_release(&idx);
}

static void check_pk(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                     const struct gate_alter_cmd *c)
{
    const struct gate_constraint *k = c->cons;
    bool nn = key_not_null(ctx, st, k->columns, k->ncolumns);
    struct gate_buf name = {0};
    struct gate_finding *f;

    gate_fixsql_cons_name(&name, k->name, st->rel.name, NULL, 0, "pkey");
    f = gate_lint_emit(ctx, &r_pk, idx, k->location >= 0 ? k->location : c->location, tname(st),
                       "adding primary key \"%s\" builds a unique index under an ACCESS EXCLUSIVE "
                       "lock on %s%s, blocking reads and writes for the whole build",
                       gate_buf_str(&name), gate_lint_qname(ctx, &st->rel),
                       nn ? "" : " (and scans it to make nullable key columns NOT NULL)");
    pk_help(ctx, f, st, "", gate_buf_str(&name), k->columns, k->ncolumns, nn);
    gate_buf_release(&name);
}

static void check_column_pk(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                            const struct gate_coldef *cd)
{
    struct gate_buf name = {0};
    struct gate_finding *f;

    gate_fixsql_cons_name(&name, NULL, st->rel.name, NULL, 0, "pkey");
    f = gate_lint_emit(ctx, &r_pk, idx, cd->location, tname(st),
                       "adding column \"%s\" as PRIMARY KEY builds a unique index under an ACCESS "
                       "EXCLUSIVE lock on %s, blocking reads and writes for the whole build",
                       cd->name, gate_lint_qname(ctx, &st->rel));
    pk_help(ctx, f, st,
            "add the column without PRIMARY KEY (NOT NULL, with a non-volatile default or "
            "backfilled); ",
            gate_buf_str(&name), &cd->name, 1, true);
    gate_buf_release(&name);
}

static void check_exclusion(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                            const struct gate_alter_cmd *c)
{
    const struct gate_constraint *k = c->cons;
    struct gate_finding *f;

    f = gate_lint_emit(ctx, &r_exclusion, idx, k->location >= 0 ? k->location : c->location,
                       tname(st),
                       "adding exclusion constraint%s%s%s builds its index under an ACCESS "
                       "EXCLUSIVE lock on %s, blocking reads and writes for the whole build, and "
                       "fails if existing rows conflict",
                       k->name ? " \"" : "", k->name ? k->name : "", k->name ? "\"" : "",
                       gate_lint_qname(ctx, &st->rel));
    if (f)
        gate_lint_help(ctx, f,
                       "there is no CONCURRENTLY or NOT VALID form for EXCLUDE: declare it when "
                       "the table is created, or check for conflicting rows first and run it in "
                       "a quiet window after SET lock_timeout = '5s';");
}

/* ---- ALTER TABLE: SET NOT NULL ------------------------------------------ */

/* A CHECK (col IS NOT NULL) added valid earlier in this file (unnamed ones escape the catalog). */
static bool file_not_null_check(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                                const char *col)
{
    const int *pos;
    int n;
    int np;

    if (!col)
        return false;
    (void)gate_lint_stmts(ctx, &n);
    pos = gate_lint_positions(ctx, GATE_POS_NOT_NULL_CHECK, &st->rel, col, &np);
    return np > 0 && pos[0] < idx && pos[0] < n;
}

static void check_set_not_null(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                               const struct gate_alter_cmd *c)
{
    const struct gate_cat_table *t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);
    const struct gate_cat_column *col = t ? gate_catalog_column(t, c->column) : NULL;
    int pg = gate_lint_pg_version(ctx);
    bool proven;
    struct gate_finding *f;

    if (!c->column)
        return;
    /* already NOT NULL: a no-op without a scan */
    if (col && col->not_null)
        return;
    proven = gate_catalog_has_not_null_check(gate_lint_catalog(ctx), st->rel.name, c->column) ||
             file_not_null_check(ctx, st, idx, c->column);
    if (proven && pg >= 12)
        return;
    if (pg < 12) {
        /* PostgreSQL 11 scans even when a validated CHECK proves the column */
        f = gate_lint_emit(ctx, &r_not_null, idx, c->location >= 0 ? c->location : st->location,
                           tname(st),
                           "setting NOT NULL on column \"%s\" scans %s under an ACCESS "
                           "EXCLUSIVE lock, blocking reads and writes, and fails if any row holds "
                           "NULL; PostgreSQL %d scans even when a validated CHECK proves it",
                           c->column, gate_lint_qname(ctx, &st->rel), pg);
        if (f)
            gate_lint_help(
                ctx, f,
                "PostgreSQL %d has no scan-free way to set NOT NULL (a validated CHECK "
                "(\"%s\" IS NOT NULL) lets PostgreSQL 12+ skip the scan): keep the column "
                "nullable and enforce it with a validated CHECK constraint, or set it "
                "when the table is small or in a maintenance window",
                pg, c->column);
        return;
    }
    f = gate_lint_emit(ctx, &r_not_null, idx, c->location >= 0 ? c->location : st->location,
                       tname(st),
                       "setting NOT NULL on column \"%s\" scans %s under an ACCESS EXCLUSIVE "
                       "lock, blocking reads and writes, and fails if any row holds NULL",
                       c->column, gate_lint_qname(ctx, &st->rel));
    column_cons_help(
        ctx, f, st, c->column, NULL, "not_null",
        "prove it with a CHECK first (PostgreSQL 12+ then skips the scan): ALTER TABLE "
        "{T} ADD CONSTRAINT {N} CHECK ({C} IS NOT NULL) NOT VALID; then, in a separate "
        "migration: ALTER TABLE {T} VALIDATE CONSTRAINT {N}; then, in a later one: "
        "ALTER TABLE {T} ALTER COLUMN {C} SET NOT NULL; ALTER TABLE {T} DROP "
        "CONSTRAINT {N};");
}

/* ---- ALTER TABLE: the rest ---------------------------------------------- */

static void check_detach(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                         const struct gate_alter_cmd *c)
{
    const char *table = gate_lint_qname(ctx, &st->rel);
    struct gate_finding *f;

    if (c->concurrent)
        return;
    f = gate_lint_emit(ctx, &r_detach, idx, c->location >= 0 ? c->location : st->location,
                       tname(st),
                       "detaching partition \"%s\" without CONCURRENTLY takes an ACCESS EXCLUSIVE "
                       "lock on %s, blocking reads and writes of every partition",
                       c->name ? c->name : "?", table);
    if (f && gate_lint_pg_version(ctx) < 14)
        gate_lint_help(ctx, f,
                       "PostgreSQL %d has no DETACH PARTITION ... CONCURRENTLY (it came in 14): "
                       "detach \"%s\" when the table is quiet or in a maintenance window, with "
                       "SET lock_timeout so that it gives up rather than queue reads and writes",
                       gate_lint_pg_version(ctx), c->name ? c->name : "?");
    else if (f)
        gate_lint_help(ctx, f,
                       "detach it concurrently (PostgreSQL 14+), as the only statement of its own "
                       "migration.sql: ALTER TABLE %s DETACH PARTITION \"%s\" CONCURRENTLY;",
                       table, c->name ? c->name : "?");
}

static void check_logged(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                         const struct gate_alter_cmd *c)
{
    const char *table = gate_lint_qname(ctx, &st->rel);
    int at = c->location >= 0 ? c->location : st->location;

    if (c->kind == GATE_ALTER_SET_LOGGED)
        gate_lint_emit(ctx, &r_logged, idx, at, tname(st),
                       "SET LOGGED rewrites %s and writes all of it to the WAL under an ACCESS "
                       "EXCLUSIVE lock, blocking reads and writes for the whole rewrite",
                       table);
    else
        gate_lint_emit(ctx, &r_logged, idx, at, tname(st),
                       "SET UNLOGGED rewrites %s under an ACCESS EXCLUSIVE lock, blocking reads "
                       "and writes for the whole rewrite; afterwards the table is emptied by a "
                       "crash and not replicated",
                       table);
}

static void check_alter_table(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    bool existing;

    if (!gate_rules_alters_table(st))
        return;
    existing = !new_in_file(ctx, &st->rel, idx);
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];
        const struct gate_constraint *k = c->cons;
        const struct gate_coldef *cd = c->coldef;

        if (c->kind == GATE_ALTER_VALIDATE_CONSTRAINT) {
            if (existing)
                check_validate(ctx, st, idx, i);
            continue;
        }
        if (!existing)
            continue;
        switch (c->kind) {
        case GATE_ALTER_ADD_CONSTRAINT:
            if (!k)
                break;
            if (k->kind == GATE_CONS_FOREIGN && !k->not_valid)
                check_fk(ctx, st, idx, c);
            else if (k->kind == GATE_CONS_CHECK && !k->not_valid)
                check_check(ctx, st, idx, c);
            else if (k->kind == GATE_CONS_UNIQUE && !k->using_index)
                check_unique(ctx, st, idx, c);
            else if (k->kind == GATE_CONS_PRIMARY && !k->using_index)
                check_pk(ctx, st, idx, c);
            else if (k->kind == GATE_CONS_EXCLUSION)
                check_exclusion(ctx, st, idx, c);
            break;
        case GATE_ALTER_ADD_COLUMN:
            if (!cd)
                break;
            if (cd->references)
                check_column_fk(ctx, st, idx, cd);
            if (cd->primary_key)
                check_column_pk(ctx, st, idx, cd);
            else if (cd->unique)
                check_column_unique(ctx, st, idx, cd);
            if (cd->has_check)
                check_column_check(ctx, st, idx, cd);
            break;
        case GATE_ALTER_SET_NOT_NULL:
            check_set_not_null(ctx, st, idx, c);
            break;
        case GATE_ALTER_DETACH_PARTITION:
            check_detach(ctx, st, idx, c);
            break;
        case GATE_ALTER_SET_LOGGED:
        case GATE_ALTER_SET_UNLOGGED:
            check_logged(ctx, st, idx, c);
            break;
        default:
            break;
        }
    }
}

/* ---- REINDEX ------------------------------------------------------------ */

static void check_reindex(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_catalog *cat = gate_lint_catalog(ctx);
    const char *kind;
    struct gate_buf b = {0};
    struct gate_finding *f;

    if (st->concurrent)
        return;
    switch (st->obj) {
    case GATE_OBJ_INDEX:
        kind = "INDEX";
        break;
    case GATE_OBJ_TABLE:
        kind = "TABLE";
        break;
    case GATE_OBJ_SCHEMA:
        kind = "SCHEMA";
        break;
    case GATE_OBJ_DATABASE:
        kind = "DATABASE";
        break;
    default:
        return; /* REINDEX SYSTEM: no concurrent form */
    }
    if (st->obj == GATE_OBJ_INDEX && st->rel.name) {
        const struct gate_cat_index *x = gate_catalog_index(cat, &st->rel);

        if (x) {
            struct gate_qname tq = {x->schema, x->table};

            if (x->created_gen == gate_lint_generation(ctx) || new_in_file(ctx, &tq, idx))
                return;
        }
    }
    if (st->obj == GATE_OBJ_TABLE && new_in_file(ctx, &st->rel, idx))
        return;
    f = gate_lint_emit(
        ctx, &r_reindex, idx, st->location, st->obj == GATE_OBJ_TABLE ? st->rel.name : NULL,
        "REINDEX %s%s%s without CONCURRENTLY blocks writes to the table and reads "
        "that use the rebuilt indexes until the rebuild finishes",
        kind, st->rel.name ? " " : "", st->rel.name ? gate_lint_qname(ctx, &st->rel) : "");
    if (!f)
        return;
    if (gate_lint_pg_version(ctx) < 12) {
        gate_lint_help(ctx, f,
                       "PostgreSQL %d has no REINDEX CONCURRENTLY (it came in 12): build a "
                       "replacement with CREATE INDEX CONCURRENTLY (alone in its own "
                       "migration.sql), then DROP INDEX CONCURRENTLY the old index and rename the "
                       "new one to its name",
                       gate_lint_pg_version(ctx));
        return;
    }
    gate_buf_adds(&b, "rebuild concurrently (PostgreSQL 12+), as the only statement of its own "
                      "migration.sql: ");
    gate_fixsql_reindex_concurrently(ctx, st, kind, &b);
    set_help(ctx, f, &b);
    gate_buf_release(&b);
}

/* ---- domains -------------------------------------------------------------- */

static void check_create_domain(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    for (int i = 0; i < st->nconstraints; i++) {
        const struct gate_constraint *k = &st->constraints[i];

        if (k->kind != GATE_CONS_CHECK && k->kind != GATE_CONS_NOT_NULL)
            continue;
        gate_lint_emit(
            ctx, &r_create_domain, idx, k->location >= 0 ? k->location : st->location, NULL,
            "domain %s carries a %s constraint: changing it later re-checks every "
            "column of every table that uses the domain",
            gate_lint_qname(ctx, &st->rel), k->kind == GATE_CONS_CHECK ? "CHECK" : "NOT NULL");
        return;
    }
}

static void check_alter_domain(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (gate_rules_created_before(ctx, GATE_STMT_CREATE_DOMAIN, &st->rel, idx) >= 0)
        return;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];
        const struct gate_constraint *k = c->cons;
        struct gate_finding *f;

        if (c->kind != GATE_ALTER_ADD_CONSTRAINT || !k || k->not_valid)
            continue;
        f = gate_lint_emit(
            ctx, &r_alter_domain, idx,
            k->location >= 0 ? k->location : (c->location >= 0 ? c->location : st->location), NULL,
            "adding a constraint to domain %s checks every column that uses the "
            "domain, scanning each of those tables while blocking its writes",
            gate_lint_qname(ctx, &st->rel));
        if (f && k->name)
            gate_lint_help(ctx, f,
                           "add it NOT VALID (new values only), then, in a separate migration: "
                           "ALTER DOMAIN %s VALIDATE CONSTRAINT \"%s\";",
                           gate_lint_qname(ctx, &st->rel), k->name);
        else if (f)
            gate_lint_help(ctx, f,
                           "add it NOT VALID under a name (new values only), then ALTER DOMAIN %s "
                           "VALIDATE CONSTRAINT ... in a separate migration",
                           gate_lint_qname(ctx, &st->rel));
    }
}

/* ---- VACUUM FULL, CLUSTER, REFRESH --------------------------------------- */

/* VACUUM FULL / VACUUM (FULL ...) as written. */
static bool vacuum_full(struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    const char *t = gate_lint_text(ctx, 0);
    int p, end;

    if (!gate_fixsql_stmt_span(st, &p, &end))
        return false;
    p = gate_fixsql_keyword_at(t, gate_rules_skip_blank(t, p, end), end, "VACUUM");
    if (p < 0)
        return false;
    p = gate_rules_skip_blank(t, p, end);
    if (gate_fixsql_keyword_at(t, p, end, "FULL") >= 0)
        return true;
    if (p < end && t[p] == '(') {
        int q = p + 1;

        while (q < end && t[q] != ')') {
            q = gate_rules_skip_blank(t, q, end);
            if (gate_fixsql_keyword_at(t, q, end, "FULL") >= 0) {
                int r = gate_rules_skip_blank(t, q + 4, end);

                /* FULL, FULL true/on/1; not FULL false/off/0 */
                return !(gate_fixsql_keyword_at(t, r, end, "false") >= 0 ||
                         gate_fixsql_keyword_at(t, r, end, "off") >= 0 || (r < end && t[r] == '0'));
            }
            while (q < end && t[q] != ',' && t[q] != ')')
                q++;
            if (q < end && t[q] == ',')
                q++;
        }
    }
    return false;
}

static void check_vacuum(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_finding *f;

    if (!vacuum_full(ctx, st))
        return;
    if (st->rel.name && new_in_file(ctx, &st->rel, idx))
        return;
    if (st->rel.name)
        f = gate_lint_emit(
            ctx, &r_repack, idx, st->location, tname(st),
            "VACUUM FULL rewrites %s and its indexes under an ACCESS EXCLUSIVE lock, "
            "blocking reads and writes for the whole rewrite",
            gate_lint_qname(ctx, &st->rel));
    else
        f = gate_lint_emit(ctx, &r_repack, idx, st->location, NULL,
                           "VACUUM FULL without a table rewrites every table in the database, each "
                           "under an ACCESS EXCLUSIVE lock that blocks its reads and writes");
    if (f && st->rel.name)
        gate_lint_help(ctx, f,
                       "reclaim the space online with pg_repack --table='%s' outside the "
                       "migration, or run VACUUM FULL in a maintenance window",
                       gate_lint_qname(ctx, &st->rel));
}

static void check_cluster(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_finding *f;

    if (st->rel.name && new_in_file(ctx, &st->rel, idx))
        return;
    if (st->rel.name)
        f = gate_lint_emit(ctx, &r_repack, idx, st->location, tname(st),
                           "CLUSTER rewrites %s and its indexes under an ACCESS EXCLUSIVE lock, "
                           "blocking reads and writes for the whole rewrite",
                           gate_lint_qname(ctx, &st->rel));
    else
        f = gate_lint_emit(ctx, &r_repack, idx, st->location, NULL,
                           "CLUSTER without a table rewrites every previously clustered table, "
                           "each under an ACCESS EXCLUSIVE lock that blocks its reads and writes");
    if (f && st->rel.name)
        gate_lint_help(ctx, f,
                       "re-order the table online with pg_repack --table='%s' --order-by=... "
                       "outside the migration, or run CLUSTER in a maintenance window",
                       gate_lint_qname(ctx, &st->rel));
}

static void check_refresh(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    struct gate_finding *f;
    const char *view = gate_lint_qname(ctx, &st->rel);

    if (st->concurrent || !st->rel.name || new_in_file(ctx, &st->rel, idx))
        return;
    f = gate_lint_emit(ctx, &r_refresh, idx, st->location, tname(st),
                       "refreshing materialized view %s without CONCURRENTLY takes an ACCESS "
                       "EXCLUSIVE lock on it: every read of the view waits until the refresh "
                       "finishes",
                       view);
    if (f)
        gate_lint_help(ctx, f,
                       "REFRESH MATERIALIZED VIEW CONCURRENTLY %s; keeps the view readable (it "
                       "needs a unique index on the view, e.g. CREATE UNIQUE INDEX ON %s (...))",
                       view, view);
}

/* ---- the family ------------------------------------------------------------ */

static void locking_stmt(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    switch (st->kind) {
    case GATE_STMT_CREATE_INDEX:
        check_create_index(ctx, st, idx);
        break;
    case GATE_STMT_DROP:
        if (st->obj == GATE_OBJ_INDEX)
            check_drop_index(ctx, st, idx);
        break;
    case GATE_STMT_ALTER_TABLE:
        check_alter_table(ctx, st, idx);
        break;
    case GATE_STMT_REINDEX:
        check_reindex(ctx, st, idx);
        break;
    case GATE_STMT_CREATE_DOMAIN:
        check_create_domain(ctx, st, idx);
        break;
    case GATE_STMT_ALTER_DOMAIN:
        check_alter_domain(ctx, st, idx);
        break;
    case GATE_STMT_VACUUM:
        check_vacuum(ctx, st, idx);
        break;
    case GATE_STMT_CLUSTER:
        check_cluster(ctx, st, idx);
        break;
    case GATE_STMT_REFRESH_MATVIEW:
        check_refresh(ctx, st, idx);
        break;
    default:
        break;
    }
}

const struct gate_rule_family gate_rules_locking = {
    .name = "locking",
    .rules = rules,
    .nrules = GATE_ARRAY_SIZE(rules),
    .stmt = locking_stmt,
    .end = NULL,
};
