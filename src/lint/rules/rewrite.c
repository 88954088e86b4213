/* SPDX-License-Identifier: MIT */
/*
 * rewrite.c - rules for statements that make PostgreSQL rewrite a whole
 * table (and rebuild its indexes) under an ACCESS EXCLUSIVE lock, which
 * blocks every read and write of the table for as long as the copy takes:
 * column type changes, volatile or stored-generated defaults, serial and
 * identity columns added to existing tables, and Prisma's enum swap.
 *
 * Type changes are history-aware: when earlier migrations tell the old
 * type, changes that PostgreSQL performs as metadata-only (varchar
 * widening, varchar to text, numeric precision increase, ...) are not
 * reported. The rules follow ATColumnChangeRequiresRewrite() and the
 * planner support functions of PostgreSQL 15 (varchar_support,
 * numeric_support, TemporalSimplify, varbit_support). Tables created
 * earlier in the same migration are empty and never reported.
 */
#include "gate/compat.h"
#include "gate/rules.h"
#include "gate/rules_common.h"
#include "gate/buf.h"
#include "gate/catalog.h"
#include "gate/lint.h"

#include <string.h>
#include <strings.h>

static const struct gate_rule changing_column_type = {
    .id = "changing-column-type",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "ALTER COLUMN ... TYPE that rewrites an existing table",
    .why = "Unless the old and new types are binary-coercible, ALTER COLUMN ... TYPE copies "
           "the whole table and rebuilds all of its indexes while holding an ACCESS EXCLUSIVE "
           "lock: nothing can read or write the table until it is done, which on a large table "
           "is minutes to hours. Narrowing changes also fail on values that do not fit, and "
           "code of the running release may not understand the new type. When earlier "
           "migrations show the old type, changes PostgreSQL does without a rewrite are not "
           "reported: varchar(n) to varchar(m >= n), varchar or text, text to varchar, "
           "numeric(p,s) to numeric(p2 >= p, s) or numeric, more precision for timestamp, "
           "timestamptz, time and interval, varbit widening, cidr to inet, and timestamp to "
           "timestamptz after SET TIME ZONE 'UTC' (PostgreSQL 12+). text to citext keeps the "
           "rows but rebuilds the column's indexes (medium). A USING clause is always treated "
           "as a rewrite. The hand-written swap - ADD COLUMN \"x_new\", UPDATE, DROP COLUMN "
           "\"x\", RENAME COLUMN \"x_new\" TO \"x\" - avoids the rewrite but still changes "
           "\"x\"'s type under the running release: it is reported here as a breaking change "
           "(category breaking), at the DROP.",
    .help = "expand/contract: add a column of the new type, write both from the application, "
            "backfill it in batches, switch reads, and drop the old column in a later release",
    .example_bad = "ALTER TABLE \"Document\" ALTER COLUMN \"fileSize\" SET DATA TYPE BIGINT;",
    .example_good = "CREATE TABLE \"Document\" (\"id\" TEXT NOT NULL, \"title\" VARCHAR(191) NOT "
                    "NULL);\n"
                    "-- next migration\n"
                    "ALTER TABLE \"Document\" ALTER COLUMN \"title\" SET DATA TYPE TEXT;  "
                    "-- VARCHAR(191) to TEXT is binary-coercible: no rewrite",
};

static const struct gate_rule adding_field_with_default = {
    .id = "adding-field-with-default",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "ADD COLUMN with a volatile default or GENERATED ... STORED on an existing table",
    .why = "Since PostgreSQL 11 a column added with a constant or stable default (a literal, "
           "now(), CURRENT_TIMESTAMP) is metadata-only. A volatile default (gen_random_uuid(), "
           "random(), clock_timestamp(), nextval(), any user function) must be evaluated for "
           "every existing row, and a GENERATED ALWAYS AS (...) STORED column must be computed "
           "for every row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE "
           "lock. Before PostgreSQL 11 (a server plan reads as older) every DEFAULT rewrites. "
           "Tables created earlier in the same migration are not reported.",
    .help = "add the column without the default, then set the default for new rows only "
            "(ALTER TABLE ... ALTER COLUMN ... SET DEFAULT ...), and backfill existing rows in "
            "batches",
    .example_bad = "ALTER TABLE \"EmailAccount\" ADD COLUMN \"publicId\" UUID NOT NULL DEFAULT "
                   "gen_random_uuid();",
    .example_good = "ALTER TABLE \"EmailAccount\" ADD COLUMN \"publicId\" UUID;\n"
                    "ALTER TABLE \"EmailAccount\" ALTER COLUMN \"publicId\" SET DEFAULT "
                    "gen_random_uuid();\n"
                    "-- backfill existing rows in batches, outside this migration",
};

