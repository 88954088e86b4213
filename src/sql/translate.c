/* SPDX-License-Identifier: MIT */
/*
 * translate.c - one raw statement's parse tree (libpg_query's protobuf
 * structs) -> struct gate_stmt, the IR of sql.h: names, types, columns,
 * constraints, ALTER TABLE commands and the rest. Where the IR wants
 * "everything below a node" (string literals, the volatility of an
 * expression) the tree is walked generically through the protobuf-c
 * descriptors.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/xalloc.h"
#include "sql_internal.h"

#include <stdlib.h>

/*
 * Builtins that are not volatile (pg_proc.provolatile 'i' or 's'), by
 * name. Any other function in a DEFAULT counts as volatile. Sorted for
 * bsearch (strcmp order).
 */
static const char *const nonvolatile_funcs[] = {
    "abs",
    "acos",
    "age",
    "array_append",
    "array_cat",
    "array_fill",
    "array_length",
    "array_lower",
    "array_position",
    "array_prepend",
    "array_remove",
    "array_replace",
    "array_to_json",
    "array_to_string",
    "array_upper",
    "ascii",
    "asin",
    "atan",
    "atan2",
    "bit_length",
    "bool",
    "btrim",
    "cardinality",
    "cbrt",
    "ceil",
    "ceiling",
    "char_length",
    "character_length",
    "chr",
    "coalesce",
    "concat",
    "concat_ws",
    "cos",
    "cot",
    "current_database",
    "current_schema",
    "current_schemas",
    "current_setting",
    "date",
    "date_part",
    "date_trunc",
    "decode",
    "degrees",
    "div",
    "encode",
    "exp",
    "extract",
    "float4",
    "float8",
    "floor",
    "format",
    "gcd",
    "greatest",
    "initcap",
    "int2",
    "int4",
    "int8",
    "isfinite",
    "json_build_array",
    "json_build_object",
    "json_object",
    "json_strip_nulls",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_object",
    "jsonb_set",
    "jsonb_strip_nulls",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "lcm",
    "least",
    "left",
    "length",
    "ln",
    "log",
    "log10",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "make_interval",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "md5",
    "mod",
    "normalize",
    "now",
    "nullif",
    "numeric",
    "octet_length",
    "overlay",
    "pg_backend_pid",
    "pg_postmaster_start_time",
    "pi",
    "position",
    "power",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "radians",
    "regexp_replace",
    "regexp_split_to_array",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sign",
    "sin",
    "split_part",
    "sqrt",
    "starts_with",
    "statement_timestamp",
    "string_to_array",
    "strpos",
    "substr",
    "substring",
    "tan",
    "text",
    "timezone",
    "to_char",
    "to_date",
    "to_hex",
    "to_json",
    "to_jsonb",
    "to_number",
    "to_timestamp",
    "to_tsvector",
    "transaction_timestamp",
    "translate",
    "trim",
    "trunc",
    "upper",
    "uuid_generate_v3",
    "uuid_generate_v5",
    "uuid_nil",
    "uuid_ns_dns",
    "uuid_ns_oid",
    "uuid_ns_url",
    "uuid_ns_x500",
    "version",
    "width_bucket",
};

/* Type names PostgreSQL accepts as aliases, and the internal name. */
static const struct {
    const char *alias;
    const char *name;
} type_aliases[] = {
    {"bigint", "int8"},
    {"bigserial", "bigserial"},
    {"boolean", "bool"},
    {"character", "bpchar"},
    {"character varying", "varchar"},
    {"decimal", "numeric"},
    {"double precision", "float8"},
    {"float", "float8"},
    {"int", "int4"},
    {"integer", "int4"},
    {"real", "float4"},
    {"serial", "serial"},
    {"serial2", "smallserial"},
    {"serial4", "serial"},
    {"serial8", "bigserial"},
    {"smallint", "int2"},
    {"smallserial", "smallserial"},
    {"time with time zone", "timetz"},
    {"time without time zone", "time"},
    {"timestamp with time zone", "timestamptz"},
    {"timestamp without time zone", "timestamp"},
};

/* The message inside a Node wrapper, NULL when unset. */
static const ProtobufCMessage *node_msg(const PgQuery__Node *n)
{
    const ProtobufCFieldDescriptor *f;
    const char *base = (const char *)n;

    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return NULL;
    f = protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor,
                                                (unsigned)n->node_case);
    if (!f)
        return NULL;
    return *(const ProtobufCMessage *const *)(const void *)(base + f->offset);
}

/* ---- generic tree walk -------------------------------------------------- */

static const ProtobufCMessage *unwrap(const ProtobufCMessage *m)
{
    if (m && m->descriptor == &pg_query__node__descriptor)
        return node_msg((const PgQuery__Node *)(const void *)m);
    return m;
}

/* Call fn on every child message of m (Node wrappers already opened). */
static void walk_children(const ProtobufCMessage *m,
                          void (*fn)(const ProtobufCMessage *child, void *arg), void *arg)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *base = (const char *)m;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];

        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            const ProtobufCMessage *const *arr =
                *(const ProtobufCMessage *const *const *)(const void *)(base + f->offset);

            for (size_t j = 0; j < n; j++) {
                const ProtobufCMessage *child = unwrap(arr[j]);

                if (child)
                    fn(child, arg);
            }
        } else {
            const ProtobufCMessage *child;

            if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
                continue;
            child = unwrap(*(const ProtobufCMessage *const *)(const void *)(base + f->offset));
            if (child)
                fn(child, arg);
        }
    }
}

static void collect_strings(const ProtobufCMessage *m, void *arg)
{
    struct ctx *c = arg;

    if (m->descriptor == &pg_query__a__const__descriptor) {
        const PgQuery__AConst *k = (const PgQuery__AConst *)(const void *)m;

        if (k->val_case == PG_QUERY__A__CONST__VAL_SVAL && k->sval) {
            GATE_GROW(c->strs, c->strcap, c->nstrs + 1);
            c->strs[c->nstrs++] = value_dup(c, k->sval->sval);
        }
        return;
    }
    walk_children(m, collect_strings, arg);
}

