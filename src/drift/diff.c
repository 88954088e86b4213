/* SPDX-License-Identifier: MIT */
/*
 * drift/diff.c - the migrations' schema against the database's, object
 * by object, with a remedy for each difference (drift.h). Both models
 * are sorted the same way (gate_dbobj_cmp), so one merge pass pairs
 * them; indexes left unpaired are paired again by their name-free shape
 * (a renamed index).
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/drift.h"
#include "gate/shell.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct gate_drift_item *gate_drift_add(struct gate_run_drift *d, struct gate_arena *a)
{
    if (d->nitems == d->capitems) {
        size_t cap = d->capitems ? d->capitems * 2 : 16;
        struct gate_drift_item *items = gate_arena_alloc(a, cap * sizeof(*items));

        if (d->nitems)
            memcpy(items, d->items, d->nitems * sizeof(*items));
        d->items = items;
        d->capitems = cap;
    }
    memset(&d->items[d->nitems], 0, sizeof(d->items[0]));
    return &d->items[d->nitems++];
}

static bool same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

static const char *shown(const char *v)
{
    return v ? v : "none";
}

/* "schema"."name" */
static const char *qname(struct gate_arena *a, const char *schema, const char *name)
{
    char *s = gate_db_quote_ident(schema), *n = gate_db_quote_ident(name);
    const char *r = gate_arena_printf(a, "%s.%s", s, n);

    free(s);
    free(n);
    return r;
}

static const char *ident(struct gate_arena *a, const char *name)
{
    char *n = gate_db_quote_ident(name);
    const char *r = gate_arena_strdup(a, n);

    free(n);
    return r;
}

/* ------------------------------------------------------------ lookups */