static const struct gate_rule adding_serial_field = {
    .id = "adding-serial-field",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .lock = "ACCESS EXCLUSIVE",
    .summary = "ADD COLUMN of type serial/bigserial/smallserial or GENERATED AS IDENTITY on an "
               "existing table",
    .why = "A serial or identity column gets its value from a sequence, so adding one to a "
           "table that has rows makes PostgreSQL call nextval() for every existing row and "
           "rewrite the whole table under an ACCESS EXCLUSIVE lock. Prisma renders "
           "@default(autoincrement()) as SERIAL, so adding such a field to an existing model "
           "does exactly this. Tables created earlier in the same migration are not reported.",
    .help = "add a plain nullable integer column, attach a sequence as its default for new "
            "rows, backfill existing rows in batches, then make it NOT NULL via a validated "
            "CHECK constraint",
    .example_bad = "ALTER TABLE \"Order\" ADD COLUMN \"number\" SERIAL NOT NULL;",
    .example_good = "CREATE SEQUENCE \"Order_number_seq\";\n"
                    "ALTER TABLE \"Order\" ADD COLUMN \"number\" INTEGER;\n"
                    "ALTER TABLE \"Order\" ALTER COLUMN \"number\" SET DEFAULT "
                    "nextval('\"Order_number_seq\"');\n"
                    "-- backfill existing rows in batches, outside this migration",
};

static const struct gate_rule enum_value_removal = {
    .id = "enum-value-removal",
    .risk = GATE_RISK_HIGH,
    .category = GATE_CAT_REWRITE,
    .summary = "Prisma's enum type swap (values removed or reordered)",
    .why = "PostgreSQL cannot drop an enum value, so Prisma replaces the type: CREATE TYPE "
           "\"E_new\", ALTER COLUMN ... TYPE \"E_new\" USING (...::text::\"E_new\") for every "
           "column that uses it, then renames and drops the old type, inside BEGIN/COMMIT. "
           "Every ALTER COLUMN rewrites its table under an ACCESS EXCLUSIVE lock, and the cast "
           "fails (rolling back the block) if any row still holds a removed value. prisma-gate "
           "reports the swap once, naming the removed values (when earlier migrations show the "
           "old ones) and every table it rewrites; the individual steps of the swap are not "
           "reported again as type changes, renames or drops.",
    .help = "move rows off the removed values in an earlier migration (UPDATE ... SET col = "
            "'OTHER' WHERE col = 'OLD'), and run the swap when the tables are small or in a "
            "maintenance window; to avoid swaps, keep retired values in the enum",
    .example_bad = "BEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('USER', 'EDITOR');\n"
                   "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING "
                   "(\"role\"::text::\"Role_new\");\n"
                   "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n"
                   "ALTER TYPE \"Role_new\" RENAME TO \"Role\";\nDROP TYPE \"Role_old\";\nCOMMIT;",
    .example_good = "-- keep the retired value; only add new ones\n"
                    "ALTER TYPE \"Role\" ADD VALUE 'EDITOR';",
};

static const struct gate_rule *const rules[] = {
    &adding_field_with_default,
    &adding_serial_field,
    &changing_column_type,
    &enum_value_removal,
};

/* ---- helpers ------------------------------------------------------------ */

/* Created earlier in this file (the catalog, or a temporary table it does not track). */
static bool new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_rules_new_table(ctx, q, idx, GATE_RULES_NEW_TEMP);
}

/* ---- type changes --------------------------------------------------------- */

enum change {
    CHANGE_NONE = 0, /* binary-coercible or metadata-only */
    CHANGE_INDEXES,  /* rows kept, indexes on the column rebuilt */
    CHANGE_TZ,       /* rewrite unless the session TimeZone is UTC */
    CHANGE_REWRITE,
    CHANGE_NARROW, /* rewrite, and fails on values that do not fit */
};

static bool same_typmods(const struct gate_type *a, const struct gate_type *b)
{
    if (a->ntypmods != b->ntypmods)
        return false;
    for (int i = 0; i < a->ntypmods && i < 2; i++) {
        if (a->typmods[i] != b->typmods[i] || a->typmods[i] < 0)
            return false;
    }
    return true;
}

/* The first type modifier: -1 absent, -2 present but not a constant. */
static int mod0(const struct gate_type *t)
{
    if (t->ntypmods < 1)
        return -1;
    return t->typmods[0] < 0 ? -2 : t->typmods[0];
}

/* varchar, varbit: a length limit that may only grow. */
static enum change length_change(const struct gate_type *from, const struct gate_type *to)
{
    int a = mod0(from);
    int b = mod0(to);