/* ---- expressions ------------------------------------------------------ */

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/*
 * The builtins of nonvolatile_funcs that take no argument: called with
 * arguments (now(123)), the name resolves to some other, user-defined
 * function, which counts as volatile. Sorted for bsearch.
 */
static const char *const niladic_funcs[] = {
    "current_database",
    "now",
    "pg_backend_pid",
    "pg_postmaster_start_time",
    "pi",
    "statement_timestamp",
    "transaction_timestamp",
    "uuid_nil",
    "uuid_ns_dns",
    "uuid_ns_oid",
    "uuid_ns_url",
    "uuid_ns_x500",
    "version",
};

/* name(nargs arguments) is a builtin that is not volatile (by name and arity). */
static bool nonvolatile_builtin(const char *name, size_t nargs)
{
    if (!bsearch(name, nonvolatile_funcs, GATE_ARRAY_SIZE(nonvolatile_funcs),
                 sizeof(nonvolatile_funcs[0]), cmp_name))
        return false;
    return nargs == 0 || !bsearch(name, niladic_funcs, GATE_ARRAY_SIZE(niladic_funcs),
                                  sizeof(niladic_funcs[0]), cmp_name);
}

struct vol_walk {
    enum gate_volatility vol;
    const char *func; /* first volatile function; borrowed from the tree */
    int func_loc;     /* its call's location in the statement, -1 unknown */
    size_t func_nargs;
};

static void vol_visit(const ProtobufCMessage *m, void *arg)
{
    struct vol_walk *w = arg;
    const ProtobufCMessageDescriptor *d = m->descriptor;

    if (d == &pg_query__a__const__descriptor)
        return;
    if (d == &pg_query__sqlvalue_function__descriptor) {
        if (w->vol < GATE_VOL_STABLE)
            w->vol = GATE_VOL_STABLE;
        return;
    }
    if (d == &pg_query__func_call__descriptor) {
        const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)(const void *)m;
        const char *name = fc->n_funcname ? node_str(fc->funcname[fc->n_funcname - 1]) : NULL;
        const char *schema = fc->n_funcname > 1 ? node_str(fc->funcname[fc->n_funcname - 2]) : NULL;
        bool builtin = name && (!schema || !strcmp(schema, "pg_catalog")) &&
                       nonvolatile_builtin(name, fc->n_args);

        if (builtin) {
            if (w->vol < GATE_VOL_STABLE)
                w->vol = GATE_VOL_STABLE;
        } else {
            w->vol = GATE_VOL_VOLATILE;
            if (!w->func) {
                w->func = name;
                w->func_loc = fc->location;
                w->func_nargs = fc->n_args;
            }
        }
    } else if (d == &pg_query__sub_link__descriptor) {
        w->vol = GATE_VOL_VOLATILE;
    } else if (d == &pg_query__column_ref__descriptor || d == &pg_query__param_ref__descriptor) {
        if (w->vol < GATE_VOL_STABLE)
            w->vol = GATE_VOL_STABLE;
        return;
    }
    walk_children(m, vol_visit, arg);
}

/*
 * The call starting at byte a as written: its name through the closing
 * parenthesis ("now(123)", "\"app\".now()"), or NULL when it does not end
 * within the statement on the same line or is longer than 60 bytes.
 */
static const char *call_text(struct ctx *c, int a)
{
    int depth = 0;
    int i;

    if (a < 0 || a >= c->len)
        return NULL;
    for (i = a; i < c->len && i - a <= 60; i++) {
        char ch = c->src[i];

        if (ch == '\'' || ch == '"') {
            while (++i < c->len && c->src[i] != ch && c->src[i] != '\n')
                ;
            if (i >= c->len || c->src[i] != ch)
                return NULL;
        } else if (ch == '(') {
            depth++;
        } else if (ch == ')') {
            if (--depth <= 0)
                break;
        } else if (ch == ';' || ch == '\n' || ch == '\r') {
            return NULL;
        }
    }
    if (depth != 0 || i >= c->len || i - a > 60)
        return NULL;
    return gate_arena_strndup(c->arena, c->src + a, (size_t)(i + 1 - a));
}

/*
 * Volatility of a DEFAULT expression; *func gets the deciding volatile
 * call as written ("now(123)"), or its name followed by "()" or "(...)".
 */
static enum gate_volatility expr_vol(struct ctx *c, const PgQuery__Node *expr, const char **func)
{
    struct vol_walk w = {GATE_VOL_CONST, NULL, -1, 0};
    const ProtobufCMessage *m = node_msg(expr);

    if (func)
        *func = NULL;
    if (!m)
        return GATE_VOL_NONE;
    vol_visit(m, &w);
    if (func && w.vol == GATE_VOL_VOLATILE && w.func) {
        *func = call_text(c, loc(c, w.func_loc));
        if (!*func)
            *func = gate_arena_printf(c->arena, "%s(%s)", w.func, w.func_nargs ? "..." : "");
    }
    return w.vol;
}

/* ---- names and types -------------------------------------------------- */

static void qname_from_list(struct ctx *c, PgQuery__Node *const *items, size_t n,
                            struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (n >= 1)
        q->name = name_dup(c, node_str(items[n - 1]));
    if (n >= 2)
        q->schema = name_dup(c, node_str(items[n - 2]));
}

static void qname_from_rangevar(struct ctx *c, const PgQuery__RangeVar *rv, struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (!rv)
        return;
    q->schema = name_dup(c, rv->schemaname);
    q->name = name_dup(c, rv->relname);
}

static void qname_from_node(struct ctx *c, const PgQuery__Node *n, struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (!n)
        return;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_LIST:
        if (n->list)
            qname_from_list(c, n->list->items, n->list->n_items, q);
        break;
    case PG_QUERY__NODE__NODE_STRING:
        q->name = name_dup(c, node_str(n));
        break;
    case PG_QUERY__NODE__NODE_TYPE_NAME:
        if (n->type_name)
            qname_from_list(c, n->type_name->names, n->type_name->n_names, q);
        break;
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        qname_from_rangevar(c, n->range_var, q);
        break;
    case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
        if (n->object_with_args)
            qname_from_list(c, n->object_with_args->objname, n->object_with_args->n_objname, q);
        break;
    default:
        break;
    }
}

