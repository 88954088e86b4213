/* SPDX-License-Identifier: MIT */
/*
 * test_sql.c - the SQL IR (sql.c): Prisma's generated shapes, every ALTER
 * TABLE subtype, type names, DEFAULT volatility, statement kinds, offsets
 * (comments, CRLF, UTF-8), DO blocks and function bodies, syntax errors.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/err.h"
#include "gate/fs.h"
#include "sql_same.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- helpers ---------------------------------------------------------- */

static void parse_ok(const char *sql, struct gate_sql_file *f)
{
    struct gate_err err = {0};

    assert_int_equal(gate_sql_parse(sql, strlen(sql), f, &err), GATE_OK);
    assert_int_equal(err.code, GATE_OK);
}

/* Parse a file that must parse cleanly. */
static void parse_clean(const char *sql, struct gate_sql_file *f)
{
    parse_ok(sql, f);
    if (f->syntax_error)
        fail_msg("unexpected syntax error in <%s>: %s", sql, f->error_msg);
}

static void expect_str(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* Byte offset of the n-th (0-based) occurrence of needle in sql. */
static int nth_off(const char *sql, const char *needle, int n)
{
    const char *p = sql;

    for (;;) {
        const char *q = strstr(p, needle);

        assert_non_null(q);
        if (n-- == 0)
            return (int)(q - sql);
        p = q + 1;
    }
}

static int off(const char *sql, const char *needle)
{
    return nth_off(sql, needle, 0);
}

/* The statement's text is exactly want. */
static void expect_text(const char *sql, const struct gate_stmt *st, const char *want)
{
    size_t n = strlen(want);

    assert_true(st->location >= 0);
    assert_int_equal(st->length, (int)n);
    assert_memory_equal(sql + st->location, want, n);
}

static bool has_string(const struct gate_stmt *st, const char *s)
{
    for (int i = 0; i < st->nstrings; i++) {
        if (!strcmp(st->strings[i], s))
            return true;
    }
    return false;
}

/* ---- lazy lexing = full scan ------------------------------------------ */

/* Parse src both ways (statement by statement, and the scanner over all of it): same result. */
static void same_as_full_scan(const char *what, const char *src, size_t len)
{
    struct gate_sql_file a;
    struct gate_sql_file b;
    struct gate_err ea = {0};
    struct gate_err eb = {0};
    char why[256];

    assert_int_equal(gate_sql_parse_flags(src, len, &a, &ea, 0),
                     gate_sql_parse_flags(src, len, &b, &eb, GATE_SQL_FULL_SCAN));
    if (!sql_same_as_full_scan(&a, &b, why, sizeof(why)))
        fail_msg("%s: %s", what, why);
    gate_sql_file_release(&a);
    gate_sql_file_release(&b);
}

/* Every *.sql (or migrations/<dir>/migration.sql) under dir; returns files checked. */
static int same_in_dir(const char *dir, bool migrations)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        char path[4096];
        char *data = NULL;
        size_t len = 0;
        struct gate_err err = {0};
        size_t nl = strlen(e->d_name);

        if (e->d_name[0] == '.')
            continue;
        if (migrations) {
            (void)snprintf(path, sizeof(path), "%s/%s/migration.sql", dir, e->d_name);
        } else {
            if (nl < 4 || strcmp(e->d_name + nl - 4, ".sql"))
                continue;
            (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        }
        if (gate_read_file(path, 64u << 20, &data, &len, &err))
            continue;
        if (!memchr(data, '\0', len))
            same_as_full_scan(path, data, len);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_lazy_lex_edges(void **state)
{
    static const char *const cases[] = {
        "SELECT 1;; -- between\n;/* x */ SELECT 2 -- tail\n;\n-- end\n",
        "ALTER TABLE \"a\" ADD COLUMN \"b\" TEXT DEFAULT '--no', ADD COLUMN c int /* c */;",
        "ALTER TABLE \"a\" DROP COLUMN \"b\";\nALTER TABLE ONLY s.\"a\" * ADD COLUMN c int;",
        "/* a /* b */ c */ CREATE TABLE t (a int);",
        "CREATE TABLE t (a int) -- trailing",
        "-- prisma-gate-ignore-file ban-drop-column: x\nCREATE TABLE t (\n  a int -- inline\n);",
        "-- c\r\nSELECT 1;\r\n\r\n-- d\r\nSELECT 2;\r\n",
        "DO $$ BEGIN -- x\n PERFORM 1; END $$;\nSELECT '/*';",
        "SELECT $q$ -- $q$; SELECT 2 /* */;",
        "CREATE TABLE \"x--y\" (\"a/*b\" int);",
        "SELECT 1 /* unterminated",
        "SELECT 1; SELEC 2; -- after an error\n",
        "",
        "-- only a comment",
        ";;;",
        "ALTER TABLE \"a\"\"b\" ADD CONSTRAINT \"c\" FOREIGN KEY (\"x\") REFERENCES \"d\"(\"id\");",
        "ALTER TABLE s . \"t\" DROP COLUMN x;\nALTER TABLE IF EXISTS ONLY \"s\".t * ADD COLUMN y int;",
        "ALTER TABLE \"a\"ADD COLUMN b int;\nALTER TABLE U&\"d\\0061t\" ADD COLUMN c int;",
        "ALTER TABLE \"caf\xC3\xA9\" ALTER COLUMN \"n\" SET DEFAULT 'x''y';",
        "ALTER TABLE \"a_very_long_table_name_that_goes_on_and_on_and_on\".\"and_on\" "
        "ADD CONSTRAINT \"k\" CHECK (\"v\" <> ';');",
        "ALTER TABLE t\n\tRENAME COLUMN a TO b;\nALTER TABLE t RENAME TO u;",
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(cases); i++)
        same_as_full_scan(cases[i], cases[i], strlen(cases[i]));
}

static void test_lazy_lex_files(void **state)
{
    int n;
    int corpus = 0;
    DIR *d;

    (void)state;
    n = same_in_dir("tests/golden/sql", false);
    assert_true(n > 100);
    d = opendir("../shared/corpus");
    if (!d) {
        print_message(
            "[ SKIPPED  ] ../shared/corpus is absent: only the golden SQL was compared\n");
        return;
    }
    for (struct dirent *e; (e = readdir(d));) {
        char dir[4096];

        if (e->d_name[0] == '.')
            continue;
        (void)snprintf(dir, sizeof(dir), "../shared/corpus/%s/migrations", e->d_name);
        corpus += same_in_dir(dir, true);
    }
    closedir(d);
    assert_true(corpus > 1000);
}

/* ---- Prisma shapes ---------------------------------------------------- */

static void test_prisma_create_table(void **state)
{
    static const char sql[] =
        "-- CreateEnum\n"
        "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n"
        "\n"
        "-- CreateTable\n"
        "CREATE TABLE \"User\" (\n"
        "    \"id\" SERIAL NOT NULL,\n"
        "    \"email\" TEXT NOT NULL,\n"
        "    \"role\" \"Role\" NOT NULL DEFAULT 'USER',\n"
        "    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "    \"updatedAt\" TIMESTAMP(3) NOT NULL,\n"
        "    \"tags\" TEXT[],\n"
        "    \"price\" DECIMAL(65,30),\n"
        "\n"
        "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
        ");\n"
        "\n"
        "-- CreateIndex\n"
        "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
        "\n"
        "-- AddForeignKey\n"
        "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") "
        "REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n";
    struct gate_sql_file f;
    const struct gate_stmt *st;
    const struct gate_coldef *c;
    const struct gate_constraint *k;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 4);
    assert_int_equal(f.ncomments, 4);
    expect_str(f.comments[1].text, " CreateTable");
    assert_false(f.comments[1].block);
    assert_int_equal(f.comments[1].start, off(sql, "-- CreateTable"));
    assert_int_equal(f.comments[1].end, off(sql, "-- CreateTable") + 14);

    st = &f.stmts[0];
    assert_int_equal(st->kind, GATE_STMT_CREATE_ENUM);
    expect_str(st->node, "CreateEnumStmt");
    expect_text(sql, st, "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN')");
    expect_str(st->rel.name, "Role");
    assert_int_equal(st->nvalues, 2);
    expect_str(st->values[0], "USER");
    expect_str(st->values[1], "ADMIN");

    st = &f.stmts[1];
    assert_int_equal(st->kind, GATE_STMT_CREATE_TABLE);
    expect_str(st->node, "CreateStmt");
    assert_int_equal(st->location, off(sql, "CREATE TABLE"));
    assert_int_equal(st->location + st->length, off(sql, ");\n\n-- CreateIndex") + 1);
    assert_int_equal(st->depth, 0);
    assert_int_equal(st->parent, -1);
    assert_null(st->rel.schema);
    expect_str(st->rel.name, "User");
    assert_int_equal(st->ncols, 7);
    c = &st->cols[0];
    expect_str(c->name, "id");
    expect_str(c->type.name, "serial");
    assert_true(c->not_null);
    assert_false(c->has_default);
    assert_int_equal(c->location, off(sql, "\"id\" SERIAL"));
    c = &st->cols[2];
    expect_str(c->type.name, "Role");
    assert_true(c->has_default);
    assert_int_equal(c->default_vol, GATE_VOL_CONST);
    assert_null(c->default_func);
    c = &st->cols[3];
    expect_str(c->type.name, "timestamp");
    assert_int_equal(c->type.ntypmods, 1);
    assert_int_equal(c->type.typmods[0], 3);
    assert_int_equal(c->type.typmods[1], -1);
    assert_int_equal(c->default_vol, GATE_VOL_STABLE);
    c = &st->cols[5];
    expect_str(c->type.name, "text");
    assert_int_equal(c->type.array_dims, 1);
    assert_false(c->not_null);
    c = &st->cols[6];
    expect_str(c->type.name, "numeric");
    assert_int_equal(c->type.ntypmods, 2);
    assert_int_equal(c->type.typmods[0], 65);
    assert_int_equal(c->type.typmods[1], 30);
    assert_int_equal(st->nconstraints, 1);
    k = &st->constraints[0];
    assert_int_equal(k->kind, GATE_CONS_PRIMARY);
    expect_str(k->name, "User_pkey");
    assert_int_equal(k->ncolumns, 1);
    expect_str(k->columns[0], "id");
    assert_int_equal(k->location, off(sql, "CONSTRAINT \"User_pkey\""));
    assert_true(has_string(st, "USER"));

    st = &f.stmts[2];
    assert_int_equal(st->kind, GATE_STMT_CREATE_INDEX);
    expect_text(sql, st, "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\")");
    assert_true(st->unique);
    assert_false(st->concurrent);
    expect_str(st->index_name, "User_email_key");
    expect_str(st->rel.name, "User");
    assert_int_equal(st->nindex_columns, 1);
    expect_str(st->index_columns[0], "email");

    st = &f.stmts[3];
    assert_int_equal(st->kind, GATE_STMT_ALTER_TABLE);
    assert_int_equal(st->obj, GATE_OBJ_TABLE);
    expect_str(st->rel.name, "Post");
    assert_int_equal(st->ncmds, 1);
    assert_int_equal(st->cmds[0].kind, GATE_ALTER_ADD_CONSTRAINT);
    assert_int_equal(st->cmds[0].location, off(sql, "ADD CONSTRAINT"));
    expect_str(st->cmds[0].name, "Post_authorId_fkey");
    k = st->cmds[0].cons;
    assert_non_null(k);
    assert_int_equal(k->kind, GATE_CONS_FOREIGN);
    assert_false(k->not_valid);
    expect_str(k->ref.name, "User");
    assert_int_equal(k->ncolumns, 1);
    expect_str(k->columns[0], "authorId");
    gate_sql_file_release(&f);
}

