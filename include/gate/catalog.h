/* SPDX-License-Identifier: MIT */
/*
 * catalog.h - an in-memory schema catalog built by replaying migrations.
 *
 * When a migrations directory is linted, every earlier migration is
 * replayed into the catalog, so rules know which tables exist, the type
 * of each column, indexes, constraints and enums. Each object remembers
 * the replay "generation" (one per file) that created it, which is how
 * "created earlier in this same file" is answered.
 *
 * Names compare exactly (PostgreSQL has already folded unquoted names);
 * an unqualified name matches schema "public" and vice versa.
 */
#ifndef GATE_CATALOG_H
#define GATE_CATALOG_H

#include "gate/compat.h"
#include "gate/sql.h"

struct gate_hmap;

struct gate_cat_column {
    const char *name;
    struct gate_type type;
    bool not_null;
    bool has_default;
    bool identity;
    /* added by ALTER TABLE ... ADD COLUMN, nullable, without a default, and
     * neither assigned nor made NOT NULL since: every older row holds NULL */
    bool added_null;
    bool primary_key; /* the table's primary key is this column alone */
};

struct gate_cat_table {
    const char *schema;
    const char *name;
    struct gate_cat_column *cols; /* catalog-owned */
    int ncols;
    int capcols;
    int created_gen; /* generation that created it; 0 = unknown origin */
    struct gate_hmap
        *colmap; /* catalog-owned: column name -> index in cols; NULL under 8 columns */
    bool has_pk;
    bool dropped;
};

struct gate_cat_index {
    const char *schema;
    const char *name;
    const char *table;
    bool unique;
    int created_gen;
    bool dropped;
};

struct gate_cat_enum {
    const char *schema;
    const char *name;
    const char **values;
    int nvalues;
    int capvalues;
    int created_gen;
    bool dropped;
};

struct gate_cat_constraint {
    const char *table;
    const char *name;
    enum gate_cons_kind kind;
    const char *check_not_null_column; /* CHECK (c IS NOT NULL) */
    const char *ref_table;             /* FOREIGN KEY: the referenced table */
    bool on_delete_cascade;            /* FOREIGN KEY ... ON DELETE CASCADE */
    bool validated;
    int created_gen;
    bool dropped;
};

struct gate_catalog;

struct gate_catalog *gate_catalog_new(void);
void gate_catalog_free(struct gate_catalog *cat);

/* Start replaying a new file; returns its generation number (1, 2, ...). */
int gate_catalog_begin_file(struct gate_catalog *cat);
int gate_catalog_generation(const struct gate_catalog *cat);

/* Apply one statement's effect (CREATE/ALTER/DROP/RENAME of tables, columns,
 * indexes, constraints, enums). Unknown statements are ignored. */
void gate_catalog_apply(struct gate_catalog *cat, const struct gate_stmt *st);

/* Lookups return NULL when unknown or dropped. */
const struct gate_cat_table *gate_catalog_table(const struct gate_catalog *cat,
                                                const struct gate_qname *q);
const struct gate_cat_column *gate_catalog_column(const struct gate_cat_table *t, const char *name);
const struct gate_cat_index *gate_catalog_index(const struct gate_catalog *cat,
                                                const struct gate_qname *q);
const struct gate_cat_enum *gate_catalog_enum(const struct gate_catalog *cat,
                                              const struct gate_qname *q);
const struct gate_cat_constraint *gate_catalog_constraint(const struct gate_catalog *cat,
                                                          const char *table, const char *name);

/* Call fn for each (table, column) whose type is the named type. */
void gate_catalog_each_column_of_type(const struct gate_catalog *cat, const struct gate_qname *type,
                                      void (*fn)(void *arg, const struct gate_cat_table *t,
                                                 const struct gate_cat_column *c),
                                      void *arg);

/*
 * Call fn for each table with a FOREIGN KEY ... ON DELETE CASCADE to table
 * (a DELETE from table also deletes the rows of those tables that refer to
 * the deleted ones).
 */
void gate_catalog_each_cascade(const struct gate_catalog *cat, const char *table,
                               void (*fn)(void *arg, const char *referencing), void *arg);

/* True when a validated CHECK (col IS NOT NULL) exists on table. */
bool gate_catalog_has_not_null_check(const struct gate_catalog *cat, const char *table,
                                     const char *column);

#endif
