/* SPDX-License-Identifier: MIT */
/*
 * rules_common.h - what the rule families under src/lint/rules/ share: name
 * and type comparisons as PostgreSQL resolves them (an unqualified name
 * is in schema public), the "was it created earlier in this file"
 * scans over the statements of the file being linted, and the bits of
 * SQL text handling more than one family needs. Nothing here reports a
 * finding or changes the lint context.
 */
#ifndef GATE_RULES_COMMON_H
#define GATE_RULES_COMMON_H

#include "gate/compat.h"
#include "gate/sql.h"

struct gate_lint_ctx;

/* ---- names and types ---------------------------------------------------- */

/* a and b are both non-NULL and equal. */
bool gate_rules_str_eq(const char *a, const char *b);

/* Schemas a and b are the same; NULL (unqualified) means "public". */
bool gate_rules_same_schema(const char *a, const char *b);

/*
 * a and b name the same object: both names set and equal, and the same
 * schema as gate_rules_same_schema() decides. A NULL name matches nothing.
 */
bool gate_rules_same_qname(const struct gate_qname *a, const struct gate_qname *b);

/* t is the unqualified built-in type name (as PostgreSQL folds it: "int4", "varchar"). */
bool gate_rules_is_type(const struct gate_type *t, const char *name);

/* t is serial, bigserial or smallserial (not an array of them). */
bool gate_rules_serial_type(const struct gate_type *t);

/*
 * Type t as SQL for a help text (varchar(191), "Role"[]): a name that is
 * not all lower-case letters, digits and _, or one with a schema, is
 * quoted as Prisma writes it. An arena string (gate_lint_type()).
 */
const char *gate_rules_sql_type(struct gate_lint_ctx *ctx, const struct gate_type *t);

/* ---- created earlier in this file --------------------------------------- */

/*
 * What gate_rules_new_table() counts besides the tables the catalog knows
 * as new (gate_lint_new_table()): the catalog does not track temporary
 * tables and materialized views, so a family names the ones it wants.
 */
enum gate_rules_new_flags {
    GATE_RULES_NEW_TEMP = 1 << 0,    /* CREATE TEMP TABLE [AS] */
    GATE_RULES_NEW_MATVIEW = 1 << 1, /* CREATE MATERIALIZED VIEW */
    GATE_RULES_NEW_ANY = 1 << 2,     /* every CREATE TABLE [AS], [MATERIALIZED] VIEW */
};

/*
 * Table q was created before statement idx of the file: the catalog says
 * so, or one of the statements that flags names created it. False for a
 * NULL name.
 */
bool gate_rules_new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx,
                          unsigned flags);

/*
 * Type q (enum, composite, range or domain) was created before statement
 * idx: the catalog knows the enum as new, or a CREATE TYPE / DOMAIN of
 * the file made it.
 */
bool gate_rules_new_type(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx);

/*
 * The last statement before idx of the given kind whose object (st->rel)
 * is q: its index in the file, or -1 when there is none.
 */
int gate_rules_created_before(const struct gate_lint_ctx *ctx, enum gate_stmt_kind kind,
                              const struct gate_qname *q, int idx);

/* Schema name was created (CREATE SCHEMA) before statement idx. */
bool gate_rules_schema_created(const struct gate_lint_ctx *ctx, const char *name, int idx);

/*
 * Column was added to table q by an ALTER TABLE ... ADD COLUMN before
 * statement idx. False for a NULL column.
 */
bool gate_rules_column_added(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                             const char *column, int idx);

/*
 * DROP COLUMN column of table q at statement idx is the middle step of a
 * swap: a column "from" was added to q earlier in the file and a later
 * statement renames it to column. Returns that rename's index (else -1),
 * with the added column in *from and, in *copied, whether an UPDATE of q
 * between the two assigns it (the old column's data was copied over).
 */
int gate_rules_column_swap(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                           const char *column, int idx, const char **from, bool *copied);

/*
 * st is in the body of a CREATE FUNCTION of the file: it runs when the
 * function is called, not during the migration.
 */
bool gate_rules_in_function_body(const struct gate_lint_ctx *ctx, const struct gate_stmt *st);

/* ---- statements and SQL text -------------------------------------------- */

/* The longest identifier PostgreSQL keeps, in bytes (NAMEDATALEN - 1). */
enum { GATE_RULES_NAME_MAX = 63 };

/*
 * How many of the len bytes of identifier s PostgreSQL keeps: len when it
 * is at most GATE_RULES_NAME_MAX, else GATE_RULES_NAME_MAX or fewer so that
 * the cut does not split a UTF-8 character. s must hold more than
 * GATE_RULES_NAME_MAX bytes when len does.
 */
size_t gate_rules_name_keep(const char *s, size_t len);

/* The ALTER TABLE st acts on a table (not on an index, view or sequence). */
bool gate_rules_alters_table(const struct gate_stmt *st);

/* Line number (1-based) of byte offset off of the file's text. */
int gate_rules_line_of(const struct gate_lint_ctx *ctx, int off);

/* c can continue an unquoted identifier (letters, digits, _, $, non-ASCII bytes). */
bool gate_rules_ident_char(char c);

/*
 * The first byte at or after p of t[p, end) that is not white space or a
 * comment (-- to end of line, or nested block comments); end when none.
 */
int gate_rules_skip_blank(const char *t, int p, int end);

#endif