/* Names of a list of String nodes (NULL entries for anything else). */
static const char **name_list(struct ctx *c, PgQuery__Node *const *items, size_t n, int *count)
{
    const char **v = arena_array(c, n, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = name_dup(c, node_str(items[i]));
    *count = to_int(n);
    return v;
}

static void type_none(struct gate_type *t)
{
    memset(t, 0, sizeof(*t));
    t->typmods[0] = -1;
    t->typmods[1] = -1;
}

static const char *type_alias(const char *name)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(type_aliases); i++) {
        if (!strcmp(name, type_aliases[i].alias))
            return type_aliases[i].name;
    }
    return name;
}

static void type_from(struct ctx *c, const PgQuery__TypeName *tn, struct gate_type *t)
{
    const char *name;
    const char *schema;

    type_none(t);
    if (!tn || !tn->n_names)
        return;
    name = node_str(tn->names[tn->n_names - 1]);
    schema = tn->n_names > 1 ? node_str(tn->names[tn->n_names - 2]) : NULL;
    if (schema && !strcmp(schema, "pg_catalog"))
        schema = NULL;
    if (name && !schema)
        name = type_alias(name);
    t->schema = name_dup(c, schema);
    t->name = name_dup(c, name);
    for (size_t i = 0; i < tn->n_typmods && i < 2; i++) {
        const PgQuery__Node *m = tn->typmods[i];

        if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const &&
            m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL && m->a_const->ival)
            t->typmods[i] = m->a_const->ival->ival;
        t->ntypmods = (int)i + 1;
    }
    t->array_dims = to_int(tn->n_array_bounds);
}

/* ---- constraints and columns ------------------------------------------ */

static enum gate_cons_kind cons_kind(PgQuery__ConstrType t)
{
    switch (t) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        return GATE_CONS_CHECK;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        return GATE_CONS_FOREIGN;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        return GATE_CONS_UNIQUE;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        return GATE_CONS_PRIMARY;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        return GATE_CONS_EXCLUSION;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        return GATE_CONS_NOT_NULL;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        return GATE_CONS_NULL;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        return GATE_CONS_DEFAULT;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        return GATE_CONS_IDENTITY;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        return GATE_CONS_GENERATED;
    default:
        return GATE_CONS_OTHER;
    }
}

/* WHERE col IS NULL (col possibly qualified): col, else NULL. */
static const char *is_null_column(struct ctx *c, const PgQuery__Node *expr)
{
    const PgQuery__NullTest *nt;
    const PgQuery__ColumnRef *cr;

    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST || !expr->null_test)
        return NULL;
    nt = expr->null_test;
    if (nt->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NULL || !nt->arg ||
        nt->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !nt->arg->column_ref)
        return NULL;
    cr = nt->arg->column_ref;
    if (cr->n_fields < 1 || cr->n_fields > 2)
        return NULL;
    return name_dup(c, node_str(cr->fields[cr->n_fields - 1]));
}

/* A constant, possibly cast ('x'::text, 42). */
static bool const_expr(const PgQuery__Node *n)
{
    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const && !n->a_const->isnull;
}

/* WHERE col = constant or col IN (constants): col (values counted in *nvalues), else NULL. */
static const char *key_column(struct ctx *c, const PgQuery__Node *expr, int *nvalues)
{
    const PgQuery__AExpr *e;
    const PgQuery__ColumnRef *cr;
    const char *op;

    *nvalues = 0;
    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_A_EXPR || !expr->a_expr)
        return NULL;
    e = expr->a_expr;
    if (e->n_name != 1 || !(op = node_str(e->name[0])) || strcmp(op, "=") != 0 || !e->lexpr ||
        e->lexpr->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !e->lexpr->column_ref)
        return NULL;
    cr = e->lexpr->column_ref;
    if (cr->n_fields < 1 || cr->n_fields > 2)
        return NULL;
    if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && const_expr(e->rexpr)) {
        *nvalues = 1;
    } else if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN && e->rexpr &&
               e->rexpr->node_case == PG_QUERY__NODE__NODE_LIST && e->rexpr->list) {
        for (size_t i = 0; i < e->rexpr->list->n_items; i++) {
            if (!const_expr(e->rexpr->list->items[i]))
                return NULL;
        }
        *nvalues = to_int(e->rexpr->list->n_items);
    } else {
        return NULL;
    }
    return name_dup(c, node_str(cr->fields[cr->n_fields - 1]));
}

/* CHECK (col IS NOT NULL): col, else NULL. */
static const char *check_not_null_column(struct ctx *c, const PgQuery__Node *expr)
{
    const PgQuery__NullTest *nt;
    const PgQuery__ColumnRef *cr;

    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST || !expr->null_test)
        return NULL;
    nt = expr->null_test;
    if (nt->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !nt->arg ||
        nt->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !nt->arg->column_ref)
        return NULL;
    cr = nt->arg->column_ref;
    if (cr->n_fields != 1)
        return NULL;
    return name_dup(c, node_str(cr->fields[0]));
}

static void cons_from(struct ctx *c, const PgQuery__Constraint *k, struct gate_constraint *o)
{
    o->kind = cons_kind(k->contype);
    o->name = name_dup(c, k->conname);
    o->not_valid = k->skip_validation;
    o->index_name = name_dup(c, k->indexname);
    o->using_index = !!o->index_name;
    o->location = loc(c, k->location);
    switch (o->kind) {
    case GATE_CONS_FOREIGN:
        qname_from_rangevar(c, k->pktable, &o->ref);
        o->columns = name_list(c, k->fk_attrs, k->n_fk_attrs, &o->ncolumns);
        o->on_delete_cascade = k->fk_del_action && k->fk_del_action[0] == 'c';
        break;
    case GATE_CONS_PRIMARY:
    case GATE_CONS_UNIQUE:
        o->columns = name_list(c, k->keys, k->n_keys, &o->ncolumns);
        break;
    case GATE_CONS_EXCLUSION:
        o->columns = arena_array(c, k->n_exclusions, sizeof(*o->columns));
        for (size_t i = 0; i < k->n_exclusions; i++) {
            const PgQuery__Node *pair = k->exclusions[i];

            if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list &&
                pair->list->n_items > 0 &&
                pair->list->items[0]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM)
                o->columns[i] = name_dup(c, pair->list->items[0]->index_elem->name);
        }
        o->ncolumns = to_int(k->n_exclusions);
        break;
    case GATE_CONS_CHECK:
        o->check_not_null_column = check_not_null_column(c, k->raw_expr);
        break;
    default:
        break;
    }
}