    if (b == -1)
        return CHANGE_NONE;
    if (a == -2 || b == -2)
        return CHANGE_REWRITE;
    if (a == -1 || b < a)
        return CHANGE_NARROW;
    return CHANGE_NONE;
}

/* numeric(p,s): more precision with the same scale is free. */
static enum change numeric_change(const struct gate_type *from, const struct gate_type *to)
{
    int p1 = mod0(from);
    int p2 = mod0(to);
    int s1 = from->ntypmods >= 2 ? from->typmods[1] : 0;
    int s2 = to->ntypmods >= 2 ? to->typmods[1] : 0;

    if (p2 == -1)
        return CHANGE_NONE;
    if (p1 == -2 || p2 == -2 || s1 < 0 || s2 < 0)
        return CHANGE_REWRITE;
    if (p1 == -1)
        return CHANGE_NARROW;
    if (p2 >= p1 && s2 == s1)
        return CHANGE_NONE;
    if (s2 < s1 || p2 - s2 < p1 - s1)
        return CHANGE_NARROW;
    return CHANGE_REWRITE;
}

/* timestamp, timestamptz, time, timetz: TemporalSimplify() (6 is the maximum precision). */
static enum change temporal_change(const struct gate_type *from, const struct gate_type *to)
{
    int a = mod0(from);
    int b = mod0(to);

    if (b == -1 || b == 6)
        return CHANGE_NONE;
    if (a >= 0 && b >= a)
        return CHANGE_NONE;
    return CHANGE_REWRITE;
}

static bool temporal(const struct gate_type *t)
{
    return gate_rules_is_type(t, "timestamp") || gate_rules_is_type(t, "timestamptz") ||
           gate_rules_is_type(t, "time") || gate_rules_is_type(t, "timetz");
}

static bool texty(const struct gate_type *t)
{
    return gate_rules_is_type(t, "text") || gate_rules_is_type(t, "varchar");
}

static int int_width(const struct gate_type *t)
{
    if (gate_rules_is_type(t, "int2"))
        return 2;
    if (gate_rules_is_type(t, "int4"))
        return 4;
    if (gate_rules_is_type(t, "int8"))
        return 8;
    return 0;
}

static enum change classify(const struct gate_type *from, const struct gate_type *to)
{
    bool same = from->name && to->name && !strcmp(from->name, to->name) &&
                gate_rules_same_schema(from->schema, to->schema);

    if (!from->name || !to->name || from->array_dims != to->array_dims)
        return CHANGE_REWRITE;
    if (same && same_typmods(from, to))
        return CHANGE_NONE;
    if (from->array_dims > 0)
        return CHANGE_REWRITE; /* an array coercion evaluates every element */
    if (same) {
        if (gate_rules_is_type(to, "varchar") || gate_rules_is_type(to, "varbit"))
            return length_change(from, to);
        if (gate_rules_is_type(to, "numeric"))
            return numeric_change(from, to);
        if (temporal(to))
            return temporal_change(from, to);
        if (gate_rules_is_type(to, "interval"))
            return mod0(to) == -1 ? CHANGE_NONE : CHANGE_REWRITE;
        if (gate_rules_is_type(to, "bpchar") && mod0(from) > 0 && mod0(to) > 0 &&
            mod0(to) < mod0(from))
            return CHANGE_NARROW;
        return CHANGE_REWRITE;
    }
    if (gate_rules_is_type(from, "varchar") && gate_rules_is_type(to, "text"))
        return CHANGE_NONE;
    if (gate_rules_is_type(from, "text") && gate_rules_is_type(to, "varchar"))
        return mod0(to) == -1 ? CHANGE_NONE : CHANGE_NARROW;
    if (texty(from) && gate_rules_is_type(to, "citext"))
        return CHANGE_INDEXES;
    if (gate_rules_is_type(from, "citext") && gate_rules_is_type(to, "text"))
        return CHANGE_INDEXES;
    if (gate_rules_is_type(from, "citext") && gate_rules_is_type(to, "varchar"))
        return mod0(to) == -1 ? CHANGE_INDEXES : CHANGE_NARROW;
    if (gate_rules_is_type(from, "cidr") && gate_rules_is_type(to, "inet"))
        return CHANGE_NONE;
    if ((gate_rules_is_type(from, "timestamp") && gate_rules_is_type(to, "timestamptz")) ||
        (gate_rules_is_type(from, "timestamptz") && gate_rules_is_type(to, "timestamp")))
        return temporal_change(from, to) == CHANGE_NONE ? CHANGE_TZ : CHANGE_REWRITE;
    if (int_width(from) && int_width(to) && int_width(to) < int_width(from))
        return CHANGE_NARROW;
    return CHANGE_REWRITE;
}

