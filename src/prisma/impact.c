/* SPDX-License-Identifier: MIT */
/*
 * impact.c - a migration's changes in the schema's terms, whether they
 * break running code or need a data migration, and a Prisma-style name.
 */
#include "gate/compat.h"
#include "gate/impact.h"
#include "gate/buf.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------------- names */

void gate_impact_snake(const char *text, char *out, size_t size)
{
    size_t o = 0;
    bool sep = false;

    if (!size)
        return;
    for (size_t i = 0; text[i] && o + 1 < size; i++) {
        unsigned char c = (unsigned char)text[i];

        if (!isalnum(c)) {
            sep = o > 0;
            continue;
        }
        /* a camelCase boundary: aB, a1B, ABc (the B of "HTTPServer"'s S) */
        if (isupper(c) && i > 0 && o > 0) {
            unsigned char p = (unsigned char)text[i - 1];
            unsigned char n = (unsigned char)text[i + 1];

            if (islower(p) || isdigit(p) || (isupper(p) && n && islower(n)))
                sep = true;
        }
        if (sep && o + 2 < size) {
            out[o++] = '_';
        }
        sep = false;
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
}

const char *gate_impact_slug(const char *name)
{
    size_t d = 0;

    while (isdigit((unsigned char)name[d]))
        d++;
    if (d >= 8) {
        if (!name[d])
            return name + d;
        if (name[d] == '_' || name[d] == '-')
            return name + d + 1;
    }
    return name;
}

static const char *const vague[] = {
    "update",  "updates",  "updated",   "fix",        "fixes",   "fixed", "change",
    "changes", "changed",  "migration", "migrations", "migrate", "wip",   "test",
    "tests",   "tmp",      "temp",      "new",        "misc",    "stuff", "schema",
    "db",      "database", "dev",       "edit",       "edits",   "patch", "hotfix",
    "sync",    "prisma",   "auto",      "generated",  "minor",   "small", "tweak",
    "tweaks",  "latest",   "final",     "changeset",  "some",    "more",  "again",
    "v",       "version",  "draft",     "temporary",  "my",      "the",
};

static bool is_vague(const char *w, size_t n)
{
    bool digits = true;

    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)w[i]))
            digits = false;
    }
    if (digits)
        return true;
    if (n >= 2 && (w[0] == 'v' || w[0] == 'V')) {
        bool ver = true;

        for (size_t i = 1; i < n; i++) {
            if (!isdigit((unsigned char)w[i]))
                ver = false;
        }
        if (ver)
            return true;
    }
    for (size_t i = 0; i < GATE_ARRAY_SIZE(vague); i++) {
        if (strlen(vague[i]) == n && !strncasecmp(w, vague[i], n))
            return true;
    }
    return false;
}

bool gate_impact_descriptive(const char *name, const char **why)
{
    const char *slug = gate_impact_slug(name);
    const char *p = slug;
    bool any = false;

    *why = NULL;
    if (!*slug) {
        *why = "a bare timestamp says nothing about what the migration changes";
        return false;
    }
    while (*p) {
        const char *s;

        while (*p == '_' || *p == '-' || *p == ' ' || *p == '.')
            p++;
        s = p;
        while (*p && *p != '_' && *p != '-' && *p != ' ' && *p != '.')
            p++;
        if (p > s && !is_vague(s, (size_t)(p - s)))
            any = true;
    }
    if (!any) {
        *why = "the name is made only of vague words (update, fix, changes ...): it says "
               "nothing about what the migration changes";
        return false;
    }
    return true;
}

/* --------------------------------------------------------------- changes */

struct builder {
    struct gate_run *run;
    struct gate_impact *imp;
    const struct gate_schema *schema;
    size_t cap, capm, capf;
};

static bool enum_action(const char *action)
{
    return strstr(action, "enum");
}

static void add_unique(struct builder *b, const char ***arr, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*arr)[i], s))
            return;
    }
    gate_arena_grow(&b->run->arena, (void **)arr, cap, *n, *n + 1, sizeof(**arr));
    (*arr)[(*n)++] = gate_arena_strdup(&b->run->arena, s);
}