static void coldef_from(struct ctx *c, const PgQuery__ColumnDef *cd, struct gate_coldef *o)
{
    o->name = name_dup(c, cd->colname);
    type_from(c, cd->type_name, &o->type);
    o->location = loc(c, cd->location);
    o->not_null = cd->is_not_null;
    if (cd->raw_default) {
        o->has_default = true;
        o->default_vol = expr_vol(c, cd->raw_default, &o->default_func);
    }
    if (cd->identity && *cd->identity)
        o->identity = true;
    if (cd->generated && *cd->generated)
        o->generated_stored = true;
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const PgQuery__Node *n = cd->constraints[i];
        const PgQuery__Constraint *k;

        if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || !n->constraint)
            continue;
        k = n->constraint;
        switch (k->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            o->not_null = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
            o->not_null = false;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            o->has_default = true;
            o->default_vol = expr_vol(c, k->raw_expr, &o->default_func);
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
            o->primary_key = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
            o->unique = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            o->references = true;
            qname_from_rangevar(c, k->pktable, &o->ref);
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            o->has_check = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
            o->generated_stored = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            o->identity = true;
            break;
        default:
            break;
        }
    }
}

/* ColumnDef and Constraint entries of a CREATE TABLE / CREATE TYPE AS list. */
static void table_elts(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *elts, size_t n,
                       PgQuery__Node *const *extra, size_t nextra)
{
    size_t ncols = 0;
    size_t ncons = 0;

    for (size_t i = 0; i < n; i++) {
        if (elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
            ncols++;
        else if (elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            ncons++;
    }
    for (size_t i = 0; i < nextra; i++) {
        if (extra[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            ncons++;
    }
    st->cols = arena_array(c, ncols, sizeof(*st->cols));
    st->constraints = arena_array(c, ncons, sizeof(*st->constraints));
    for (size_t i = 0; i < n; i++) {
        if (elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && elts[i]->column_def)
            coldef_from(c, elts[i]->column_def, &st->cols[st->ncols++]);
        else if (elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && elts[i]->constraint)
            cons_from(c, elts[i]->constraint, &st->constraints[st->nconstraints++]);
    }
    for (size_t i = 0; i < nextra; i++) {
        if (extra[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && extra[i]->constraint)
            cons_from(c, extra[i]->constraint, &st->constraints[st->nconstraints++]);
    }
}

/* ---- object kinds ----------------------------------------------------- */

static enum gate_obj_kind obj_kind(PgQuery__ObjectType t)
{
    switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        return GATE_OBJ_TABLE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        return GATE_OBJ_INDEX;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        return GATE_OBJ_SEQUENCE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        return GATE_OBJ_VIEW;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        return GATE_OBJ_MATVIEW;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        return GATE_OBJ_TYPE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        return GATE_OBJ_DOMAIN;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        return GATE_OBJ_SCHEMA;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
        return GATE_OBJ_DATABASE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
        return GATE_OBJ_COLUMN;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
        return GATE_OBJ_CONSTRAINT;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
        return GATE_OBJ_FUNCTION;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
        return GATE_OBJ_TRIGGER;
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
        return GATE_OBJ_EXTENSION;
    default:
        return GATE_OBJ_OTHER;
    }
}

/* Objects named "name ON table": the list is [schema.]table.name. */
static bool obj_on_table(PgQuery__ObjectType t)
{
    return t == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY || t == PG_QUERY__OBJECT_TYPE__OBJECT_RULE;
}

/* rel = the table part of a [schema.]table.name list; returns name. */
static const char *split_on_table(struct ctx *c, const PgQuery__Node *n, struct gate_qname *rel)
{
    const PgQuery__List *l;

    if (!n || n->node_case != PG_QUERY__NODE__NODE_LIST || !n->list || !n->list->n_items) {
        qname_from_node(c, n, rel);
        return NULL;
    }
    l = n->list;
    qname_from_list(c, l->items, l->n_items - 1, rel);
    return name_dup(c, node_str(l->items[l->n_items - 1]));
}

static void objects_from(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *objs, size_t n)
{
    st->objects = arena_array(c, n, sizeof(*st->objects));
    st->nobjects = to_int(n);
    for (size_t i = 0; i < n; i++)
        qname_from_node(c, objs[i], &st->objects[i]);
    if (n)
        st->rel = st->objects[0];
}

/* ---- ALTER TABLE ------------------------------------------------------ */

static void alter_cmd(struct ctx *c, const PgQuery__AlterTableCmd *cmd, struct gate_alter_cmd *a)
{
    const PgQuery__Node *def = cmd->def;
    const PgQuery__PartitionCmd *pc =
        def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD ? def->partition_cmd : NULL;
    const PgQuery__ColumnDef *cd =
        def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? def->column_def : NULL;
    const PgQuery__Constraint *k =
        def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT ? def->constraint : NULL;

    a->location = -1;
    type_none(&a->newtype);
    a->missing_ok = cmd->missing_ok;
    a->cascade = cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView:
        a->kind = GATE_ALTER_ADD_COLUMN;
        if (cd) {
            a->coldef = gate_arena_alloc(c->arena, sizeof(*a->coldef));
            coldef_from(c, cd, a->coldef);
            a->column = a->coldef->name;
            a->location = a->coldef->location;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
        a->kind = GATE_ALTER_DROP_COLUMN;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        a->kind = GATE_ALTER_COLUMN_TYPE;
        a->column = name_dup(c, cmd->name);
        if (cd) {
            type_from(c, cd->type_name, &a->newtype);
            a->has_using = !!cd->raw_default;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        a->column = name_dup(c, cmd->name);
        if (def) {
            a->kind = GATE_ALTER_SET_DEFAULT;
            a->default_vol = expr_vol(c, def, NULL);
        } else {
            a->kind = GATE_ALTER_DROP_DEFAULT;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        a->kind = GATE_ALTER_SET_NOT_NULL;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        a->kind = GATE_ALTER_DROP_NOT_NULL;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIndexConstraint:
        a->kind = GATE_ALTER_ADD_CONSTRAINT;
        if (k) {
            a->cons = gate_arena_alloc(c->arena, sizeof(*a->cons));
            cons_from(c, k, a->cons);
            a->name = a->cons->name;
            a->location = a->cons->location;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        a->kind = GATE_ALTER_DROP_CONSTRAINT;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
        a->kind = GATE_ALTER_VALIDATE_CONSTRAINT;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
        a->kind = GATE_ALTER_ADD_IDENTITY;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
        a->kind = GATE_ALTER_SET_LOGGED;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
        a->kind = GATE_ALTER_SET_UNLOGGED;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        a->kind = GATE_ALTER_ATTACH_PARTITION;
        if (pc && pc->name)
            a->name = name_dup(c, pc->name->relname);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        a->kind = GATE_ALTER_DETACH_PARTITION;
        if (pc && pc->name)
            a->name = name_dup(c, pc->name->relname);
        a->concurrent = (pc && pc->concurrent) ||
                        cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
        a->kind = GATE_ALTER_TRIGGER;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
        a->kind = GATE_ALTER_SET_TABLESPACE;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
        a->kind = GATE_ALTER_CLUSTER_ON;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        a->kind = GATE_ALTER_OWNER;
        if (cmd->newowner)
            a->name = name_dup(c, cmd->newowner->rolename);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
        a->kind = GATE_ALTER_SET_OPTIONS;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
        a->kind = GATE_ALTER_SET_OPTIONS;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
        a->kind = GATE_ALTER_OTHER;
        a->column = name_dup(c, cmd->name);
        break;
    default:
        a->kind = GATE_ALTER_OTHER;
        a->name = name_dup(c, cmd->name);
        break;
    }
}

static void alter_table(struct ctx *c, struct gate_stmt *st, const PgQuery__AlterTableStmt *s,
                        int end)
{
    int *starts;
    bool ok;

    st->kind = GATE_STMT_ALTER_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->obj = obj_kind(s->objtype);
    st->missing_ok = s->missing_ok;
    st->cmds = arena_array(c, s->n_cmds, sizeof(*st->cmds));
    for (size_t i = 0; i < s->n_cmds; i++) {
        const PgQuery__Node *n = s->cmds[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD && n->alter_table_cmd)
            alter_cmd(c, n->alter_table_cmd, &st->cmds[st->ncmds++]);
    }
    if (!st->ncmds)
        return;
    starts = gate_xmalloc((size_t)st->ncmds * sizeof(*starts));
    ok = gate_sql_alter_cmd_starts(c, s->relation, end, starts, (size_t)st->ncmds);
    if (!ok && c->head_only) {
        gate_sql_lex_rest(c);
        ok = gate_sql_alter_cmd_starts(c, s->relation, end, starts, (size_t)st->ncmds);
    }
    if (ok) {
        for (int i = 0; i < st->ncmds; i++)
            st->cmds[i].location = starts[i];
    }
    free(starts);
}

/* ---- other statements ------------------------------------------------- */

static void create_table(struct ctx *c, struct gate_stmt *st, const PgQuery__CreateStmt *s)
{
    st->kind = GATE_STMT_CREATE_TABLE;
    st->obj = GATE_OBJ_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->missing_ok = s->if_not_exists;
    if (s->relation && s->relation->relpersistence) {
        st->unlogged = !strcmp(s->relation->relpersistence, "u");
        st->temp = !strcmp(s->relation->relpersistence, "t");
    }
    st->partition_of = !!s->partbound;
    table_elts(c, st, s->table_elts, s->n_table_elts, s->constraints, s->n_constraints);
}

static void drop_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__DropStmt *s)
{
    st->kind = GATE_STMT_DROP;
    st->obj = obj_kind(s->remove_type);
    st->missing_ok = s->missing_ok;
    st->cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    st->concurrent = s->concurrent;
    if (obj_on_table(s->remove_type)) {
        st->objects = arena_array(c, s->n_objects, sizeof(*st->objects));
        st->nobjects = to_int(s->n_objects);
        for (size_t i = 0; i < s->n_objects; i++) {
            struct gate_qname table;

            st->objects[i].name = split_on_table(c, s->objects[i], &table);
            if (i == 0) {
                st->rel = table;
                st->subname = st->objects[i].name;
            }
        }
        return;
    }
    objects_from(c, st, s->objects, s->n_objects);
}

static void rename_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__RenameStmt *s)
{
    st->kind = GATE_STMT_RENAME;
    st->obj = obj_kind(s->rename_type);
    st->missing_ok = s->missing_ok;
    st->newname = name_dup(c, s->newname);
    st->subname = name_dup(c, s->subname);
    if (s->relation)
        qname_from_rangevar(c, s->relation, &st->rel);
    else if (s->object)
        qname_from_node(c, s->object, &st->rel);
    else
        st->rel.name = st->subname; /* schema, database, role, ... */
}

static void index_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__IndexStmt *s)
{
    st->kind = GATE_STMT_CREATE_INDEX;
    st->obj = GATE_OBJ_INDEX;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->index_name = name_dup(c, s->idxname);
    st->unique = s->unique;
    st->concurrent = s->concurrent;
    st->missing_ok = s->if_not_exists;
    st->has_where = !!s->where_clause;
    st->index_columns = arena_array(c, s->n_index_params, sizeof(*st->index_columns));
    st->nindex_columns = to_int(s->n_index_params);
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__Node *n = s->index_params[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && n->index_elem)
            st->index_columns[i] = name_dup(c, n->index_elem->name);
    }
}

static bool defelem_true(const PgQuery__DefElem *d)
{
    const PgQuery__Node *a = d->arg;

    if (!a)
        return true;
    if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN && a->boolean)
        return a->boolean->boolval;
    if (a->node_case == PG_QUERY__NODE__NODE_INTEGER && a->integer)
        return a->integer->ival != 0;
    if (a->node_case == PG_QUERY__NODE__NODE_STRING && a->string)
        return strcmp(a->string->sval, "false") != 0 && strcmp(a->string->sval, "off") != 0 &&
               strcmp(a->string->sval, "0") != 0;
    return true;
}

const PgQuery__DefElem *gate_sql_find_defelem(PgQuery__Node *const *opts, size_t n,
                                              const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__Node *o = opts[i];

        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem &&
            o->def_elem->defname && !strcmp(o->def_elem->defname, name))
            return o->def_elem;
    }
    return NULL;
}