static bool utc_name(const char *v)
{
    static const char *const utc[] = {"utc", "etc/utc", "gmt", "etc/gmt", "zulu",  "z",
                                      "uct", "0",       "+0",  "-0",      "+00:00"};
    char buf[32];
    size_t n;

    if (!v)
        return false;
    while (*v == '\'' || *v == '"' || *v == ' ')
        v++;
    n = strlen(v);
    while (n && (v[n - 1] == '\'' || v[n - 1] == '"' || v[n - 1] == ' '))
        n--;
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, v, n);
    buf[n] = '\0';
    for (size_t i = 0; i < GATE_ARRAY_SIZE(utc); i++) {
        if (!strcasecmp(buf, utc[i]))
            return true;
    }
    return false;
}

/* Was the session TimeZone set to UTC before statement idx (and still in effect)? */
static bool timezone_utc(const struct gate_lint_ctx *ctx, int idx)
{
    const struct gate_stmt *stmts;
    int n;
    bool utc = false;

    stmts = gate_lint_stmts(ctx, &n);
    for (int i = 0; i < idx && i < n; i++) {
        const struct gate_stmt *s = &stmts[i];

        if (s->kind != GATE_STMT_SET)
            continue;
        if (s->reset && (!s->set_name || !strcmp(s->set_name, "all"))) {
            utc = false;
            continue;
        }
        if (!s->set_name || strcmp(s->set_name, "timezone") != 0)
            continue;
        if (s->set_local && gate_lint_block(ctx, i) != gate_lint_block(ctx, idx))
            continue;
        utc = !s->reset && utc_name(s->set_value);
    }
    return utc;
}

/* ---- Prisma's enum swap --------------------------------------------------- */

/*
 * Is the CREATE TYPE ... AS ENUM at index create the new half of an enum
 * swap? Two shapes:
 *   Prisma: CREATE TYPE "E_new"; ALTER ... TYPE "E_new"; ALTER TYPE "E" RENAME TO "E_old";
 *           ALTER TYPE "E_new" RENAME TO "E"; DROP TYPE "E_old"
 *   by hand: ALTER TYPE "E" RENAME TO "E_tmp"; CREATE TYPE "E"; ALTER ... TYPE "E";
 *           DROP TYPE "E_tmp"
 * On success, *old is the replaced enum's name and *was the name it has
 * when the CREATE runs (to look its values up in the catalog).
 */
static bool find_swap(const struct gate_lint_ctx *ctx, int create, struct gate_qname *old,
                      struct gate_qname *was)
{
    const struct gate_stmt *stmts;
    const struct gate_stmt *cr;
    const int *ren;
    const int *ren_x;
    const int *drop_x;
    struct gate_qname x;
    int n;
    int nren;
    int nren_x;
    int ndrop_x;
    int k;
    int j;
    int at;

    stmts = gate_lint_stmts(ctx, &n);
    if (create < 0 || create >= n || stmts[create].kind != GATE_STMT_CREATE_ENUM)
        return false;
    cr = &stmts[create];
    /* the renames of the type named as the CREATE names it, in file order */
    ren = gate_lint_positions(ctx, GATE_POS_RENAME_TYPE, &cr->rel, NULL, &nren);
    at = gate_lint_pos_lower(ren, nren, create);
    /* hand-written shape: the name was freed by a rename before the CREATE */
    if (at > 0) {
        j = ren[at - 1];
        *old = cr->rel;
        was->schema = cr->rel.schema;
        was->name = stmts[j].newname;
        return true;
    }
    /* Prisma's shape: the new type takes the old name later */
    if (at < nren && ren[at] == create)
        at++;
    if (at >= nren)
        return false;
    k = ren[at];
    x.schema = cr->rel.schema;
    x.name = stmts[k].newname;
    /* the first statement before k that renames x away or drops it */
    ren_x = gate_lint_positions(ctx, GATE_POS_RENAME_TYPE, &x, NULL, &nren_x);
    drop_x = gate_lint_positions(ctx, GATE_POS_DROP_TYPE, &x, NULL, &ndrop_x);
    j = k;
    if (nren_x && ren_x[0] < j)
        j = ren_x[0];
    if (ndrop_x && drop_x[0] < j)
        j = drop_x[0];
    if (j >= k)
        return false;
    *old = x;
    *was = x;
    if (j < create && stmts[j].kind != GATE_STMT_DROP)
        was->name = stmts[j].newname;
    return true;
}