static void test_prisma_enum_swap(void **state)
{
    static const char sql[] = "-- AlterEnum\n"
                              "BEGIN;\n"
                              "CREATE TYPE \"Role_new\" AS ENUM ('USER', 'EDITOR');\n"
                              "ALTER TABLE \"User\" ALTER COLUMN \"role\" DROP DEFAULT;\n"
                              "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING "
                              "(\"role\"::text::\"Role_new\");\n"
                              "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n"
                              "ALTER TYPE \"Role_new\" RENAME TO \"Role\";\n"
                              "DROP TYPE \"Role_old\";\n"
                              "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'USER';\n"
                              "COMMIT;\n";
    static const enum gate_stmt_kind kinds[] = {
        GATE_STMT_TRANSACTION, GATE_STMT_CREATE_ENUM, GATE_STMT_ALTER_TABLE,
        GATE_STMT_ALTER_TABLE, GATE_STMT_RENAME,      GATE_STMT_RENAME,
        GATE_STMT_DROP,        GATE_STMT_ALTER_TABLE, GATE_STMT_TRANSACTION,
    };
    struct gate_sql_file f;
    const struct gate_stmt *s;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, (int)GATE_ARRAY_SIZE(kinds));
    for (size_t i = 0; i < GATE_ARRAY_SIZE(kinds); i++)
        assert_int_equal(f.stmts[i].kind, kinds[i]);
    s = f.stmts;
    assert_int_equal(s[0].tx, GATE_TX_BEGIN);
    expect_text(sql, &s[0], "BEGIN");
    assert_int_equal(s[2].cmds[0].kind, GATE_ALTER_DROP_DEFAULT);
    expect_str(s[2].cmds[0].column, "role");
    assert_int_equal(s[3].cmds[0].kind, GATE_ALTER_COLUMN_TYPE);
    expect_str(s[3].cmds[0].newtype.name, "Role_new");
    assert_true(s[3].cmds[0].has_using);
    assert_int_equal(s[4].obj, GATE_OBJ_TYPE);
    expect_str(s[4].rel.name, "Role");
    expect_str(s[4].newname, "Role_old");
    assert_int_equal(s[6].obj, GATE_OBJ_TYPE);
    assert_int_equal(s[6].nobjects, 1);
    expect_str(s[6].objects[0].name, "Role_old");
    assert_int_equal(s[7].cmds[0].kind, GATE_ALTER_SET_DEFAULT);
    assert_int_equal(s[7].cmds[0].default_vol, GATE_VOL_CONST);
    assert_true(has_string(&s[7], "USER"));
    assert_int_equal(s[8].tx, GATE_TX_COMMIT);
    expect_text(sql, &s[8], "COMMIT");
    gate_sql_file_release(&f);
}

static void test_prisma_add_column_layout(void **state)
{
    static const char sql[] = "-- AlterTable\n"
                              "ALTER TABLE \"User\" DROP COLUMN \"old\",\n"
                              "ADD COLUMN     \"name\" TEXT NOT NULL;\n";
    struct gate_sql_file f;
    const struct gate_alter_cmd *a;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 1);
    assert_int_equal(f.stmts[0].ncmds, 2);
    a = &f.stmts[0].cmds[0];
    assert_int_equal(a->kind, GATE_ALTER_DROP_COLUMN);
    expect_str(a->column, "old");
    assert_int_equal(a->location, off(sql, "DROP COLUMN"));
    a = &f.stmts[0].cmds[1];
    assert_int_equal(a->kind, GATE_ALTER_ADD_COLUMN);
    assert_int_equal(a->location, off(sql, "ADD COLUMN"));
    expect_str(a->column, "name");
    assert_non_null(a->coldef);
    assert_int_equal(a->coldef->location, off(sql, "\"name\""));
    expect_str(a->coldef->type.name, "text");
    assert_true(a->coldef->not_null);
    assert_false(a->coldef->has_default);
    assert_int_equal(a->coldef->default_vol, GATE_VOL_NONE);
    gate_sql_file_release(&f);
}

/* ---- ALTER TABLE ------------------------------------------------------ */

enum {
    F_MISSING = 1 << 0,
    F_CASCADE = 1 << 1,
    F_CONC = 1 << 2,
    F_USING = 1 << 3,
};

