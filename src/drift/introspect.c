/* SPDX-License-Identifier: MIT */
/*
 * drift/introspect.c - a database's schema objects from pg_catalog, one
 * query per kind of object (introspect.h). Speaks SQL through db.h only.
 *
 * Every query returns kind, schema, table, name, then the object's
 * attributes, each column named after its attribute; a column whose
 * name starts with '_' is not an attribute but a field of the object
 * (_shape; an index's is cut from its definition here). The schema filter
 * is spliced in as quoted literals.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/hmap.h"
#include "gate/introspect.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {
    "extension", "enum", "sequence",          "table",    "column",    "constraint",
    "index",     "view", "materialized view", "function", "procedure", "trigger",
    "policy",
};

int gate_dbobj_kind_rank(const char *kind)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(kinds); i++)
        if (!strcmp(kinds[i], kind))
            return (int)i;
    return -1;
}

/* NULL sorts first. */
static int nstrcmp(const char *a, const char *b)
{
    if (!a || !b)
        return !!a - !!b;
    return strcmp(a, b);
}

int gate_dbobj_cmp(const struct gate_dbobj *a, const struct gate_dbobj *b)
{
    int ka = gate_dbobj_kind_rank(a->kind), kb = gate_dbobj_kind_rank(b->kind);
    int c;

    if (ka != kb)
        return ka < kb ? -1 : 1;
    c = nstrcmp(a->schema, b->schema);
    if (!c)
        c = nstrcmp(a->table, b->table);
    return c ? c : nstrcmp(a->name, b->name);
}

static int obj_qsort_cmp(const void *a, const void *b)
{
    return gate_dbobj_cmp(a, b);
}

const char *gate_dbobj_attr(const struct gate_dbobj *o, const char *key)
{
    for (size_t i = 0; i < o->nattrs; i++)
        if (!strcmp(o->attrs[i].key, key))
            return o->attrs[i].value;
    return NULL;
}

/*
 * Objects that belong to an extension (pg_depend deptype 'e') are left
 * out on this side: the first query lists the members as "classid:objid"
 * and each row that could be one says what it is (_ext, with the
 * catalog's fixed OID: pg_class 1259, pg_type 1247, pg_proc 1255). One
 * list instead of an anti-join per query: the server plans and runs it
 * once (a few milliseconds of a new backend's first reads).
 */
#define EXT(cls, oid) ", '" cls ":' || " oid " AS _ext"
#define EXT_MEMBERS   "SELECT classid || ':' || objid FROM pg_depend WHERE deptype = 'e'"

/*
 * The default operator classes (index_definition): which one an index
 * column gets when CREATE INDEX names none, so pg_get_indexdef leaves it
 * out.
 */
#define DEFAULT_OPCLASSES "SELECT opcmethod, opcintype, oid FROM pg_opclass WHERE opcdefault"

/*
 * An index's definition is written here, as pg_get_indexdef writes it,
 * when it is made of plain columns (SIMPLE_INDEX and index_definition):
 * pg_get_indexdef looks each column's default operator class up by
 * scanning pg_opclass, and a new backend's first calls fill its catalog
 * caches one index at a time: most of the introspection's time on a
 * warm drift. Expressions, predicates, storage parameters, opclass
 * options, partitioned indexes, other access methods keep
 * pg_get_indexdef. %n: the NULLS NOT DISTINCT column (PostgreSQL 15+).
 */
#define SIMPLE_INDEX                                                                        \
 "x.indexprs IS NULL AND x.indpred IS NULL AND i.reloptions IS NULL AND i.relkind = 'i'"    \
 " AND c.relkind = 'r' AND am.amname IN ('btree', 'hash', 'gin', 'gist', 'brin', 'spgist')" \
 " AND NOT EXISTS (SELECT 1 FROM pg_attribute ia WHERE ia.attrelid = i.oid"                 \
 " AND ia.attoptions IS NOT NULL)"

#define NOT_PRISMA " c.relname <> '_prisma_migrations' "

