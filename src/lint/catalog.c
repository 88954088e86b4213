/* SPDX-License-Identifier: MIT */
/*
 * catalog.c - replays migration statements into an in-memory schema so
 * rules know what exists, the old type of a column, and what is new in
 * the file being linted.
 */
#include "gate/compat.h"
#include "gate/catalog.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/hmap.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct gate_catalog {
    struct gate_arena arena;
    int gen;
    struct gate_cat_table **tables;
    size_t ntables, captables;
    /* "schema\0name" (schema "public" when unqualified) -> the newest live
     * table of that name, or ptr NULL: what a scan of tables would find */
    struct gate_hmap table_map;
    struct gate_cat_index **indexes;
    size_t nindexes, capindexes;
    struct gate_cat_enum **enums;
    size_t nenums, capenums;
    struct gate_cat_constraint **cons;
    size_t ncons, capcons;
};

struct gate_catalog *gate_catalog_new(void)
{
    return gate_xcalloc(1, sizeof(struct gate_catalog));
}

void gate_catalog_free(struct gate_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->ntables; i++) {
        free(cat->tables[i]->cols);
        if (cat->tables[i]->colmap) {
            gate_hmap_release(cat->tables[i]->colmap);
            free(cat->tables[i]->colmap);
        }
    }
    gate_hmap_release(&cat->table_map);
    for (size_t i = 0; i < cat->nenums; i++)
        free(cat->enums[i]->values);
    free(cat->tables);
    free(cat->indexes);
    free(cat->enums);
    free(cat->cons);
    gate_arena_release(&cat->arena);
    free(cat);
}

int gate_catalog_begin_file(struct gate_catalog *cat)
{
    return ++cat->gen;
}

int gate_catalog_generation(const struct gate_catalog *cat)
{
    return cat->gen;
}

static bool schema_eq(const char *a, const char *b)
{
    if (!a)
        a = "public";
    if (!b)
        b = "public";
    return !strcmp(a, b);
}

static bool name_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *dup(struct gate_catalog *cat, const char *s)
{
    return gate_arena_strdup(&cat->arena, s);
}

static void table_key(struct gate_buf *b, const char *schema, const char *name)
{
    gate_buf_adds(b, schema ? schema : "public");
    gate_buf_addc(b, '\0');
    gate_buf_adds(b, name);
}

static struct gate_cat_table *find_table(const struct gate_catalog *cat, const struct gate_qname *q)
{
    struct gate_buf key = {0};
    const struct gate_hmap_entry *e;

    if (!q || !q->name)
        return NULL;
    table_key(&key, q->schema, q->name);
    e = gate_hmap_find(&cat->table_map, key.data, key.len);
    gate_buf_release(&key);
    return e ? e->ptr : NULL;
}

/* Recompute the map's entry for schema.name by a scan, newest first (a
 * re-created table shadows a dropped one): after a drop or a rename. */
static void table_map_refresh(struct gate_catalog *cat, const char *schema, const char *name)
{
    struct gate_buf key = {0};
    struct gate_hmap_entry *e;

    if (!name)
        return;
    table_key(&key, schema, name);
    e = gate_hmap_upsert(&cat->table_map, key.data, key.len, NULL);
    gate_buf_release(&key);
    e->ptr = NULL;
    for (size_t i = cat->ntables; i-- > 0;) {
        struct gate_cat_table *t = cat->tables[i];

        if (!t->dropped && name_eq(t->name, name) && schema_eq(t->schema, schema)) {
            e->ptr = t;
            return;
        }
    }
}

/* Append a new table: live, hence the newest of its name. */
static void push_table(struct gate_catalog *cat, struct gate_cat_table *t)
{
    struct gate_buf key = {0};

    GATE_GROW(cat->tables, cat->captables, cat->ntables + 1);
    cat->tables[cat->ntables++] = t;
    if (!t->name)
        return;
    table_key(&key, t->schema, t->name);
    gate_hmap_upsert(&cat->table_map, key.data, key.len, NULL)->ptr = t;
    gate_buf_release(&key);
}