static void test_alter_subtypes(void **state)
{
    static const struct {
        const char *sql; /* "ALTER TABLE t " + one command */
        enum gate_alter_kind kind;
        const char *column;
        const char *name;
        int flags;
    } rows[] = {
        {"ALTER TABLE t ADD COLUMN c int", GATE_ALTER_ADD_COLUMN, "c", NULL, 0},
        {"ALTER TABLE t ADD COLUMN IF NOT EXISTS c int", GATE_ALTER_ADD_COLUMN, "c", NULL,
         F_MISSING},
        {"ALTER TABLE t DROP COLUMN c", GATE_ALTER_DROP_COLUMN, "c", NULL, 0},
        {"ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE", GATE_ALTER_DROP_COLUMN, "c", NULL,
         F_MISSING | F_CASCADE},
        {"ALTER TABLE t ALTER COLUMN c TYPE bigint", GATE_ALTER_COLUMN_TYPE, "c", NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint", GATE_ALTER_COLUMN_TYPE, "c",
         NULL, F_USING},
        {"ALTER TABLE t ALTER COLUMN c SET DEFAULT 0", GATE_ALTER_SET_DEFAULT, "c", NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c DROP DEFAULT", GATE_ALTER_DROP_DEFAULT, "c", NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c SET NOT NULL", GATE_ALTER_SET_NOT_NULL, "c", NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c DROP NOT NULL", GATE_ALTER_DROP_NOT_NULL, "c", NULL, 0},
        {"ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID", GATE_ALTER_ADD_CONSTRAINT, NULL,
         "k", 0},
        {"ALTER TABLE t DROP CONSTRAINT k", GATE_ALTER_DROP_CONSTRAINT, NULL, "k", 0},
        {"ALTER TABLE t DROP CONSTRAINT IF EXISTS k CASCADE", GATE_ALTER_DROP_CONSTRAINT, NULL, "k",
         F_MISSING | F_CASCADE},
        {"ALTER TABLE t VALIDATE CONSTRAINT k", GATE_ALTER_VALIDATE_CONSTRAINT, NULL, "k", 0},
        {"ALTER TABLE t ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY", GATE_ALTER_ADD_IDENTITY,
         "c", NULL, 0},
        {"ALTER TABLE t SET LOGGED", GATE_ALTER_SET_LOGGED, NULL, NULL, 0},
        {"ALTER TABLE t SET UNLOGGED", GATE_ALTER_SET_UNLOGGED, NULL, NULL, 0},
        {"ALTER TABLE t ATTACH PARTITION p FOR VALUES IN (1, 2)", GATE_ALTER_ATTACH_PARTITION, NULL,
         "p", 0},
        {"ALTER TABLE t DETACH PARTITION p", GATE_ALTER_DETACH_PARTITION, NULL, "p", 0},
        {"ALTER TABLE t DETACH PARTITION p CONCURRENTLY", GATE_ALTER_DETACH_PARTITION, NULL, "p",
         F_CONC},
        {"ALTER TABLE t DETACH PARTITION p FINALIZE", GATE_ALTER_DETACH_PARTITION, NULL, "p",
         F_CONC},
        {"ALTER TABLE t DISABLE TRIGGER trg", GATE_ALTER_TRIGGER, NULL, "trg", 0},
        {"ALTER TABLE t ENABLE ALWAYS TRIGGER trg", GATE_ALTER_TRIGGER, NULL, "trg", 0},
        {"ALTER TABLE t DISABLE TRIGGER ALL", GATE_ALTER_TRIGGER, NULL, NULL, 0},
        {"ALTER TABLE t ENABLE TRIGGER USER", GATE_ALTER_TRIGGER, NULL, NULL, 0},
        {"ALTER TABLE t SET TABLESPACE ts", GATE_ALTER_SET_TABLESPACE, NULL, "ts", 0},
        {"ALTER TABLE t CLUSTER ON idx", GATE_ALTER_CLUSTER_ON, NULL, "idx", 0},
        {"ALTER TABLE t OWNER TO bob", GATE_ALTER_OWNER, NULL, "bob", 0},
        {"ALTER TABLE t SET (fillfactor = 70)", GATE_ALTER_SET_OPTIONS, NULL, NULL, 0},
        {"ALTER TABLE t RESET (fillfactor)", GATE_ALTER_SET_OPTIONS, NULL, NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c SET STATISTICS 100", GATE_ALTER_SET_OPTIONS, "c", NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL", GATE_ALTER_SET_OPTIONS, "c", NULL, 0},
        {"ALTER TABLE t ENABLE ROW LEVEL SECURITY", GATE_ALTER_OTHER, NULL, NULL, 0},
        {"ALTER TABLE t ALTER COLUMN c DROP IDENTITY", GATE_ALTER_OTHER, "c", NULL, 0},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_sql_file f;
        const struct gate_alter_cmd *a;

        parse_clean(rows[i].sql, &f);
        assert_int_equal(f.nstmts, 1);
        assert_int_equal(f.stmts[0].kind, GATE_STMT_ALTER_TABLE);
        expect_str(f.stmts[0].node, "AlterTableStmt");
        expect_str(f.stmts[0].rel.name, "t");
        assert_int_equal(f.stmts[0].ncmds, 1);
        a = &f.stmts[0].cmds[0];
        if (a->kind != rows[i].kind)
            fail_msg("<%s>: kind %d, want %d", rows[i].sql, a->kind, rows[i].kind);
        expect_str(a->column, rows[i].column);
        expect_str(a->name, rows[i].name);
        assert_int_equal(a->missing_ok, !!(rows[i].flags & F_MISSING));
        assert_int_equal(a->cascade, !!(rows[i].flags & F_CASCADE));
        assert_int_equal(a->concurrent, !!(rows[i].flags & F_CONC));
        assert_int_equal(a->has_using, !!(rows[i].flags & F_USING));
        assert_int_equal(a->location, (int)strlen("ALTER TABLE t "));
        if (a->kind == GATE_ALTER_COLUMN_TYPE)
            expect_str(a->newtype.name, "int8");
        else
            assert_null(a->newtype.name);
        gate_sql_file_release(&f);
    }
}

static void test_alter_forms(void **state)
{
    static const char sql[] =
        "ALTER TABLE IF EXISTS ONLY \"public\".\"t\" ADD COLUMN a int DEFAULT f(1, 2),\n"
        "  /* why */ ALTER COLUMN b TYPE numeric(10, 2) USING ARRAY[1, 2],\n"
        "  ADD CONSTRAINT c CHECK (\"a\" IS NOT NULL) NOT VALID;\n"
        "ALTER INDEX i SET TABLESPACE ts;\n"
        "ALTER VIEW v OWNER TO bob;\n"
        "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX idx;\n"
        "ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0);\n";
    struct gate_sql_file f;
    const struct gate_stmt *st;
    const struct gate_alter_cmd *a;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 5);
    st = &f.stmts[0];
    assert_true(st->missing_ok);
    expect_str(st->rel.schema, "public");
    expect_str(st->rel.name, "t");
    assert_int_equal(st->ncmds, 3);
    a = st->cmds;
    assert_int_equal(a[0].location, off(sql, "ADD COLUMN"));
    assert_int_equal(a[0].coldef->default_vol, GATE_VOL_VOLATILE);
    expect_str(a[0].coldef->default_func, "f(1, 2)");
    assert_int_equal(a[1].location, off(sql, "ALTER COLUMN b"));
    expect_str(a[1].newtype.name, "numeric");
    assert_int_equal(a[1].newtype.typmods[0], 10);
    assert_int_equal(a[1].newtype.typmods[1], 2);
    assert_int_equal(a[2].location, off(sql, "ADD CONSTRAINT c"));
    assert_true(a[2].cons->not_valid);
    assert_int_equal(a[2].cons->kind, GATE_CONS_CHECK);
    expect_str(a[2].cons->check_not_null_column, "a");

    assert_int_equal(f.stmts[1].obj, GATE_OBJ_INDEX);
    assert_int_equal(f.stmts[1].cmds[0].kind, GATE_ALTER_SET_TABLESPACE);
    assert_int_equal(f.stmts[2].obj, GATE_OBJ_VIEW);
    assert_int_equal(f.stmts[2].cmds[0].kind, GATE_ALTER_OWNER);
    a = &f.stmts[3].cmds[0];
    assert_int_equal(a->cons->kind, GATE_CONS_UNIQUE);
    assert_true(a->cons->using_index);
    expect_str(a->cons->index_name, "idx");
    a = &f.stmts[4].cmds[0];
    assert_false(a->cons->not_valid);
    assert_null(a->cons->check_not_null_column);
    gate_sql_file_release(&f);
}

/* ---- columns, types, volatility --------------------------------------- */

static void test_column_constraints(void **state)
{
    static const char sql[] = "CREATE TABLE t (a int PRIMARY KEY, b int UNIQUE REFERENCES s.u(id), "
                              "c int CHECK (c > 0), d int GENERATED ALWAYS AS (a * 2) STORED, "
                              "e int GENERATED BY DEFAULT AS IDENTITY, f int NULL, "
                              "UNIQUE (a, b), EXCLUDE USING gist (c WITH &&), "
                              "CONSTRAINT fk FOREIGN KEY (b, c) REFERENCES s.u (x, y))";
    struct gate_sql_file f;
    const struct gate_stmt *st;

    (void)state;
    parse_clean(sql, &f);
    st = &f.stmts[0];
    assert_int_equal(st->ncols, 6);
    assert_true(st->cols[0].primary_key);
    assert_false(st->cols[0].not_null);
    assert_true(st->cols[1].unique);
    assert_true(st->cols[1].references);
    expect_str(st->cols[1].ref.schema, "s");
    expect_str(st->cols[1].ref.name, "u");
    assert_true(st->cols[2].has_check);
    assert_true(st->cols[3].generated_stored);
    assert_false(st->cols[3].has_default);
    assert_true(st->cols[4].identity);
    assert_false(st->cols[5].not_null);
    assert_int_equal(st->nconstraints, 3);
    assert_int_equal(st->constraints[0].kind, GATE_CONS_UNIQUE);
    assert_int_equal(st->constraints[0].ncolumns, 2);
    expect_str(st->constraints[0].columns[1], "b");
    assert_null(st->constraints[0].name);
    assert_int_equal(st->constraints[1].kind, GATE_CONS_EXCLUSION);
    expect_str(st->constraints[1].columns[0], "c");
    assert_int_equal(st->constraints[2].kind, GATE_CONS_FOREIGN);
    expect_str(st->constraints[2].name, "fk");
    assert_int_equal(st->constraints[2].ncolumns, 2);
    expect_str(st->constraints[2].columns[0], "b");
    expect_str(st->constraints[2].ref.name, "u");
    gate_sql_file_release(&f);
}