/* %s: the schema list, "('public')". */
/* the object queries; EXT_MEMBERS and DEFAULT_OPCLASSES come first */
static const char *const queries[GATE_INTROSPECT_QUERIES - 2] = {
    /* extensions: all but plpgsql, whatever schema they were put in */
    "SELECT 'extension', n.nspname, NULL, e.extname, e.extversion AS version"
    " FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
    " WHERE e.extname <> 'plpgsql'",

    /* enums, values in their order */
    "SELECT 'enum', n.nspname, NULL, t.typname,"
    " string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS \"values\"" EXT(
        "1247", "t.oid") " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                         " JOIN pg_enum e ON e.enumtypid = t.oid"
                         " WHERE n.nspname IN %s GROUP BY n.nspname, t.typname, t.oid",

    /* sequences, except those of identity columns (they are the column's) */
    "SELECT 'sequence', n.nspname, NULL, c.relname, format_type(s.seqtypid, NULL) AS type,"
    " s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,"
    " s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,"
    " (SELECT quote_ident(oc.relname) || '.' || quote_ident(a.attname) FROM pg_depend d"
    "  JOIN pg_class oc ON oc.oid = d.refobjid"
    "  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
    "  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'"
    "  LIMIT 1) AS owned_by" EXT(
        "1259",
        "c.oid") " FROM pg_sequence s"
                 " JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE n.nspname IN %s AND NOT EXISTS (SELECT 1 FROM pg_depend di"
                 " WHERE di.classid = 'pg_class'::regclass AND di.objid = c.oid AND di.deptype = 'i')",

    /* tables (ordinary and partitioned) */
    "SELECT 'table', n.nspname, NULL, c.relname,"
    " CASE c.relkind WHEN 'p' THEN 'yes' END AS partitioned,"
    " c.relrowsecurity AS row_level_security, c.relforcerowsecurity AS force_row_level_security" EXT(
        "1259", "c.oid") " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE c.relkind IN ('r', 'p') AND n.nspname IN %s AND" NOT_PRISMA,

    /*
     * columns; a default has no column references (PostgreSQL refuses
     * them), so it is printed without its table (relid 0): pg_get_expr
     * with a table opens it under ACCESS SHARE, which would queue the read
     * behind a migration's ACCESS EXCLUSIVE lock. A generated column's
     * expression names columns and needs it.
     */
    "SELECT 'column', n.nspname, c.relname, a.attname,"
    " format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,"
    " CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS \"default\","
    " CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,"
    " CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,"
    " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,"
    " a.attnum AS _attnum, quote_ident(a.attname) AS _qname, a.atttypid AS _typid,"
    " a.attcollation AS _collid, t.typtype AS _typtype, t.typcategory AS _typcat" EXT(
        "1259",
        "c.oid") " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                 " JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " JOIN pg_type t ON t.oid = a.atttypid"
                 " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
                 " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                 " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
                 " AND n.nspname IN %s AND" NOT_PRISMA,

    /* constraints */
    "SELECT 'constraint', n.nspname, c.relname, k.conname,"
    " CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'"
    " WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' END AS type,"
    " pg_get_constraintdef(k.oid) AS definition" EXT(
        "1259",
        "c.oid") " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
                 " JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND n.nspname IN %s AND" NOT_PRISMA,

    /*
     * indexes, except those a constraint of the same table owns; a
     * definition of plain columns is written here (SIMPLE_INDEX), from
     * the _ fields; the name-free shape is cut from the definition
     * (index_shape), not read by a second pg_get_indexdef per index
     */
    "SELECT 'index', n.nspname, c.relname, i.relname,"
    " CASE WHEN NOT (" SIMPLE_INDEX ") THEN pg_get_indexdef(i.oid) END AS definition,"
    " i.oid AS _oid, quote_ident(i.relname) || ' ON ' || quote_ident(n.nspname) || '.' ||"
    " quote_ident(c.relname) || ' USING ' || quote_ident(am.amname) AS _on, i.relam AS _am,"
    " am.amname = 'btree' AS _ordered, x.indisunique AS _unique, x.indnkeyatts AS _nkey,"
    " x.indkey AS _key, x.indclass AS _class, x.indcollation AS _coll, x.indoption AS _opt,"
    " %n AS _nnd" EXT(
        "1259",
        "c.oid") " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                 " JOIN pg_am am ON am.oid = i.relam"
                 " JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname IN %s AND" NOT_PRISMA
                 "AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                 " WHERE k.conindid = i.oid AND k.conrelid = c.oid AND k.contype IN ('p', 'u', 'x'))",

    /* views and materialized views */
    "SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, n.nspname, NULL,"
    " c.relname, pg_get_viewdef(c.oid) AS definition" EXT(
        "1259", "c.oid") " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE c.relkind IN ('v', 'm') AND n.nspname IN %s",

    /* functions and procedures: the definition's digest */
    "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname, NULL,"
    " p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',"
    " pg_get_function_result(p.oid) AS returns,"
    " encode(sha256(convert_to(pg_get_functiondef(p.oid), 'UTF8')), 'hex') AS definition_sha256" EXT(
        "1255", "p.oid") " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                         " WHERE p.prokind IN ('f', 'p') AND n.nspname IN %s",

    /* triggers (not the internal ones of foreign keys) */
    "SELECT 'trigger', n.nspname, c.relname, t.tgname,"
    " pg_get_triggerdef(t.oid) AS definition,"
    " CASE t.tgenabled WHEN 'O' THEN 'yes' WHEN 'D' THEN 'no' WHEN 'R' THEN 'replica'"
    " WHEN 'A' THEN 'always' END AS enabled" EXT(
        "1259", "c.oid") " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                         " JOIN pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE NOT t.tgisinternal AND n.nspname IN %s AND" NOT_PRISMA,

    /* row-level security policies */
    "SELECT 'policy', n.nspname, c.relname, p.polname,"
    " CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END AS mode,"
    " CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
    " WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,"
    " (SELECT string_agg(x.role, ', ' ORDER BY x.role) FROM (SELECT CASE WHEN r = 0"
    "  THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END AS role"
    "  FROM unnest(p.polroles) AS r) AS x) AS roles,"
    " pg_get_expr(p.polqual, p.polrelid) AS \"using\","
    " pg_get_expr(p.polwithcheck, p.polrelid) AS with_check"
    " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN %s",
};

/* A statement without rows (BEGIN, COMMIT). */
static enum gate_code exec0(struct gate_db *db, const char *sql, struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    enum gate_code rc = gate_db_exec(db, sql, &r, err);

    gate_db_result_free(r);
    return rc;
}

/* A default operator class (DEFAULT_OPCLASSES). */
struct opclass {
    unsigned long am, intype, oid;
};

/* A table's column as an index definition names it (the column query's _ fields). */
struct colinfo {
    const char *qname; /* quote_ident(attname) */
    unsigned long typid, collid;
    char typtype, typcat;
};

