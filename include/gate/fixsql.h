/* SPDX-License-Identifier: MIT */
/*
 * fixsql.h - building the SQL a finding's help suggests (src/lint/rules/
 * fixsql.c): quoted identifiers, PostgreSQL's default constraint names,
 * and a statement of the migration rewritten into its safe form from its
 * own text. Every builder appends to a struct gate_buf; one that returns
 * false has appended nothing (the caller falls back to a template).
 */
#ifndef GATE_FIXSQL_H
#define GATE_FIXSQL_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/sql.h"

struct gate_lint_ctx;

/* "name" with embedded quotes doubled (NULL as "?"). */
void gate_fixsql_ident(struct gate_buf *b, const char *name);

/* "a", "b" (NULL entries, i.e. expressions, as an ellipsis). */
void gate_fixsql_columns(struct gate_buf *b, const char *const *cols, int n);

/* n > 0 and every column has a name (no expression). */
bool gate_fixsql_all_named(const char *const *cols, int n);

/* b cut to at most 63 bytes on a UTF-8 character boundary, as PostgreSQL cuts names. */
void gate_fixsql_clip_name(struct gate_buf *b);

/*
 * b set to a constraint's name: given, or else PostgreSQL's default,
 * table_col1_col2_suffix cut to 63 bytes.
 */
void gate_fixsql_cons_name(struct gate_buf *b, const char *given, const char *table,
                           const char *const *cols, int n, const char *suffix);

/* Bytes [*b, *e) of a top-level statement's text; false when unknown. */
bool gate_fixsql_stmt_span(const struct gate_stmt *st, int *b, int *e);

/* Position after keyword kw at t[p] (case-insensitive, whole word), or -1. */
int gate_fixsql_keyword_at(const char *t, int p, int end, const char *kw);

/*
 * Append t[p, end) with comments removed and white space collapsed to
 * single spaces (quoted text kept as written). Returns false, appending
 * nothing, when the text holds dollar quoting.
 */
bool gate_fixsql_add_sql(struct gate_buf *b, const char *t, int p, int end);

/*
 * What a help template names: {T} the table and {R} the referenced table
 * (as gate_lint_qname() prints them), {N} the constraint's name and {C}
 * the column (quoted as identifiers), {K} the key columns
 * (gate_fixsql_columns()).
 */
struct gate_fixsql_args {
    const char *table;
    const char *ref;
    const char *name;
    const char *column;
    const char *const *cols;
    int ncols;
};

/* Append template tmpl with its {X} fields filled in from a. */
void gate_fixsql_template(struct gate_buf *b, const char *tmpl, const struct gate_fixsql_args *a);

/*
 * Append CREATE INDEX st rewritten with CONCURRENTLY (and IF NOT EXISTS
 * when it has a name), ending in ';'.
 */
bool gate_fixsql_create_concurrently(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                     struct gate_buf *b);

/*
 * Append "ALTER TABLE t ADD <clause as written>" for constraint k of the
 * ALTER TABLE st (no ';': the caller adds NOT VALID or more).
 */
bool gate_fixsql_add_constraint(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                const struct gate_constraint *k, struct gate_buf *b);

/*
 * Append REINDEX st rewritten with CONCURRENTLY after its object kind,
 * ending in ';'; when the text is not at hand, "REINDEX kind CONCURRENTLY
 * name;" (or "...").
 */
void gate_fixsql_reindex_concurrently(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                      const char *kind, struct gate_buf *b);

#endif