static void add(struct builder *b, const char *action, const char *table, const char *column,
                const char *detail)
{
    struct gate_impact *imp = b->imp;
    struct gate_arena *a = &b->run->arena;
    const struct gate_schema_block *blk = NULL;
    const struct gate_schema_field *f = NULL;
    struct gate_impact_change *c;

    if (b->schema && table) {
        blk = enum_action(action) ? gate_schema_find_enum(b->schema, table)
                                  : gate_schema_find_table(b->schema, table);
        if (blk && column)
            f = gate_schema_find_column(blk, column);
    }
    GATE_ARENA_GROW(a, imp->changes, b->cap, imp->nchanges, imp->nchanges + 1);
    c = &imp->changes[imp->nchanges++];
    c->action = action;
    c->table = table ? gate_arena_strdup(a, table) : NULL;
    c->column = column ? gate_arena_strdup(a, column) : NULL;
    c->model = blk ? gate_arena_strdup(a, blk->name) : NULL;
    c->field = f ? gate_arena_strdup(a, f->name) : NULL;
    c->detail = detail ? gate_arena_strdup(a, detail) : NULL;
    if (!table)
        return;
    if (blk) {
        add_unique(b, &imp->models, &imp->nmodels, &b->capm, blk->name);
    } else {
        char *t = gate_xasprintf("%s \"%s\"", enum_action(action) ? "type" : "table", table);

        add_unique(b, &imp->models, &imp->nmodels, &b->capm, t);
        free(t);
    }
    if (column) {
        char *name = gate_xasprintf("%s.%s", blk ? blk->name : table, f ? f->name : column);

        add_unique(b, &imp->fields, &imp->nfields, &b->capf, name);
        free(name);
    }
}

static void type_text(const struct gate_type *t, char *out, size_t size)
{
    size_t n;

    if (!t->name) {
        (void)snprintf(out, size, "?");
        return;
    }
    if (t->ntypmods == 1 && t->typmods[0] >= 0)
        (void)snprintf(out, size, "%s(%d)", t->name, t->typmods[0]);
    else if (t->ntypmods == 2 && t->typmods[0] >= 0 && t->typmods[1] >= 0)
        (void)snprintf(out, size, "%s(%d,%d)", t->name, t->typmods[0], t->typmods[1]);
    else
        (void)snprintf(out, size, "%s", t->name);
    for (int i = 0; i < t->array_dims; i++) {
        n = strlen(out);
        (void)snprintf(out + n, size - n, "[]");
    }
}

static void alter_cmd(struct builder *b, const struct gate_stmt *st, const struct gate_alter_cmd *c)
{
    const char *table = st->rel.name;
    char detail[256];

    switch (c->kind) {
    case GATE_ALTER_ADD_COLUMN:
        if (!c->coldef)
            break;
        type_text(&c->coldef->type, detail, sizeof(detail));
        if (c->coldef->not_null) {
            size_t n = strlen(detail);

            (void)snprintf(detail + n, sizeof(detail) - n, " NOT NULL%s",
                           c->coldef->has_default ? " with a default" : " without a default");
        }
        add(b, "add-column", table, c->coldef->name, detail);
        break;
    case GATE_ALTER_DROP_COLUMN:
        add(b, "drop-column", table, c->column, NULL);
        break;
    case GATE_ALTER_COLUMN_TYPE: {
        char t[128];

        type_text(&c->newtype, t, sizeof(t));
        (void)snprintf(detail, sizeof(detail), "type -> %s", t);
        add(b, "alter-column", table, c->column, detail);
        break;
    }
    case GATE_ALTER_SET_DEFAULT:
        add(b, "alter-column", table, c->column, "default set");
        break;
    case GATE_ALTER_DROP_DEFAULT:
        add(b, "alter-column", table, c->column, "default dropped");
        break;
    case GATE_ALTER_SET_NOT_NULL:
        add(b, "alter-column", table, c->column, "required (NOT NULL)");
        break;
    case GATE_ALTER_DROP_NOT_NULL:
        add(b, "alter-column", table, c->column, "optional (NULL allowed)");
        break;
    case GATE_ALTER_ADD_CONSTRAINT:
        if (!c->cons) {
            add(b, "add-constraint", table, NULL, NULL);
            break;
        }
        switch (c->cons->kind) {
        case GATE_CONS_FOREIGN:
            (void)snprintf(detail, sizeof(detail), "references %s",
                           c->cons->ref.name ? c->cons->ref.name : "?");
            add(b, "add-foreign-key", table, c->cons->ncolumns ? c->cons->columns[0] : NULL,
                detail);
            break;
        case GATE_CONS_UNIQUE:
            add(b, "add-unique", table, c->cons->ncolumns ? c->cons->columns[0] : NULL,
                c->cons->name);
            break;
        case GATE_CONS_PRIMARY:
            add(b, "add-primary-key", table, c->cons->ncolumns ? c->cons->columns[0] : NULL,
                c->cons->name);
            break;
        case GATE_CONS_CHECK:
            add(b, "add-check", table, NULL, c->cons->name);
            break;
        default:
            add(b, "add-constraint", table, NULL, c->cons->name);
            break;
        }
        break;
    case GATE_ALTER_DROP_CONSTRAINT:
        add(b, "drop-constraint", table, NULL, c->name);
        break;
    default:
        add(b, "alter-table", table, c->column, NULL);
        break;
    }
}