static void test_types(void **state)
{
    static const struct {
        const char *type;
        const char *schema;
        const char *name;
        int ntypmods, t0, t1, dims;
    } rows[] = {
        {"int", NULL, "int4", 0, -1, -1, 0},
        {"INTEGER", NULL, "int4", 0, -1, -1, 0},
        {"int4", NULL, "int4", 0, -1, -1, 0},
        {"pg_catalog.int4", NULL, "int4", 0, -1, -1, 0},
        {"bigint", NULL, "int8", 0, -1, -1, 0},
        {"smallint", NULL, "int2", 0, -1, -1, 0},
        {"SERIAL", NULL, "serial", 0, -1, -1, 0},
        {"serial4", NULL, "serial", 0, -1, -1, 0},
        {"BIGSERIAL", NULL, "bigserial", 0, -1, -1, 0},
        {"serial8", NULL, "bigserial", 0, -1, -1, 0},
        {"smallserial", NULL, "smallserial", 0, -1, -1, 0},
        {"serial2", NULL, "smallserial", 0, -1, -1, 0},
        {"TIMESTAMP(3)", NULL, "timestamp", 1, 3, -1, 0},
        {"timestamp(3) without time zone", NULL, "timestamp", 1, 3, -1, 0},
        {"timestamp with time zone", NULL, "timestamptz", 0, -1, -1, 0},
        {"TIMESTAMPTZ(6)", NULL, "timestamptz", 1, 6, -1, 0},
        {"time with time zone", NULL, "timetz", 0, -1, -1, 0},
        {"character varying(255)", NULL, "varchar", 1, 255, -1, 0},
        {"VARCHAR(191)", NULL, "varchar", 1, 191, -1, 0},
        {"char(2)", NULL, "bpchar", 1, 2, -1, 0},
        {"character", NULL, "bpchar", 1, 1, -1, 0},
        {"\"char\"", NULL, "char", 0, -1, -1, 0},
        {"double precision", NULL, "float8", 0, -1, -1, 0},
        {"real", NULL, "float4", 0, -1, -1, 0},
        {"float", NULL, "float8", 0, -1, -1, 0},
        {"DECIMAL(65,30)", NULL, "numeric", 2, 65, 30, 0},
        {"numeric", NULL, "numeric", 0, -1, -1, 0},
        {"BOOLEAN", NULL, "bool", 0, -1, -1, 0},
        {"bool", NULL, "bool", 0, -1, -1, 0},
        {"TEXT", NULL, "text", 0, -1, -1, 0},
        {"JSONB", NULL, "jsonb", 0, -1, -1, 0},
        {"UUID", NULL, "uuid", 0, -1, -1, 0},
        {"bytea", NULL, "bytea", 0, -1, -1, 0},
        {"interval", NULL, "interval", 0, -1, -1, 0},
        {"public.citext", "public", "citext", 0, -1, -1, 0},
        {"\"Role\"", NULL, "Role", 0, -1, -1, 0},
        {"TEXT[]", NULL, "text", 0, -1, -1, 1},
        {"int[][]", NULL, "int4", 0, -1, -1, 2},
        {"\"Role\"[]", NULL, "Role", 0, -1, -1, 1},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char sql[128];
        struct gate_sql_file f;
        const struct gate_type *t;

        (void)snprintf(sql, sizeof(sql), "CREATE TABLE t (c %s)", rows[i].type);
        parse_clean(sql, &f);
        assert_int_equal(f.stmts[0].ncols, 1);
        t = &f.stmts[0].cols[0].type;
        expect_str(t->schema, rows[i].schema);
        expect_str(t->name, rows[i].name);
        if (t->ntypmods != rows[i].ntypmods)
            fail_msg("%s: %d typmods", rows[i].type, t->ntypmods);
        assert_int_equal(t->typmods[0], rows[i].t0);
        assert_int_equal(t->typmods[1], rows[i].t1);
        assert_int_equal(t->array_dims, rows[i].dims);
        gate_sql_file_release(&f);
    }
}