static void reindex_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__ReindexStmt *s)
{
    const PgQuery__DefElem *conc = gate_sql_find_defelem(s->params, s->n_params, "concurrently");

    st->kind = GATE_STMT_REINDEX;
    st->concurrent = conc && defelem_true(conc);
    switch (s->kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
        st->obj = GATE_OBJ_INDEX;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
        st->obj = GATE_OBJ_TABLE;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
        st->obj = GATE_OBJ_SCHEMA;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
        st->obj = GATE_OBJ_DATABASE;
        break;
    default:
        st->obj = GATE_OBJ_OTHER;
        break;
    }
    if (s->relation)
        qname_from_rangevar(c, s->relation, &st->rel);
    else
        st->rel.name = name_dup(c, s->name);
}

static void relation_list(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *rels, size_t n)
{
    st->obj = GATE_OBJ_TABLE;
    objects_from(c, st, rels, n);
}

static void update_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__UpdateStmt *s)
{
    st->kind = GATE_STMT_UPDATE;
    st->obj = GATE_OBJ_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->has_where = !!s->where_clause;
    st->where_is_null = is_null_column(c, s->where_clause);
    st->where_key = key_column(c, s->where_clause, &st->where_key_values);
    st->set_columns = arena_array(c, s->n_target_list, sizeof(*st->set_columns));
    for (size_t i = 0; i < s->n_target_list; i++) {
        const PgQuery__Node *n = s->target_list[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_RES_TARGET && n->res_target)
            st->set_columns[st->nset_columns++] = name_dup(c, n->res_target->name);
    }
}