static const char *drop_action(enum gate_obj_kind k)
{
    switch (k) {
    case GATE_OBJ_TABLE:
        return "drop-table";
    case GATE_OBJ_INDEX:
        return "drop-index";
    case GATE_OBJ_TYPE:
        return "drop-enum";
    case GATE_OBJ_VIEW:
    case GATE_OBJ_MATVIEW:
        return "drop-view";
    case GATE_OBJ_SEQUENCE:
        return "drop-sequence";
    case GATE_OBJ_SCHEMA:
        return "drop-schema";
    case GATE_OBJ_FUNCTION:
        return "drop-function";
    case GATE_OBJ_EXTENSION:
        return "drop-extension";
    default:
        return "drop";
    }
}

static void statement(struct builder *b, const struct gate_stmt *st)
{
    char detail[512];

    switch (st->kind) {
    case GATE_STMT_CREATE_TABLE:
    case GATE_STMT_CREATE_TABLE_AS:
        (void)snprintf(detail, sizeof(detail), "%d column%s", st->ncols, st->ncols == 1 ? "" : "s");
        add(b, "create-table", st->rel.name, NULL,
            st->kind == GATE_STMT_CREATE_TABLE ? detail : NULL);
        break;
    case GATE_STMT_ALTER_TABLE:
        if (st->obj != GATE_OBJ_TABLE && st->obj != GATE_OBJ_OTHER)
            break;
        for (int i = 0; i < st->ncmds; i++)
            alter_cmd(b, st, &st->cmds[i]);
        break;
    case GATE_STMT_DROP:
        for (int i = 0; i < st->nobjects; i++) {
            const char *action = drop_action(st->obj);

            if (st->obj == GATE_OBJ_INDEX || st->obj == GATE_OBJ_SCHEMA ||
                st->obj == GATE_OBJ_FUNCTION || st->obj == GATE_OBJ_EXTENSION ||
                st->obj == GATE_OBJ_SEQUENCE)
                add(b, action, NULL, NULL, st->objects[i].name);
            else
                add(b, action, st->objects[i].name, NULL, NULL);
        }
        break;
    case GATE_STMT_RENAME:
        (void)snprintf(detail, sizeof(detail), "-> %s", st->newname ? st->newname : "?");
        if (st->obj == GATE_OBJ_COLUMN)
            add(b, "rename-column", st->rel.name, st->subname, detail);
        else if (st->obj == GATE_OBJ_TABLE)
            add(b, "rename-table", st->rel.name, NULL, detail);
        else if (st->obj == GATE_OBJ_TYPE)
            add(b, "rename-enum", st->rel.name, NULL, detail);
        else if (st->obj == GATE_OBJ_INDEX)
            add(b, "rename-index", NULL, NULL, st->rel.name);
        else if (st->obj == GATE_OBJ_CONSTRAINT)
            add(b, "rename-constraint", st->rel.name, NULL, st->subname);
        else
            add(b, "rename", st->rel.name, NULL, detail);
        break;
    case GATE_STMT_CREATE_INDEX: {
        size_t n = 0;

        detail[0] = '\0';
        for (int i = 0; i < st->nindex_columns && n + 2 < sizeof(detail); i++) {
            (void)snprintf(detail + n, sizeof(detail) - n, "%s%s", i ? ", " : "",
                           st->index_columns[i] ? st->index_columns[i] : "(expression)");
            n = strlen(detail);
        }
        add(b, st->unique ? "add-unique-index" : "add-index", st->rel.name,
            st->nindex_columns && st->index_columns[0] ? st->index_columns[0] : NULL, detail);
        break;
    }
    case GATE_STMT_CREATE_ENUM: {
        size_t n = 0;

        detail[0] = '\0';
        for (int i = 0; i < st->nvalues && n + 2 < sizeof(detail); i++) {
            (void)snprintf(detail + n, sizeof(detail) - n, "%s%s", i ? ", " : "", st->values[i]);
            n = strlen(detail);
        }
        add(b, "create-enum", st->rel.name, NULL, detail);
        break;
    }
    case GATE_STMT_ALTER_ENUM:
        if (st->enum_rename && st->nvalues >= 2) {
            (void)snprintf(detail, sizeof(detail), "rename value %s -> %s", st->values[0],
                           st->values[1]);
            add(b, "alter-enum", st->rel.name, st->values[1], detail);
        } else if (st->nvalues) {
            (void)snprintf(detail, sizeof(detail), "add value %s", st->values[0]);
            add(b, "alter-enum", st->rel.name, st->values[0], detail);
        }
        break;
    case GATE_STMT_UPDATE:
        add(b, "data", st->rel.name, NULL, "UPDATE");
        break;
    case GATE_STMT_DELETE:
        add(b, "data", st->rel.name, NULL, "DELETE");
        break;
    case GATE_STMT_INSERT:
        add(b, "data", st->rel.name, NULL, "INSERT");
        break;
    case GATE_STMT_TRUNCATE:
        for (int i = 0; i < st->nobjects; i++)
            add(b, "data", st->objects[i].name, NULL, "TRUNCATE");
        break;
    case GATE_STMT_CREATE_VIEW:
        add(b, "create-view", st->rel.name, NULL, NULL);
        break;
    case GATE_STMT_CREATE_EXTENSION:
        add(b, "create-extension", NULL, NULL, st->rel.name);
        break;
    case GATE_STMT_CREATE_FUNCTION:
        add(b, "create-function", NULL, NULL, st->rel.name);
        break;
    case GATE_STMT_CREATE_TRIGGER:
        add(b, "create-trigger", st->rel.name, NULL, NULL);
        break;
    case GATE_STMT_CREATE_SCHEMA:
        add(b, "create-schema", NULL, NULL, st->rel.name);
        break;
    case GATE_STMT_CREATE_SEQUENCE:
        add(b, "create-sequence", NULL, NULL, st->rel.name);
        break;
    case GATE_STMT_TRANSACTION:
    case GATE_STMT_SET:
    case GATE_STMT_COMMENT:
    case GATE_STMT_SELECT:
    case GATE_STMT_DO:
        break;
    default:
        add(b, "other", st->rel.name, NULL, st->node);
        break;
    }
}

