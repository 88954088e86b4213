/* SPDX-License-Identifier: MIT */
/*
 * rules.c - the table of rule families and the rules the engine itself
 * reports (syntax errors, suppression problems, Prisma header mismatches,
 * encoding).
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/suggest.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

const struct gate_rule gate_rule_syntax_error = {
    .id = "syntax-error",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_EXECUTION,
    .flags = GATE_RULE_META,
    .summary = "a statement the PostgreSQL 15 parser cannot parse",
    .why = "prisma-gate parses every statement with the real PostgreSQL parser. A statement it "
           "cannot parse cannot be classified, and PostgreSQL will most likely reject it too, "
           "failing the migration after the statements before it ran in the same transaction. "
           "The gate fails closed. Syntax newer than PostgreSQL 15 is also reported here.",
    .help = "fix the statement; if it is valid on a newer PostgreSQL, run it by hand and "
            "suppress with -- prisma-gate-ignore syntax-error: reason",
    .example_bad = "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NUL;",
    .example_good = "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;",
};

const struct gate_rule gate_rule_utf8_bom = {
    .id = "utf8-bom",
    .risk = GATE_RISK_CRITICAL,
    .category = GATE_CAT_EXECUTION,
    .flags = GATE_RULE_META,
    .summary = "migration.sql starts with a UTF-8 byte order mark",
    .why = "Prisma reads migration.sql as text and keeps a leading byte order mark (U+FEFF). "
           "It sends it to PostgreSQL as part of the first statement, PostgreSQL reports a "
           "syntax error and the migration fails (P3018). The BOM is also part of the checksum, "
           "so removing it later makes an applied migration look edited.",
    .help = "save the file as UTF-8 without BOM (e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' "
            "migration.sql) before it is applied anywhere",
    .example_bad = "<EF BB BF>CREATE TABLE \"T\" (\"id\" INTEGER);",
    .example_good = "CREATE TABLE \"T\" (\"id\" INTEGER);",
};

const struct gate_rule gate_rule_invalid_utf8 = {
    .id = "invalid-utf8",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_EXECUTION,
    .flags = GATE_RULE_META,
    .summary = "migration.sql is not valid UTF-8",
    .why = "Prisma (6.6 and later) reads migration.sql with Node's UTF-8 decoder, which replaces "
           "every invalid byte with U+FFFD. The SQL PostgreSQL runs is then not the SQL in the "
           "file: string literals change silently, and the checksum Prisma records is of the "
           "replaced text. Older Prisma versions refuse the file.",
    .help = "re-encode the file as UTF-8 (iconv -f LATIN1 -t UTF-8) before it is applied",
    .example_bad = "INSERT INTO \"T\" VALUES ('caf<E9>');",
    .example_good = "INSERT INTO \"T\" VALUES ('café');",
};

const struct gate_rule gate_rule_unused_suppression = {
    .id = "unused-suppression",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_HYGIENE,
    .flags = GATE_RULE_META,
    .summary = "a suppression directive that suppresses nothing",
    .why = "A directive left behind after the statement changed, or placed where it does not "
           "apply (not on the lines right before a statement), hides nothing today but may hide "
           "a real finding tomorrow.",
    .help = "remove the directive, or move it to the line(s) right before the statement",
    .example_bad =
        "-- prisma-gate-ignore ban-drop-table: legacy table\nCREATE TABLE \"T\" (\"id\" INTEGER);",
    .example_good = "CREATE TABLE \"T\" (\"id\" INTEGER);",
};

const struct gate_rule gate_rule_invalid_suppression = {
    .id = "invalid-suppression",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_HYGIENE,
    .flags = GATE_RULE_META,
    .summary = "a suppression directive with an unknown rule or without a reason",
    .why = "A suppression must name the rules it silences and say why that is safe. A typo in a "
           "rule name must never silence everything: the directive is ignored and reported, and "
           "the finding it meant to hide stays in force.",
    .help = "write -- prisma-gate-ignore RULE[, RULE]: reason (prisma-gate rules lists the names)",
    .example_bad = "-- prisma-gate-ignore ban-drop-tabel\nDROP TABLE \"Old\";",
    .example_good =
        "-- prisma-gate-ignore ban-drop-table: emptied and archived in #123\nDROP TABLE \"Old\";",
};

const struct gate_rule gate_rule_prisma_warning = {
    .id = "prisma-warning",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_DATA_DEPENDENT,
    .flags = GATE_RULE_META,
    .summary = "Prisma's Warnings header names a hazard no statement in the file shows",
    .why = "When Prisma generates a destructive or data-dependent step it writes a Warnings block "
           "at the top of migration.sql. Each warning is matched with a finding; a warning "
           "without one means the file was edited after generation, or the hazard is hidden "
           "where the linter cannot see it. Review it by hand.",
    .help = "check that the migration still does what the warning describes; regenerate the "
            "migration if it was edited by mistake",
    .example_bad = "/*\n  Warnings:\n\n  - You are about to drop the `Post` table. ...\n*/\n"
                   "SELECT 1;",
    .example_good = "/*\n  Warnings:\n\n  - You are about to drop the `Post` table. ...\n*/\n"
                    "DROP TABLE \"Post\";",
};