static void test_default_volatility(void **state)
{
    static const struct {
        const char *expr;
        enum gate_volatility vol;
        const char *func;
    } rows[] = {
        {"'x'", GATE_VOL_CONST, NULL},
        {"NULL", GATE_VOL_CONST, NULL},
        {"-1", GATE_VOL_CONST, NULL},
        {"1.5", GATE_VOL_CONST, NULL},
        {"true", GATE_VOL_CONST, NULL},
        {"'a'::text", GATE_VOL_CONST, NULL},
        {"'{}'", GATE_VOL_CONST, NULL},
        {"ARRAY['a', 'b']::text[]", GATE_VOL_CONST, NULL},
        {"ARRAY[]::text[]", GATE_VOL_CONST, NULL},
        {"1 + 2", GATE_VOL_CONST, NULL},
        {"'USER'::\"Role\"", GATE_VOL_CONST, NULL},
        {"coalesce(NULL, 'x')", GATE_VOL_CONST, NULL},
        {"interval '1 day'", GATE_VOL_CONST, NULL},
        {"CURRENT_TIMESTAMP", GATE_VOL_STABLE, NULL},
        {"CURRENT_TIMESTAMP(3)", GATE_VOL_STABLE, NULL},
        {"CURRENT_DATE", GATE_VOL_STABLE, NULL},
        {"LOCALTIMESTAMP", GATE_VOL_STABLE, NULL},
        {"CURRENT_USER", GATE_VOL_STABLE, NULL},
        {"now()", GATE_VOL_STABLE, NULL},
        {"pg_catalog.now()", GATE_VOL_STABLE, NULL},
        {"statement_timestamp()", GATE_VOL_STABLE, NULL},
        {"transaction_timestamp()", GATE_VOL_STABLE, NULL},
        {"current_setting('app.tenant')", GATE_VOL_STABLE, NULL},
        {"lower('A')", GATE_VOL_STABLE, NULL},
        {"upper('a')", GATE_VOL_STABLE, NULL},
        {"(now() AT TIME ZONE 'utc')", GATE_VOL_STABLE, NULL},
        {"now() + interval '1 day'", GATE_VOL_STABLE, NULL},
        {"coalesce(NULL, now())", GATE_VOL_STABLE, NULL},
        {"random()", GATE_VOL_VOLATILE, "random()"},
        {"gen_random_uuid()", GATE_VOL_VOLATILE, "gen_random_uuid()"},
        {"gen_random_uuid()::text", GATE_VOL_VOLATILE, "gen_random_uuid()"},
        {"uuid_generate_v4()", GATE_VOL_VOLATILE, "uuid_generate_v4()"},
        {"public.uuid_generate_v1()", GATE_VOL_VOLATILE, "public.uuid_generate_v1()"},
        {"clock_timestamp()", GATE_VOL_VOLATILE, "clock_timestamp()"},
        {"timeofday()", GATE_VOL_VOLATILE, "timeofday()"},
        {"nextval('t_id_seq'::regclass)", GATE_VOL_VOLATILE, "nextval('t_id_seq'::regclass)"},
        {"txid_current()", GATE_VOL_VOLATILE, "txid_current()"},
        {"my_default()", GATE_VOL_VOLATILE, "my_default()"},
        {"app.lower('x')", GATE_VOL_VOLATILE, "app.lower('x')"},
        {"now(123)", GATE_VOL_VOLATILE, "now(123)"},
        {"lower(gen_random_uuid()::text)", GATE_VOL_VOLATILE, "gen_random_uuid()"},
        {"(random() * 10)::int", GATE_VOL_VOLATILE, "random()"},
        {"CASE WHEN random() > 0.5 THEN 1 ELSE 0 END", GATE_VOL_VOLATILE, "random()"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char sql[256];
        struct gate_sql_file f;
        const struct gate_coldef *c;
        const struct gate_alter_cmd *set;

        int n = snprintf(sql, sizeof(sql),
                         "ALTER TABLE t ADD COLUMN c text DEFAULT %s;"
                         "ALTER TABLE t ALTER COLUMN c SET DEFAULT %s",
                         rows[i].expr, rows[i].expr);

        assert_true(n > 0 && (size_t)n < sizeof(sql));
        parse_clean(sql, &f);
        assert_int_equal(f.nstmts, 2);
        c = f.stmts[0].cmds[0].coldef;
        assert_non_null(c);
        assert_true(c->has_default);
        if (c->default_vol != rows[i].vol)
            fail_msg("DEFAULT %s: volatility %d, want %d", rows[i].expr, c->default_vol,
                     rows[i].vol);
        expect_str(c->default_func, rows[i].func);
        set = &f.stmts[1].cmds[0];
        assert_int_equal(set->kind, GATE_ALTER_SET_DEFAULT);
        assert_int_equal(set->default_vol, rows[i].vol);
        gate_sql_file_release(&f);
    }
}

/* ---- other statements ------------------------------------------------- */

enum {
    S_MISSING = 1 << 0,
    S_CASCADE = 1 << 1,
    S_CONC = 1 << 2,
    S_UNLOGGED = 1 << 3,
    S_TEMP = 1 << 4,
    S_PARTITION = 1 << 5,
    S_UNIQUE = 1 << 6,
    S_WHERE = 1 << 7,
    S_FULL = 1 << 8,
    S_RESET = 1 << 9,
    S_LOCAL = 1 << 10,
};

static void test_statement_kinds(void **state)
{
    static const struct {
        const char *sql;
        enum gate_stmt_kind kind;
        const char *node;
        enum gate_obj_kind obj;
        const char *schema;
        const char *name;
        int flags;
    } rows[] = {
        {"CREATE UNLOGGED TABLE u (a int)", GATE_STMT_CREATE_TABLE, "CreateStmt", GATE_OBJ_TABLE,
         NULL, "u", S_UNLOGGED},
        {"CREATE TEMP TABLE tt (a int)", GATE_STMT_CREATE_TABLE, "CreateStmt", GATE_OBJ_TABLE, NULL,
         "tt", S_TEMP},
        {"CREATE TABLE IF NOT EXISTS s.p1 PARTITION OF p FOR VALUES IN (1)", GATE_STMT_CREATE_TABLE,
         "CreateStmt", GATE_OBJ_TABLE, "s", "p1", S_MISSING | S_PARTITION},
        {"CREATE TABLE t2 AS SELECT 1", GATE_STMT_CREATE_TABLE_AS, "CreateTableAsStmt",
         GATE_OBJ_TABLE, NULL, "t2", 0},
        {"SELECT 1 INTO t3", GATE_STMT_CREATE_TABLE_AS, "SelectStmt", GATE_OBJ_TABLE, NULL, "t3",
         0},
        {"CREATE MATERIALIZED VIEW mv AS SELECT 1", GATE_STMT_CREATE_TABLE_AS, "CreateTableAsStmt",
         GATE_OBJ_MATVIEW, NULL, "mv", 0},
        {"DROP TABLE IF EXISTS a, s.b CASCADE", GATE_STMT_DROP, "DropStmt", GATE_OBJ_TABLE, NULL,
         "a", S_MISSING | S_CASCADE},
        {"DROP INDEX CONCURRENTLY \"i\"", GATE_STMT_DROP, "DropStmt", GATE_OBJ_INDEX, NULL, "i",
         S_CONC},
        {"DROP TYPE \"Role_old\"", GATE_STMT_DROP, "DropStmt", GATE_OBJ_TYPE, NULL, "Role_old", 0},
        {"DROP SCHEMA s CASCADE", GATE_STMT_DROP, "DropStmt", GATE_OBJ_SCHEMA, NULL, "s",
         S_CASCADE},
        {"DROP DATABASE IF EXISTS d", GATE_STMT_DROP, "DropdbStmt", GATE_OBJ_DATABASE, NULL, "d",
         S_MISSING},
        {"DROP TRIGGER trg ON s.tbl", GATE_STMT_DROP, "DropStmt", GATE_OBJ_TRIGGER, "s", "tbl", 0},
        {"DROP EXTENSION e", GATE_STMT_DROP, "DropStmt", GATE_OBJ_EXTENSION, NULL, "e", 0},
        {"DROP FUNCTION s.f(int)", GATE_STMT_DROP, "DropStmt", GATE_OBJ_FUNCTION, "s", "f", 0},
        {"DROP VIEW v", GATE_STMT_DROP, "DropStmt", GATE_OBJ_VIEW, NULL, "v", 0},
        {"DROP SEQUENCE q", GATE_STMT_DROP, "DropStmt", GATE_OBJ_SEQUENCE, NULL, "q", 0},
        {"ALTER TABLE \"User\" RENAME COLUMN \"a\" TO \"b\"", GATE_STMT_RENAME, "RenameStmt",
         GATE_OBJ_COLUMN, NULL, "User", 0},
        {"ALTER TABLE a RENAME TO b", GATE_STMT_RENAME, "RenameStmt", GATE_OBJ_TABLE, NULL, "a", 0},
        {"ALTER TABLE a RENAME CONSTRAINT x TO y", GATE_STMT_RENAME, "RenameStmt",
         GATE_OBJ_CONSTRAINT, NULL, "a", 0},
        {"ALTER INDEX IF EXISTS i RENAME TO j", GATE_STMT_RENAME, "RenameStmt", GATE_OBJ_INDEX,
         NULL, "i", S_MISSING},
        {"ALTER TYPE \"Role\" RENAME TO \"Role_old\"", GATE_STMT_RENAME, "RenameStmt",
         GATE_OBJ_TYPE, NULL, "Role", 0},
        {"ALTER SCHEMA a RENAME TO b", GATE_STMT_RENAME, "RenameStmt", GATE_OBJ_SCHEMA, NULL, "a",
         0},
        {"CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a, lower(b)) WHERE a > 0",
         GATE_STMT_CREATE_INDEX, "IndexStmt", GATE_OBJ_INDEX, NULL, "t",
         S_CONC | S_MISSING | S_WHERE},
        {"CREATE UNIQUE INDEX u ON s.t USING gin (a)", GATE_STMT_CREATE_INDEX, "IndexStmt",
         GATE_OBJ_INDEX, "s", "t", S_UNIQUE},
        {"REINDEX INDEX CONCURRENTLY i", GATE_STMT_REINDEX, "ReindexStmt", GATE_OBJ_INDEX, NULL,
         "i", S_CONC},
        {"REINDEX TABLE t", GATE_STMT_REINDEX, "ReindexStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"REINDEX SCHEMA s", GATE_STMT_REINDEX, "ReindexStmt", GATE_OBJ_SCHEMA, NULL, "s", 0},
        {"TRUNCATE a, b CASCADE", GATE_STMT_TRUNCATE, "TruncateStmt", GATE_OBJ_TABLE, NULL, "a",
         S_CASCADE},
        {"DELETE FROM t", GATE_STMT_DELETE, "DeleteStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"DELETE FROM t WHERE id = 1", GATE_STMT_DELETE, "DeleteStmt", GATE_OBJ_TABLE, NULL, "t",
         S_WHERE},
        {"UPDATE t SET a = 1", GATE_STMT_UPDATE, "UpdateStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"INSERT INTO s.t (a) VALUES (1)", GATE_STMT_INSERT, "InsertStmt", GATE_OBJ_TABLE, "s", "t",
         0},
        {"SELECT 1", GATE_STMT_SELECT, "SelectStmt", GATE_OBJ_OTHER, NULL, NULL, 0},
        {"CREATE DOMAIN d AS int CHECK (VALUE > 0)", GATE_STMT_CREATE_DOMAIN, "CreateDomainStmt",
         GATE_OBJ_DOMAIN, NULL, "d", 0},
        {"VACUUM FULL t", GATE_STMT_VACUUM, "VacuumStmt", GATE_OBJ_TABLE, NULL, "t", S_FULL},
        {"VACUUM (FULL, ANALYZE) t", GATE_STMT_VACUUM, "VacuumStmt", GATE_OBJ_TABLE, NULL, "t",
         S_FULL},
        {"VACUUM t", GATE_STMT_VACUUM, "VacuumStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"ANALYZE t", GATE_STMT_OTHER, "VacuumStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"CLUSTER t USING i", GATE_STMT_CLUSTER, "ClusterStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", GATE_STMT_REFRESH_MATVIEW,
         "RefreshMatViewStmt", GATE_OBJ_MATVIEW, NULL, "mv", S_CONC},
        {"CREATE SCHEMA IF NOT EXISTS s", GATE_STMT_CREATE_SCHEMA, "CreateSchemaStmt",
         GATE_OBJ_SCHEMA, NULL, "s", S_MISSING},
        {"CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"", GATE_STMT_CREATE_EXTENSION,
         "CreateExtensionStmt", GATE_OBJ_EXTENSION, NULL, "uuid-ossp", S_MISSING},
        {"CREATE OR REPLACE VIEW v AS SELECT 1", GATE_STMT_CREATE_VIEW, "ViewStmt", GATE_OBJ_VIEW,
         NULL, "v", 0},
        {"CREATE SEQUENCE IF NOT EXISTS q", GATE_STMT_CREATE_SEQUENCE, "CreateSeqStmt",
         GATE_OBJ_SEQUENCE, NULL, "q", S_MISSING},
        {"ALTER SEQUENCE q RESTART WITH 10", GATE_STMT_ALTER_SEQUENCE, "AlterSeqStmt",
         GATE_OBJ_SEQUENCE, NULL, "q", 0},
        {"CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
         GATE_STMT_CREATE_TRIGGER, "CreateTrigStmt", GATE_OBJ_TRIGGER, NULL, "t", 0},
        {"COMMENT ON COLUMN s.t.c IS 'x'", GATE_STMT_COMMENT, "CommentStmt", GATE_OBJ_COLUMN, "s",
         "t", 0},
        {"COMMENT ON TABLE t IS NULL", GATE_STMT_COMMENT, "CommentStmt", GATE_OBJ_TABLE, NULL, "t",
         0},
        {"GRANT SELECT ON t TO u", GATE_STMT_GRANT, "GrantStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"LOCK TABLE t IN ACCESS EXCLUSIVE MODE", GATE_STMT_LOCK, "LockStmt", GATE_OBJ_TABLE, NULL,
         "t", 0},
        {"CREATE DATABASE d", GATE_STMT_CREATE_DATABASE, "CreatedbStmt", GATE_OBJ_DATABASE, NULL,
         "d", 0},
        {"CREATE TYPE pair AS (a int, b text)", GATE_STMT_CREATE_TYPE, "CompositeTypeStmt",
         GATE_OBJ_TYPE, NULL, "pair", 0},
        {"CREATE TYPE r AS RANGE (subtype = int4)", GATE_STMT_CREATE_TYPE, "CreateRangeStmt",
         GATE_OBJ_TYPE, NULL, "r", 0},
        {"CREATE POLICY p ON t USING (true)", GATE_STMT_CREATE_POLICY, "CreatePolicyStmt",
         GATE_OBJ_TABLE, NULL, "t", 0},
        {"COPY t FROM STDIN", GATE_STMT_COPY, "CopyStmt", GATE_OBJ_TABLE, NULL, "t", 0},
        {"EXPLAIN SELECT 1", GATE_STMT_EXPLAIN, "ExplainStmt", GATE_OBJ_OTHER, NULL, NULL, 0},
        {"CALL s.p(1)", GATE_STMT_CALL, "CallStmt", GATE_OBJ_FUNCTION, "s", "p", 0},
        {"LISTEN x", GATE_STMT_OTHER, "ListenStmt", GATE_OBJ_OTHER, NULL, NULL, 0},
        {"ALTER TABLE t SET SCHEMA s", GATE_STMT_OTHER, "AlterObjectSchemaStmt", GATE_OBJ_OTHER,
         NULL, NULL, 0},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_sql_file f;
        const struct gate_stmt *st;
        int fl = rows[i].flags;

        parse_clean(rows[i].sql, &f);
        assert_int_equal(f.nstmts, 1);
        st = &f.stmts[0];
        if (st->kind != rows[i].kind)
            fail_msg("<%s>: kind %d, want %d", rows[i].sql, st->kind, rows[i].kind);
        expect_str(st->node, rows[i].node);
        if (st->obj != rows[i].obj)
            fail_msg("<%s>: obj %d, want %d", rows[i].sql, st->obj, rows[i].obj);
        expect_str(st->rel.schema, rows[i].schema);
        expect_str(st->rel.name, rows[i].name);
        assert_int_equal(st->missing_ok, !!(fl & S_MISSING));
        assert_int_equal(st->cascade, !!(fl & S_CASCADE));
        assert_int_equal(st->concurrent, !!(fl & S_CONC));
        assert_int_equal(st->unlogged, !!(fl & S_UNLOGGED));
        assert_int_equal(st->temp, !!(fl & S_TEMP));
        assert_int_equal(st->partition_of, !!(fl & S_PARTITION));
        assert_int_equal(st->unique, !!(fl & S_UNIQUE));
        assert_int_equal(st->has_where, !!(fl & S_WHERE));
        assert_int_equal(st->full, !!(fl & S_FULL));
        expect_text(rows[i].sql, st, rows[i].sql);
        gate_sql_file_release(&f);
    }
}

static void test_statement_details(void **state)
{
    static const char sql[] =
        "DROP TABLE IF EXISTS a, s.b CASCADE;\n"
        "DROP TRIGGER trg ON s.tbl;\n"
        "ALTER TABLE \"User\" RENAME COLUMN \"a\" TO \"b\";\n"
        "ALTER SCHEMA a RENAME TO b;\n"
        "CREATE INDEX i ON t (a, lower(b));\n"
        "UPDATE t SET a = 1, b = 'x' WHERE id = 1;\n"
        "ALTER TYPE \"Role\" ADD VALUE IF NOT EXISTS 'C' BEFORE 'A';\n"
        "ALTER TYPE \"Role\" ADD VALUE 'D';\n"
        "ALTER TYPE \"Role\" RENAME VALUE 'A' TO 'Z';\n"
        "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;\n"
        "ALTER DOMAIN d DROP NOT NULL;\n"
        "CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\n"
        "COMMENT ON COLUMN s.t.c IS 'x';\n"
        "TRUNCATE a, b;\n"
        "CLUSTER t USING i;\n";
    struct gate_sql_file f;
    const struct gate_stmt *s;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 15);
    s = f.stmts;
    assert_int_equal(s[0].nobjects, 2);
    expect_str(s[0].objects[1].schema, "s");
    expect_str(s[0].objects[1].name, "b");
    assert_int_equal(s[1].nobjects, 1);
    expect_str(s[1].objects[0].name, "trg");
    expect_str(s[1].subname, "trg");
    expect_str(s[2].subname, "a");
    expect_str(s[2].newname, "b");
    expect_str(s[3].subname, "a");
    expect_str(s[3].newname, "b");
    assert_int_equal(s[4].nindex_columns, 2);
    expect_str(s[4].index_columns[0], "a");
    assert_null(s[4].index_columns[1]);
    assert_int_equal(s[5].nset_columns, 2);
    expect_str(s[5].set_columns[0], "a");
    expect_str(s[5].set_columns[1], "b");
    assert_true(s[5].has_where);
    assert_int_equal(s[6].kind, GATE_STMT_ALTER_ENUM);
    assert_int_equal(s[6].nvalues, 1);
    expect_str(s[6].values[0], "C");
    assert_true(s[6].missing_ok);
    assert_true(s[6].enum_has_position);
    assert_false(s[6].enum_rename);
    assert_false(s[7].enum_has_position);
    assert_true(s[8].enum_rename);
    assert_int_equal(s[8].nvalues, 2);
    expect_str(s[8].values[0], "A");
    expect_str(s[8].values[1], "Z");
    assert_int_equal(s[9].kind, GATE_STMT_ALTER_DOMAIN);
    assert_int_equal(s[9].ncmds, 1);
    assert_int_equal(s[9].cmds[0].kind, GATE_ALTER_ADD_CONSTRAINT);
    assert_int_equal(s[9].nconstraints, 1);
    assert_true(s[9].constraints[0].not_valid);
    assert_int_equal(s[10].cmds[0].kind, GATE_ALTER_DROP_NOT_NULL);
    expect_str(s[11].newname, "trg");
    expect_str(s[12].subname, "c");
    assert_int_equal(s[13].nobjects, 2);
    assert_false(s[13].cascade);
    expect_str(s[14].index_name, "i");
    gate_sql_file_release(&f);
}

static void test_transactions_and_set(void **state)
{
    static const struct {
        const char *sql;
        enum gate_stmt_kind kind;
        enum gate_tx_kind tx;
        const char *name;
        const char *value;
        int flags;
    } rows[] = {
        {"BEGIN", GATE_STMT_TRANSACTION, GATE_TX_BEGIN, NULL, NULL, 0},
        {"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", GATE_STMT_TRANSACTION, GATE_TX_BEGIN,
         NULL, NULL, 0},
        {"COMMIT", GATE_STMT_TRANSACTION, GATE_TX_COMMIT, NULL, NULL, 0},
        {"END", GATE_STMT_TRANSACTION, GATE_TX_COMMIT, NULL, NULL, 0},
        {"COMMIT AND CHAIN", GATE_STMT_TRANSACTION, GATE_TX_COMMIT, NULL, NULL, 0},
        {"ROLLBACK", GATE_STMT_TRANSACTION, GATE_TX_ROLLBACK, NULL, NULL, 0},
        {"ABORT", GATE_STMT_TRANSACTION, GATE_TX_ROLLBACK, NULL, NULL, 0},
        {"SAVEPOINT s", GATE_STMT_TRANSACTION, GATE_TX_SAVEPOINT, NULL, NULL, 0},
        {"RELEASE SAVEPOINT s", GATE_STMT_TRANSACTION, GATE_TX_RELEASE, NULL, NULL, 0},
        {"ROLLBACK TO SAVEPOINT s", GATE_STMT_TRANSACTION, GATE_TX_ROLLBACK_TO, NULL, NULL, 0},
        {"PREPARE TRANSACTION 'x'", GATE_STMT_TRANSACTION, GATE_TX_PREPARE, NULL, NULL, 0},
        {"SET lock_timeout = '5s'", GATE_STMT_SET, GATE_TX_OTHER, "lock_timeout", "5s", 0},
        {"SET LOCAL statement_timeout TO 0", GATE_STMT_SET, GATE_TX_OTHER, "statement_timeout", "0",
         S_LOCAL},
        {"SET \"Lock_Timeout\" = 1000", GATE_STMT_SET, GATE_TX_OTHER, "lock_timeout", "1000", 0},
        {"SET SESSION lock_timeout = -1", GATE_STMT_SET, GATE_TX_OTHER, "lock_timeout", "-1", 0},
        {"SET search_path TO a, public", GATE_STMT_SET, GATE_TX_OTHER, "search_path", "a, public",
         0},
        {"SET TIME ZONE 'UTC'", GATE_STMT_SET, GATE_TX_OTHER, "timezone", "UTC", 0},
        {"SET x.y = 1.5", GATE_STMT_SET, GATE_TX_OTHER, "x.y", "1.5", 0},
        {"SET enable_seqscan = off", GATE_STMT_SET, GATE_TX_OTHER, "enable_seqscan", "off", 0},
        {"SET lock_timeout TO DEFAULT", GATE_STMT_SET, GATE_TX_OTHER, "lock_timeout", NULL,
         S_RESET},
        {"RESET lock_timeout", GATE_STMT_SET, GATE_TX_OTHER, "lock_timeout", NULL, S_RESET},
        {"RESET ALL", GATE_STMT_SET, GATE_TX_OTHER, NULL, NULL, S_RESET},
        {"ALTER SYSTEM SET work_mem = '64MB'", GATE_STMT_ALTER_SYSTEM, GATE_TX_OTHER, "work_mem",
         "64MB", 0},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_sql_file f;
        const struct gate_stmt *st;

        parse_clean(rows[i].sql, &f);
        assert_int_equal(f.nstmts, 1);
        st = &f.stmts[0];
        if (st->kind != rows[i].kind)
            fail_msg("<%s>: kind %d", rows[i].sql, st->kind);
        assert_int_equal(st->tx, rows[i].tx);
        expect_str(st->set_name, rows[i].name);
        expect_str(st->set_value, rows[i].value);
        assert_int_equal(st->reset, !!(rows[i].flags & S_RESET));
        assert_int_equal(st->set_local, !!(rows[i].flags & S_LOCAL));
        gate_sql_file_release(&f);
    }
}

static void test_strings(void **state)
{
    static const char sql[] =
        "INSERT INTO t VALUES ('a', 'b'::text, E'c\\n', $$d$$, U&'\\0065', 1, NULL);\n"
        "UPDATE t SET role = 'ADMIN' WHERE role IN ('USER', 'GUEST');\n"
        "SELECT 1;\n";
    struct gate_sql_file f;
    const struct gate_stmt *st;

    (void)state;
    parse_clean(sql, &f);
    st = &f.stmts[0];
    assert_int_equal(st->nstrings, 5);
    expect_str(st->strings[0], "a");
    expect_str(st->strings[1], "b");
    expect_str(st->strings[2], "c\n");
    expect_str(st->strings[3], "d");
    expect_str(st->strings[4], "e");
    st = &f.stmts[1];
    assert_int_equal(st->nstrings, 3);
    assert_true(has_string(st, "ADMIN"));
    assert_true(has_string(st, "GUEST"));
    assert_int_equal(f.stmts[2].nstrings, 0);
    assert_null(f.stmts[2].strings);
    gate_sql_file_release(&f);
}

/* ---- offsets and comments --------------------------------------------- */

static void test_crlf_utf8_offsets(void **state)
{
    static const char sql[] = "-- Pr\xC3\xBC"
                              "fung \xE2\x82\xAC\r\n"
                              "CREATE TABLE \"Pr\xC3\xBC"
                              "fung\" (\r\n"
                              "    \"na\xC3\xAFve\" TEXT NOT NULL DEFAULT '\xC3\xA9t\xC3\xA9',\r\n"
                              "    \"n\" INTEGER\r\n"
                              ");\r\n"
                              "\r\n"
                              "/* \xE2\x82\xAC */ ALTER TABLE \"Pr\xC3\xBC"
                              "fung\" ADD COLUMN \"x\" INT,\r\n"
                              "ADD COLUMN \"y\" INT;\r\n";
    struct gate_sql_file f;
    const struct gate_stmt *st;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.ncomments, 2);
    assert_int_equal(f.comments[0].start, 0);
    assert_int_equal(f.comments[0].end, off(sql, "\r\n"));
    expect_str(f.comments[0].text, " Pr\xC3\xBC"
                                   "fung \xE2\x82\xAC");
    assert_true(f.comments[1].block);
    expect_str(f.comments[1].text, " \xE2\x82\xAC ");
    assert_int_equal(f.nstmts, 2);
    st = &f.stmts[0];
    assert_int_equal(st->location, off(sql, "CREATE"));
    assert_int_equal(st->location + st->length, off(sql, ");\r\n") + 1);
    expect_str(st->rel.name, "Pr\xC3\xBC"
                             "fung");
    assert_int_equal(st->cols[0].location, off(sql, "\"na\xC3\xAFve\""));
    assert_int_equal(st->cols[1].location, off(sql, "\"n\" INTEGER"));
    assert_true(has_string(st, "\xC3\xA9t\xC3\xA9"));
    st = &f.stmts[1];
    assert_int_equal(st->location, off(sql, "ALTER"));
    assert_int_equal(st->cmds[0].location, off(sql, "ADD COLUMN \"x\""));
    assert_int_equal(st->cmds[1].location, off(sql, "ADD COLUMN \"y\""));
    assert_int_equal(st->cmds[1].coldef->location, off(sql, "\"y\""));
    assert_int_equal(st->location + st->length, off(sql, "INT;") + 3);
    gate_sql_file_release(&f);
}