static struct gate_cat_index *find_index(const struct gate_catalog *cat, const struct gate_qname *q)
{
    if (!q || !q->name)
        return NULL;
    for (size_t i = cat->nindexes; i-- > 0;) {
        struct gate_cat_index *x = cat->indexes[i];

        if (!x->dropped && name_eq(x->name, q->name) && schema_eq(x->schema, q->schema))
            return x;
    }
    return NULL;
}

static struct gate_cat_enum *find_enum(const struct gate_catalog *cat, const struct gate_qname *q)
{
    if (!q || !q->name)
        return NULL;
    for (size_t i = cat->nenums; i-- > 0;) {
        struct gate_cat_enum *e = cat->enums[i];

        if (!e->dropped && name_eq(e->name, q->name) && schema_eq(e->schema, q->schema))
            return e;
    }
    return NULL;
}

static struct gate_cat_constraint *find_cons(const struct gate_catalog *cat, const char *table,
                                             const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = cat->ncons; i-- > 0;) {
        struct gate_cat_constraint *c = cat->cons[i];

        if (!c->dropped && name_eq(c->name, name) && (!table || name_eq(c->table, table)))
            return c;
    }
    return NULL;
}

const struct gate_cat_table *gate_catalog_table(const struct gate_catalog *cat,
                                                const struct gate_qname *q)
{
    return find_table(cat, q);
}

/*
 * A table gets a column map (colmap) once it has COLMAP_MIN columns; a
 * smaller one is searched in order. A file that adds one column to each
 * of 400,000 tables would otherwise hold 400,000 maps.
 */
#define COLMAP_MIN 8

/* The first column of that name: the table's colmap holds its index (ptr t: present). */
static struct gate_cat_column *find_column(const struct gate_cat_table *t, const char *name)
{
    const struct gate_hmap_entry *e;

    if (!t || !name)
        return NULL;
    if (!t->colmap) {
        for (int i = 0; i < t->ncols; i++) {
            if (name_eq(t->cols[i].name, name))
                return &t->cols[i];
        }
        return NULL;
    }
    e = gate_hmap_finds(t->colmap, name);
    return e && e->ptr ? &t->cols[e->num] : NULL;
}

/* Rebuild the column map after a column was removed or renamed from old. */
static void colmap_refresh(struct gate_cat_table *t, const char *old)
{
    struct gate_hmap_entry *e;

    if (!t->colmap)
        return;
    e = old ? gate_hmap_finds(t->colmap, old) : NULL;

    if (e)
        e->ptr = NULL;
    for (int i = t->ncols; i-- > 0;) {
        if (!t->cols[i].name)
            continue;
        e = gate_hmap_upserts(t->colmap, t->cols[i].name, NULL);
        e->ptr = t;
        e->num = (size_t)i;
    }
}

const struct gate_cat_column *gate_catalog_column(const struct gate_cat_table *t, const char *name)
{
    return find_column(t, name);
}

const struct gate_cat_index *gate_catalog_index(const struct gate_catalog *cat,
                                                const struct gate_qname *q)
{
    return find_index(cat, q);
}

const struct gate_cat_enum *gate_catalog_enum(const struct gate_catalog *cat,
                                              const struct gate_qname *q)
{
    return find_enum(cat, q);
}

const struct gate_cat_constraint *gate_catalog_constraint(const struct gate_catalog *cat,
                                                          const char *table, const char *name)
{
    return find_cons(cat, table, name);
}

void gate_catalog_each_column_of_type(const struct gate_catalog *cat, const struct gate_qname *type,
                                      void (*fn)(void *arg, const struct gate_cat_table *t,
                                                 const struct gate_cat_column *c),
                                      void *arg)
{
    for (size_t i = 0; i < cat->ntables; i++) {
        const struct gate_cat_table *t = cat->tables[i];

        if (t->dropped)
            continue;
        for (int j = 0; j < t->ncols; j++) {
            const struct gate_type *ty = &t->cols[j].type;

            if (name_eq(ty->name, type->name) && schema_eq(ty->schema, type->schema))
                fn(arg, t, &t->cols[j]);
        }
    }
}