/* Is ALTER COLUMN ... TYPE t at idx a step of an enum swap (reported by enum-value-removal)? */
static bool swap_step(const struct gate_lint_ctx *ctx, const struct gate_type *t, int idx)
{
    struct gate_qname old;
    struct gate_qname was;
    struct gate_qname q = {t->schema, t->name};
    int create = gate_rules_created_before(ctx, GATE_STMT_CREATE_ENUM, &q, idx);

    return create >= 0 && find_swap(ctx, create, &old, &was);
}

static bool has_value(const struct gate_stmt *st, const char *v)
{
    for (int i = 0; i < st->nvalues; i++) {
        if (st->values[i] && !strcmp(st->values[i], v))
            return true;
    }
    return false;
}

static void check_swap(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    const struct gate_stmt *stmts;
    const struct gate_cat_enum *e;
    struct gate_qname old;
    struct gate_qname was;
    struct gate_buf tables = {0};
    struct gate_buf removed = {0};
    const char *first_table = NULL;
    const char *first_col = NULL;
    const struct gate_qname *first_q = NULL;
    const char *first_removed = NULL;
    int ntables = 0;
    int nremoved = 0;
    int n;
    struct gate_finding *f;
    const char *oldname;
    const char *newname;

    if (!find_swap(ctx, idx, &old, &was))
        return;
    stmts = gate_lint_stmts(ctx, &n);
    for (int k = idx + 1; k < n; k++) {
        const struct gate_stmt *s = &stmts[k];

        if (s->kind != GATE_STMT_ALTER_TABLE || !gate_rules_alters_table(s))
            continue;
        if (new_table(ctx, &s->rel, idx))
            continue;
        for (int c = 0; c < s->ncmds; c++) {
            const struct gate_alter_cmd *cmd = &s->cmds[c];
            struct gate_qname tq = {cmd->newtype.schema, cmd->newtype.name};

            if (cmd->kind != GATE_ALTER_COLUMN_TYPE || !cmd->column ||
                !gate_rules_same_qname(&tq, &st->rel))
                continue;
            if (ntables)
                gate_buf_adds(&tables, ", ");
            gate_buf_printf(&tables, "%s.\"%s\"", gate_lint_qname(ctx, &s->rel), cmd->column);
            if (!ntables) {
                first_table = s->rel.name;
                first_q = &s->rel;
                first_col = cmd->column;
            }
            ntables++;
        }
    }
    if (!ntables)
        goto out;
    oldname = gate_lint_qname(ctx, &old);
    newname = gate_lint_qname(ctx, &st->rel);
    e = gate_catalog_enum(gate_lint_catalog(ctx), &was);
    if (e) {
        for (int i = 0; i < e->nvalues; i++) {
            if (has_value(st, e->values[i]))
                continue;
            if (nremoved)
                gate_buf_adds(&removed, ", ");
            gate_buf_printf(&removed, "'%s'", e->values[i]);
            if (!nremoved)
                first_removed = e->values[i];
            nremoved++;
        }
    }
    if (!e) {
        f = gate_lint_emit(ctx, &enum_value_removal, idx, st->location, first_table,
                           "replacing enum %s with %s rewrites %s under ACCESS EXCLUSIVE and "
                           "fails if a row holds a value %s lacks (the old values are unknown: "
                           "lint the whole migrations directory to name them)",
                           oldname, newname, gate_buf_str(&tables), newname);
    } else if (nremoved) {
        f = gate_lint_emit(ctx, &enum_value_removal, idx, st->location, first_table,
                           "replacing enum %s removes value%s %s: rewrites %s under ACCESS "
                           "EXCLUSIVE and fails if a row still holds %s",
                           oldname, nremoved > 1 ? "s" : "", gate_buf_str(&removed),
                           gate_buf_str(&tables), nremoved > 1 ? "one of them" : "it");
    } else {
        f = gate_lint_emit(ctx, &enum_value_removal, idx, st->location, first_table,
                           "recreating enum %s removes no value but rewrites %s under ACCESS "
                           "EXCLUSIVE",
                           oldname, gate_buf_str(&tables));
    }
    if (first_removed)
        gate_lint_help(ctx, f,
                       "in an earlier migration, move rows off the removed value%s (UPDATE %s SET "
                       "\"%s\" = '...' WHERE \"%s\" = '%s'), then run the swap when the table%s "
                       "%s small or in a maintenance window; or keep the retired value%s in the "
                       "enum and stop writing %s",
                       nremoved > 1 ? "s" : "", gate_lint_qname(ctx, first_q), first_col, first_col,
                       first_removed, ntables > 1 ? "s" : "", ntables > 1 ? "are" : "is",
                       nremoved > 1 ? "s" : "", nremoved > 1 ? "them" : "it");
    else if (!e)
        gate_lint_help(ctx, f,
                       "check that no row of %s holds a value that %s lacks (SELECT DISTINCT "
                       "\"%s\" FROM %s), and run the swap when the table%s %s small or in a "
                       "maintenance window",
                       gate_lint_qname(ctx, first_q), newname, first_col,
                       gate_lint_qname(ctx, first_q), ntables > 1 ? "s" : "",
                       ntables > 1 ? "are" : "is");
    else
        gate_lint_help(ctx, f,
                       "run the swap when the table%s %s small or in a maintenance window; if "
                       "only the sort order matters, order by array_position(ARRAY[...], "
                       "\"%s\"::text) in queries instead of recreating the enum",
                       ntables > 1 ? "s" : "", ntables > 1 ? "are" : "is", first_col);
out:
    gate_buf_release(&tables);
    gate_buf_release(&removed);
}