/* ------------------------------------------------------------ judgement */

static bool is_rule(const struct gate_finding *f, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(f->rule, ids[i]))
            return true;
    }
    return false;
}

/* "rule (table), rule (table)" of the findings that match, or NULL (arena). */
static const char *reasons(struct gate_run *run, const struct gate_migration *m, bool data)
{
    static const char *const breaking_rules[] = {"changing-column-type", "enum-value-removal"};
    static const char *const data_rules[] = {
        "adding-required-field", "adding-not-nullable-field",    "changing-column-type",
        "enum-value-removal",    "disallowed-unique-constraint", "prisma-warning"};
    struct gate_buf b = {0};
    const char *res = NULL;
    size_t n = 0;

    for (size_t i = 0; i < m->nfindings; i++) {
        const struct gate_finding *f = &m->findings[i];
        bool hit;
        bool dup = false;

        if (f->suppressed)
            continue;
        if (data)
            hit = f->category == GATE_CAT_DATA_DEPENDENT || f->category == GATE_CAT_DATA_LOSS ||
                  is_rule(f, data_rules, GATE_ARRAY_SIZE(data_rules));
        else
            hit = f->category == GATE_CAT_BREAKING || f->category == GATE_CAT_DATA_LOSS ||
                  is_rule(f, breaking_rules, GATE_ARRAY_SIZE(breaking_rules));
        if (!hit)
            continue;
        for (size_t k = 0; k < i && !dup; k++) {
            const struct gate_finding *g = &m->findings[k];

            dup =
                !g->suppressed && !strcmp(g->rule, f->rule) &&
                ((!g->table && !f->table) || (g->table && f->table && !strcmp(g->table, f->table)));
        }
        if (dup)
            continue;
        if (n < 6) {
            gate_buf_printf(&b, "%s%s", n ? ", " : "", f->rule);
            if (f->table)
                gate_buf_printf(&b, " (%s)", f->table);
        }
        n++;
    }
    if (n > 6)
        gate_buf_printf(&b, " and %zu more", n - 6);
    if (n)
        res = gate_arena_strdup(&run->arena, gate_buf_str(&b));
    gate_buf_release(&b);
    return res;
}