void gate_catalog_each_cascade(const struct gate_catalog *cat, const char *table,
                               void (*fn)(void *arg, const char *referencing), void *arg)
{
    for (size_t i = 0; i < cat->ncons; i++) {
        const struct gate_cat_constraint *c = cat->cons[i];

        if (!c->dropped && c->kind == GATE_CONS_FOREIGN && c->on_delete_cascade &&
            name_eq(c->ref_table, table))
            fn(arg, c->table);
    }
}

bool gate_catalog_has_not_null_check(const struct gate_catalog *cat, const char *table,
                                     const char *column)
{
    for (size_t i = 0; i < cat->ncons; i++) {
        const struct gate_cat_constraint *c = cat->cons[i];

        if (!c->dropped && c->validated && c->kind == GATE_CONS_CHECK && name_eq(c->table, table) &&
            name_eq(c->check_not_null_column, column))
            return true;
    }
    return false;
}

static void copy_type(struct gate_catalog *cat, struct gate_type *dst, const struct gate_type *src)
{
    *dst = *src;
    dst->schema = dup(cat, src->schema);
    dst->name = dup(cat, src->name);
}

static struct gate_cat_column *add_column(struct gate_catalog *cat, struct gate_cat_table *t,
                                          const struct gate_coldef *cd)
{
    struct gate_cat_column *c = find_column(t, cd->name);
    size_t cap = (size_t)t->capcols;

    if (!c) {
        if (!t->cols) {
            /* most tables an ALTER TABLE brings in have a column or two */
            t->cols = gate_xcalloc(2, sizeof(*t->cols));
            cap = 2;
        }
        GATE_GROW(t->cols, cap, (size_t)t->ncols + 1);
        t->capcols = (int)cap;
        c = &t->cols[t->ncols++];
        if (cd->name && t->colmap) {
            struct gate_hmap_entry *e = gate_hmap_upserts(t->colmap, cd->name, NULL);

            e->ptr = t;
            e->num = (size_t)(t->ncols - 1);
        }
    }
    memset(c, 0, sizeof(*c));
    c->name = dup(cat, cd->name);
    if (!t->colmap && t->ncols >= COLMAP_MIN) {
        t->colmap = gate_xcalloc(1, sizeof(*t->colmap));
        colmap_refresh(t, NULL);
    }
    copy_type(cat, &c->type, &cd->type);
    c->not_null = cd->not_null || cd->primary_key || cd->identity;
    c->has_default = cd->has_default || cd->identity || cd->generated_stored;
    c->identity = cd->identity;
    c->primary_key = cd->primary_key;
    if (cd->primary_key)
        t->has_pk = true;
    return c;
}

static void add_constraint(struct gate_catalog *cat, const char *table,
                           const struct gate_constraint *k)
{
    struct gate_cat_constraint *c;

    if (k->kind == GATE_CONS_PRIMARY) {
        struct gate_qname q = {NULL, table};
        struct gate_cat_table *t = find_table(cat, &q);

        if (t) {
            t->has_pk = true;
            for (int i = 0; i < k->ncolumns; i++) {
                struct gate_cat_column *col = find_column(t, k->columns[i]);

                if (col) {
                    col->not_null = true;
                    col->primary_key = k->ncolumns == 1;
                }
            }
        }
    }
    if (!k->name)
        return;
    c = gate_arena_alloc(&cat->arena, sizeof(*c));
    c->table = dup(cat, table);
    c->name = dup(cat, k->name);
    c->kind = k->kind;
    c->check_not_null_column = dup(cat, k->check_not_null_column);
    if (k->kind == GATE_CONS_FOREIGN) {
        c->ref_table = dup(cat, k->ref.name);
        c->on_delete_cascade = k->on_delete_cascade;
    }
    c->validated = !k->not_valid;
    c->created_gen = cat->gen;
    GATE_GROW(cat->cons, cat->capcons, cat->ncons + 1);
    cat->cons[cat->ncons++] = c;
    if (k->kind == GATE_CONS_UNIQUE || k->kind == GATE_CONS_PRIMARY) {
        /* the constraint's index has the constraint's name */
        struct gate_cat_index *x = gate_arena_alloc(&cat->arena, sizeof(*x));

        x->name = dup(cat, k->name);
        x->table = dup(cat, table);
        x->unique = true;
        x->created_gen = cat->gen;
        GATE_GROW(cat->indexes, cat->capindexes, cat->nindexes + 1);
        cat->indexes[cat->nindexes++] = x;
    }
}

