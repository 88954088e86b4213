/* SPDX-License-Identifier: MIT */
/*
 * lint.h - the risk engine: parse a migration.sql, model how Prisma runs
 * it (one implicit transaction, explicit BEGIN/COMMIT splitting it,
 * CONCURRENTLY only as the sole statement, objects new in the file),
 * run every rule family, apply suppressions, cross-check Prisma's
 * Warnings header and set the migration's risk.
 *
 * A struct gate_linter carries the replayed catalog from one file to the
 * next, so lint a directory's migrations in Prisma's order.
 *
 * The code is src/lint/: lint.c (the engine and this API), suppress.c
 * (suppression directives), crosscheck.c (the Warnings header).
 */
#ifndef GATE_LINT_H
#define GATE_LINT_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/run.h"
#include "gate/sql.h"
#include "gate/rules.h"
#include "gate/catalog.h"

/* Per-rule settings from the policy (lint.rules). */
struct gate_rule_setting {
    const char *id;
    bool off;
    bool on; /* enable a rule that is off by default */
    bool has_severity;
    enum gate_severity severity;
    bool has_risk;
    enum gate_risk risk;
};

/*
 * The PostgreSQL major versions rules know about (policy postgres.version,
 * or the server's own version at plan time). Rules whose hazard depends on
 * the version ask gate_lint_pg_version().
 */
enum {
    GATE_PG_VERSION_MIN = 11,
    GATE_PG_VERSION_MAX = 18,
    GATE_PG_VERSION_DEFAULT = 15,
};

struct gate_lint_opts {
    enum gate_risk fail_on;                /* severity error at/above this risk */
    bool hygiene_on_generated;             /* run hygiene rules on Prisma steps too */
    const struct gate_rule_setting *rules; /* borrowed */
    size_t nrules;
    int pg_version; /* target major version; 0: GATE_PG_VERSION_DEFAULT */
};

struct gate_linter;

struct gate_linter *gate_linter_new(const struct gate_lint_opts *opts);
void gate_linter_free(struct gate_linter *l);

/*
 * Lint src[0..len) as migration m of run (findings appended to m, risk
 * and statement count set), then replay it into the catalog. With
 * replay_only, nothing is reported: the file only feeds the catalog
 * (history before the migrations being checked).
 */
void gate_lint_source(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *src, size_t len, bool replay_only);

/* The same, for a file already parsed by gate_sql_parse (still owned by the caller). */
void gate_lint_parsed(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *src, size_t len, struct gate_sql_file *file, bool replay_only);

/* A file gate_sql_parse refused (msg says why): a syntax-error finding at 1:1. */
void gate_lint_failed(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *msg, bool replay_only);

/*
 * The risk statement st carries before any finding (none for transaction
 * control, SET and SELECT, low for the rest): a migration's risk is the
 * highest of these and of its findings.
 */
enum gate_risk gate_lint_stmt_risk(const struct gate_stmt *st);

/*
 * What a migration with its own COMMIT keeps when a statement after it
 * fails: the objects the top-level statements before its last COMMIT
 * create (tables, indexes, types, views, sequences, added columns ...) as
 * one line, 'table "Tag", index "Tag_id_idx"', in a; *line is that
 * COMMIT's line. NULL (and *line 0) when the file has no COMMIT, creates
 * nothing before it or does not parse.
 */
const char *gate_lint_committed_objects(const char *src, size_t len, struct gate_arena *a,
                                        int *line);

/* ---- for rule families ---- */

/* The statement array of the file being linted. */
const struct gate_stmt *gate_lint_stmts(const struct gate_lint_ctx *ctx, int *n);
/* The catalog as it is before the current statement runs. */
const struct gate_catalog *gate_lint_catalog(const struct gate_lint_ctx *ctx);
/* The PostgreSQL major version the migrations will run on (opts.pg_version or the default). */
int gate_lint_pg_version(const struct gate_lint_ctx *ctx);
/* Generation of the current file (compare with created_gen). */
int gate_lint_generation(const struct gate_lint_ctx *ctx);
/* Created earlier in this file (so no lock hazard on it). */
bool gate_lint_new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q);
bool gate_lint_new_type(const struct gate_lint_ctx *ctx, const struct gate_qname *q);
/* The table exists from an earlier migration or is unknown (not created in this file). */
bool gate_lint_existing_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q);

/*
 * The first statement after idx that renames a column of table q to
 * column (ALTER TABLE q RENAME COLUMN from TO column): its index, with the
 * old name in *from; -1 when there is none. Answered from an index of the
 * file's column renames built once per file.
 */
int gate_lint_column_renamed_to(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                                const char *column, int idx, const char **from);

/*
 * UPDATE/DELETE st selects its rows by the table's primary key ("id" = 'x',
 * "id" IN (...constants)): at most that many rows, whatever the table's
 * size. 0 otherwise (or when the catalog does not know the key).
 */
int gate_lint_key_rows(const struct gate_lint_ctx *ctx, const struct gate_stmt *st);