static void enum_stmts(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n)
{
    if (n->node_case == PG_QUERY__NODE__NODE_CREATE_ENUM_STMT) {
        const PgQuery__CreateEnumStmt *s = n->create_enum_stmt;

        st->kind = GATE_STMT_CREATE_ENUM;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
        st->values = arena_array(c, s->n_vals, sizeof(*st->values));
        st->nvalues = to_int(s->n_vals);
        for (size_t i = 0; i < s->n_vals; i++)
            st->values[i] = value_dup(c, node_str(s->vals[i]));
    } else {
        const PgQuery__AlterEnumStmt *s = n->alter_enum_stmt;

        st->kind = GATE_STMT_ALTER_ENUM;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
        if (s->old_val && *s->old_val) {
            st->enum_rename = true;
            st->values = arena_array(c, 2, sizeof(*st->values));
            st->values[0] = value_dup(c, s->old_val);
            st->values[1] = value_dup(c, s->new_val);
            st->nvalues = 2;
        } else {
            st->values = arena_array(c, 1, sizeof(*st->values));
            st->values[0] = value_dup(c, s->new_val);
            st->nvalues = 1;
            st->missing_ok = s->skip_if_new_val_exists;
            st->enum_has_position = s->new_val_neighbor && *s->new_val_neighbor;
        }
    }
}

static enum gate_tx_kind tx_kind(PgQuery__TransactionStmtKind k)
{
    switch (k) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        return GATE_TX_BEGIN;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        return GATE_TX_COMMIT;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        return GATE_TX_ROLLBACK;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
        return GATE_TX_SAVEPOINT;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        return GATE_TX_RELEASE;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
        return GATE_TX_ROLLBACK_TO;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
        return GATE_TX_PREPARE;
    default:
        return GATE_TX_OTHER;
    }
}

/* A SET argument as text: constants as written, casts by their argument. */
static void set_arg_text(const PgQuery__Node *n, struct gate_buf *b)
{
    const PgQuery__AConst *k;

    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST || !n->a_const)
        return;
    k = n->a_const;
    switch (k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        gate_buf_printf(b, "%d", k->ival ? (int)k->ival->ival : 0);
        break;
    case PG_QUERY__A__CONST__VAL_FVAL:
        gate_buf_adds(b, k->fval && k->fval->fval ? k->fval->fval : "");
        break;
    case PG_QUERY__A__CONST__VAL_SVAL:
        gate_buf_adds(b, k->sval && k->sval->sval ? k->sval->sval : "");
        break;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        gate_buf_adds(b, k->boolval && k->boolval->boolval ? "true" : "false");
        break;
    default:
        break;
    }
}

static void set_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__VariableSetStmt *s)
{
    st->kind = GATE_STMT_SET;
    st->set_name = lower_dup(c, s->name);
    st->set_local = s->is_local;
    switch (s->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
        struct gate_buf b = {0};

        for (size_t i = 0; i < s->n_args; i++) {
            if (i)
                gate_buf_adds(&b, ", ");
            set_arg_text(s->args[i], &b);
        }
        st->set_value = value_dup(c, gate_buf_str(&b));
        gate_buf_release(&b);
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        st->reset = true;
        break;
    default:
        break;
    }
}

/* The language of a DO block or function: lower-cased; DO defaults to plpgsql. */
static const char *language_of(struct ctx *c, PgQuery__Node *const *opts, size_t n,
                               const char *dflt)
{
    const PgQuery__DefElem *d = gate_sql_find_defelem(opts, n, "language");
    const char *lang = d ? node_str(d->arg) : NULL;

    return lower_dup(c, lang && *lang ? lang : dflt);
}