/* An index whose definition is written here (index_definition): its _ fields. */
struct pending {
    size_t obj; /* in loader.objs */
    const char *f[11];
};

/* The index query's _ fields kept for index_definition, in struct pending's order. */
static const char *const index_fields[] = {
    "_oid", "_on", "_am", "_ordered", "_unique", "_nkey", "_key", "_class", "_coll", "_opt", "_nnd",
};
enum { F_OID, F_ON, F_AM, F_ORDERED, F_UNIQUE, F_NKEY, F_KEY, F_CLASS, F_COLL, F_OPT, F_NND };

struct loader {
    struct gate_arena *a;
    struct gate_dbobj *objs; /* malloc'd while loading */
    size_t n, cap;
    struct gate_hmap members; /* EXT_MEMBERS: "classid:objid" of extensions' objects */
    struct opclass *defaults; /* DEFAULT_OPCLASSES */
    size_t ndefaults;
    struct gate_hmap cols;   /* "schema\ttable\tattnum" -> struct colinfo */
    struct pending *pending; /* indexes to write */
    size_t npending;
};

/* DEFAULT_OPCLASSES' rows into l->defaults. */
static void load_defaults(struct loader *l, const struct gate_db_result *r)
{
    int rows = gate_db_result_rows(r);

    l->defaults = gate_arena_alloc(l->a, (size_t)(rows > 0 ? rows : 1) * sizeof(*l->defaults));
    for (int i = 0; i < rows; i++) {
        const char *am = gate_db_result_value(r, i, 0), *in = gate_db_result_value(r, i, 1);
        const char *oid = gate_db_result_value(r, i, 2);

        if (!am || !in || !oid)
            continue;
        l->defaults[l->ndefaults].am = strtoul(am, NULL, 10);
        l->defaults[l->ndefaults].intype = strtoul(in, NULL, 10);
        l->defaults[l->ndefaults++].oid = strtoul(oid, NULL, 10);
    }
}

/* EXT_MEMBERS' rows into l->members. */
static void load_members(struct loader *l, const struct gate_db_result *r)
{
    int rows = gate_db_result_rows(r);

    for (int i = 0; i < rows; i++) {
        const char *v = gate_db_result_value(r, i, 0);

        if (v)
            (void)gate_hmap_upserts(&l->members, v, NULL);
    }
}

/* The server's booleans as the report spells them. */
static const char *value_text(struct gate_arena *a, const char *v, unsigned type)
{
    if (!v)
        return NULL;
    if (type == 16) /* bool */
        return !strcmp(v, "t") ? "yes" : "no";
    return gate_arena_strdup(a, v);
}

/*
 * An index's definition without its name, for pairing renamed indexes:
 * "CREATE [UNIQUE] INDEX name ON ..." as "CREATE [UNIQUE] INDEX ON ...",
 * the name as pg_get_indexdef quotes it (bare, or in double quotes with ""
 * inside). The definition itself when it is not of that form.
 */
static const char *index_shape(struct gate_arena *a, const char *def)
{
    const char *p = def ? strstr(def, "INDEX ") : NULL;
    const char *end;
    struct gate_buf b = {0};
    const char *shape;

    if (!p)
        return def;
    end = p + 6;
    if (*end == '"') {
        for (end++; *end; end++) {
            if (*end == '"' && end[1] != '"')
                break;
            if (*end == '"')
                end++;
        }
        if (!*end)
            return def;
        end++;
    } else {
        end = strchr(end, ' ');
        if (!end)
            return def;
    }
    if (strncmp(end, " ON ", 4) != 0)
        return def;
    gate_buf_add(&b, def, (size_t)(p + 6 - def));
    gate_buf_adds(&b, end + 1);
    shape = gate_arena_strdup(a, gate_buf_str(&b));
    gate_buf_release(&b);
    return shape;
}

/* The value of the _ field name in row i (borrowed from r), or NULL. */
static const char *field(const struct gate_db_result *r, int i, const char **keys, int cols,
                         const char *name)
{
    for (int c = 4; c < cols; c++)
        if (!strcmp(keys[c], name))
            return gate_db_result_value(r, i, c);
    return NULL;
}

/* "schema\ttable\tattnum": a column's key in l->cols. */
static void col_key(struct gate_buf *b, const char *schema, const char *table, const char *attnum)
{
    b->len = 0;
    gate_buf_printf(b, "%s\t%s\t%s", schema ? schema : "", table ? table : "",
                    attnum ? attnum : "");
}

/* A column as index definitions name it, for index_definition. */
static void keep_column(struct loader *l, const struct gate_dbobj *o,
                        const struct gate_db_result *r, int i, const char **keys, int cols)
{
    const char *attnum = field(r, i, keys, cols, "_attnum");
    const char *qname = field(r, i, keys, cols, "_qname");
    const char *typid = field(r, i, keys, cols, "_typid"),
               *coll = field(r, i, keys, cols, "_collid");
    const char *typtype = field(r, i, keys, cols, "_typtype");
    const char *typcat = field(r, i, keys, cols, "_typcat");
    struct colinfo *ci;
    struct gate_buf k = {0};

    if (!attnum || !qname || !typid || !coll)
        return;
    ci = gate_arena_alloc(l->a, sizeof(*ci));
    ci->qname = gate_arena_strdup(l->a, qname);
    ci->typid = strtoul(typid, NULL, 10);
    ci->collid = strtoul(coll, NULL, 10);
    ci->typtype = typtype ? typtype[0] : '\0';
    ci->typcat = typcat ? typcat[0] : '\0';
    col_key(&k, o->schema, o->table, attnum);
    gate_hmap_upserts(&l->cols, gate_buf_str(&k), NULL)->ptr = ci;
    gate_buf_release(&k);
}

