/* SPDX-License-Identifier: MIT */
/*
 * breaking.c - rules for changes that break application code that is
 * still running while (and after) the migration is applied: renaming a
 * table, column, enum type or schema, adding a required column, and
 * dropping NOT NULL.
 *
 * Prisma Client names every table, column and enum type in the SQL it
 * sends, so a rename is an immediate outage for the deployed release.
 * Objects created earlier in the same migration are unknown to running
 * code and are not reported; neither are the renames inside an enum or
 * table swap, where the old name is taken again later in the same file.
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/rules_common.h"
#include "gate/catalog.h"
#include "gate/lint.h"

#include <string.h>

static const struct gate_rule renaming_column = {
    .id = "renaming-column",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_BREAKING,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "RENAME COLUMN on an existing table",
    .why = "Renaming a column is instant, but the release that is still running selects, "
           "inserts and filters by the old name (Prisma Client lists every column explicitly), "
           "so every such query fails from the moment the migration commits until the new "
           "release is fully deployed. Rolling back the code does not help either. Columns "
           "added earlier in the same migration, and columns of tables created in it, are not "
           "reported.",
    .help = "keep the column name in the database and rename only the Prisma field with "
            "@map(\"old_name\"); if the database name must change, use expand/contract: add "
            "the new column, write both, backfill, switch reads, drop the old one later",
    .example_bad = "ALTER TABLE \"User\" RENAME COLUMN \"openAIApiKey\" TO \"aiApiKey\";",
    .example_good = "-- schema.prisma: aiApiKey String? @map(\"openAIApiKey\")\n"
                    "-- no SQL needed: the column keeps its name\nSELECT 1;",
};

static const struct gate_rule renaming_table = {
    .id = "renaming-table",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_BREAKING,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "RENAME of an existing table or view",
    .why = "Renaming a table is instant, but the release that is still running queries the "
           "old name, so every query on the table fails from the moment the migration commits "
           "until the new release is fully deployed. Tables created earlier in the same "
           "migration are not reported, nor is a rename followed in the same file by a view "
           "or table that takes the old name again (a compatibility view).",
    .help = "keep the table name in the database and rename only the Prisma model with "
            "@@map(\"OldName\"); or rename and create a compatibility view with the old name "
            "in the same migration, and drop the view once no release uses it",
    .example_bad = "ALTER TABLE \"Team\" RENAME TO \"Organization\";",
    .example_good = "ALTER TABLE \"Team\" RENAME TO \"Organization\";\n"
                    "CREATE VIEW \"Team\" AS SELECT * FROM \"Organization\";",
};

static const struct gate_rule renaming_type = {
    .id = "renaming-type",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_BREAKING,
    .summary = "RENAME of an existing enum or composite type",
    .why = "Prisma Client casts enum values to the enum type by name in the SQL it sends "
           "(for example $1::\"Role\"), so renaming the type makes every such query of the "
           "running release fail until the new release is deployed. The renames inside an "
           "enum swap (Prisma's AlterEnum: \"E\" to \"E_old\", \"E_new\" to \"E\"), where the "
           "old name exists again afterwards, are not reported; types created earlier in the "
           "same migration are not reported either.",
    .help = "keep the type name in the database and rename only the Prisma enum with "
            "@@map(\"OldName\")",
    .example_bad = "ALTER TYPE \"ProductTeamPermission\" RENAME TO \"ProjectTeamPermission\";",
    .example_good = "-- schema.prisma: enum ProjectTeamPermission { ... "
                    "@@map(\"ProductTeamPermission\") }\nSELECT 1;",
};

static const struct gate_rule renaming_schema = {
    .id = "renaming-schema",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_BREAKING,
    .summary = "ALTER SCHEMA ... RENAME",
    .why = "Renaming a schema breaks every query of the running release that names it "
           "(Prisma Client qualifies tables with the schema when the datasource or @@schema "
           "names one) and every search_path that lists it.",
    .help = "keep the schema name; move objects to a new schema over several releases if you "
            "must",
    .example_bad = "ALTER SCHEMA \"app\" RENAME TO \"core\";",
    .example_good = "CREATE SCHEMA IF NOT EXISTS \"core\";",
};

static const struct gate_rule adding_required_field = {
    .id = "adding-required-field",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_BREAKING,
    .summary = "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
    .why = "PostgreSQL must fill the new column in every existing row; with NOT NULL and no "
           "DEFAULT it cannot, so the migration fails as soon as the table has a row. Even on "
           "an empty table, the release that is still running inserts rows without the new "
           "column and those inserts fail. Prisma warns \"Added the required column ... "
           "without a default value\" (also for Prisma-level defaults such as cuid(), which "
           "the database does not know). A constant or stable DEFAULT avoids both problems and "
           "is metadata-only since PostgreSQL 11. Identity and generated columns fill "
           "themselves and are not reported here; tables created in the same migration are not "
           "reported.",
    .help = "add the column with a database DEFAULT (@default(...) with a constant in "
            "schema.prisma), or add it nullable, backfill it in batches, and make it required "
            "in a later migration",
    .example_bad = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"name\" TEXT NOT NULL;",
    .example_good = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"name\" TEXT NOT NULL "
                    "DEFAULT '';",
};

static const struct gate_rule ban_drop_not_null = {
    .id = "ban-drop-not-null",
    .risk = GATE_RISK_LOW,
    .category = GATE_CAT_BREAKING,
    .summary = "ALTER COLUMN ... DROP NOT NULL on an existing column",
    .why = "Dropping NOT NULL is instant and safe for the database, but code of the running "
           "release (and other readers: reports, ETL) may assume the column is never NULL. "
           "Prisma Client of the old release fails to deserialise a NULL in a field it "
           "generated as required. Columns of tables created in the same migration are not "
           "reported.",
    .help = "deploy the code that handles NULL (the field made optional in schema.prisma) "
            "before, or together with, the migration",
    .example_bad = "ALTER TABLE \"User\" ALTER COLUMN \"name\" DROP NOT NULL;",
    .example_good = "-- release N: code reads \"name\" as optional\n"
                    "-- release N+1:\n"
                    "-- prisma-gate-ignore ban-drop-not-null: readers handle NULL since N\n"
                    "ALTER TABLE \"User\" ALTER COLUMN \"name\" DROP NOT NULL;",
};

static const struct gate_rule *const rules[] = {
    &adding_required_field, &ban_drop_not_null, &renaming_column,
    &renaming_schema,       &renaming_table,    &renaming_type,
};

/* ---- helpers ------------------------------------------------------------ */