static void domain_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__AlterDomainStmt *s)
{
    struct gate_alter_cmd *a;
    const PgQuery__Node *def = s->def;
    char sub = '\0';

    if (s->subtype)
        sub = s->subtype[0];
    st->kind = GATE_STMT_ALTER_DOMAIN;
    st->obj = GATE_OBJ_DOMAIN;
    qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
    st->missing_ok = s->missing_ok;
    st->cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    st->cmds = gate_arena_alloc(c->arena, sizeof(*st->cmds));
    st->ncmds = 1;
    a = st->cmds;
    a->location = -1;
    type_none(&a->newtype);
    a->missing_ok = s->missing_ok;
    a->cascade = st->cascade;
    a->name = name_dup(c, s->name);
    switch (sub) {
    case 'T':
        a->kind = def ? GATE_ALTER_SET_DEFAULT : GATE_ALTER_DROP_DEFAULT;
        a->default_vol = expr_vol(c, def, NULL);
        break;
    case 'N':
        a->kind = GATE_ALTER_DROP_NOT_NULL;
        break;
    case 'O':
        a->kind = GATE_ALTER_SET_NOT_NULL;
        break;
    case 'C':
        a->kind = GATE_ALTER_ADD_CONSTRAINT;
        if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && def->constraint) {
            st->constraints = gate_arena_alloc(c->arena, sizeof(*st->constraints));
            st->nconstraints = 1;
            cons_from(c, def->constraint, st->constraints);
            a->cons = st->constraints;
            a->name = a->cons->name;
            a->location = a->cons->location;
        }
        break;
    case 'X':
        a->kind = GATE_ALTER_DROP_CONSTRAINT;
        break;
    case 'V':
        a->kind = GATE_ALTER_VALIDATE_CONSTRAINT;
        break;
    default:
        a->kind = GATE_ALTER_OTHER;
        break;
    }
}

static void create_domain(struct ctx *c, struct gate_stmt *st, const PgQuery__CreateDomainStmt *s)
{
    st->kind = GATE_STMT_CREATE_DOMAIN;
    st->obj = GATE_OBJ_DOMAIN;
    qname_from_list(c, s->domainname, s->n_domainname, &st->rel);
    table_elts(c, st, NULL, 0, s->constraints, s->n_constraints);
}

/* VACUUM; ANALYZE (the same node) runs inside a transaction and stays OTHER. */
static void vacuum_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__VacuumStmt *s)
{
    const PgQuery__DefElem *full = gate_sql_find_defelem(s->options, s->n_options, "full");

    st->kind = s->is_vacuumcmd ? GATE_STMT_VACUUM : GATE_STMT_OTHER;
    st->full = s->is_vacuumcmd && full && defelem_true(full);
    st->obj = GATE_OBJ_TABLE;
    st->objects = arena_array(c, s->n_rels, sizeof(*st->objects));
    st->nobjects = to_int(s->n_rels);
    for (size_t i = 0; i < s->n_rels; i++) {
        const PgQuery__Node *n = s->rels[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION && n->vacuum_relation)
            qname_from_rangevar(c, n->vacuum_relation->relation, &st->objects[i]);
    }
    if (s->n_rels)
        st->rel = st->objects[0];
}

static void comment_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__CommentStmt *s)
{
    st->kind = GATE_STMT_COMMENT;
    st->obj = obj_kind(s->objtype);
    if (obj_on_table(s->objtype))
        st->subname = split_on_table(c, s->object, &st->rel);
    else
        qname_from_node(c, s->object, &st->rel);
}

