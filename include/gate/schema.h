/* SPDX-License-Identifier: MIT */
/*
 * schema.h - a small reader of Prisma schema files (PSL): the top-level
 * blocks (model, view, enum, type, datasource, generator), each model's
 * fields with their database names (@map, @@map, @@schema), the
 * datasource's provider and env() names, the generators' output. Enough
 * to map tables and columns back to models and fields, to tell whether
 * two versions of a schema differ in a way a migration must follow, and
 * to compare a generated client's embedded schema. Not a validator: text
 * it does not understand is skipped.
 *
 * A multi-file schema is parsed one file at a time into one struct.
 * Every string is malloc'd and owned by the struct.
 */
#ifndef GATE_SCHEMA_H
#define GATE_SCHEMA_H

#include "gate/compat.h"
#include "gate/err.h"

enum gate_schema_kind {
    GATE_SB_MODEL = 0,
    GATE_SB_VIEW,
    GATE_SB_ENUM,
    GATE_SB_TYPE, /* composite type (MongoDB) */
    GATE_SB_DATASOURCE,
    GATE_SB_GENERATOR,
};

struct gate_schema_field {
    char *name;    /* the field (an enum's value) */
    char *column;  /* its database name: @map("...") or the name */
    char *type;    /* the base type ("String", "User", "Role"): no ?, [] */
    bool optional; /* Type? */
    bool list;     /* Type[] */
    bool relation; /* a relation field: its type is a model (no column) */
    bool id;       /* @id */
    bool unique;   /* @unique */
    bool has_default;
    int line;
};

struct gate_schema_block {
    enum gate_schema_kind kind;
    char *name;
    char *dbname;   /* @@map("...") or the name (models, views, enums) */
    char *dbschema; /* @@schema("...") or NULL */
    struct gate_schema_field *fields;
    size_t nfields;
    size_t capfields;
    char *file; /* the file it was read from */
    int line;   /* 1-based line of its keyword */
    char *norm; /* normalised body: comments and layout removed, lines sorted */

    /* datasource / generator settings (NULL when absent) */
    char *provider;   /* provider = "postgresql" (the literal, or the env name) */
    char *url_env;    /* url = env("NAME") */
    char *url;        /* url = "literal" (a secret: never print it) */
    char *direct_env; /* directUrl = env("NAME") */
    char *shadow_env; /* shadowDatabaseUrl = env("NAME") */
    char *direct_url; /* directUrl = "literal" (a secret: never print it) */
    char *shadow_url; /* shadowDatabaseUrl = "literal" (a secret) */
    char *output;     /* generator output = "path" (relative to the file's directory) */
};

struct gate_schema {
    struct gate_schema_block *blocks;
    size_t n;
    size_t cap;
    size_t nfiles;
};

/*
 * Add the blocks of one file (text[0..len), named file) to s. Call
 * gate_schema_finish() after the last file. Never fails: what is not
 * understood is skipped.
 */
void gate_schema_parse(struct gate_schema *s, const char *file, const char *text, size_t len);

/* Resolve what needs every file: which fields are relations. */
void gate_schema_finish(struct gate_schema *s);

void gate_schema_release(struct gate_schema *s);

/* The first block of kind named name (NULL: any name); NULL when none. */
const struct gate_schema_block *gate_schema_find(const struct gate_schema *s,
                                                 enum gate_schema_kind kind, const char *name);

/* The model (or view) whose table is table (database name); NULL when none. */
const struct gate_schema_block *gate_schema_find_table(const struct gate_schema *s,
                                                       const char *table);

/* The enum whose database type name is name; NULL when none. */
const struct gate_schema_block *gate_schema_find_enum(const struct gate_schema *s,
                                                      const char *name);

/* The field of b stored in column (database name); NULL when none. */
const struct gate_schema_field *gate_schema_find_column(const struct gate_schema_block *b,
                                                        const char *column);

/*
 * Prisma's datasource provider as migration_lock.toml records it:
 * "postgres" -> "postgresql"; others as written. NULL when the schema has
 * no datasource or no provider. Borrowed or static.
 */
const char *gate_schema_lock_provider(const struct gate_schema *s);

/*
 * How a and b differ where the database is concerned: the names of the
 * models, views, enums and types added, removed or changed (comments,
 * layout, field order, generator and datasource blocks ignored), as one
 * comma-separated malloc'd string ("Event (changed), Venue (added)");
 * NULL when they do not differ. with_provider: a change of the
 * datasource's provider counts too.
 */
char *gate_schema_diff(const struct gate_schema *a, const struct gate_schema *b,
                       bool with_provider);

#endif