static void create_table(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_table *t;

    if (st->missing_ok && find_table(cat, &st->rel))
        return;
    t = gate_arena_alloc(&cat->arena, sizeof(*t));
    t->schema = dup(cat, st->rel.schema);
    t->name = dup(cat, st->rel.name);
    t->created_gen = cat->gen;
    push_table(cat, t);
    for (int i = 0; i < st->ncols; i++)
        add_column(cat, t, &st->cols[i]);
    for (int i = 0; i < st->nconstraints; i++)
        add_constraint(cat, t->name, &st->constraints[i]);
}

/*
 * A table we never saw created (history started mid-way, or a lone file):
 * remember it so later statements in the same run see the columns they add,
 * but with generation 0 so it never counts as "new in this file".
 */
static struct gate_cat_table *known_table(struct gate_catalog *cat, const struct gate_qname *q)
{
    struct gate_cat_table *t = find_table(cat, q);

    if (t || !q->name)
        return t;
    t = gate_arena_alloc(&cat->arena, sizeof(*t));
    t->schema = dup(cat, q->schema);
    t->name = dup(cat, q->name);
    t->created_gen = 0;
    push_table(cat, t);
    return t;
}

static void remove_column(struct gate_cat_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++) {
        if (name_eq(t->cols[i].name, name)) {
            memmove(&t->cols[i], &t->cols[i + 1], (size_t)(t->ncols - i - 1) * sizeof(t->cols[0]));
            t->ncols--;
            colmap_refresh(t, name);
            return;
        }
    }
}

static void alter_table(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_table *t;

    if (st->obj != GATE_OBJ_TABLE && st->obj != GATE_OBJ_OTHER)
        return;
    t = known_table(cat, &st->rel);
    if (!t)
        return;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];
        struct gate_cat_column *col = find_column(t, c->column);

        switch (c->kind) {
        case GATE_ALTER_ADD_COLUMN:
            if (c->coldef && !(c->missing_ok && find_column(t, c->coldef->name))) {
                col = add_column(cat, t, c->coldef);
                col->added_null = !col->not_null && !col->has_default;
            }
            break;
        case GATE_ALTER_DROP_COLUMN:
            remove_column(t, c->column);
            break;
        case GATE_ALTER_COLUMN_TYPE:
            if (col)
                copy_type(cat, &col->type, &c->newtype);
            break;
        case GATE_ALTER_SET_DEFAULT:
            if (col)
                col->has_default = true;
            break;
        case GATE_ALTER_DROP_DEFAULT:
            if (col)
                col->has_default = false;
            break;
        case GATE_ALTER_SET_NOT_NULL:
            if (col) {
                col->not_null = true;
                col->added_null = false;
            }
            break;
        case GATE_ALTER_DROP_NOT_NULL:
            if (col)
                col->not_null = false;
            break;
        case GATE_ALTER_ADD_IDENTITY:
            if (col) {
                col->identity = true;
                col->has_default = true;
                col->not_null = true;
            }
            break;
        case GATE_ALTER_ADD_CONSTRAINT:
            if (c->cons)
                add_constraint(cat, t->name, c->cons);
            break;
        case GATE_ALTER_DROP_CONSTRAINT: {
            struct gate_cat_constraint *k = find_cons(cat, t->name, c->name);

            if (k) {
                k->dropped = true;
                if (k->kind == GATE_CONS_PRIMARY) {
                    t->has_pk = false;
                    for (int j = 0; j < t->ncols; j++)
                        t->cols[j].primary_key = false;
                }
            }
            if (k && (k->kind == GATE_CONS_UNIQUE || k->kind == GATE_CONS_PRIMARY)) {
                struct gate_qname q = {t->schema, c->name};
                struct gate_cat_index *x = find_index(cat, &q);

                if (x)
                    x->dropped = true;
            }
            break;
        }
        case GATE_ALTER_VALIDATE_CONSTRAINT: {
            struct gate_cat_constraint *k = find_cons(cat, t->name, c->name);

            if (k)
                k->validated = true;
            break;
        }
        default:
            break;
        }
    }
}