/* Statements that name one object and little else. */
static bool simple_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        st->kind = GATE_STMT_INSERT;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->insert_stmt->relation, &st->rel);
        st->insert_select =
            n->insert_stmt->select_stmt &&
            n->insert_stmt->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
            n->insert_stmt->select_stmt->select_stmt &&
            (n->insert_stmt->select_stmt->select_stmt->n_from_clause > 0 ||
             n->insert_stmt->select_stmt->select_stmt->larg);
        break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        st->kind = GATE_STMT_DELETE;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->delete_stmt->relation, &st->rel);
        st->has_where = !!n->delete_stmt->where_clause;
        st->where_is_null = is_null_column(c, n->delete_stmt->where_clause);
        st->where_key = key_column(c, n->delete_stmt->where_clause, &st->where_key_values);
        break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        if (n->select_stmt->into_clause) {
            st->kind = GATE_STMT_CREATE_TABLE_AS;
            st->obj = GATE_OBJ_TABLE;
            qname_from_rangevar(c, n->select_stmt->into_clause->rel, &st->rel);
        } else {
            st->kind = GATE_STMT_SELECT;
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        st->kind = GATE_STMT_CREATE_TABLE_AS;
        st->obj = obj_kind(n->create_table_as_stmt->objtype);
        st->missing_ok = n->create_table_as_stmt->if_not_exists;
        if (n->create_table_as_stmt->into)
            qname_from_rangevar(c, n->create_table_as_stmt->into->rel, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
        st->kind = GATE_STMT_CLUSTER;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->cluster_stmt->relation, &st->rel);
        st->index_name = name_dup(c, n->cluster_stmt->indexname);
        break;
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
        st->kind = GATE_STMT_REFRESH_MATVIEW;
        st->obj = GATE_OBJ_MATVIEW;
        st->concurrent = n->refresh_mat_view_stmt->concurrent;
        qname_from_rangevar(c, n->refresh_mat_view_stmt->relation, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        st->kind = GATE_STMT_CREATE_SCHEMA;
        st->obj = GATE_OBJ_SCHEMA;
        st->rel.name = name_dup(c, n->create_schema_stmt->schemaname);
        st->missing_ok = n->create_schema_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        st->kind = GATE_STMT_CREATE_EXTENSION;
        st->obj = GATE_OBJ_EXTENSION;
        st->rel.name = name_dup(c, n->create_extension_stmt->extname);
        st->missing_ok = n->create_extension_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        st->kind = GATE_STMT_CREATE_VIEW;
        st->obj = GATE_OBJ_VIEW;
        qname_from_rangevar(c, n->view_stmt->view, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        st->kind = GATE_STMT_CREATE_SEQUENCE;
        st->obj = GATE_OBJ_SEQUENCE;
        qname_from_rangevar(c, n->create_seq_stmt->sequence, &st->rel);
        st->missing_ok = n->create_seq_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
        st->kind = GATE_STMT_ALTER_SEQUENCE;
        st->obj = GATE_OBJ_SEQUENCE;
        qname_from_rangevar(c, n->alter_seq_stmt->sequence, &st->rel);
        st->missing_ok = n->alter_seq_stmt->missing_ok;
        break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        st->kind = GATE_STMT_CREATE_TRIGGER;
        st->obj = GATE_OBJ_TRIGGER;
        qname_from_rangevar(c, n->create_trig_stmt->relation, &st->rel);
        st->newname = name_dup(c, n->create_trig_stmt->trigname);
        break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
        st->kind = GATE_STMT_CREATE_POLICY;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->create_policy_stmt->table, &st->rel);
        st->newname = name_dup(c, n->create_policy_stmt->policy_name);
        break;
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
        st->kind = GATE_STMT_CREATE_DATABASE;
        st->obj = GATE_OBJ_DATABASE;
        st->rel.name = name_dup(c, n->createdb_stmt->dbname);
        break;
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
        st->kind = GATE_STMT_DROP;
        st->obj = GATE_OBJ_DATABASE;
        st->rel.name = name_dup(c, n->dropdb_stmt->dbname);
        st->missing_ok = n->dropdb_stmt->missing_ok;
        st->objects = gate_arena_alloc(c->arena, sizeof(*st->objects));
        st->objects[0] = st->rel;
        st->nobjects = 1;
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        st->kind = GATE_STMT_CREATE_TYPE;
        st->obj = GATE_OBJ_TYPE;
        qname_from_rangevar(c, n->composite_type_stmt->typevar, &st->rel);
        table_elts(c, st, n->composite_type_stmt->coldeflist, n->composite_type_stmt->n_coldeflist,
                   NULL, 0);
        break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        st->kind = GATE_STMT_CREATE_TYPE;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name,
                        &st->rel);
        break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
        st->kind = GATE_STMT_COPY;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->copy_stmt->relation, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        st->kind = GATE_STMT_EXPLAIN;
        break;
    case PG_QUERY__NODE__NODE_CALL_STMT:
        st->kind = GATE_STMT_CALL;
        st->obj = GATE_OBJ_FUNCTION;
        if (n->call_stmt->funccall)
            qname_from_list(c, n->call_stmt->funccall->funcname, n->call_stmt->funccall->n_funcname,
                            &st->rel);
        break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        st->kind = GATE_STMT_TRUNCATE;
        relation_list(c, st, n->truncate_stmt->relations, n->truncate_stmt->n_relations);
        st->cascade = n->truncate_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        break;
    case PG_QUERY__NODE__NODE_LOCK_STMT:
        st->kind = GATE_STMT_LOCK;
        relation_list(c, st, n->lock_stmt->relations, n->lock_stmt->n_relations);
        break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        st->kind = GATE_STMT_GRANT;
        objects_from(c, st, n->grant_stmt->objects, n->grant_stmt->n_objects);
        st->obj = obj_kind(n->grant_stmt->objtype);
        st->cascade = n->grant_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        break;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        st->kind = GATE_STMT_TRANSACTION;
        st->tx = tx_kind(n->transaction_stmt->kind);
        break;
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
        if (n->alter_system_stmt->setstmt)
            set_stmt(c, st, n->alter_system_stmt->setstmt);
        st->kind = GATE_STMT_ALTER_SYSTEM;
        break;
    default:
        return false;
    }
    return true;
}

/* Statements with more to translate than a name. */
static void other_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n, int end)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        create_table(c, st, n->create_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(c, st, n->alter_table_stmt, end);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(c, st, n->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(c, st, n->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        index_stmt(c, st, n->index_stmt);
        break;
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
        reindex_stmt(c, st, n->reindex_stmt);
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        update_stmt(c, st, n->update_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        enum_stmts(c, st, n);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        set_stmt(c, st, n->variable_set_stmt);
        break;
    case PG_QUERY__NODE__NODE_DO_STMT:
        st->kind = GATE_STMT_DO;
        st->language = language_of(c, n->do_stmt->args, n->do_stmt->n_args, "plpgsql");
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
        const PgQuery__CreateFunctionStmt *s = n->create_function_stmt;

        st->kind = GATE_STMT_CREATE_FUNCTION;
        st->obj = GATE_OBJ_FUNCTION;
        qname_from_list(c, s->funcname, s->n_funcname, &st->rel);
        st->language = language_of(c, s->options, s->n_options, s->sql_body ? "sql" : NULL);
        break;
    }
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        create_domain(c, st, n->create_domain_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
        domain_stmt(c, st, n->alter_domain_stmt);
        break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
        vacuum_stmt(c, st, n->vacuum_stmt);
        break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        comment_stmt(c, st, n->comment_stmt);
        break;
    default:
        st->kind = GATE_STMT_OTHER;
        break;
    }
}

/*
 * Fill st (location and length already set) from the raw statement n;
 * end is where the statement ends in the source.
 */
void gate_sql_translate(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n, int end)
{
    const ProtobufCMessage *m = node_msg(n);

    if (!m)
        return;
    st->node = m->descriptor->short_name;
    if (!simple_stmt(c, st, n))
        other_stmt(c, st, n, end);
    c->nstrs = 0;
    walk_children(m, collect_strings, c);
    if (c->nstrs) {
        st->strings = arena_array(c, c->nstrs, sizeof(*st->strings));
        memcpy(st->strings, c->strs, c->nstrs * sizeof(*st->strings));
        st->nstrings = to_int(c->nstrs);
    }
}
