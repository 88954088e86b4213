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

#define NOT_PRISMA " c.relname <> '_prisma_migrations' "

/* %s: the schema list, "('public')". */
static const char *const queries[GATE_INTROSPECT_QUERIES - 1] = {
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
    " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation" EXT(
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
     * indexes, except those a constraint of the same table owns; the
     * name-free shape is cut from the definition here (index_shape), not
     * by a second pg_get_indexdef per index
     */
    "SELECT 'index', n.nspname, c.relname, i.relname, pg_get_indexdef(i.oid) AS definition" EXT(
        "1259",
        "c.oid") " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
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

struct loader {
    struct gate_arena *a;
    struct gate_dbobj *objs; /* malloc'd while loading */
    size_t n, cap;
    struct gate_hmap members; /* EXT_MEMBERS: "classid:objid" of extensions' objects */
};

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
            const char *v =
                value_text(l->a, gate_db_result_value(r, i, c), gate_db_result_coltype(r, c));

            if (keys[c][0] == '_') {
                if (!strcmp(keys[c], "_shape"))
                    o->shape = v;
                continue;
            }
            o->attrs[o->nattrs].key = keys[c];
            o->attrs[o->nattrs++].value = v;
        }
        if (o->kind == kinds[6] /* index */ && !o->shape)
            o->shape = index_shape(l->a, gate_dbobj_attr(o, "definition"));
    }
    return GATE_OK;
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

char *gate_introspect_sql(const char *const *schemas, size_t nschemas)
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
                        "';\n" EXT_MEMBERS ";\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(queries); i++) {
        const char *p = queries[i], *s;

        /* every %s is the schema list */
        for (s = strstr(p, "%s"); s; s = strstr(p, "%s")) {
            gate_buf_add(&sql, p, (size_t)(s - p));
            gate_buf_adds(&sql, gate_buf_str(&list));
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

enum gate_code gate_introspect_load(struct gate_db_result **r, int nr, struct gate_arena *a,
                                    struct gate_dbmodel *out, struct gate_err *err)
{
    struct loader l = {.a = a};
    enum gate_code rc = GATE_OK;

    memset(out, 0, sizeof(*out));
    if (nr != GATE_INTROSPECT_QUERIES)
        GATE_BUG("introspect: a query returned no result");
    for (int i = 0; i < nr; i++) {
        out->queries++;
        if (!i)
            load_members(&l, r[i]);
        else if (!rc)
            rc = load(&l, r[i], err);
        gate_db_result_free(r[i]);
        r[i] = NULL;
    }
    gate_hmap_release(&l.members);
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
    char *sql = gate_introspect_sql(schemas, nschemas);
    int nr = 0;
    enum gate_code rc;

    memset(out, 0, sizeof(*out));
    rc = gate_db_exec_each(db, sql, r, (int)GATE_ARRAY_SIZE(r), &nr, err);
    free(sql);
    if (rc)
        return gate_introspect_failed(db, rc, err);
    return gate_introspect_load(r, nr, a, out, err);
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
        gate_buf_adds(&b, "\n" EXT_MEMBERS);
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
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            gate_buf_adds(b, "\\\\");
            break;
        case '\t':
            gate_buf_adds(b, "\\t");
            break;
        case '\n':
            gate_buf_adds(b, "\\n");
            break;
        case '\r':
            gate_buf_adds(b, "\\r");
            break;
        default:
            gate_buf_addc(b, *s);
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