/* ----------------------------------------------------------- suggestion */

/* The name a change's subject goes by: the model, else the table (snake_case). */
static void subject(const struct gate_impact_change *c, char *out, size_t size)
{
    gate_impact_snake(c->model    ? c->model
                      : c->table  ? c->table
                      : c->detail ? c->detail
                                  : "",
                      out, size);
}

static void field_name(const struct gate_impact_change *c, char *out, size_t size)
{
    gate_impact_snake(c->field ? c->field : c->column ? c->column : "", out, size);
}

/* The change makes or removes its table itself (its index or key is part of that). */
static bool side_effect(const struct gate_impact *imp, const struct gate_impact_change *c)
{
    static const char *const minor[] = {"add-index",       "add-unique-index", "add-foreign-key",
                                        "add-primary-key", "drop-index",       "drop-constraint",
                                        "add-unique",      "add-check",        "add-constraint"};
    bool is_minor = false;

    for (size_t i = 0; i < GATE_ARRAY_SIZE(minor); i++) {
        if (!strcmp(c->action, minor[i]))
            is_minor = true;
    }
    if (!is_minor)
        return false;
    if (!c->table)
        return true;
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *o = &imp->changes[i];

        if (o->table && !strcmp(o->table, c->table) &&
            (!strcmp(o->action, "create-table") || !strcmp(o->action, "drop-table")))
            return true;
    }
    /* a foreign key or index beside a new column on the same table is the column's */
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *o = &imp->changes[i];

        if (o->table && !strcmp(o->table, c->table) && !strcmp(o->action, "add-column") &&
            strcmp(c->action, "add-index") != 0 && strcmp(c->action, "add-unique-index") != 0)
            return true;
    }
    return false;
}

struct parts {
    char items[8][160];
    size_t n;
    size_t more;
    const char *one_model; /* the single table every part is about, else NULL */
    bool mixed;
};

static void part_add(struct parts *p, const char *table, const char *fmt, ...) GATE_PRINTF(3, 4);

static void part_add(struct parts *p, const char *table, const char *fmt, ...)
{
    va_list ap;

    if (table) {
        if (!p->one_model && !p->mixed)
            p->one_model = table;
        else if (p->one_model && strcmp(p->one_model, table) != 0)
            p->mixed = true;
    }
    if (p->n >= GATE_ARRAY_SIZE(p->items)) {
        p->more++;
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(p->items[p->n], sizeof(p->items[0]), fmt, ap);
    va_end(ap);
    p->n++;
}

/* Group same-action changes per subject: "add_event_location_and_capacity_fields". */
static void group_fields(const struct gate_impact *imp, const char *action, const char *verb,
                         bool *used, struct parts *p)
{
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *c = &imp->changes[i];
        char subj[64], f1[64], f2[64];
        size_t count = 0, second = 0;

        if (used[i] || strcmp(c->action, action) != 0 || !c->column)
            continue;
        for (size_t k = i; k < imp->nchanges; k++) {
            const struct gate_impact_change *o = &imp->changes[k];

            if (!used[k] && !strcmp(o->action, action) && o->column && o->table && c->table &&
                !strcmp(o->table, c->table)) {
                used[k] = true;
                if (count == 1)
                    second = k;
                count++;
            }
        }
        subject(c, subj, sizeof(subj));
        field_name(c, f1, sizeof(f1));
        if (count == 1) {
            part_add(p, c->table, "%s_%s_%s_field", verb, subj, f1);
        } else if (count == 2) {
            field_name(&imp->changes[second], f2, sizeof(f2));
            part_add(p, c->table, "%s_%s_%s_and_%s_fields", verb, subj, f1, f2);
        } else {
            part_add(p, c->table, "%s_%s_fields", verb, subj);
        }
    }
}