/* An index whose definition index_definition writes: its _ fields. */
static void keep_index(struct loader *l, const struct gate_dbobj *o, const struct gate_db_result *r,
                       int i, const char **keys, int cols)
{
    struct pending *p;

    (void)o;
    l->pending = gate_xrealloc(l->pending, (l->npending + 1) * sizeof(*l->pending));
    p = &l->pending[l->npending++];
    p->obj = l->n - 1;
    for (size_t f = 0; f < GATE_ARRAY_SIZE(index_fields); f++)
        p->f[f] = value_text(l->a, field(r, i, keys, cols, index_fields[f]), 0);
}

/* An index object's definition attribute (NULL until now), and its shape from it. */
static void set_definition(struct loader *l, struct gate_dbobj *o, const char *def)
{
    for (size_t i = 0; i < o->nattrs; i++)
        if (!strcmp(o->attrs[i].key, "definition"))
            o->attrs[i].value = def;
    o->shape = index_shape(l->a, def);
}

static enum gate_code load(struct loader *l, const struct gate_db_result *r, struct gate_err *err)
{
    int rows = gate_db_result_rows(r), cols = gate_db_result_cols(r);
    const char **keys;

    if (cols < 4)
        GATE_BUG("introspect: a query returns fewer than four columns");
    if ((size_t)rows > GATE_INTROSPECT_MAX_OBJECTS - l->n)
        return gate_fail(err, GATE_E_LIMIT, "the database holds more than %d schema objects",
                         GATE_INTROSPECT_MAX_OBJECTS);
    if (l->n + (size_t)rows > l->cap) {
        l->cap = (l->n + (size_t)rows) * 2 + 64;
        l->objs = gate_xrealloc(l->objs, l->cap * sizeof(*l->objs));
    }
    /* the attribute names once per query, shared by its rows */
    keys = gate_arena_alloc(l->a, (size_t)cols * sizeof(*keys));
    for (int c = 4; c < cols; c++)
        keys[c] = gate_arena_strdup(l->a, gate_db_result_colname(r, c));
    for (int i = 0; i < rows; i++) {
        struct gate_dbobj *o = &l->objs[l->n];
        const char *kind = gate_db_result_value(r, i, 0);
        int rank = kind ? gate_dbobj_kind_rank(kind) : -1;
        bool member = false;

        for (int c = 4; c < cols && !member; c++) {
            const char *v = gate_db_result_value(r, i, c);

            member = !strcmp(keys[c], "_ext") && v && gate_hmap_finds(&l->members, v);
        }
        if (member)
            continue; /* an extension's: not compared */
        l->n++;
        memset(o, 0, sizeof(*o));
        if (rank < 0)
            GATE_BUG("introspect: unknown kind");
        o->kind = kinds[rank];
        o->schema = value_text(l->a, gate_db_result_value(r, i, 1), 0);
        o->table = value_text(l->a, gate_db_result_value(r, i, 2), 0);
        o->name = value_text(l->a, gate_db_result_value(r, i, 3), 0);
        o->attrs = gate_arena_alloc(l->a, (size_t)cols * sizeof(*o->attrs));
        for (int c = 4; c < cols; c++) {
            const char *raw = gate_db_result_value(r, i, c);

            if (keys[c][0] == '_') {
                if (!strcmp(keys[c], "_shape"))
                    o->shape = value_text(l->a, raw, 0);
                continue;
            }
            o->attrs[o->nattrs].key = keys[c];
            o->attrs[o->nattrs++].value = value_text(l->a, raw, gate_db_result_coltype(r, c));
        }
        if (o->kind == kinds[4] /* column */)
            keep_column(l, o, r, i, keys, cols);
        if (o->kind == kinds[6] /* index */ && !gate_dbobj_attr(o, "definition"))
            keep_index(l, o, r, i, keys, cols);
        else if (o->kind == kinds[6] && !o->shape)
            o->shape = index_shape(l->a, gate_dbobj_attr(o, "definition"));
    }
    return GATE_OK;
}

/*
 * Could a column of an enum (enum true) or array type match an operator
 * class declared for pseudo-type t? The polymorphic types it coerces to
 * (pg_type.h's OIDs): anyelement, anycompatible and their array or
 * non-array kinds, and anyenum or anyarray.
 */
static bool coerces_to(unsigned long t, bool enum_type)
{
    if (t == 2283 /* anyelement */ || t == 5077 /* anycompatible */)
        return true;
    if (enum_type)
        return t == 3500 /* anyenum */ || t == 2776 /* anynonarray */ ||
               t == 5079 /* anycompatiblenonarray */;
    return t == 2277 /* anyarray */ || t == 5078 /* anycompatiblearray */;
}

/*
 * Is opc the operator class CREATE INDEX gives a column of this type on
 * access method am when it names none (PostgreSQL's GetDefaultOpClass),
 * so that pg_get_indexdef leaves it out? Read here for the cases that do
 * not depend on casts: the one default class of the type itself; or, for
 * an enum or an array type without one, the class of anyenum or anyarray
 * when no other default of the access method takes a polymorphic type
 * the column coerces to. Anything else (a domain, varchar's text_ops, ...)
 * is left to pg_get_indexdef.
 */