/* ---- ALTER TABLE ---------------------------------------------------------- */

static void column_type(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                        const struct gate_alter_cmd *c)
{
    const struct gate_cat_table *t;
    const struct gate_cat_column *col = NULL;
    const char *tn = gate_lint_qname(ctx, &st->rel);
    const char *to;
    const char *to_sql;
    const char *from;
    struct gate_type old;
    enum change ch;
    struct gate_finding *f;

    if (!c->column || !c->newtype.name)
        return;
    if (swap_step(ctx, &c->newtype, idx))
        return;
    to = gate_lint_type(ctx, &c->newtype);
    to_sql = gate_rules_sql_type(ctx, &c->newtype);
    t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);
    if (t)
        col = gate_catalog_column(t, c->column);
    if (!col || !col->type.name) {
        f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                           "changing the type of %s.\"%s\" to %s rewrites the table and its "
                           "indexes under ACCESS EXCLUSIVE unless the change is binary-coercible; "
                           "the old type is unknown (lint the whole migrations directory so "
                           "earlier migrations show it)",
                           tn, c->column, to);
        gate_lint_help(ctx, f,
                       "expand/contract: ALTER TABLE %s ADD COLUMN \"%s_new\" %s; write both from "
                       "the application, backfill in batches, switch reads, then drop \"%s\" in a "
                       "later release",
                       tn, c->column, to_sql, c->column);
        return;
    }
    old = col->type;
    if (gate_rules_serial_type(&old))
        old.name = gate_rules_is_type(&old, "bigserial")     ? "int8"
                   : gate_rules_is_type(&old, "smallserial") ? "int2"
                                                             : "int4";
    from = gate_lint_type(ctx, &old);
    ch = c->has_using ? CHANGE_REWRITE : classify(&old, &c->newtype);
    /* PostgreSQL 12 taught timestamp -> timestamptz under UTC to skip the rewrite */
    if (ch == CHANGE_TZ && gate_lint_pg_version(ctx) < 12)
        ch = CHANGE_REWRITE;
    if (ch == CHANGE_TZ && timezone_utc(ctx, idx))
        ch = CHANGE_NONE;
    switch (ch) {
    case CHANGE_NONE:
        return;
    case CHANGE_INDEXES:
        f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                           "changing %s.\"%s\" from %s to %s keeps the rows but rebuilds every "
                           "index on the column under ACCESS EXCLUSIVE",
                           tn, c->column, from, to);
        if (f)
            f->risk = GATE_RISK_MEDIUM;
        gate_lint_help(ctx, f,
                       "if the column is indexed and the table is large, build the new index "
                       "concurrently on an expression (CREATE INDEX CONCURRENTLY ... ON %s "
                       "(lower(\"%s\"))) instead of changing the type",
                       tn, c->column);
        return;
    case CHANGE_TZ:
        f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                           "changing %s.\"%s\" from %s to %s rewrites the table and its indexes "
                           "under ACCESS EXCLUSIVE unless the session TimeZone is UTC",
                           tn, c->column, from, to);
        gate_lint_help(ctx, f,
                       "if the stored values are UTC (Prisma writes UTC), put SET TIME ZONE "
                       "'UTC'; before the ALTER: PostgreSQL 12+ then changes the type without a "
                       "rewrite");
        return;
    default:
        break;
    }
    if (c->has_using) {
        f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                           "changing %s.\"%s\" from %s to %s with USING rewrites the table and "
                           "its indexes under ACCESS EXCLUSIVE, evaluating the expression for "
                           "every row",
                           tn, c->column, from, to);
        if (gate_lint_pg_version(ctx) >= 12 && gate_rules_is_type(&old, "timestamp") &&
            gate_rules_is_type(&c->newtype, "timestamptz") &&
            temporal_change(&old, &c->newtype) == CHANGE_NONE) {
            gate_lint_help(ctx, f,
                           "for values stored in UTC, SET TIME ZONE 'UTC'; and then ALTER TABLE "
                           "%s ALTER COLUMN \"%s\" TYPE %s without USING: PostgreSQL 12+ does "
                           "that without a rewrite",
                           tn, c->column, to_sql);
            return;
        }
    } else {
        f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                           "changing %s.\"%s\" from %s to %s rewrites the table and its indexes "
                           "under ACCESS EXCLUSIVE%s",
                           tn, c->column, from, to,
                           ch == CHANGE_NARROW ? ", and fails if an existing value does not fit"
                                               : "");
    }
    gate_lint_help(ctx, f,
                   "expand/contract: ALTER TABLE %s ADD COLUMN \"%s_new\" %s; write both from the "
                   "application, backfill in batches, switch reads, then drop \"%s\" in a later "
                   "release",
                   tn, c->column, to_sql, c->column);
}