static void group_tables(const struct gate_impact *imp, const char *action, const char *verb,
                         const char *noun, bool *used, struct parts *p)
{
    char names[2][64];
    size_t count = 0;
    const char *table = NULL;

    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *c = &imp->changes[i];

        if (used[i] || strcmp(c->action, action) != 0)
            continue;
        used[i] = true;
        if (count < 2)
            subject(c, names[count], sizeof(names[0]));
        if (!count)
            table = c->table;
        count++;
    }
    if (count == 1)
        part_add(p, table, "%s_%s_%s", verb, names[0], noun);
    else if (count == 2)
        part_add(p, NULL, "%s_%s_and_%s_%ss", verb, names[0], names[1], noun);
    else if (count > 2)
        part_add(p, NULL, "%s_%s_and_%zu_more_%ss", verb, names[0], count - 1, noun);
}

/* The fields of a multi-column index ("a, b" in detail) as a_b, by their Prisma names. */
static void index_fields(const struct gate_schema *schema, const struct gate_impact_change *c,
                         char *out, size_t size)
{
    const struct gate_schema_block *blk =
        schema && c->table ? gate_schema_find_table(schema, c->table) : NULL;
    const char *p = c->detail;
    struct gate_buf b = {0};

    while (p && *p) {
        const char *e = strstr(p, ", ");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *col = gate_xstrndup(p, n);
        const struct gate_schema_field *f = blk ? gate_schema_find_column(blk, col) : NULL;

        gate_buf_printf(&b, "%s%s", b.len ? " " : "", f ? f->name : col);
        free(col);
        p = e ? e + 2 : NULL;
    }
    gate_impact_snake(gate_buf_str(&b), out, size);
    gate_buf_release(&b);
}