static void drop_objects(struct gate_catalog *cat, const struct gate_stmt *st)
{
    for (int i = 0; i < st->nobjects; i++) {
        const struct gate_qname *q = &st->objects[i];

        switch (st->obj) {
        case GATE_OBJ_TABLE: {
            struct gate_cat_table *t = find_table(cat, q);

            if (t) {
                t->dropped = true;
                table_map_refresh(cat, t->schema, t->name);
                for (size_t j = 0; j < cat->nindexes; j++) {
                    if (name_eq(cat->indexes[j]->table, t->name))
                        cat->indexes[j]->dropped = true;
                }
                for (size_t j = 0; j < cat->ncons; j++) {
                    if (name_eq(cat->cons[j]->table, t->name))
                        cat->cons[j]->dropped = true;
                }
            }
            break;
        }
        case GATE_OBJ_INDEX: {
            struct gate_cat_index *x = find_index(cat, q);

            if (x)
                x->dropped = true;
            break;
        }
        case GATE_OBJ_TYPE: {
            struct gate_cat_enum *e = find_enum(cat, q);

            if (e)
                e->dropped = true;
            break;
        }
        default:
            break;
        }
    }
}

static void rename_object(struct gate_catalog *cat, const struct gate_stmt *st)
{
    switch (st->obj) {
    case GATE_OBJ_TABLE: {
        struct gate_cat_table *t = find_table(cat, &st->rel);

        if (t && st->newname) {
            const char *old = t->name;

            t->name = dup(cat, st->newname);
            table_map_refresh(cat, t->schema, old);
            table_map_refresh(cat, t->schema, t->name);
            for (size_t j = 0; j < cat->nindexes; j++) {
                if (name_eq(cat->indexes[j]->table, old))
                    cat->indexes[j]->table = t->name;
            }
            for (size_t j = 0; j < cat->ncons; j++) {
                if (name_eq(cat->cons[j]->table, old))
                    cat->cons[j]->table = t->name;
            }
        }
        break;
    }
    case GATE_OBJ_COLUMN: {
        struct gate_cat_table *t = known_table(cat, &st->rel);
        struct gate_cat_column *c = find_column(t, st->subname);

        if (c && st->newname) {
            const char *old = c->name;

            c->name = dup(cat, st->newname);
            colmap_refresh(t, old);
        }
        break;
    }
    case GATE_OBJ_INDEX: {
        struct gate_cat_index *x = find_index(cat, &st->rel);

        if (x && st->newname)
            x->name = dup(cat, st->newname);
        break;
    }
    case GATE_OBJ_CONSTRAINT: {
        struct gate_cat_constraint *k = find_cons(cat, st->rel.name, st->subname);

        if (k && st->newname)
            k->name = dup(cat, st->newname);
        break;
    }
    case GATE_OBJ_TYPE: {
        struct gate_cat_enum *e = find_enum(cat, &st->rel);

        if (e && st->newname) {
            const char *old = e->name;

            e->name = dup(cat, st->newname);
            /* columns follow the type (they reference its oid) */
            for (size_t i = 0; i < cat->ntables; i++) {
                struct gate_cat_table *t = cat->tables[i];

                for (int j = 0; j < t->ncols; j++) {
                    if (name_eq(t->cols[j].type.name, old) &&
                        schema_eq(t->cols[j].type.schema, e->schema))
                        t->cols[j].type.name = e->name;
                }
            }
        }
        break;
    }
    default:
        break;
    }
}