/*
 * Statement st does work whose duration grows with a table that existed
 * before the file: a backfill UPDATE or DELETE (not one by primary key),
 * INSERT ... SELECT, a non-concurrent index build or REINDEX, a
 * validation or foreign key check (the held-lock model's classes). Then
 * *table is that table and *noun names the work ("UPDATE", "index build").
 */
bool gate_lint_long_work(const struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                         struct gate_qname *table, const char **noun);

/* Number of top-level statements in the file (transaction control included). */
int gate_lint_top_count(const struct gate_lint_ctx *ctx);
/* Transaction block of statement idx (0, 1, ...); blocks split at COMMIT/ROLLBACK. */
int gate_lint_block(const struct gate_lint_ctx *ctx, int idx);
/* Statement idx runs inside an explicit BEGIN ... COMMIT. */
bool gate_lint_explicit_tx(const struct gate_lint_ctx *ctx, int idx);
/* Statement idx shares its transaction with at least one other statement. */
bool gate_lint_in_transaction(const struct gate_lint_ctx *ctx, int idx);
/* The Prisma step comment ("CreateTable", "AlterEnum", ...) over idx, or NULL. */
const char *gate_lint_step(const struct gate_lint_ctx *ctx, int idx);
/* lock_timeout was SET before statement idx (in this file). */
bool gate_lint_lock_timeout_set(const struct gate_lint_ctx *ctx, int idx);
/*
 * Per-file state for a rule family: size zeroed bytes, allocated on first
 * use for the current file and freed when the file is done. Use it rather
 * than static variables (files may be linted on several threads later).
 */
void *gate_lint_state(struct gate_lint_ctx *ctx, const struct gate_rule_family *fam, size_t size);
/*
 * Positions of statements by the object they act on, indexed once per
 * file so that "was it created / renamed / dropped before (after)
 * statement idx" costs a hash lookup, not a rescan of the file.
 */
enum gate_lint_pos {
    GATE_POS_CREATE,         /* CREATE TABLE [AS] / VIEW / TYPE / ENUM / DOMAIN / SCHEMA: st->rel */
    GATE_POS_RENAME_TYPE,    /* ALTER TYPE q RENAME TO x (newname set): st->rel */
    GATE_POS_DROP_TYPE,      /* DROP TYPE ..., q, ...: each object */
    GATE_POS_RENAME_REL_TO,  /* ALTER TABLE/VIEW/MATVIEW x RENAME TO q: {x's schema, newname} */
    GATE_POS_RENAME_TYPE_TO, /* ALTER TYPE/DOMAIN x RENAME TO q: {x's schema, newname} */
    GATE_POS_ADD_COLUMN,     /* ALTER TABLE q ADD COLUMN sub */
    GATE_POS_NOT_NULL_CHECK, /* ALTER TABLE q ADD CHECK (sub IS NOT NULL), valid */
    GATE_POS_ADD_VALUE,      /* ALTER TYPE ... ADD VALUE: key {NULL, the first value} */
};

/* The statement kinds GATE_POS_CREATE indexes. */
bool gate_lint_pos_create_kind(enum gate_stmt_kind kind);

/*
 * The ascending indexes of the statements of class `what` on object q
 * (schema NULL is public) and, for the column classes, column sub; *n is
 * their number (0 and NULL when none, or when q has no name).
 */
const int *gate_lint_positions(const struct gate_lint_ctx *ctx, enum gate_lint_pos what,
                               const struct gate_qname *q, const char *sub, int *n);

/* First i with pos[i] >= idx (n when none): pos ascending. */
int gate_lint_pos_lower(const int *pos, int n, int idx);

/* Line (1-based, counting '\n' only) of byte offset off, from a line index built once. */
int gate_lint_line_of(const struct gate_lint_ctx *ctx, int off);

/* size bytes (zeroed) that live until the current file is done. */
void *gate_lint_scratch(struct gate_lint_ctx *ctx, size_t size);

/* Source text of statement idx (borrowed, not NUL-terminated: use length). */
const char *gate_lint_text(const struct gate_lint_ctx *ctx, int offset);

/*
 * Report a finding of rule r at byte offset (use st->location when the
 * statement is the best place). table may be NULL. Returns the finding so
 * the caller may adjust risk or set help with gate_lint_help(); the
 * pointer is valid until the next emit. Returns NULL when the rule is off
 * (policy, or a hygiene rule on a Prisma-generated statement).
 */
struct gate_finding *gate_lint_emit(struct gate_lint_ctx *ctx, const struct gate_rule *r, int stmt,
                                    int offset, const char *table, const char *fmt, ...)
    GATE_PRINTF(6, 7);
/* Replace the finding's help text (formatted, concrete SQL). */
void gate_lint_help(struct gate_lint_ctx *ctx, struct gate_finding *f, const char *fmt, ...)
    GATE_PRINTF(3, 4);

/* "schema"."name" or "name", quoted as Prisma writes it (arena string). */
const char *gate_lint_qname(struct gate_lint_ctx *ctx, const struct gate_qname *q);
/* A readable type: varchar(191), timestamp(3), int4[] (arena string). */
const char *gate_lint_type(struct gate_lint_ctx *ctx, const struct gate_type *t);

#endif