/* Created earlier in this file: the catalog, or any CREATE TABLE [AS] or VIEW before idx. */
static bool new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_rules_new_table(ctx, q, idx, GATE_RULES_NEW_ANY);
}

/* A statement after idx in pos (ascending) that ok() accepts. */
static bool any_after(const struct gate_stmt *stmts, const int *pos, int np, int idx,
                      bool (*ok)(const struct gate_stmt *s))
{
    for (int k = gate_lint_pos_lower(pos, np, idx + 1); k < np; k++) {
        if (ok(&stmts[pos[k]]))
            return true;
    }
    return false;
}

static bool creates_relation(const struct gate_stmt *s)
{
    return s->kind == GATE_STMT_CREATE_VIEW || s->kind == GATE_STMT_CREATE_TABLE ||
           s->kind == GATE_STMT_CREATE_TABLE_AS;
}

static bool creates_type(const struct gate_stmt *s)
{
    return s->kind == GATE_STMT_CREATE_ENUM || s->kind == GATE_STMT_CREATE_TYPE ||
           s->kind == GATE_STMT_CREATE_DOMAIN;
}

static bool any_stmt(GATE_UNUSED const struct gate_stmt *s)
{
    return true;
}

/*
 * Does a statement after idx create a relation named q (compatibility
 * view, rebuilt table), or rename one to q? From the file's index.
 */