/* First index in m of an object sorting at or after (kind, schema, table, name). */
static size_t lower_bound(const struct gate_dbmodel *m, const struct gate_dbobj *key)
{
    size_t lo = 0, hi = m->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (gate_dbobj_cmp(&m->objs[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The columns of a table: *first and the count. */
static size_t table_columns(const struct gate_dbmodel *m, const char *schema, const char *table,
                            size_t *first)
{
    struct gate_dbobj key = {.kind = "column", .schema = schema, .table = table, .name = NULL};
    size_t i = lower_bound(m, &key), n = 0;

    *first = i;
    while (i + n < m->n && !strcmp(m->objs[i + n].kind, "column") &&
           same(m->objs[i + n].schema, schema) && same(m->objs[i + n].table, table))
        n++;
    return n;
}

/* ------------------------------------------------------------ one line per object */

/* A column as a table lists it: "integer NOT NULL DEFAULT 0". */
static void column_line(struct gate_buf *b, const struct gate_dbobj *c)
{
    const char *v;

    gate_buf_adds(b, shown(gate_dbobj_attr(c, "type")));
    if (same(gate_dbobj_attr(c, "nullable"), "no"))
        gate_buf_adds(b, " NOT NULL");
    v = gate_dbobj_attr(c, "default");
    if (v)
        gate_buf_printf(b, " DEFAULT %s", v);
    v = gate_dbobj_attr(c, "identity");
    if (v)
        gate_buf_printf(b, " GENERATED %s AS IDENTITY",
                        !strcmp(v, "always") ? "ALWAYS" : "BY DEFAULT");
    v = gate_dbobj_attr(c, "generated");
    if (v)
        gate_buf_printf(b, " GENERATED ALWAYS AS (%s) STORED", v);
    v = gate_dbobj_attr(c, "collation");
    if (v)
        gate_buf_printf(b, " COLLATE \"%s\"", v);
}

static const char *summary(struct gate_arena *a, const struct gate_dbmodel *m,
                           const struct gate_dbobj *o)
{
    struct gate_buf b = {0};
    const char *def = gate_dbobj_attr(o, "definition");
    const char *r;

    if (!strcmp(o->kind, "column")) {
        column_line(&b, o);
    } else if (!strcmp(o->kind, "table")) {
        size_t first, n = table_columns(m, o->schema, o->name, &first);

        gate_buf_adds(&b, "(");
        for (size_t i = 0; i < n; i++) {
            gate_buf_printf(&b, "%s%s ", i ? ", " : "", m->objs[first + i].name);
            column_line(&b, &m->objs[first + i]);
        }
        gate_buf_adds(&b, ")");
    } else if (def && strcmp(o->kind, "view") != 0 && strcmp(o->kind, "materialized view") != 0) {
        gate_buf_adds(&b, def);
    } else {
        bool any = false;

        for (size_t i = 0; i < o->nattrs; i++) {
            const char *v = o->attrs[i].value;

            if (!v)
                continue;
            if (!strcmp(o->attrs[i].key, "definition")) /* views: one line */
                gate_buf_printf(&b, "%sdefinition: %s", any ? "; " : "", "(see the database)");
            else
                gate_buf_printf(&b, "%s%s: %s", any ? "; " : "", o->attrs[i].key, v);
            any = true;
        }
    }
    /* one line: the catalog's multi-line texts (view bodies) flattened */
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\t')
            b.data[i] = ' ';
    r = gate_arena_strdup(a, b.len ? gate_buf_str(&b) : o->kind);
    gate_buf_release(&b);
    return r;
}

/* ------------------------------------------------------------ remedies */

const char *gate_drift_capture_steps(const struct gate_drift_ctx *ctx, struct gate_arena *a)
{
    struct gate_buf b = {0};
    const char *prisma = ctx->prisma ? ctx->prisma : "npx prisma";
    const char *dir = ctx->migrations_dir ? ctx->migrations_dir : "prisma/migrations";
    const char *r;

    gate_buf_adds(&b, "name=\"$(date -u +%Y%m%d%H%M%S)_capture_drift\" && mkdir -p ");
    gate_shell_quote_buf(&b, dir);
    gate_buf_adds(&b, "/\"$name\" && ");
    gate_buf_printf(&b, "%s migrate diff --from-migrations ", prisma);
    gate_shell_quote_buf(&b, dir);
    gate_buf_printf(&b, " --shadow-database-url \"$%s\" --to-url \"$%s\" --script > ",
                    ctx->shadow_url_env ? ctx->shadow_url_env : "SHADOW_DATABASE_URL",
                    ctx->url_env ? ctx->url_env : "DATABASE_URL");
    gate_shell_quote_buf(&b, dir);
    gate_buf_printf(&b, "/\"$name\"/migration.sql && %s migrate resolve --applied \"$name\"",
                    prisma);
    if (ctx->schema_file) {
        gate_buf_adds(&b, " --schema ");
        gate_shell_quote_buf(&b, ctx->schema_file);
    }
    r = gate_arena_strdup(a, gate_buf_str(&b));
    gate_buf_release(&b);
    return r;
}

/* CREATE [UNIQUE] INDEX name ... -> CREATE [UNIQUE] INDEX CONCURRENTLY name ... */
static const char *concurrently(struct gate_arena *a, const char *def)
{
    const char *p = strstr(def, "INDEX ");

    if (!p || strncmp(def, "CREATE ", 7) != 0)
        return NULL;
    p += 6;
    return gate_arena_printf(a, "%.*sCONCURRENTLY %s;", (int)(p - def), def, p);
}

static void remedy(struct gate_drift_item *it, const struct gate_dbobj *mig,
                   const struct gate_dbobj *db, const char *capture, struct gate_arena *a)
{
    const char *sql = NULL;

    if (!strcmp(it->change, GATE_DRIFT_MIG_ONLY) && !strcmp(it->kind, "index")) {
        sql = concurrently(a, shown(gate_dbobj_attr(mig, "definition")));
    } else if (!strcmp(it->change, GATE_DRIFT_MIG_ONLY) && !strcmp(it->kind, "extension")) {
        sql = gate_arena_printf(a, "CREATE EXTENSION IF NOT EXISTS %s SCHEMA %s;",
                                ident(a, mig->name), ident(a, mig->schema));
    } else if (!strcmp(it->change, GATE_DRIFT_DB_ONLY) && !strcmp(it->kind, "column") &&
               same(gate_dbobj_attr(db, "nullable"), "yes") && !gate_dbobj_attr(db, "default") &&
               !gate_dbobj_attr(db, "identity") && !gate_dbobj_attr(db, "generated")) {
        it->remedy_kind = "none";
        it->note = "left alone: an extra nullable column without a default does not stop Prisma "
                   "Client or later migrations; drop it, or keep it with the capture steps";
        return;
    } else if (!strcmp(it->change, GATE_DRIFT_CHANGED) && !strcmp(it->kind, "index") &&
               it->nchanges == 1 && !strcmp(it->changes[0].attribute, "name")) {
        sql = gate_arena_printf(a, "ALTER INDEX %s RENAME TO %s;", qname(a, db->schema, db->name),
                                ident(a, mig->name));
    } else if (!strcmp(it->change, GATE_DRIFT_CHANGED) && !strcmp(it->kind, "column") &&
               it->nchanges == 1 && !strcmp(it->changes[0].attribute, "default")) {
        const char *def = gate_dbobj_attr(mig, "default");

        sql = gate_arena_printf(a, "ALTER TABLE %s ALTER COLUMN %s %s%s;",
                                qname(a, mig->schema, mig->table), ident(a, mig->name),
                                def ? "SET DEFAULT " : "DROP DEFAULT", def ? def : "");
    } else if (!strcmp(it->change, GATE_DRIFT_CHANGED) && !strcmp(it->kind, "column") &&
               it->nchanges == 1 && !strcmp(it->changes[0].attribute, "nullable") &&
               same(gate_dbobj_attr(mig, "nullable"), "yes")) {
        sql = gate_arena_printf(a, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;",
                                qname(a, mig->schema, mig->table), ident(a, mig->name));
    }
    if (sql) {
        it->remedy_kind = "sql";
        it->remedy = sql;
        return;
    }
    it->remedy_kind = "prisma";
    it->remedy = capture;
    it->note = "capture the live schema in a new migration and mark it applied on the target "
               "(or undo the change by hand)";
}

/* ------------------------------------------------------------ the tables that differ */

struct tables {
    struct gate_drift_table *t;
    size_t n, cap;
};

static struct gate_drift_table *table_entry(struct tables *ts, const char *schema, const char *name)
{
    for (size_t i = ts->n; i-- > 0;)
        if (same(ts->t[i].schema, schema) && same(ts->t[i].name, name))
            return &ts->t[i];
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 8;
        ts->t = gate_xrealloc(ts->t, ts->cap * sizeof(*ts->t));
    }
    memset(&ts->t[ts->n], 0, sizeof(ts->t[0]));
    ts->t[ts->n].schema = schema;
    ts->t[ts->n].name = name;
    ts->t[ts->n].change = GATE_DRIFT_CHANGED;
    return &ts->t[ts->n++];
}

static int col_cmp(const void *a, const void *b)
{
    return strcmp(((const struct gate_drift_col *)a)->name,
                  ((const struct gate_drift_col *)b)->name);
}

static int table_cmp(const void *a, const void *b)
{
    const struct gate_drift_table *x = a, *y = b;
    int c = strcmp(x->schema, y->schema);

    return c ? c : strcmp(x->name, y->name);
}

/* The columns of one table on both sides, marked. */
static void fill_columns(struct gate_drift_table *t, const struct gate_dbmodel *mig,
                         const struct gate_dbmodel *db, struct gate_arena *a)
{
    size_t mf, df, mn = table_columns(mig, t->schema, t->name, &mf);
    size_t dn = table_columns(db, t->schema, t->name, &df);
    size_t i = 0, j = 0;

    t->cols = gate_arena_alloc(a, (mn + dn + 1) * sizeof(*t->cols));
    while (i < mn || j < dn) {
        const struct gate_dbobj *m = i < mn ? &mig->objs[mf + i] : NULL;
        const struct gate_dbobj *d = j < dn ? &db->objs[df + j] : NULL;
        struct gate_drift_col *c = &t->cols[t->ncols++];
        int cmp = !m ? 1 : !d ? -1 : strcmp(m->name, d->name);

        if (cmp < 0) {
            c->name = m->name;
            c->type = shown(gate_dbobj_attr(m, "type"));
            c->mark = "missing";
            i++;
        } else if (cmp > 0) {
            c->name = d->name;
            c->type = shown(gate_dbobj_attr(d, "type"));
            c->mark = "added";
            j++;
        } else {
            bool differ = false;

            for (size_t k = 0; k < m->nattrs; k++)
                differ |= !same(m->attrs[k].value, gate_dbobj_attr(d, m->attrs[k].key));
            c->name = d->name;
            c->type = shown(gate_dbobj_attr(d, "type"));
            c->mark = differ ? "changed" : NULL;
            i++;
            j++;
        }
    }
    qsort(t->cols, t->ncols, sizeof(*t->cols), col_cmp);
}

/* ------------------------------------------------------------ the diff */

/* A table on one side only (sorted, for bsearch). */
struct side_table {
    const char *schema;
    const char *name;
};

static int side_cmp(const void *a, const void *b)
{
    const struct side_table *x = a, *y = b;
    int c = strcmp(x->schema, y->schema);

    return c ? c : strcmp(x->name, y->name);
}

static bool one_sided_parent(const struct side_table *ts, size_t n, const struct gate_dbobj *o)
{
    struct side_table key;

    if (!o->table)
        return false;
    key.schema = o->schema;
    key.name = o->table;
    return !!bsearch(&key, ts, n, sizeof(*ts), side_cmp);
}

static struct gate_drift_item *item_for(struct gate_run_drift *out, struct gate_arena *a,
                                        const struct gate_dbobj *o, const char *change)
{
    struct gate_drift_item *it = gate_drift_add(out, a);

    it->kind = o->kind;
    it->schema = o->schema;
    it->table = o->table;
    it->name = o->name;
    it->change = change;
    return it;
}

/* Compare two objects of the same identity; an item when they differ. */
static void compare(struct gate_run_drift *out, struct gate_arena *a, const struct gate_dbobj *m,
                    const struct gate_dbobj *d, const char *capture)
{
    struct gate_drift_change ch[32];
    size_t n = 0;
    struct gate_buf before = {0}, after = {0};
    struct gate_drift_item *it;

    for (size_t k = 0; k < m->nattrs && n < GATE_ARRAY_SIZE(ch); k++) {
        const char *dv = gate_dbobj_attr(d, m->attrs[k].key);

        if (same(m->attrs[k].value, dv))
            continue;
        ch[n].attribute = m->attrs[k].key;
        ch[n].before = m->attrs[k].value;
        ch[n++].after = dv;
    }
    if (!n)
        return;
    it = item_for(out, a, d, GATE_DRIFT_CHANGED);
    it->changes = gate_arena_alloc(a, n * sizeof(*it->changes));
    memcpy(it->changes, ch, n * sizeof(*ch));
    it->nchanges = n;
    for (size_t k = 0; k < n; k++) {
        gate_buf_printf(&before, "%s%s: %s", k ? "; " : "", ch[k].attribute, shown(ch[k].before));
        gate_buf_printf(&after, "%s%s: %s", k ? "; " : "", ch[k].attribute, shown(ch[k].after));
    }
    it->before = gate_arena_strdup(a, gate_buf_str(&before));
    it->after = gate_arena_strdup(a, gate_buf_str(&after));
    gate_buf_release(&before);
    gate_buf_release(&after);
    remedy(it, m, d, capture, a);
}

void gate_drift_diff(const struct gate_dbmodel *mig, const struct gate_dbmodel *db,
                     const struct gate_drift_ctx *ctx, struct gate_arena *a,
                     struct gate_run_drift *out)
{
    const struct gate_dbobj **monly = gate_xcalloc(mig->n + 1, sizeof(*monly));
    const struct gate_dbobj **donly = gate_xcalloc(db->n + 1, sizeof(*donly));
    struct side_table *sides = gate_xcalloc(mig->n + db->n + 1, sizeof(*sides));
    size_t nm = 0, nd = 0, ns = 0, i = 0, j = 0;
    const char *capture = gate_drift_capture_steps(ctx, a);
    struct tables ts = {0};

    out->capture = capture;
    out->objects_migrations += mig->n;
    out->objects_database += db->n;
    out->queries += mig->queries + db->queries;

    /* pair by identity: both lists are sorted alike */
    while (i < mig->n || j < db->n) {
        int c = i >= mig->n ? 1 : j >= db->n ? -1 : gate_dbobj_cmp(&mig->objs[i], &db->objs[j]);

        if (c < 0) {
            monly[nm++] = &mig->objs[i++];
        } else if (c > 0) {
            donly[nd++] = &db->objs[j++];
        } else {
            compare(out, a, &mig->objs[i], &db->objs[j], capture);
            i++;
            j++;
        }
    }

    /* tables on one side: their own objects are not listed again */
    for (size_t k = 0; k < nm; k++)
        if (!strcmp(monly[k]->kind, "table"))
            sides[ns++] = (struct side_table){monly[k]->schema, monly[k]->name};
    for (size_t k = 0; k < nd; k++)
        if (!strcmp(donly[k]->kind, "table"))
            sides[ns++] = (struct side_table){donly[k]->schema, donly[k]->name};
    if (ns)
        qsort(sides, ns, sizeof(*sides), side_cmp);

    /* renamed indexes: same table, same definition but the name */
    for (size_t k = 0; k < nm; k++) {
        const struct gate_dbobj *m = monly[k];

        if (strcmp(m->kind, "index") != 0 || !m->shape)
            continue;
        for (size_t l = 0; l < nd; l++) {
            const struct gate_dbobj *d = donly[l];
            struct gate_drift_item *it;

            if (!d || strcmp(d->kind, "index") != 0 || !same(d->shape, m->shape) ||
                !same(d->schema, m->schema) || !same(d->table, m->table))
                continue;
            it = item_for(out, a, d, GATE_DRIFT_CHANGED);
            it->changes = gate_arena_alloc(a, sizeof(*it->changes));
            it->changes[0] = (struct gate_drift_change){"name", m->name, d->name};
            it->nchanges = 1;
            it->before = gate_arena_printf(a, "name: %s", m->name);
            it->after = gate_arena_printf(a, "name: %s", d->name);
            remedy(it, m, d, capture, a);
            monly[k] = NULL;
            donly[l] = NULL;
            break;
        }
    }

    for (size_t k = 0; k < nm; k++) {
        struct gate_drift_item *it;

        if (!monly[k] || one_sided_parent(sides, ns, monly[k]))
            continue;
        it = item_for(out, a, monly[k], GATE_DRIFT_MIG_ONLY);
        it->before = summary(a, mig, monly[k]);
        remedy(it, monly[k], NULL, capture, a);
    }
    for (size_t k = 0; k < nd; k++) {
        struct gate_drift_item *it;

        if (!donly[k] || one_sided_parent(sides, ns, donly[k]))
            continue;
        it = item_for(out, a, donly[k], GATE_DRIFT_DB_ONLY);
        it->after = summary(a, db, donly[k]);
        remedy(it, NULL, donly[k], capture, a);
    }

    /* the tables the Mermaid picture shows */
    for (size_t k = 0; k < out->nitems; k++) {
        const struct gate_drift_item *it = &out->items[k];
        struct gate_drift_table *t;

        if (!it->schema || (!it->table && strcmp(it->kind, "table") != 0))
            continue;
        t = table_entry(&ts, it->schema, it->table ? it->table : it->name);
        if (!it->table)
            t->change = it->change;
    }
    for (size_t k = 0; k < ts.n; k++)
        fill_columns(&ts.t[k], mig, db, a);
    if (ts.n)
        qsort(ts.t, ts.n, sizeof(*ts.t), table_cmp);
    out->tables = gate_arena_alloc(a, (ts.n + 1) * sizeof(*out->tables));
    if (ts.n)
        memcpy(out->tables, ts.t, ts.n * sizeof(*ts.t));
    out->ntables = ts.n;
    out->evaluated = true;

    free(ts.t);
    free(sides);
    free(monly);
    free(donly);
}

/* ------------------------------------------------------------ finish */

static int nstr(const char *a, const char *b)
{
    if (!a || !b)
        return !!a - !!b;
    return strcmp(a, b);
}

static int item_cmp(const void *pa, const void *pb)
{
    const struct gate_drift_item *a = pa, *b = pb;
    int ha = !strcmp(a->kind, "migration"), hb = !strcmp(b->kind, "migration");
    int ka = gate_dbobj_kind_rank(a->kind), kb = gate_dbobj_kind_rank(b->kind);
    int c;

    if (ha != hb)
        return ha - hb;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    c = nstr(a->schema, b->schema);
    if (!c)
        c = nstr(a->table, b->table);
    if (!c)
        c = nstr(a->name, b->name);
    return c ? c : nstr(a->change, b->change);
}

static void field(struct gate_buf *b, const char *s)
{
    /* NULL and "" differ; a unit separator cannot occur in a catalog name */
    if (s)
        gate_buf_printf(b, "=%s", s);
    gate_buf_addc(b, '\x1f');
}

void gate_drift_finish(struct gate_run_drift *d)
{
    struct gate_buf b = {0};

    if (d->nitems)
        qsort(d->items, d->nitems, sizeof(*d->items), item_cmp);
    d->database_only = d->migrations_only = d->changed = d->history = 0;
    gate_buf_adds(&b, "prisma-gate drift 1\n");
    for (size_t i = 0; i < d->nitems; i++) {
        const struct gate_drift_item *it = &d->items[i];

        if (!strcmp(it->kind, "migration"))
            d->history++;
        else if (!strcmp(it->change, GATE_DRIFT_DB_ONLY))
            d->database_only++;
        else if (!strcmp(it->change, GATE_DRIFT_MIG_ONLY))
            d->migrations_only++;
        else
            d->changed++;
        field(&b, it->kind);
        field(&b, it->schema);
        field(&b, it->table);
        field(&b, it->name);
        field(&b, it->change);
        field(&b, it->before);
        field(&b, it->after);
        gate_buf_addc(&b, '\n');
    }
    gate_sha256_hex(b.data ? b.data : "", b.len, d->digest);
    gate_buf_release(&b);
}

bool gate_drift_found(const struct gate_run_drift *d)
{
    return d->nitems > 0;
}