static bool default_opclass(const struct loader *l, unsigned long am, const struct colinfo *c,
                            unsigned long opc)
{
    unsigned long exact = 0, poly = 0, want = 0;
    int nexact = 0, npoly = 0;

    if (c->typtype == 'e')
        want = 3500; /* anyenum */
    else if (c->typcat == 'A')
        want = 2277; /* anyarray */
    for (size_t i = 0; i < l->ndefaults; i++) {
        const struct opclass *d = &l->defaults[i];

        if (d->am != am)
            continue;
        if (d->intype == c->typid) {
            nexact++;
            exact = d->oid;
        } else if (want && coerces_to(d->intype, want == 3500)) {
            npoly++;
            if (d->intype == want)
                poly = d->oid;
        }
    }
    if (nexact)
        return nexact == 1 && exact == opc;
    return want && npoly == 1 && poly == opc;
}

/* The space-separated numbers of an int2vector or oidvector into v[0..max); how many. */
static int vector(const char *s, unsigned long *v, int max)
{
    int n = 0;

    while (s && *s && n < max) {
        char *end;

        v[n++] = strtoul(s, &end, 10);
        if (end == s)
            return -1;
        s = end + strspn(end, " ");
    }
    return s && *s ? -1 : n;
}

#define INDEX_MAX_KEYS 32 /* PostgreSQL's INDEX_MAX_KEYS */

/*
 * The definition of a pending index as pg_get_indexdef writes it for
 * plain columns: CREATE [UNIQUE ]INDEX name ON schema.table USING am
 * (col[ DESC][ NULLS FIRST|LAST], ...)[ INCLUDE (col, ...)][ NULLS NOT
 * DISTINCT], every name as quote_ident gives it; on the arena. NULL when
 * a column is not plain, takes an operator class or a collation that is
 * not its default, or the fields do not read: pg_get_indexdef then.
 */
static const char *index_definition(struct loader *l, const struct pending *p)
{
    const struct gate_dbobj *o = &l->objs[p->obj];
    unsigned long key[INDEX_MAX_KEYS], opc[INDEX_MAX_KEYS], coll[INDEX_MAX_KEYS];
    unsigned long opt[INDEX_MAX_KEYS];
    int n = vector(p->f[F_KEY], key, INDEX_MAX_KEYS);
    int nkey = p->f[F_NKEY] ? (int)strtol(p->f[F_NKEY], NULL, 10) : -1;
    bool ordered = p->f[F_ORDERED] && !strcmp(p->f[F_ORDERED], "t");
    unsigned long am = p->f[F_AM] ? strtoul(p->f[F_AM], NULL, 10) : 0;
    struct gate_buf b = {0}, k = {0};
    const char *def = NULL;

    if (n < 1 || nkey < 1 || nkey > n || !p->f[F_ON] || !p->f[F_UNIQUE] ||
        vector(p->f[F_CLASS], opc, INDEX_MAX_KEYS) != nkey ||
        vector(p->f[F_COLL], coll, INDEX_MAX_KEYS) != nkey ||
        vector(p->f[F_OPT], opt, INDEX_MAX_KEYS) != nkey)
        return NULL;
    gate_buf_printf(&b, "CREATE %sINDEX %s (", !strcmp(p->f[F_UNIQUE], "t") ? "UNIQUE " : "",
                    p->f[F_ON]);
    for (int i = 0; i < n; i++) {
        char num[16];
        const struct gate_hmap_entry *e;
        const struct colinfo *c;

        (void)snprintf(num, sizeof(num), "%lu", key[i]);
        col_key(&k, o->schema, o->table, num);
        e = key[i] ? gate_hmap_finds(&l->cols, gate_buf_str(&k)) : NULL;
        if (!e || !(c = e->ptr))
            goto out; /* an expression, or a column not read */
        gate_buf_adds(&b, i == nkey ? ") INCLUDE (" : i ? ", " : "");
        gate_buf_adds(&b, c->qname);
        if (i >= nkey)
            continue; /* an INCLUDE column has no decoration */
        if ((coll[i] && coll[i] != c->collid) || !default_opclass(l, am, c, opc[i]))
            goto out;
        if (ordered && (opt[i] & 1)) /* INDOPTION_DESC; NULLS FIRST is its default */
            gate_buf_adds(&b, opt[i] & 2 ? " DESC" : " DESC NULLS LAST");
        else if (ordered && (opt[i] & 2)) /* INDOPTION_NULLS_FIRST */
            gate_buf_adds(&b, " NULLS FIRST");
        else if (opt[i])
            goto out;
    }
    gate_buf_addc(&b, ')');
    if (p->f[F_NND] && !strcmp(p->f[F_NND], "t"))
        gate_buf_adds(&b, " NULLS NOT DISTINCT");
    def = gate_arena_strdup(l->a, gate_buf_str(&b));
out:
    gate_buf_release(&b);
    gate_buf_release(&k);
    return def;
}

/*
 * Every pending index's definition into its object: written here, or
 * (those index_definition cannot write) pg_get_indexdef's, asked in one
 * more query through db. An index dropped in between makes the read
 * fail (run it again).
 */
static enum gate_code write_indexes(struct loader *l, struct gate_db *db, struct gate_err *err)
{
    struct gate_buf oids = {0};
    struct gate_db_result *r = NULL;
    enum gate_code rc = GATE_OK;
    size_t nleft = 0;

