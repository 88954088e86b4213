/* SPDX-License-Identifier: MIT */
/*
 * sql.h - SQL parsing, the only door to libpg_query.
 *
 * gate_sql_parse() parses a whole migration.sql with the real PostgreSQL 15
 * parser (pg_query_parse_protobuf) and translates each statement into the
 * small intermediate representation below, which is all the rules see.
 * Comments come from libpg_query's scanner. DDL inside DO blocks and
 * plpgsql function bodies is parsed with pg_query_parse_plpgsql and
 * appended as nested statements (depth 1).
 *
 * Every string in a struct gate_sql_file lives in the file's arena and is
 * freed by gate_sql_file_release(). Locations are byte offsets into the
 * source handed to gate_sql_parse(); gate_src (src.h) turns them into
 * line/column.
 *
 * The code is src/sql/: sql.c (this API and the driver), scan.c (tokens,
 * comments, lazy lexing), translate.c (parse tree -> IR), plpgsql.c
 * (bodies), pbdecode.c (protobuf decoding); nothing else includes
 * <pg_query.h>.
 */
#ifndef GATE_SQL_H
#define GATE_SQL_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/err.h"

/* A possibly schema-qualified name (relation, type, index). */
struct gate_qname {
    const char *schema; /* NULL when unqualified */
    const char *name;   /* as PostgreSQL folds it: "User" stays User, foo stays foo */
};

/*
 * A type as written, normalised to PostgreSQL's internal names:
 * int2 int4 int8 smallserial serial bigserial float4 float8 numeric bool
 * text varchar bpchar ("char(n)") timestamp timestamptz date time timetz
 * interval json jsonb uuid bytea inet cidr citext ...; user types (enums,
 * domains) keep their own name. "pg_catalog." is stripped.
 */
struct gate_type {
    const char *schema; /* NULL unless qualified with a non-pg_catalog schema */
    const char *name;   /* NULL: no type */
    int typmods[2];     /* -1 when absent or not an integer constant */
    int ntypmods;
    int array_dims; /* 0 for scalars */
};

/* What evaluating an expression once per row would do. */
enum gate_volatility {
    GATE_VOL_NONE = 0, /* no expression */
    GATE_VOL_CONST,    /* literal, cast of a literal, NULL, array of literals */
    GATE_VOL_STABLE,   /* non-volatile builtin: now(), CURRENT_TIMESTAMP, ... */
    GATE_VOL_VOLATILE, /* random(), gen_random_uuid(), nextval(), user functions */
};

enum gate_cons_kind {
    GATE_CONS_OTHER = 0,
    GATE_CONS_CHECK,
    GATE_CONS_FOREIGN,
    GATE_CONS_UNIQUE,
    GATE_CONS_PRIMARY,
    GATE_CONS_EXCLUSION,
    GATE_CONS_NOT_NULL,
    GATE_CONS_NULL,
    GATE_CONS_DEFAULT,
    GATE_CONS_IDENTITY,
    GATE_CONS_GENERATED,
};

struct gate_constraint {
    enum gate_cons_kind kind;
    const char *name;       /* NULL when unnamed */
    bool not_valid;         /* NOT VALID (skip_validation) */
    bool using_index;       /* UNIQUE/PRIMARY KEY USING INDEX */
    const char *index_name; /* USING INDEX name */
    struct gate_qname ref;  /* FOREIGN KEY: referenced table */
    const char **columns;   /* constrained columns (FK: referencing side) */
    int ncolumns;
    const char *check_not_null_column; /* CHECK (col IS NOT NULL): col, else NULL */
    bool on_delete_cascade;            /* FOREIGN KEY ... ON DELETE CASCADE */
    int location;                      /* byte offset, -1 unknown */
};

struct gate_coldef {
    const char *name;
    struct gate_type type;
    bool not_null;
    bool primary_key;
    bool unique;
    bool has_default;
    enum gate_volatility default_vol;
    const char *default_func; /* the volatile call as written ("now(123)"), when one decides */
    bool generated_stored;    /* GENERATED ALWAYS AS (...) STORED */
    bool identity;            /* GENERATED ... AS IDENTITY */
    bool references;          /* column-level REFERENCES */
    struct gate_qname ref;    /* its table */
    bool has_check;
    int location;
};

enum gate_alter_kind {
    GATE_ALTER_OTHER = 0,
    GATE_ALTER_ADD_COLUMN,
    GATE_ALTER_DROP_COLUMN,
    GATE_ALTER_COLUMN_TYPE,
    GATE_ALTER_SET_DEFAULT,
    GATE_ALTER_DROP_DEFAULT,
    GATE_ALTER_SET_NOT_NULL,
    GATE_ALTER_DROP_NOT_NULL,
    GATE_ALTER_ADD_CONSTRAINT,
    GATE_ALTER_DROP_CONSTRAINT,
    GATE_ALTER_VALIDATE_CONSTRAINT,
    GATE_ALTER_ADD_IDENTITY,
    GATE_ALTER_SET_LOGGED,
    GATE_ALTER_SET_UNLOGGED,
    GATE_ALTER_ATTACH_PARTITION,
    GATE_ALTER_DETACH_PARTITION,
    GATE_ALTER_TRIGGER, /* ENABLE/DISABLE TRIGGER */
    GATE_ALTER_SET_TABLESPACE,
    GATE_ALTER_CLUSTER_ON,
    GATE_ALTER_OWNER,
    GATE_ALTER_SET_OPTIONS, /* SET (storage params), SET STATISTICS, ... */
};