static void test_comments(void **state)
{
    static const char sql[] = "/* block /* nested */ end */ SELECT 1 /* in */ + 2; -- line\n"
                              "--\n"
                              "SELECT 'a -- not a comment' -- trailing";
    struct gate_sql_file f;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.ncomments, 5);
    assert_true(f.comments[0].block);
    assert_int_equal(f.comments[0].start, 0);
    assert_int_equal(f.comments[0].end, off(sql, " SELECT 1"));
    expect_str(f.comments[0].text, " block /* nested */ end ");
    expect_str(f.comments[1].text, " in ");
    expect_str(f.comments[2].text, " line");
    assert_false(f.comments[2].block);
    expect_str(f.comments[3].text, "");
    expect_str(f.comments[4].text, " trailing");
    assert_int_equal(f.comments[4].end, (int)strlen(sql));
    assert_int_equal(f.nstmts, 2);
    expect_text(sql, &f.stmts[0], "SELECT 1 /* in */ + 2");
    expect_text(sql, &f.stmts[1], "SELECT 'a -- not a comment'");
    gate_sql_file_release(&f);
}

static void test_empty_and_comment_only(void **state)
{
    struct gate_sql_file f;

    (void)state;
    parse_clean("", &f);
    assert_int_equal(f.nstmts, 0);
    assert_int_equal(f.ncomments, 0);
    assert_int_equal(f.error_offset, -1);
    gate_sql_file_release(&f);

    parse_clean("-- This is an empty migration.", &f);
    assert_int_equal(f.nstmts, 0);
    assert_int_equal(f.ncomments, 1);
    expect_str(f.comments[0].text, " This is an empty migration.");
    gate_sql_file_release(&f);

    parse_clean("/*\n  Warnings:\n\n*/\n-- x\n;;\n", &f);
    assert_int_equal(f.nstmts, 0);
    assert_int_equal(f.ncomments, 2);
    assert_true(f.comments[0].block);
    gate_sql_file_release(&f);
}