static const char *suggest(struct gate_run *run, const struct gate_impact *imp,
                           const struct gate_schema *schema)
{
    bool *used = gate_xcalloc(imp->nchanges + 1, sizeof(*used));
    struct parts p = {0};
    char name[256];

    for (size_t i = 0; i < imp->nchanges; i++)
        used[i] = side_effect(imp, &imp->changes[i]);
    group_tables(imp, "create-table", "add", "model", used, &p);
    group_tables(imp, "drop-table", "remove", "model", used, &p);
    group_fields(imp, "add-column", "add", used, &p);
    group_fields(imp, "drop-column", "remove", used, &p);
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *c = &imp->changes[i];
        char subj[64], f[64], to[64];
        const char *d = c->detail ? c->detail : "";

        if (used[i])
            continue;
        used[i] = true;
        subject(c, subj, sizeof(subj));
        field_name(c, f, sizeof(f));
        if (!strcmp(c->action, "alter-column")) {
            if (!strncmp(d, "required", 8))
                part_add(&p, c->table, "make_%s_%s_required", subj, f);
            else if (!strncmp(d, "optional", 8))
                part_add(&p, c->table, "make_%s_%s_optional", subj, f);
            else if (!strncmp(d, "type", 4))
                part_add(&p, c->table, "change_%s_%s_type", subj, f);
            else
                part_add(&p, c->table, "change_%s_%s_default", subj, f);
        } else if (!strcmp(c->action, "rename-column")) {
            gate_impact_snake(d + (strncmp(d, "-> ", 3) ? 0 : 3), to, sizeof(to));
            part_add(&p, c->table, "rename_%s_%s_to_%s", subj, f, to);
        } else if (!strcmp(c->action, "rename-table") || !strcmp(c->action, "rename-enum")) {
            gate_impact_snake(c->table ? c->table : "", subj, sizeof(subj));
            gate_impact_snake(d + (strncmp(d, "-> ", 3) ? 0 : 3), to, sizeof(to));
            part_add(&p, c->table, "rename_%s_to_%s", subj, to);
        } else if (!strcmp(c->action, "add-index") || !strcmp(c->action, "add-unique-index") ||
                   !strcmp(c->action, "add-unique")) {
            /* every column of a multi-column index: "a, b" -> a_b */
            if (strcmp(c->action, "add-unique") != 0 && strchr(d, ','))
                index_fields(schema, c, f, sizeof(f));
            part_add(&p, c->table, "add_%s_%s_%s", subj, f,
                     strcmp(c->action, "add-index") ? "unique" : "index");
        } else if (!strcmp(c->action, "add-foreign-key")) {
            part_add(&p, c->table, "add_%s_%s_relation", subj, f);
        } else if (!strcmp(c->action, "create-enum")) {
            part_add(&p, NULL, "add_%s_enum", subj);
        } else if (!strcmp(c->action, "alter-enum")) {
            part_add(&p, NULL, "add_%s_to_%s", f, subj);
        } else if (!strcmp(c->action, "drop-enum")) {
            part_add(&p, NULL, "remove_%s_enum", subj);
        } else if (!strcmp(c->action, "data")) {
            part_add(&p, c->table, "%s_%s_data",
                     !strcmp(d, "UPDATE")   ? "backfill"
                     : !strcmp(d, "INSERT") ? "seed"
                                            : "delete",
                     subj);
        } else if (!strcmp(c->action, "create-view")) {
            part_add(&p, NULL, "add_%s_view", subj);
        } else if (!strcmp(c->action, "create-extension")) {
            part_add(&p, NULL, "enable_%s_extension", subj);
        } else if (!strcmp(c->action, "drop-index")) {
            part_add(&p, NULL, "drop_%s_index", subj);
        } else if (!strcmp(c->action, "drop-constraint")) {
            part_add(&p, c->table, "drop_%s_constraint", subj);
        } else {
            char a[64];

            gate_impact_snake(c->action, a, sizeof(a));
            part_add(&p, c->table, "%s%s%s", a, *subj ? "_" : "", subj);
        }
    }
    free(used);
    if (!p.n)
        return NULL;
    if (p.n == 1 && !p.more)
        (void)snprintf(name, sizeof(name), "%s", p.items[0]);
    else if (p.n == 2 && !p.more && strlen(p.items[0]) + strlen(p.items[1]) < 70)
        (void)snprintf(name, sizeof(name), "%s_and_%s", p.items[0], p.items[1]);
    else if (p.one_model && !p.mixed) {
        char subj[64];

        gate_impact_snake(p.one_model, subj, sizeof(subj));
        for (size_t i = 0; i < imp->nchanges; i++) {
            if (imp->changes[i].table && !strcmp(imp->changes[i].table, p.one_model)) {
                subject(&imp->changes[i], subj, sizeof(subj));
                break;
            }
        }
        (void)snprintf(name, sizeof(name), "update_%s_model", subj);
    } else {
        (void)snprintf(name, sizeof(name), "%s_and_more", p.items[0]);
    }
    /* Prisma caps names at 200 bytes; keep them readable: at most 80, cut at '_' */
    if (strlen(name) > 80) {
        char *cut = name + 80;

        *cut = '\0';
        cut = strrchr(name, '_');
        if (cut && cut > name + 20)
            *cut = '\0';
    }
    return gate_arena_strdup(&run->arena, name);
}

void gate_impact_analyse(struct gate_run *run, struct gate_migration *m,
                         const struct gate_sql_file *file, const struct gate_schema *schema,
                         const char *change)
{
    struct builder b = {0};
    struct gate_impact *imp = gate_arena_alloc(&run->arena, sizeof(*imp));
    const char *why = NULL;

    b.run = run;
    b.imp = imp;
    b.schema = schema;
    imp->change = change;
    for (int i = 0; file && i < file->nstmts; i++)
        statement(&b, &file->stmts[i]);
    imp->breaking_reason = reasons(run, m, false);
    imp->breaking = imp->breaking_reason;
    imp->data_migration_reason = reasons(run, m, true);
    imp->data_migration = imp->data_migration_reason;
    imp->suggested_name = suggest(run, imp, schema);
    imp->descriptive_name = gate_impact_descriptive(m->name, &why);
    if (!imp->descriptive_name)
        imp->name_note = gate_arena_printf(
            &run->arena, "%s%s%s%s", why, imp->suggested_name ? "; e.g. " : "",
            imp->suggested_name ? imp->suggested_name : "",
            imp->suggested_name ? " (rename the folder before it is applied anywhere)" : "");
    m->impact = imp;
}