    for (size_t i = 0; i < l->npending; i++) {
        struct pending *p = &l->pending[i];
        const char *def = index_definition(l, p);

        if (!def) {
            gate_buf_printf(&oids, "%s%s", nleft++ ? "," : "", p->f[F_OID] ? p->f[F_OID] : "0");
            continue;
        }
        set_definition(l, &l->objs[p->obj], def);
        p->f[F_OID] = NULL; /* done */
    }
    if (!nleft)
        goto out;
    if (!db)
        GATE_BUG("introspect: an index definition to ask, and no connection");
    {
        char *sql = gate_xasprintf("SELECT oid, pg_get_indexdef(oid) FROM unnest('{%s}'::oid[]) "
                                   "AS oid",
                                   gate_buf_str(&oids));

        rc = gate_db_exec(db, sql, &r, err);
        free(sql);
    }
    for (size_t i = 0; !rc && i < l->npending; i++) {
        struct pending *p = &l->pending[i];
        const char *def = NULL;

        if (!p->f[F_OID])
            continue;
        for (int row = 0; row < gate_db_result_rows(r) && !def; row++)
            if (!strcmp(gate_db_result_value(r, row, 0), p->f[F_OID]))
                def = gate_db_result_value(r, row, 1);
        if (!def)
            rc = gate_fail(err, GATE_E_DB,
                           "index \"%s\" was dropped while the catalog was read: run it again",
                           l->objs[p->obj].name);
        else
            set_definition(l, &l->objs[p->obj], gate_arena_strdup(l->a, def));
    }
    gate_db_result_free(r);
out:
    gate_buf_release(&oids);
    return rc;
}

/* rc; a lock timeout (SQLSTATE 55P03, which db.c puts in the message) says what it means. */
static enum gate_code lock_timed_out(enum gate_code rc, struct gate_err *err)
{
    char msg[sizeof(err->msg)];

    if (!strstr(err->msg, "SQLSTATE 55P03"))
        return rc;
    (void)snprintf(msg, sizeof(msg), "%s", err->msg);
    gate_err_clear(err);
    return gate_fail(
        err, rc,
        "%s; another session (a migration?) holds a lock on a table whose "
        "definition is read here, and the read gives up after lock_timeout " GATE_INTROSPECT_LOCK_TIMEOUT
        " rather than wait: nothing was compared, run it again when that "
        "session is done",
        msg);
}

/* The loaded objects sorted into out, in the arena a; the loader's buffer freed. */
static enum gate_code loader_finish(struct loader *l, struct gate_dbmodel *out,
                                    struct gate_arena *a)
{
    if (l->n)
        qsort(l->objs, l->n, sizeof(*l->objs), obj_qsort_cmp);
    out->objs = gate_arena_alloc(a, (l->n ? l->n : 1) * sizeof(*out->objs));
    if (l->n)
        memcpy(out->objs, l->objs, l->n * sizeof(*l->objs));
    out->n = l->n;
    free(l->objs);
    return GATE_OK;
}

char *gate_introspect_sql(const char *const *schemas, size_t nschemas, int server_version)
{
    struct gate_buf list = {0}, sql = {0};

    gate_buf_addc(&list, '(');
    for (size_t i = 0; i < nschemas; i++) {
        char *q = gate_db_quote_literal(schemas[i]);

        gate_buf_printf(&list, "%s%s", i ? ", " : "", q);
        free(q);
    }
    if (!nschemas)
        gate_buf_adds(&list, "NULL");
    gate_buf_addc(&list, ')');

    /*
     * One round trip: the transaction and every query, as one string. A
     * view's, a policy's and a generated column's text is printed with its
     * table opened (ACCESS SHARE): behind a migration's ACCESS EXCLUSIVE
     * lock the read gives up after lock_timeout instead of waiting for it
     * (a nightly job that hangs reports nothing), and nothing runs longer
     * than statement_timeout.
     */
    gate_buf_adds(&sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n"
                        "SET LOCAL lock_timeout = '" GATE_INTROSPECT_LOCK_TIMEOUT "';\n"
                        "SET LOCAL statement_timeout = '" GATE_INTROSPECT_STATEMENT_TIMEOUT
                        "';\n" EXT_MEMBERS ";\n" DEFAULT_OPCLASSES ";\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(queries); i++) {
        const char *p = queries[i], *s;

        /* every %s is the schema list, %n NULLS NOT DISTINCT's column or false */
        for (s = strchr(p, '%'); s; s = strchr(p, '%')) {
            gate_buf_add(&sql, p, (size_t)(s - p));
            if (s[1] == 's')
                gate_buf_adds(&sql, gate_buf_str(&list));
            else if (s[1] == 'n')
                gate_buf_adds(&sql, server_version >= 150000 ? "x.indnullsnotdistinct" : "false");
            else
                GATE_BUG("introspect: an unknown % in a query");
            p = s + 2;
        }
        gate_buf_adds(&sql, p);
        gate_buf_adds(&sql, ";\n");
    }
    gate_buf_adds(&sql, "COMMIT");
    gate_buf_release(&list);
    return gate_buf_detach(&sql);
}

enum gate_code gate_introspect_failed(struct gate_db *db, enum gate_code rc, struct gate_err *err)
{
    struct gate_err ignored = {0};