static void create_index(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_index *x;
    struct gate_qname q = {st->rel.schema, st->index_name};

    if (!st->index_name || (st->missing_ok && find_index(cat, &q)))
        return;
    x = gate_arena_alloc(&cat->arena, sizeof(*x));
    x->schema = dup(cat, st->rel.schema);
    x->name = dup(cat, st->index_name);
    x->table = dup(cat, st->rel.name);
    x->unique = st->unique;
    x->created_gen = cat->gen;
    GATE_GROW(cat->indexes, cat->capindexes, cat->nindexes + 1);
    cat->indexes[cat->nindexes++] = x;
}

static void enum_add(struct gate_catalog *cat, struct gate_cat_enum *e, const char *v)
{
    size_t cap = (size_t)e->capvalues;

    for (int i = 0; i < e->nvalues; i++) {
        if (name_eq(e->values[i], v))
            return;
    }
    GATE_GROW(e->values, cap, (size_t)e->nvalues + 1);
    e->capvalues = (int)cap;
    e->values[e->nvalues++] = dup(cat, v);
}

static void create_enum(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_enum *e = gate_arena_alloc(&cat->arena, sizeof(*e));

    e->schema = dup(cat, st->rel.schema);
    e->name = dup(cat, st->rel.name);
    e->created_gen = cat->gen;
    for (int i = 0; i < st->nvalues; i++)
        enum_add(cat, e, st->values[i]);
    GATE_GROW(cat->enums, cat->capenums, cat->nenums + 1);
    cat->enums[cat->nenums++] = e;
}

static void alter_enum(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_enum *e = find_enum(cat, &st->rel);

    if (!e || st->nvalues < 1)
        return;
    if (st->enum_rename && st->nvalues >= 2) {
        for (int i = 0; i < e->nvalues; i++) {
            if (name_eq(e->values[i], st->values[0]))
                e->values[i] = dup(cat, st->values[1]);
        }
        return;
    }
    enum_add(cat, e, st->values[0]);
}

/* An UPDATE fills the columns it assigns: they no longer hold only NULL. */
static void assign_columns(struct gate_catalog *cat, const struct gate_stmt *st)
{
    struct gate_cat_table *t = find_table(cat, &st->rel);

    for (int i = 0; t && i < st->nset_columns; i++) {
        struct gate_cat_column *col = find_column(t, st->set_columns[i]);

        if (col)
            col->added_null = false;
    }
}

void gate_catalog_apply(struct gate_catalog *cat, const struct gate_stmt *st)
{
    switch (st->kind) {
    case GATE_STMT_CREATE_TABLE:
        if (!st->temp)
            create_table(cat, st);
        break;
    case GATE_STMT_CREATE_TABLE_AS:
        if (!st->temp && st->obj != GATE_OBJ_MATVIEW)
            create_table(cat, st);
        break;
    case GATE_STMT_ALTER_TABLE:
        alter_table(cat, st);
        break;
    case GATE_STMT_DROP:
        drop_objects(cat, st);
        break;
    case GATE_STMT_RENAME:
        rename_object(cat, st);
        break;
    case GATE_STMT_CREATE_INDEX:
        create_index(cat, st);
        break;
    case GATE_STMT_CREATE_ENUM:
        create_enum(cat, st);
        break;
    case GATE_STMT_ALTER_ENUM:
        alter_enum(cat, st);
        break;
    case GATE_STMT_UPDATE:
        assign_columns(cat, st);
        break;
    default:
        break;
    }
}