static void add_column(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                       const struct gate_alter_cmd *c)
{
    const struct gate_coldef *cd = c->coldef;
    const char *tn;
    const char *ty;
    int off;
    struct gate_finding *f;

    if (!cd || !cd->name)
        return;
    tn = gate_lint_qname(ctx, &st->rel);
    ty = gate_rules_sql_type(ctx, &cd->type);
    off = cd->location >= 0 ? cd->location : c->location;
    if (gate_rules_serial_type(&cd->type) || cd->identity) {
        const char *base = gate_rules_is_type(&cd->type, "bigserial")     ? "bigint"
                           : gate_rules_is_type(&cd->type, "smallserial") ? "smallint"
                           : gate_rules_serial_type(&cd->type)            ? "integer"
                                                                          : ty;

        f = gate_lint_emit(ctx, &adding_serial_field, idx, off, st->rel.name,
                           "adding %s column \"%s\" to %s fills every existing row from a "
                           "sequence: the table is rewritten under ACCESS EXCLUSIVE",
                           cd->identity ? "identity" : ty, cd->name, tn);
        gate_lint_help(ctx, f,
                       "CREATE SEQUENCE \"%s_%s_seq\"; ALTER TABLE %s ADD COLUMN \"%s\" %s; "
                       "ALTER TABLE %s ALTER COLUMN \"%s\" SET DEFAULT "
                       "nextval('\"%s_%s_seq\"'); then backfill existing rows in batches and add "
                       "NOT NULL via a validated CHECK constraint",
                       st->rel.name, cd->name, tn, cd->name, base, tn, cd->name, st->rel.name,
                       cd->name);
        return;
    }
    if (cd->generated_stored) {
        f = gate_lint_emit(ctx, &adding_field_with_default, idx, off, st->rel.name,
                           "adding stored generated column \"%s\" to %s computes it for every "
                           "existing row: the table is rewritten under ACCESS EXCLUSIVE",
                           cd->name, tn);
        gate_lint_help(ctx, f,
                       "add a plain column (ALTER TABLE %s ADD COLUMN \"%s\" %s), keep it "
                       "current with a trigger, and backfill existing rows in batches",
                       tn, cd->name, ty);
        return;
    }
    if (cd->has_default && cd->default_vol != GATE_VOL_NONE && gate_lint_pg_version(ctx) < 11) {
        f = gate_lint_emit(ctx, &adding_field_with_default, idx, off, st->rel.name,
                           "adding column \"%s\" to %s with a DEFAULT rewrites the table under "
                           "ACCESS EXCLUSIVE on PostgreSQL %d (a constant default is "
                           "metadata-only from PostgreSQL 11)",
                           cd->name, tn, gate_lint_pg_version(ctx));
        gate_lint_help(ctx, f,
                       "ALTER TABLE %s ADD COLUMN \"%s\" %s; then ALTER TABLE %s ALTER COLUMN "
                       "\"%s\" SET DEFAULT ... (new rows only), and backfill existing rows in "
                       "batches",
                       tn, cd->name, ty, tn, cd->name);
        return;
    }
    if (cd->has_default && cd->default_vol == GATE_VOL_VOLATILE) {
        const char *fn = cd->default_func ? cd->default_func : "a volatile expression";

        f = gate_lint_emit(ctx, &adding_field_with_default, idx, off, st->rel.name,
                           "adding column \"%s\" to %s with a volatile default (%s) evaluates "
                           "it for every existing row: the table is rewritten under ACCESS "
                           "EXCLUSIVE",
                           cd->name, tn, fn);
        gate_lint_help(ctx, f,
                       "ALTER TABLE %s ADD COLUMN \"%s\" %s; then ALTER TABLE %s ALTER COLUMN "
                       "\"%s\" SET DEFAULT %s (new rows only), and backfill existing rows in "
                       "batches",
                       tn, cd->name, ty, tn, cd->name, cd->default_func ? fn : "...");
    }
}