    (void)exec0(db, "ROLLBACK", &ignored);
    return lock_timed_out(rc, err);
}

enum gate_code gate_introspect_load(struct gate_db *db, struct gate_db_result **r, int nr,
                                    struct gate_arena *a, struct gate_dbmodel *out,
                                    struct gate_err *err)
{
    struct loader l = {.a = a};
    enum gate_code rc = GATE_OK;

    memset(out, 0, sizeof(*out));
    if (nr != GATE_INTROSPECT_QUERIES)
        GATE_BUG("introspect: a query returned no result");
    for (int i = 0; i < nr; i++) {
        out->queries++;
        if (i == 0)
            load_members(&l, r[i]);
        else if (i == 1)
            load_defaults(&l, r[i]);
        else if (!rc)
            rc = load(&l, r[i], err);
        gate_db_result_free(r[i]);
        r[i] = NULL;
    }
    if (!rc)
        rc = write_indexes(&l, db, err);
    gate_hmap_release(&l.members);
    gate_hmap_release(&l.cols);
    free(l.pending);
    if (rc) {
        free(l.objs);
        return rc;
    }
    return loader_finish(&l, out, a);
}

enum gate_code gate_introspect(struct gate_db *db, const char *const *schemas, size_t nschemas,
                               struct gate_arena *a, struct gate_dbmodel *out, struct gate_err *err)
{
    struct gate_db_result *r[GATE_INTROSPECT_QUERIES + 1];
    char *sql = gate_introspect_sql(schemas, nschemas, gate_db_server_version_num(db));
    int nr = 0;
    enum gate_code rc;

    memset(out, 0, sizeof(*out));
    rc = gate_db_exec_each(db, sql, r, (int)GATE_ARRAY_SIZE(r), &nr, err);
    free(sql);
    if (rc)
        return gate_introspect_failed(db, rc, err);
    return gate_introspect_load(db, r, nr, a, out, err);
}

/* s with every "from." replaced by "to." (malloc'd buffer; NULL: nothing to replace). */
static const char *requalify(const char *s, const char *from, const char *to, struct gate_arena *a)
{
    struct gate_buf b = {0};
    size_t n = strlen(from);
    const char *p = s, *hit;
    const char *r;

    if (!s || !strstr(s, from))
        return s;
    for (hit = strstr(p, from); hit; hit = strstr(p, from)) {
        /* a whole qualifier: not inside another word, followed by '.' */
        bool start =
            hit == s || !(isalnum((unsigned char)hit[-1]) || hit[-1] == '_' || hit[-1] == '"');
        bool qualifies = hit[n] == '.';

        gate_buf_add(&b, p, (size_t)(hit - p));
        gate_buf_adds(&b, start && qualifies ? to : from);
        p = hit + n;
    }
    gate_buf_adds(&b, p);
    r = gate_arena_strdup(a, gate_buf_str(&b));
    gate_buf_release(&b);
    return r;
}

/* How the catalog prints a schema name: bare when it is a plain lower-case identifier. */
static bool bare_ident(const char *s)
{
    if (!*s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '$'))
            return false;
    return true;
}

void gate_dbmodel_rename_schema(struct gate_dbmodel *m, const char *from, const char *to,
                                struct gate_arena *a)
{
    char *qf, *qt;
    const char *to_printed;

    if (!strcmp(from, to))
        return;
    qf = gate_db_quote_ident(from);
    qt = gate_db_quote_ident(to);
    to_printed = bare_ident(to) ? to : qt;
    for (size_t i = 0; i < m->n; i++) {
        struct gate_dbobj *o = &m->objs[i];

        if (o->schema && !strcmp(o->schema, from))
            o->schema = to;
        for (size_t k = 0; k < o->nattrs; k++) {
            o->attrs[k].value = requalify(o->attrs[k].value, qf, to_printed, a);
            if (bare_ident(from))
                o->attrs[k].value = requalify(o->attrs[k].value, from, to_printed, a);
        }
        o->shape = requalify(o->shape, qf, to_printed, a);
        if (bare_ident(from))
            o->shape = requalify(o->shape, from, to_printed, a);
    }
    free(qf);
    free(qt);
    if (m->n)
        qsort(m->objs, m->n, sizeof(*m->objs), obj_qsort_cmp);
}

/* ------------------------------------------------------------ snapshots */

/*
 * The format's own version: bump it when the text below changes. The
 * introspection's version (gate_introspect_version) adds a digest of the
 * queries, so a gate whose queries read other attributes, or print them
 * otherwise, never takes a snapshot written by another.
 */
#define SNAPSHOT_FORMAT "prisma-gate dbmodel v1"

const char *gate_introspect_version(void)
{
    static char v[17];

    if (!v[0]) {
        struct gate_buf b = {0};
        char d[65];

        gate_buf_adds(&b, SNAPSHOT_FORMAT);
        gate_buf_adds(&b, "\n" EXT_MEMBERS "\n" DEFAULT_OPCLASSES);
        for (size_t i = 0; i < GATE_ARRAY_SIZE(queries); i++) {
            gate_buf_addc(&b, '\n');
            gate_buf_adds(&b, queries[i]);
        }
        gate_sha256_hex(b.data, b.len, d);
        gate_buf_release(&b);
        memcpy(v, d, 16);
    }
    return v;
}