/* ---- bodies ----------------------------------------------------------- */

static void test_do_block(void **state)
{
    static const char sql[] =
        "SET lock_timeout = '1s';\n"
        "DO $$\n"
        "BEGIN\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Role') THEN\n"
        "    CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n"
        "  END IF;\n"
        "  ALTER TABLE \"User\" ADD COLUMN \"role\" \"Role\" DEFAULT 'USER'; -- c\n"
        "  EXECUTE 'DROP TABLE \"Old\"';\n"
        "  PERFORM pg_sleep(0);\n"
        "EXCEPTION WHEN duplicate_object THEN null;\n"
        "END $$;\n"
        "SELECT 2;\n";
    struct gate_sql_file f;
    const struct gate_stmt *s;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 6);
    s = f.stmts;
    assert_int_equal(s[1].kind, GATE_STMT_DO);
    expect_str(s[1].language, "plpgsql");
    assert_int_equal(s[1].location, off(sql, "DO $$"));
    assert_int_equal(s[1].location + s[1].length, off(sql, "END $$;") + 6);

    assert_int_equal(s[2].kind, GATE_STMT_CREATE_ENUM);
    assert_int_equal(s[2].depth, 1);
    assert_int_equal(s[2].parent, 1);
    expect_text(sql, &s[2], "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN')");

    assert_int_equal(s[3].kind, GATE_STMT_ALTER_TABLE);
    assert_int_equal(s[3].depth, 1);
    assert_int_equal(s[3].parent, 1);
    expect_text(sql, &s[3], "ALTER TABLE \"User\" ADD COLUMN \"role\" \"Role\" DEFAULT 'USER'");
    assert_int_equal(s[3].cmds[0].kind, GATE_ALTER_ADD_COLUMN);
    assert_int_equal(s[3].cmds[0].coldef->location, off(sql, "\"role\" \"Role\""));
    assert_true(has_string(&s[3], "USER"));

    assert_int_equal(s[4].kind, GATE_STMT_DROP);
    assert_int_equal(s[4].parent, 1);
    expect_text(sql, &s[4], "DROP TABLE \"Old\"");

    assert_int_equal(s[5].kind, GATE_STMT_SELECT);
    assert_int_equal(s[5].depth, 0);
    assert_int_equal(s[5].parent, -1);
    gate_sql_file_release(&f);
}

static void test_select_into(void **state)
{
    static const char sql[] = "DO $$\n"
                              "DECLARE v int; w int;\n"
                              "BEGIN\n"
                              "  SELECT id, x\n"
                              "    INTO v, w\n"
                              "    FROM t WHERE a = 'k';\n"
                              "  UPDATE t SET b = v WHERE id = w;\n"
                              "END $$;\n";
    struct gate_sql_file f;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 3);
    assert_int_equal(f.stmts[1].kind, GATE_STMT_SELECT);
    expect_text(sql, &f.stmts[1], "SELECT id, x\n    INTO v, w\n    FROM t WHERE a = 'k'");
    assert_true(has_string(&f.stmts[1], "k"));
    expect_text(sql, &f.stmts[2], "UPDATE t SET b = v WHERE id = w");
    gate_sql_file_release(&f);
}