struct gate_alter_cmd {
    enum gate_alter_kind kind;
    const char *column;               /* column named by the command */
    struct gate_coldef *coldef;       /* ADD COLUMN */
    struct gate_type newtype;         /* ALTER COLUMN TYPE */
    bool has_using;                   /* ... USING expr */
    enum gate_volatility default_vol; /* SET DEFAULT */
    struct gate_constraint *cons;     /* ADD CONSTRAINT */
    const char *name;                 /* DROP/VALIDATE CONSTRAINT, trigger, partition name */
    bool missing_ok;                  /* IF EXISTS / IF NOT EXISTS */
    bool cascade;
    bool concurrent; /* DETACH PARTITION CONCURRENTLY / FINALIZE */
    int location;    /* byte offset, -1 unknown */
};

enum gate_obj_kind {
    GATE_OBJ_OTHER = 0,
    GATE_OBJ_TABLE,
    GATE_OBJ_INDEX,
    GATE_OBJ_SEQUENCE,
    GATE_OBJ_VIEW,
    GATE_OBJ_MATVIEW,
    GATE_OBJ_TYPE,
    GATE_OBJ_DOMAIN,
    GATE_OBJ_SCHEMA,
    GATE_OBJ_DATABASE,
    GATE_OBJ_COLUMN,
    GATE_OBJ_CONSTRAINT,
    GATE_OBJ_FUNCTION,
    GATE_OBJ_TRIGGER,
    GATE_OBJ_EXTENSION,
};

enum gate_tx_kind {
    GATE_TX_OTHER = 0,
    GATE_TX_BEGIN,    /* BEGIN, START TRANSACTION */
    GATE_TX_COMMIT,   /* COMMIT, END, COMMIT AND CHAIN */
    GATE_TX_ROLLBACK, /* ROLLBACK, ABORT */
    GATE_TX_SAVEPOINT,
    GATE_TX_RELEASE,
    GATE_TX_ROLLBACK_TO,
    GATE_TX_PREPARE,
};

enum gate_stmt_kind {
    GATE_STMT_OTHER = 0,
    GATE_STMT_CREATE_TABLE,    /* CREATE TABLE (also PARTITION OF) */
    GATE_STMT_CREATE_TABLE_AS, /* CREATE TABLE AS / SELECT INTO / CREATE MATERIALIZED VIEW */
    GATE_STMT_ALTER_TABLE,     /* also ALTER INDEX/VIEW/SEQUENCE forms: obj says which */
    GATE_STMT_DROP,
    GATE_STMT_RENAME,
    GATE_STMT_CREATE_INDEX,
    GATE_STMT_REINDEX,
    GATE_STMT_TRUNCATE,
    GATE_STMT_DELETE,
    GATE_STMT_UPDATE,
    GATE_STMT_INSERT,
    GATE_STMT_SELECT,
    GATE_STMT_CREATE_ENUM,
    GATE_STMT_ALTER_ENUM, /* ADD VALUE / RENAME VALUE */
    GATE_STMT_TRANSACTION,
    GATE_STMT_SET, /* SET / SET LOCAL / RESET */
    GATE_STMT_DO,
    GATE_STMT_CREATE_FUNCTION,
    GATE_STMT_CREATE_DOMAIN,
    GATE_STMT_ALTER_DOMAIN,
    GATE_STMT_VACUUM,
    GATE_STMT_CLUSTER,
    GATE_STMT_REFRESH_MATVIEW,
    GATE_STMT_CREATE_SCHEMA,
    GATE_STMT_CREATE_EXTENSION,
    GATE_STMT_CREATE_VIEW,
    GATE_STMT_CREATE_SEQUENCE,
    GATE_STMT_ALTER_SEQUENCE,
    GATE_STMT_CREATE_TRIGGER,
    GATE_STMT_COMMENT,
    GATE_STMT_GRANT,
    GATE_STMT_LOCK,
    GATE_STMT_CREATE_DATABASE,
    GATE_STMT_CREATE_TYPE, /* composite / range types */
    GATE_STMT_ALTER_SYSTEM,
    GATE_STMT_CREATE_POLICY,
    GATE_STMT_COPY,
    GATE_STMT_EXPLAIN,
    GATE_STMT_CALL,
};

struct gate_stmt {
    enum gate_stmt_kind kind;
    int location;     /* byte offset of the first token */
    int length;       /* bytes up to, not including, the terminating ';' */
    int depth;        /* 0 top level; 1 inside a DO block or function body */
    int parent;       /* depth 1: index of the DO / CREATE FUNCTION statement; else -1 */
    const char *node; /* libpg_query node name, e.g. "AlterTableStmt" */