static bool relation_name_reused(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                                 int idx)
{
    const struct gate_stmt *stmts;
    const int *pos;
    int n;
    int np;

    stmts = gate_lint_stmts(ctx, &n);
    pos = gate_lint_positions(ctx, GATE_POS_CREATE, q, NULL, &np);
    if (any_after(stmts, pos, np, idx, creates_relation))
        return true;
    pos = gate_lint_positions(ctx, GATE_POS_RENAME_REL_TO, q, NULL, &np);
    return any_after(stmts, pos, np, idx, any_stmt);
}

/* Is the type name q taken again after idx (enum swap: "E" -> "E_old", then "E_new" -> "E")? */
static bool type_name_reused(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    const struct gate_stmt *stmts;
    const int *pos;
    int n;
    int np;

    stmts = gate_lint_stmts(ctx, &n);
    pos = gate_lint_positions(ctx, GATE_POS_CREATE, q, NULL, &np);
    if (any_after(stmts, pos, np, idx, creates_type))
        return true;
    pos = gate_lint_positions(ctx, GATE_POS_RENAME_TYPE_TO, q, NULL, &np);
    return any_after(stmts, pos, np, idx, any_stmt);
}

/* ---- renames -------------------------------------------------------------- */

static void rename_column(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *t;
    struct gate_finding *f;

    if (!st->subname || !st->newname || !st->rel.name)
        return;
    if (new_table(ctx, &st->rel, idx) || gate_rules_column_added(ctx, &st->rel, st->subname, idx))
        return;
    t = gate_lint_qname(ctx, &st->rel);
    f = gate_lint_emit(ctx, &renaming_column, idx, st->location, st->rel.name,
                       "renaming column %s.\"%s\" to \"%s\" breaks the running release, which "
                       "still uses \"%s\"",
                       t, st->subname, st->newname, st->subname);
    gate_lint_help(ctx, f,
                   "keep the column and rename only the Prisma field: %s ... @map(\"%s\") in "
                   "schema.prisma; or expand/contract: ALTER TABLE %s ADD COLUMN \"%s\" ...; "
                   "write both, backfill, switch reads, and drop \"%s\" in a later release",
                   st->newname, st->subname, t, st->newname, st->subname);
}

static void rename_table(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *t;
    const char *what = st->obj == GATE_OBJ_TABLE ? "table" : "view";
    struct gate_finding *f;

    if (!st->newname || !st->rel.name)
        return;
    if (new_table(ctx, &st->rel, idx) || relation_name_reused(ctx, &st->rel, idx))
        return;
    t = gate_lint_qname(ctx, &st->rel);
    f = gate_lint_emit(ctx, &renaming_table, idx, st->location, st->rel.name,
                       "renaming %s %s to \"%s\" breaks the running release, which still "
                       "queries %s",
                       what, t, st->newname, t);
    if (st->obj == GATE_OBJ_TABLE)
        gate_lint_help(ctx, f,
                       "keep the table and rename only the Prisma model: model %s { ... "
                       "@@map(\"%s\") }; or keep the old name working with a compatibility view "
                       "in the same migration: CREATE VIEW %s AS SELECT * FROM \"%s\"",
                       st->newname, st->rel.name, t, st->newname);
    else
        gate_lint_help(ctx, f,
                       "keep the view name, or create a view with the old name in the same "
                       "migration: CREATE VIEW %s AS SELECT * FROM \"%s\"",
                       t, st->newname);
}

static void rename_type(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *t;
    struct gate_finding *f;

    if (!st->newname || !st->rel.name)
        return;
    if (gate_rules_new_type(ctx, &st->rel, idx) || type_name_reused(ctx, &st->rel, idx))
        return;
    t = gate_lint_qname(ctx, &st->rel);
    f = gate_lint_emit(ctx, &renaming_type, idx, st->location, NULL,
                       "renaming type %s to \"%s\" breaks the running release, whose queries "
                       "cast to %s",
                       t, st->newname, t);
    gate_lint_help(ctx, f,
                   "keep the type and rename only the Prisma enum: enum %s { ... @@map(\"%s\") }",
                   st->newname, st->rel.name);
}