static void test_function_bodies(void **state)
{
    static const char sql[] =
        "CREATE OR REPLACE FUNCTION touch(a int) RETURNS trigger AS $fn$\n"
        "BEGIN\n"
        "  NEW.\"updatedAt\" = now();\n"
        "  UPDATE t SET b = 'x' WHERE c = a;\n"
        "  RETURN NEW;\n"
        "END;\n"
        "$fn$ LANGUAGE plpgsql;\n"
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'DELETE FROM t WHERE x = ''q''; "
        "SELECT 1';\n"
        "DO 'BEGIN DELETE FROM u WHERE x = ''q''; END';\n"
        "CREATE FUNCTION c() RETURNS int LANGUAGE c AS 'lib', 'sym';\n"
        "CREATE FUNCTION bad() RETURNS void LANGUAGE plpgsql AS $$ BEGIN SELEC 1; END $$;\n"
        "DO LANGUAGE plpython3u $$ print(1) $$;\n";
    struct gate_sql_file f;
    const struct gate_stmt *s;

    (void)state;
    parse_clean(sql, &f);
    assert_int_equal(f.nstmts, 10);
    s = f.stmts;
    assert_int_equal(s[0].kind, GATE_STMT_CREATE_FUNCTION);
    expect_str(s[0].language, "plpgsql");
    expect_str(s[0].rel.name, "touch");
    assert_int_equal(s[1].kind, GATE_STMT_UPDATE);
    assert_int_equal(s[1].depth, 1);
    assert_int_equal(s[1].parent, 0);
    expect_text(sql, &s[1], "UPDATE t SET b = 'x' WHERE c = a");

    assert_int_equal(s[2].kind, GATE_STMT_CREATE_FUNCTION);
    expect_str(s[2].language, "sql");
    assert_int_equal(s[3].kind, GATE_STMT_DELETE);
    assert_int_equal(s[3].parent, 2);
    expect_text(sql, &s[3], "DELETE FROM t WHERE x = ''q''");
    assert_true(has_string(&s[3], "q"));
    assert_int_equal(s[4].kind, GATE_STMT_SELECT);
    assert_int_equal(s[4].parent, 2);
    expect_text(sql, &s[4], "SELECT 1");

    assert_int_equal(s[5].kind, GATE_STMT_DO);
    assert_int_equal(s[6].kind, GATE_STMT_DELETE);
    assert_int_equal(s[6].parent, 5);
    expect_text(sql, &s[6], "DELETE FROM u WHERE x = ''q''");

    assert_int_equal(s[7].kind, GATE_STMT_CREATE_FUNCTION);
    expect_str(s[7].language, "c");
    assert_int_equal(s[8].kind, GATE_STMT_CREATE_FUNCTION); /* bad body: no children */
    assert_int_equal(s[9].kind, GATE_STMT_DO);
    expect_str(s[9].language, "plpython3u");
    gate_sql_file_release(&f);
}

/* ---- errors ----------------------------------------------------------- */

static void test_syntax_error_mid_file(void **state)
{
    static const char sql[] = "CREATE TABLE a (id int);\n"
                              "-- the next one is PG17 syntax\n"
                              "ALTER TABLE a ALTER COLUMN b SET EXPRESSION AS (1);\n"
                              "SELECT '\xC3\xA9'; SELEC 2;\n"
                              "CREATE INDEX i ON a(id);\n";
    struct gate_sql_file f;

    (void)state;
    parse_ok(sql, &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, off(sql, "EXPRESSION"));
    expect_str(f.error_msg, "syntax error at or near \"EXPRESSION\"");
    assert_int_equal(f.ncomments, 1);
    assert_int_equal(f.nstmts, 3);
    assert_int_equal(f.stmts[0].kind, GATE_STMT_CREATE_TABLE);
    expect_text(sql, &f.stmts[0], "CREATE TABLE a (id int)");
    assert_int_equal(f.stmts[0].cols[0].location, off(sql, "id int"));
    assert_int_equal(f.stmts[1].kind, GATE_STMT_SELECT);
    expect_text(sql, &f.stmts[1], "SELECT '\xC3\xA9'");
    assert_int_equal(f.stmts[2].kind, GATE_STMT_CREATE_INDEX);
    expect_text(sql, &f.stmts[2], "CREATE INDEX i ON a(id)");
    gate_sql_file_release(&f);

    /* the offset counts bytes, the parser counts characters */
    parse_ok("SELECT '\xC3\xA9\xE2\x82\xAC'; SELEC 2", &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, 16);
    assert_int_equal(f.nstmts, 1);
    gate_sql_file_release(&f);

    parse_ok("CREATE TABLE t (", &f);
    assert_true(f.syntax_error);
    expect_str(f.error_msg, "syntax error at end of input");
    assert_int_equal(f.error_offset, 16);
    assert_int_equal(f.nstmts, 0);
    gate_sql_file_release(&f);
}

static void test_unterminated(void **state)
{
    static const char quote[] = "SELECT 1;\n"
                                "-- c1\n"
                                "INSERT INTO t VALUES (1);\n"
                                "SELECT 'abc;\n"
                                "-- never\n"
                                "SELECT 4;\n";
    static const char comment[] = "SELECT 1; /* c1 */ SELECT 2; /* open\nSELECT 3;";
    struct gate_sql_file f;

    (void)state;
    parse_ok(quote, &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, off(quote, "'abc"));
    assert_non_null(strstr(f.error_msg, "unterminated quoted string"));
    assert_int_equal(f.nstmts, 2);
    expect_text(quote, &f.stmts[0], "SELECT 1");
    expect_text(quote, &f.stmts[1], "INSERT INTO t VALUES (1)");
    assert_int_equal(f.ncomments, 1);
    expect_str(f.comments[0].text, " c1");
    gate_sql_file_release(&f);

    parse_ok(comment, &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, off(comment, "/* open"));
    assert_int_equal(f.nstmts, 2);
    expect_text(comment, &f.stmts[1], "SELECT 2");
    assert_int_equal(f.ncomments, 1);
    gate_sql_file_release(&f);

    parse_ok("DO $$ BEGIN", &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, 3);
    assert_int_equal(f.nstmts, 0);
    gate_sql_file_release(&f);
}

static void test_bad_input(void **state)
{
    static const char nul[] = "SEL\0ECT 1";
    struct gate_sql_file f;
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_sql_parse(nul, sizeof(nul) - 1, &f, &err), GATE_E_SQL);
    assert_string_equal(err.msg, "file contains a NUL byte at offset 3");
    assert_int_equal(f.nstmts, 0);
    gate_sql_file_release(&f);
    gate_sql_file_release(&f);

    /* a BOM is not whitespace to PostgreSQL */
    parse_ok("\xEF\xBB\xBF"
             "SELECT 1",
             &f);
    assert_true(f.syntax_error);
    assert_int_equal(f.error_offset, 0);
    gate_sql_file_release(&f);
}

/* The input need not be NUL-terminated: put it right before an unmapped page. */
static void test_guard_page(void **state)
{
    static const char sql[] = "ALTER TABLE t ADD COLUMN c int -- x";
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t n = strlen(sql);
    char *mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct gate_sql_file f;
    struct gate_err err = {0};

    (void)state;
    assert_true(mem != MAP_FAILED);
    assert_int_equal(mprotect(mem + page, page, PROT_NONE), 0);
    memcpy(mem + page - n, sql, n);
    assert_int_equal(gate_sql_parse(mem + page - n, n, &f, &err), GATE_OK);
    assert_false(f.syntax_error);
    assert_int_equal(f.nstmts, 1);
    assert_int_equal(f.stmts[0].length, (int)strlen("ALTER TABLE t ADD COLUMN c int"));
    assert_int_equal(f.ncomments, 1);
    gate_sql_file_release(&f);
    assert_int_equal(munmap(mem, 2 * page), 0);
}

static void test_parse_only(void **state)
{
    (void)state;
    assert_int_equal(gate_sql_parse_only(""), 0);
    assert_int_equal(gate_sql_parse_only("-- c"), 0);
    assert_int_equal(gate_sql_parse_only("SELECT 1; SELECT 2;;"), 2);
    assert_int_equal(gate_sql_parse_only("DO $$ BEGIN PERFORM 1; END $$"), 1);
    assert_int_equal(gate_sql_parse_only("SELEC 1"), -1);
}

/* Parser threads: each parses and shuts down; one never parses. */
static void *parser_thread(void *arg)
{
    if (arg) {
        struct gate_sql_file f;

        parse_clean("DO $$ BEGIN PERFORM 1; END $$; SELECT 1", &f);
        assert_int_equal(f.nstmts, 2);
        gate_sql_file_release(&f);
    }
    gate_sql_shutdown();
    gate_sql_shutdown();
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t t[3];
    static int yes = 1;

    (void)state;
    assert_int_equal(pthread_create(&t[0], NULL, parser_thread, &yes), 0);
    assert_int_equal(pthread_create(&t[1], NULL, parser_thread, &yes), 0);
    assert_int_equal(pthread_create(&t[2], NULL, parser_thread, NULL), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
}

static int teardown(void **state)
{
    (void)state;
    gate_sql_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prisma_create_table),
        cmocka_unit_test(test_prisma_enum_swap),
        cmocka_unit_test(test_prisma_add_column_layout),
        cmocka_unit_test(test_alter_subtypes),
        cmocka_unit_test(test_alter_forms),
        cmocka_unit_test(test_column_constraints),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_default_volatility),
        cmocka_unit_test(test_statement_kinds),
        cmocka_unit_test(test_statement_details),
        cmocka_unit_test(test_transactions_and_set),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_crlf_utf8_offsets),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_lazy_lex_edges),
        cmocka_unit_test(test_lazy_lex_files),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_do_block),
        cmocka_unit_test(test_select_into),
        cmocka_unit_test(test_function_bodies),
        cmocka_unit_test(test_syntax_error_mid_file),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_guard_page),
        cmocka_unit_test(test_parse_only),
        cmocka_unit_test(test_threads),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