/* One field: \N for NULL; backslash, tab, newline and CR escaped. */
static void put_field(struct gate_buf *b, const char *s)
{
    gate_buf_addc(b, '\t');
    if (!s) {
        gate_buf_adds(b, "\\N");
        return;
    }
    while (*s) {
        size_t plain = strcspn(s, "\\\t\n\r"); /* the run that needs no escape, at once */

        gate_buf_add(b, s, plain);
        s += plain;
        if (!*s)
            break;
        switch (*s++) {
        case '\\':
            gate_buf_adds(b, "\\\\");
            break;
        case '\t':
            gate_buf_adds(b, "\\t");
            break;
        case '\n':
            gate_buf_adds(b, "\\n");
            break;
        default: /* '\r' */
            gate_buf_adds(b, "\\r");
            break;
        }
    }
}

char *gate_dbmodel_serialize(const struct gate_dbmodel *m)
{
    struct gate_buf b = {0};

    gate_buf_adds(&b, SNAPSHOT_FORMAT);
    gate_buf_addc(&b, '\n');
    for (size_t i = 0; i < m->n; i++) {
        const struct gate_dbobj *o = &m->objs[i];
        char n[32];

        gate_buf_addc(&b, 'o');
        put_field(&b, o->kind);
        put_field(&b, o->schema);
        put_field(&b, o->table);
        put_field(&b, o->name);
        put_field(&b, o->shape);
        (void)snprintf(n, sizeof(n), "%zu", o->nattrs);
        put_field(&b, n);
        gate_buf_addc(&b, '\n');
        for (size_t k = 0; k < o->nattrs; k++) {
            gate_buf_addc(&b, 'a');
            put_field(&b, o->attrs[k].key);
            put_field(&b, o->attrs[k].value);
            gate_buf_addc(&b, '\n');
        }
    }
    return gate_buf_detach(&b);
}

/*
 * Split one line (without its '\n') into tab-separated fields after the
 * tag character, unescaped into the arena; NULL fields for \N. Returns
 * the number of fields, -1 on a malformed escape or past max.
 */
static int get_fields(const char *p, const char *end, struct gate_arena *a, const char **f, int max)
{
    int n = 0;
    struct gate_buf b = {0};

    p++; /* the tag */
    while (p < end) {
        bool null = false;

        if (*p != '\t' || n == max) {
            gate_buf_release(&b);
            return -1;
        }
        p++;
        b.len = 0;
        if (end - p >= 2 && p[0] == '\\' && p[1] == 'N' && (end - p == 2 || p[2] == '\t')) {
            null = true;
            p += 2;
        }
        while (!null && p < end && *p != '\t') {
            if (*p != '\\') {
                gate_buf_addc(&b, *p++);
                continue;
            }
            if (end - p < 2) {
                gate_buf_release(&b);
                return -1;
            }
            switch (p[1]) {
            case '\\':
                gate_buf_addc(&b, '\\');
                break;
            case 't':
                gate_buf_addc(&b, '\t');
                break;
            case 'n':
                gate_buf_addc(&b, '\n');
                break;
            case 'r':
                gate_buf_addc(&b, '\r');
                break;
            default:
                gate_buf_release(&b);
                return -1;
            }
            p += 2;
        }
        f[n++] = null ? NULL : gate_arena_strndup(a, b.data ? b.data : "", b.len);
    }
    gate_buf_release(&b);
    return n;
}

enum gate_code gate_dbmodel_parse(const char *text, size_t len, struct gate_arena *a,
                                  struct gate_dbmodel *out, struct gate_err *err)
{
    const char *p = text, *end = text + len;
    const char *nl = memchr(p, '\n', len);
    struct loader l = {.a = a};
    struct gate_dbobj *o = NULL;
    size_t want = 0;

    memset(out, 0, sizeof(*out));
    if (!nl || (size_t)(nl - p) != strlen(SNAPSHOT_FORMAT) ||
        memcmp(p, SNAPSHOT_FORMAT, strlen(SNAPSHOT_FORMAT)) != 0)
        return gate_fail(err, GATE_E_DB, "not a %s snapshot", SNAPSHOT_FORMAT);
    for (p = nl + 1; p < end; p = nl + 1) {
        const char *f[6];
        int n;

        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        n = get_fields(p, nl, a, f, 6);
        if (*p == 'o' && n == 6 && !want) {
            int rank = f[0] ? gate_dbobj_kind_rank(f[0]) : -1;
            char *e = NULL;
            unsigned long long k = f[5] ? strtoull(f[5], &e, 10) : 0;

            if (rank < 0 || !f[5] || *e || k > 1000 || l.n >= GATE_INTROSPECT_MAX_OBJECTS)
                break;
            gate_xgrow((void **)&l.objs, &l.cap, l.n + 1, sizeof(*l.objs));
            o = &l.objs[l.n++];
            memset(o, 0, sizeof(*o));
            o->kind = kinds[rank];
            o->schema = f[1];
            o->table = f[2];
            o->name = f[3];
            o->shape = f[4];
            want = (size_t)k;
            o->attrs = gate_arena_alloc(a, (want ? want : 1) * sizeof(*o->attrs));
        } else if (*p == 'a' && n == 2 && want && f[0]) {
            o->attrs[o->nattrs].key = f[0];
            o->attrs[o->nattrs++].value = f[1];
            want--;
        } else {
            break;
        }
    }
    if (p != end || want) {
        free(l.objs);
        return gate_fail(err, GATE_E_DB, "a damaged %s snapshot", SNAPSHOT_FORMAT);
    }
    return loader_finish(&l, out, a);
}