static bool same_type(const struct gate_type *a, const struct gate_type *b)
{
    if (!gate_rules_str_eq(a->name, b->name) || !gate_rules_same_schema(a->schema, b->schema) ||
        a->array_dims != b->array_dims || a->ntypmods != b->ntypmods)
        return false;
    for (int i = 0; i < a->ntypmods; i++) {
        if (a->typmods[i] != b->typmods[i])
            return false;
    }
    return true;
}

/*
 * ADD COLUMN "x_new"; UPDATE ...; DROP COLUMN "x"; RENAME COLUMN "x_new" TO
 * "x": from the running release's point of view, "x" changes type when the
 * migration commits. Reported at the DROP, where the catalog still knows
 * the old type.
 */
static void column_swap(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx,
                        const struct gate_alter_cmd *c)
{
    const struct gate_cat_table *t = gate_catalog_table(gate_lint_catalog(ctx), &st->rel);
    const struct gate_cat_column *old = gate_catalog_column(t, c->column);
    const struct gate_cat_column *neu;
    const struct gate_type *to;
    const struct gate_stmt *stmts;
    const char *from;
    const char *tn;
    bool copied;
    int nstmts;
    int r = gate_rules_column_swap(ctx, &st->rel, c->column, idx, &from, &copied);
    struct gate_finding *f;

    if (r < 0)
        return;
    neu = gate_catalog_column(t, from);
    if (!neu || !neu->type.name)
        return;
    to = &neu->type;
    stmts = gate_lint_stmts(ctx, &nstmts);
    /* a later ALTER COLUMN ... TYPE of the file decides the type the release sees */
    for (int i = r + 1; i < nstmts; i++) {
        const struct gate_stmt *s = &stmts[i];

        if (s->kind != GATE_STMT_ALTER_TABLE || !gate_rules_same_qname(&s->rel, &st->rel))
            continue;
        for (int k = 0; k < s->ncmds; k++) {
            if (s->cmds[k].kind == GATE_ALTER_COLUMN_TYPE && s->cmds[k].newtype.name &&
                gate_rules_str_eq(s->cmds[k].column, c->column))
                to = &s->cmds[k].newtype;
        }
    }
    if (old && old->type.name && same_type(&old->type, to))
        return;
    tn = gate_lint_qname(ctx, &st->rel);
    f = gate_lint_emit(ctx, &changing_column_type, idx, c->location, st->rel.name,
                       "dropping %s.\"%s\" and renaming \"%s\" to it (line %d) changes \"%s\" "
                       "from %s to %s under the running release: code that still reads or writes "
                       "it as %s breaks when the migration commits",
                       tn, c->column, from, gate_rules_line_of(ctx, stmts[r].location), c->column,
                       old && old->type.name ? gate_lint_type(ctx, &old->type) : "its old type",
                       gate_lint_type(ctx, to),
                       old && old->type.name ? gate_lint_type(ctx, &old->type) : "the old type");
    if (f)
        f->category = GATE_CAT_BREAKING;
    gate_lint_help(ctx, f,
                   "expand/contract: keep \"%s\" and the new column side by side (map the new "
                   "one with @map in schema.prisma instead of renaming it onto the old name), "
                   "write both from the application, switch reads in one release, and drop "
                   "\"%s\" in a later one",
                   c->column, c->column);
}

static void check_alter(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (!gate_rules_alters_table(st))
        return;
    if (!st->rel.name || new_table(ctx, &st->rel, idx))
        return;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];

        if (c->kind == GATE_ALTER_COLUMN_TYPE)
            column_type(ctx, st, idx, c);
        else if (c->kind == GATE_ALTER_ADD_COLUMN)
            add_column(ctx, st, idx, c);
        else if (c->kind == GATE_ALTER_DROP_COLUMN && c->column)
            column_swap(ctx, st, idx, c);
    }
}

static void rewrite_stmt(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (st->kind == GATE_STMT_ALTER_TABLE)
        check_alter(ctx, st, idx);
    else if (st->kind == GATE_STMT_CREATE_ENUM)
        check_swap(ctx, st, idx);
}

const struct gate_rule_family gate_rules_rewrite = {
    .name = "rewrite",
    .rules = rules,
    .nrules = GATE_ARRAY_SIZE(rules),
    .stmt = rewrite_stmt,
    .end = NULL,
};