const struct gate_rule gate_rule_empty_migration = {
    .id = "empty-migration",
    .risk = GATE_RISK_NONE,
    .category = GATE_CAT_HYGIENE,
    .flags = GATE_RULE_META,
    .summary = "migration.sql holds no SQL statement",
    .why = "An empty migration is applied and recorded like any other. It is usually a "
           "migration created with --create-only and never filled in.",
    .help = "write the SQL the migration was created for, or delete the migration folder before "
            "it is applied anywhere",
    .example_bad = "-- This is an empty migration.",
    .example_good = "ALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;",
};

const struct gate_rule gate_rule_held_lock = {
    .id = "running-under-held-lock",
    .risk = GATE_RISK_MEDIUM,
    .category = GATE_CAT_LOCK,
    .lock_note = "the rule reports work done under the lock an earlier statement of the file "
                 "took (any mode), held until the migration commits",
    .summary = "a scan, index build or row change on a table an earlier statement of the same "
               "transaction locked",
    .why = "Prisma runs the whole migration.sql as one transaction, and PostgreSQL keeps every "
           "lock until the transaction commits. Once a statement has taken an ACCESS EXCLUSIVE "
           "lock on a table (ADD COLUMN, DROP INDEX, RENAME, any ALTER TABLE), every later "
           "statement of the file that scans the table, builds an index on it or changes its "
           "rows runs while that lock is held: reads and writes of the table wait for all of "
           "it, not just for the quick ALTER. SHARE and SHARE ROW EXCLUSIVE locks (CREATE INDEX, "
           "ADD FOREIGN KEY) likewise keep writes waiting. When the later statement has a "
           "finding of its own, the finding says so and its risk is raised; this rule reports "
           "the statements that have none. Tables created earlier in the same file are not "
           "reported.",
    .help = "move the long statement to its own migration, after the one that takes the lock, or "
            "order the file so that the strong lock is taken last",
    .example_bad = "ALTER TABLE \"Invoice\" ADD COLUMN \"paidAt\" TIMESTAMP(3);\n"
                   "ALTER TABLE \"Invoice\" VALIDATE CONSTRAINT \"Invoice_customerId_fkey\";",
    .example_good = "-- migration 1\nALTER TABLE \"Invoice\" ADD COLUMN \"paidAt\" TIMESTAMP(3);\n"
                    "-- migration 2\nALTER TABLE \"Invoice\" VALIDATE CONSTRAINT "
                    "\"Invoice_customerId_fkey\";",
};

static const struct gate_rule *const engine_rules[] = {
    &gate_rule_syntax_error,        &gate_rule_utf8_bom,
    &gate_rule_invalid_utf8,        &gate_rule_unused_suppression,
    &gate_rule_invalid_suppression, &gate_rule_prisma_warning,
    &gate_rule_empty_migration,     &gate_rule_held_lock,
};

const struct gate_rule_family *const gate_rule_families[] = {
    &gate_rules_destructive,
    &gate_rules_breaking,
    &gate_rules_rewrite,
    &gate_rules_locking,
    &gate_rules_transaction,
    &gate_rules_hygiene,
    NULL,
};

static const struct gate_rule **sorted;
static size_t nsorted;

static int cmp_rule(const void *a, const void *b)
{
    const struct gate_rule *const *x = a, *const *y = b;

    return strcmp((*x)->id, (*y)->id);
}

static void build(void)
{
    size_t n = GATE_ARRAY_SIZE(engine_rules);
    size_t k = 0;

    if (sorted)
        return;
    for (size_t f = 0; gate_rule_families[f]; f++)
        n += gate_rule_families[f]->nrules;
    sorted = gate_xcalloc(n, sizeof(*sorted));
    for (size_t i = 0; i < GATE_ARRAY_SIZE(engine_rules); i++)
        sorted[k++] = engine_rules[i];
    for (size_t f = 0; gate_rule_families[f]; f++) {
        for (size_t i = 0; i < gate_rule_families[f]->nrules; i++)
            sorted[k++] = gate_rule_families[f]->rules[i];
    }
    qsort(sorted, k, sizeof(*sorted), cmp_rule);
    nsorted = k;
}

/* The table lives for the whole process; free it at exit for leak checkers. */
static void free_sorted(void) __attribute__((destructor));
static void free_sorted(void)
{
    free(sorted);
    sorted = NULL;
    nsorted = 0;
}

size_t gate_rules_count(void)
{
    build();
    return nsorted;
}

const struct gate_rule *gate_rule_at(size_t i)
{
    build();
    return i < nsorted ? sorted[i] : NULL;
}

const struct gate_rule *gate_rule_find(const char *id)
{
    size_t lo = 0, hi;

    build();
    hi = nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, sorted[mid]->id);

        if (!c)
            return sorted[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *gate_rule_suggest(const char *id)
{
    const char **names;
    const char *s;

    build();
    names = gate_xcalloc(nsorted, sizeof(*names));
    for (size_t i = 0; i < nsorted; i++)
        names[i] = sorted[i]->id;
    s = gate_suggest(id, names, nsorted);
    free(names);
    return s;
}