    struct gate_qname rel;  /* main relation / type / object named */
    enum gate_obj_kind obj; /* DROP, RENAME, ALTER TABLE (TABLE/INDEX/VIEW/...), COMMENT */
    bool missing_ok;        /* IF EXISTS / IF NOT EXISTS */
    bool cascade;
    bool concurrent; /* CONCURRENTLY */
    bool unlogged;   /* CREATE UNLOGGED TABLE */
    bool temp;       /* CREATE TEMP TABLE */
    bool full;       /* VACUUM FULL */

    /* CREATE TABLE */
    struct gate_coldef *cols;
    int ncols;
    struct gate_constraint *constraints; /* table constraints */
    int nconstraints;
    bool partition_of;

    /* ALTER TABLE */
    struct gate_alter_cmd *cmds;
    int ncmds;

    /* DROP (several objects), TRUNCATE (several tables) */
    struct gate_qname *objects;
    int nobjects;

    /* RENAME: obj says what; rel is the table (or the object itself) */
    const char *subname; /* old column / constraint name */
    const char *newname;

    /* CREATE INDEX */
    const char *index_name;
    bool unique;
    const char **index_columns; /* NULL entries for expressions */
    int nindex_columns;
    bool has_where; /* partial index; DELETE/UPDATE: has WHERE */

    /* UPDATE: assigned columns */
    const char **set_columns;
    int nset_columns;

    /* UPDATE/DELETE: the WHERE is exactly "col IS NULL" (col, else NULL) */
    const char *where_is_null;
    /* UPDATE/DELETE: the WHERE is exactly "col = constant" or "col IN (constants)":
     * col, else NULL; where_key_values: how many constants */
    const char *where_key;
    int where_key_values;
    /* INSERT ... SELECT (rows read from a query, not VALUES) */
    bool insert_select;

    /* CREATE TYPE AS ENUM: values; ALTER TYPE ADD VALUE: values[0]; RENAME VALUE: old, new */
    const char **values;
    int nvalues;
    bool enum_rename;       /* ALTER TYPE ... RENAME VALUE */
    bool enum_has_position; /* BEFORE / AFTER given */

    /* TRANSACTION */
    enum gate_tx_kind tx;

    /* SET: name lower-case ("lock_timeout"), value as text; is_local for SET LOCAL */
    const char *set_name;
    const char *set_value;
    bool set_local;
    bool reset;

    /* Every string literal in the statement (enum-value use detection). */
    const char **strings;
    int nstrings;

    /* CREATE FUNCTION / DO: body language ("plpgsql", "sql", ...) */
    const char *language;
    /* DO / CREATE FUNCTION: the body runs SQL the nested statements do not show
       (EXECUTE of a computed string, or a plpgsql body that does not parse) */
    bool opaque;
};

/* A comment found by the scanner. */
struct gate_sql_comment {
    int start;        /* byte offset of "--" or slash-star */
    int end;          /* one past the last byte */
    bool block;       /* slash-star comment */
    const char *text; /* the comment without its delimiters */
};

struct gate_sql_file {
    struct gate_arena arena;
    struct gate_stmt *stmts;
    int nstmts;
    struct gate_sql_comment *comments;
    int ncomments;

    /* Set when the file (or a part of it) does not parse. */
    bool syntax_error;
    int error_offset;      /* byte offset the parser reported, -1 unknown */
    const char *error_msg; /* parser message, e.g. 'syntax error at or near "FOO"' */
};

/*
 * Parse src[0..len) (need not be NUL-terminated; a NUL byte inside is an
 * error). On a syntax error the file is still usable: the statements
 * that parse on their own are returned and syntax_error/error_* say where
 * parsing failed. Returns GATE_OK, or GATE_E_SQL for input libpg_query
 * cannot take at all (err says why). out is always safe to release.
 */
enum gate_code gate_sql_parse(const char *src, size_t len, struct gate_sql_file *out,
                              struct gate_err *err);

/*
 * gate_sql_parse() with flags. GATE_SQL_FULL_SCAN: run the scanner over the
 * whole file instead of only the statements that may hold a comment (the
 * reference the fast path is tested against; the results are the same).
 */
#define GATE_SQL_FULL_SCAN 1u
enum gate_code gate_sql_parse_flags(const char *src, size_t len, struct gate_sql_file *out,
                                    struct gate_err *err, unsigned flags);

/* Parse only, nothing else: the benchmark floor. Returns statements parsed or -1. */
int gate_sql_parse_only(const char *src);

void gate_sql_file_release(struct gate_sql_file *f);

/*
 * Release libpg_query's per-thread memory (main.c, at exit; a parser
 * thread may call it before it ends). The last gate_sql_* call of the
 * thread: parsing again after it is a bug. A no-op when the thread never
 * parsed.
 */
void gate_sql_shutdown(void);

#endif