static void rename_schema(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const char *name = st->subname ? st->subname : st->rel.name;

    if (!name || !st->newname)
        return;
    if (gate_rules_schema_created(ctx, name, idx))
        return;
    gate_lint_emit(ctx, &renaming_schema, idx, st->location, NULL,
                   "renaming schema \"%s\" to \"%s\" breaks every query of the running release "
                   "that names \"%s\"",
                   name, st->newname, name);
}

static void check_rename(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    switch (st->obj) {
    case GATE_OBJ_COLUMN:
        rename_column(ctx, st, idx);
        break;
    case GATE_OBJ_TABLE:
    case GATE_OBJ_VIEW:
    case GATE_OBJ_MATVIEW:
        rename_table(ctx, st, idx);
        break;
    case GATE_OBJ_TYPE:
        rename_type(ctx, st, idx);
        break;
    case GATE_OBJ_SCHEMA:
        rename_schema(ctx, st, idx);
        break;
    default:
        break;
    }
}

/* ---- ALTER TABLE ---------------------------------------------------------- */

static void add_required(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                         const struct gate_alter_cmd *c)
{
    const struct gate_coldef *cd = c->coldef;
    const char *t;
    const char *ty;
    struct gate_finding *f;

    if (!cd || !cd->name)
        return;
    if (!cd->not_null && !cd->primary_key)
        return;
    if (cd->has_default || cd->generated_stored || cd->identity ||
        gate_rules_serial_type(&cd->type))
        return;
    t = gate_lint_qname(ctx, &st->rel);
    ty = gate_rules_sql_type(ctx, &cd->type);
    f = gate_lint_emit(ctx, &adding_required_field, idx,
                       cd->location >= 0 ? cd->location : c->location, st->rel.name,
                       "adding required column \"%s\" to %s without a default fails if the "
                       "table has rows, and breaks inserts of the running release",
                       cd->name, t);
    gate_lint_help(ctx, f,
                   "give it a constant default (ALTER TABLE %s ADD COLUMN \"%s\" %s NOT NULL "
                   "DEFAULT ..., @default(...) in schema.prisma), or add it nullable, backfill "
                   "in batches, and make it required in a later migration",
                   t, cd->name, ty);
}

static void drop_not_null(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                          const struct gate_alter_cmd *c)
{
    const char *t;
    struct gate_finding *f;

    if (!c->column || gate_rules_column_added(ctx, &st->rel, c->column, idx))
        return;
    t = gate_lint_qname(ctx, &st->rel);
    f = gate_lint_emit(ctx, &ban_drop_not_null, idx, c->location, st->rel.name,
                       "dropping NOT NULL on %s.\"%s\" lets NULL reach readers of the running "
                       "release that expect a value",
                       t, c->column);
    gate_lint_help(ctx, f,
                   "deploy code that handles NULL in \"%s\" (the field optional in "
                   "schema.prisma) before or with this migration",
                   c->column);
}

static void check_alter(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (!gate_rules_alters_table(st))
        return;
    if (!st->rel.name || new_table(ctx, &st->rel, idx))
        return;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];

        if (c->kind == GATE_ALTER_ADD_COLUMN)
            add_required(ctx, st, idx, c);
        else if (c->kind == GATE_ALTER_DROP_NOT_NULL)
            drop_not_null(ctx, st, idx, c);
    }
}

static void breaking_stmt(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (st->kind == GATE_STMT_RENAME)
        check_rename(ctx, st, idx);
    else if (st->kind == GATE_STMT_ALTER_TABLE)
        check_alter(ctx, st, idx);
}

const struct gate_rule_family gate_rules_breaking = {
    .name = "breaking",
    .rules = rules,
    .nrules = GATE_ARRAY_SIZE(rules),
    .stmt = breaking_stmt,
    .end = NULL,
};
