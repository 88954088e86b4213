/* SPDX-License-Identifier: MIT */
/*
 * introspect.h - what a PostgreSQL database holds, read from pg_catalog
 * for the schemas a Prisma target uses (docs/internals/drift.md).
 *
 * The model is a flat, sorted list of objects, each with named
 * attributes compared as text: tables (row-level security), columns
 * (type, nullability, default, identity, generated, collation),
 * constraints (primary key, unique, foreign key, check, exclusion, as
 * pg_get_constraintdef prints them), indexes (pg_get_indexdef, with a
 * name-free shape for matching renamed ones), enums (values in order),
 * sequences, views and materialized views, functions and procedures
 * (a SHA-256 of pg_get_functiondef), triggers, extensions and row-level
 * security policies. `_prisma_migrations` and objects that belong to an
 * extension are left out.
 *
 * Reading takes a constant number of catalog queries (the extensions'
 * members, the default operator classes, then one per kind of object:
 * GATE_INTROSPECT_QUERIES) in one
 * REPEATABLE READ READ ONLY
 * transaction, whatever the number of objects, all sent as one
 * simple-protocol string: one round trip (gate_db_exec_each). Defaults
 * are printed without opening their table; views, policies and generated
 * columns open theirs (ACCESS SHARE), bounded by the timeouts below.
 */
#ifndef GATE_INTROSPECT_H
#define GATE_INTROSPECT_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/db.h"
#include "gate/err.h"

/* Catalog queries one gate_introspect call runs (BEGIN and COMMIT not counted). */
#define GATE_INTROSPECT_QUERIES 13

/*
 * The read's lock_timeout and statement_timeout: a table another session
 * holds under ACCESS EXCLUSIVE (a migration running) fails the read after
 * the first (GATE_E_DB, SQLSTATE 55P03 in the message) rather than wait.
 */
#define GATE_INTROSPECT_LOCK_TIMEOUT      "5s"
#define GATE_INTROSPECT_STATEMENT_TIMEOUT "120s"

/* Objects one database may hold before introspection gives up (GATE_E_LIMIT). */
#define GATE_INTROSPECT_MAX_OBJECTS 2000000

/* One attribute: value NULL when the catalog says NULL (no default, ...). */
struct gate_dbattr {
    const char *key; /* "type", "nullable", "default", "definition", ... */
    const char *value;
};

/*
 * One object. kind is static text: "table", "column", "constraint",
 * "index", "enum", "sequence", "view", "materialized view", "function",
 * "procedure", "trigger", "extension", "policy". table is the table an
 * object belongs to (columns, constraints, indexes, triggers, policies),
 * NULL otherwise; functions are named with their argument types
 * ("touch(integer)").
 */
struct gate_dbobj {
    const char *kind;
    const char *schema;
    const char *table;
    const char *name;
    struct gate_dbattr *attrs; /* in a fixed order per kind */
    size_t nattrs;
    const char *shape; /* indexes: the definition without the index's name; NULL */
};

/* Everything gate_introspect read; every pointer hangs off the arena passed to it. */
struct gate_dbmodel {
    struct gate_dbobj *objs; /* sorted: gate_dbobj_cmp */
    size_t n;
    int queries; /* catalog queries it took */
};

/*
 * Read the objects of schemas[0..nschemas) (and every extension but
 * plpgsql) into *out, allocated from a. GATE_E_DB (scrubbed server
 * message) when a query fails, GATE_E_LIMIT past
 * GATE_INTROSPECT_MAX_OBJECTS. db is left outside any transaction.
 */
enum gate_code gate_introspect(struct gate_db *db, const char *const *schemas, size_t nschemas,
                               struct gate_arena *a, struct gate_dbmodel *out,
                               struct gate_err *err);

/*
 * gate_introspect in parts, for a caller that sends the read with other
 * queries (drift: gate_db_send): its SQL for a server of server_version
 * (gate_db_server_version_num; its own READ ONLY transaction, then
 * GATE_INTROSPECT_QUERIES results; malloc'd); the model from those
 * results r[0..nr), which it frees (an index definition it cannot write
 * itself is asked through db, one query for all); and, when the read failed, the
 * transaction rolled back on db and the error explained (a lock timeout
 * says what it means): returns rc.
 */
char *gate_introspect_sql(const char *const *schemas, size_t nschemas, int server_version);
enum gate_code gate_introspect_load(struct gate_db *db, struct gate_db_result **r, int nr,
                                    struct gate_arena *a, struct gate_dbmodel *out,
                                    struct gate_err *err);
enum gate_code gate_introspect_failed(struct gate_db *db, enum gate_code rc, struct gate_err *err);

/*
 * Move m's objects of schema from into schema to (the shadow replayed into
 * another schema than the target's): their schema, and every reference
 * qualified with it in attribute values and shapes ("from"."x" and from.x
 * as the catalog prints them, quoted or not), then sort m again. New
 * strings come from a. Nothing happens when from and to are equal.
 */
void gate_dbmodel_rename_schema(struct gate_dbmodel *m, const char *from, const char *to,
                                struct gate_arena *a);

/*
 * Snapshots: a model written as text (gate_dbmodel_serialize, malloc'd)
 * and read back (gate_dbmodel_parse, strings from a) to the same objects
 * and attributes, in the same order. The replay cache keeps the shadow's
 * model this way (shadow.h), so a warm drift run need not introspect the
 * cache database. GATE_E_DB when the text is not a whole snapshot of
 * this format.
 */
char *gate_dbmodel_serialize(const struct gate_dbmodel *m);
enum gate_code gate_dbmodel_parse(const char *text, size_t len, struct gate_arena *a,
                                  struct gate_dbmodel *out, struct gate_err *err);

/*
 * The introspection's version, 16 hex digits: a digest of the snapshot
 * format and of the catalog queries, so a snapshot is read only by a gate
 * that would introspect the same attributes the same way.
 */
const char *gate_introspect_version(void);

/* The model's order: kind (as listed above), schema, table, name. */
int gate_dbobj_cmp(const struct gate_dbobj *a, const struct gate_dbobj *b);

/* The value of attribute key, NULL when absent or NULL. */
const char *gate_dbobj_attr(const struct gate_dbobj *o, const char *key);

/* Position of kind in the model's order (0 = "table"); -1 when unknown. */
int gate_dbobj_kind_rank(const char *kind);

#endif
