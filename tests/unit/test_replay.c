/* SPDX-License-Identifier: MIT */
/*
 * test_replay.c - the pure parts of the replay (replay.h, shadow.h): a
 * failure located from PostgreSQL's position (characters, UTF-8) or from
 * the count of statements that completed; the replay set (Prisma's text
 * and checksum); the replay cache's prefix names (a hash chain over the
 * schema and the checksums).
 */
#include "gate/compat.h"
#include "gate/digest.h"
#include "gate/replay.h"
#include "gate/shadow.h"
#include "gate/sql.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct locate_case {
    const char *sql;
    int position; /* PostgreSQL's, 1-based characters; 0 none */
    int done;     /* statements completed before the failure */
    const char *statement;
    int stmt_line, line, column;
};

static const struct locate_case locate_cases[] = {
    /* no position: the statement after the completed ones */
    {"CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n\nALTER TABLE b ADD FOREIGN KEY (x) "
     "REFERENCES a(id);\n",
     0, 2, "ALTER TABLE b ADD FOREIGN KEY (x) REFERENCES a(id)", 4, 4, 1},
    /* no position, the first statement */
    {"SELECT 1/0;\nSELECT 2;\n", 0, 0, "SELECT 1/0", 1, 1, 1},
    /* a position inside the third statement: line and column of the position */
    {"-- comment\nCREATE TABLE a (id int);\nCREATE INDEX i ON a (\n  place\n);\n",
     (int)sizeof("-- comment\nCREATE TABLE a (id int);\nCREATE INDEX i ON a (\n  ") - 1 + 1, 0,
     "CREATE INDEX i ON a (\n  place\n)", 3, 4, 3},
    /* characters, not bytes: two-byte letters before the position */
    {"COMMENT ON TABLE a IS 'ééé'; SELECT nope;\n",
     (int)sizeof("COMMENT ON TABLE a IS 'ééé'; SELECT ") - 1 - 3 + 1, 1, "SELECT nope", 1, 1, 37},
    /* a syntax error (nothing ran): the line the position points at */
    {"CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\n",
     (int)sizeof("CREATE TABLE a (id int);\nCREATE TABLE b (id int,") - 1 + 1, 0,
     "CREATE TABLE b (id int,);", 2, 2, 24},
    /* CRLF line ends */
    {"SELECT 1;\r\nSELECT 2;\r\nSELECT x;\r\n", 0, 2, "SELECT x", 3, 3, 1},
    /* statements inside a DO block do not count: PostgreSQL returns one result per top-level */
    {"DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\nSELECT 1/0;\n", 0, 1, "SELECT 1/0", 2, 2, 1},
    /* more completed than there are statements (a stray result): statement unknown */
    {"SELECT 1;\n", 0, 5, NULL, 0, 0, 0},
};

static void test_locate(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(locate_cases); i++) {
        const struct locate_case *c = &locate_cases[i];
        struct gate_replay_failure f;

        memset(&f, 0, sizeof(f));
        gate_replay_locate(c->sql, strlen(c->sql), c->position, c->done, &f);
        if (c->statement) {
            assert_non_null(f.statement);
            assert_string_equal(f.statement, c->statement);
        } else {
            assert_null(f.statement);
        }
        assert_int_equal(f.stmt_line, c->stmt_line);
        assert_int_equal(f.line, c->line);
        assert_int_equal(f.column, c->column);
        assert_int_equal(f.position, c->position);
        gate_replay_failure_release(&f);
    }
}

static void test_long_statement(void **state)
{
    struct gate_replay_failure f;
    size_t n = 5000;
    char *sql = malloc(n + 32);

    (void)state;
    memcpy(sql, "SELECT '", 8);
    memset(sql + 8, 'x', n);
    memcpy(sql + 8 + n, "';\n", 4);
    memset(&f, 0, sizeof(f));
    gate_replay_locate(sql, strlen(sql), 0, 0, &f);
    assert_non_null(f.statement);
    assert_true(strlen(f.statement) <= 2003);
    assert_string_equal(f.statement + strlen(f.statement) - 3, "...");
    gate_replay_failure_release(&f);
    free(sql);
}

static void test_failure_text(void **state)
{
    struct gate_replay_failure f;
    char *s;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.migration = "20240101000000_init";
    f.path = "prisma/migrations/20240101000000_init/migration.sql";
    f.line = 4;
    f.column = 7;
    (void)snprintf(f.sqlstate, sizeof(f.sqlstate), "42703");
    f.message = strdup("column \"x\" does not exist");
    f.hint = strdup("Perhaps you meant \"y\".");
    s = gate_replay_failure_text(&f);
    assert_string_equal(s, "migration 20240101000000_init failed to apply at "
                           "prisma/migrations/20240101000000_init/migration.sql:4:7: column \"x\" "
                           "does not exist (SQLSTATE 42703); hint: Perhaps you meant \"y\".");
    free(s);
    gate_replay_failure_release(&f);
}

static void test_set(void **state)
{
    struct gate_replay_set set = {0};
    struct gate_err err = {0};
    char sum[65];

    (void)state;
    assert_int_equal(gate_replay_set_add(&set, "a", "a/migration.sql", "SELECT 1;", 9, &err),
                     GATE_OK);
    gate_sha256_hex("SELECT 1;", 9, sum);
    assert_string_equal(set.items[0].checksum, sum);
    assert_string_equal(set.items[0].sql, "SELECT 1;");
    /* invalid UTF-8 is sent as Node decodes it: U+FFFD */
    assert_int_equal(gate_replay_set_add(&set, "b", "b/migration.sql", "SELECT '\xff';", 11, &err),
                     GATE_OK);
    assert_string_equal(set.items[1].sql, "SELECT '\xef\xbf\xbd';");
    gate_sha256_hex("SELECT '\xef\xbf\xbd';", 13, sum);
    assert_string_equal(set.items[1].checksum, sum);
    /* a NUL byte cannot be sent */
    assert_int_equal(gate_replay_set_add(&set, "c", "c/migration.sql", "SELECT\0 1;", 10, &err),
                     GATE_E_SQL);
    assert_int_equal(set.n, 2);
    gate_replay_set_release(&set);
    assert_int_equal(set.n, 0);
}

static void test_cache_names(void **state)
{
    struct gate_replay_set a = {0}, b = {0};
    struct gate_err err = {0};
    char na[3][64], nb[3][64], pub[2][64];

    (void)state;
    assert_int_equal(gate_replay_set_add(&a, "1", "1", "CREATE TABLE a (id int);", 24, &err), 0);
    assert_int_equal(gate_replay_set_add(&a, "2", "2", "CREATE TABLE b (id int);", 24, &err), 0);
    assert_int_equal(gate_replay_set_add(&a, "3", "3", "CREATE TABLE c (id int);", 24, &err), 0);
    /* same first two files under other names, a different third */
    assert_int_equal(gate_replay_set_add(&b, "x", "x", "CREATE TABLE a (id int);", 24, &err), 0);
    assert_int_equal(gate_replay_set_add(&b, "y", "y", "CREATE TABLE b (id int);", 24, &err), 0);
    assert_int_equal(gate_replay_set_add(&b, "z", "z", "CREATE TABLE d (id int);", 24, &err), 0);
    gate_shadow_cache_names("public", &a, na);
    gate_shadow_cache_names("public", &b, nb);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(strlen(na[k]), strlen(GATE_SHADOW_CACHE_PREFIX) + 16);
        assert_memory_equal(na[k], GATE_SHADOW_CACHE_PREFIX, strlen(GATE_SHADOW_CACHE_PREFIX));
    }
    /* a prefix of the same checksums has the same name, whatever the migrations are called */
    assert_string_equal(na[0], nb[0]);
    assert_string_equal(na[1], nb[1]);
    assert_string_not_equal(na[2], nb[2]);
    assert_string_not_equal(na[0], na[1]);
    /* the schema is part of the name: the same files replayed into another schema differ */
    a.n = 2;
    gate_shadow_cache_names("app", &a, pub);
    a.n = 3;
    assert_string_not_equal(pub[0], na[0]);
    assert_string_not_equal(pub[1], na[1]);
    /* the order is part of it */
    {
        struct gate_replay_set c = {0};
        char nc[2][64];

        assert_int_equal(gate_replay_set_add(&c, "2", "2", "CREATE TABLE b (id int);", 24, &err),
                         0);
        assert_int_equal(gate_replay_set_add(&c, "1", "1", "CREATE TABLE a (id int);", 24, &err),
                         0);
        gate_shadow_cache_names("public", &c, nc);
        assert_string_not_equal(nc[1], na[1]);
        gate_replay_set_release(&c);
    }
    gate_replay_set_release(&a);
    gate_replay_set_release(&b);
}

static struct gate_hist_row row(const char *name, const char *sum, const char *started,
                                const char *finished, const char *rolled)
{
    struct gate_hist_row r;

    memset(&r, 0, sizeof(r));
    r.id = (char *)(uintptr_t) "id";
    r.name = (char *)(uintptr_t)name;
    r.checksum = (char *)(uintptr_t)sum;
    r.started_at = (char *)(uintptr_t)started;
    r.finished_at = (char *)(uintptr_t)finished;
    r.rolled_back_at = (char *)(uintptr_t)rolled;
    return r;
}

static void write_migration(const char *root, const char *name, const char *sql)
{
    char path[512];
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/%s", root, name);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/%s/migration.sql", root, name);
    f = fopen(path, "w");
    assert_non_null(f);
    (void)fputs(sql, f);
    (void)fclose(f);
}

/* The applied set: finished and not rolled back, in Prisma's order, edited ones as on disk. */
static void test_applied_set(void **state)
{
    char tmpl[] = "/tmp/gate-replay.XXXXXX";
    char *root = mkdtemp(tmpl);
    char sum[4][65];
    static const char *const sql[] = {"CREATE TABLE a (id int);", "CREATE TABLE b (id int);",
                                      "CREATE TABLE c (id int);", "CREATE TABLE d (id int);"};
    static const char *const names[] = {"20240101000000_a", "20240102000000_b", "20240103000000_c",
                                        "20240104000000_d"};
    struct gate_hist_row rows[7];
    struct gate_hist_db db;
    struct gate_replay_set set = {0};
    struct gate_err err = {0};
    char cmd[600];

    (void)state;
    assert_non_null(root);
    for (size_t i = 0; i < 4; i++) {
        write_migration(root, names[i], sql[i]);
        gate_sha256_hex(sql[i], strlen(sql[i]), sum[i]);
    }
    memset(&db, 0, sizeof(db));
    db.has_table = true;
    db.schema_exists = true;
    /* a: applied; b: rolled back, then applied again; c: rolled back only; d: edited since
       (applied with another checksum); e: applied, not on disk; and a failed row of c */
    rows[0] =
        row(names[0], sum[0], "2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:01.000000Z", NULL);
    rows[1] =
        row(names[1], sum[1], "2024-01-02T00:00:00.000000Z", NULL, "2024-01-02T00:00:05.000000Z");
    rows[2] =
        row(names[1], sum[1], "2024-01-02T00:00:10.000000Z", "2024-01-02T00:00:11.000000Z", NULL);
    rows[3] =
        row(names[2], sum[2], "2024-01-03T00:00:00.000000Z", NULL, "2024-01-03T00:00:05.000000Z");
    rows[4] =
        row(names[3], "0000", "2024-01-04T00:00:00.000000Z", "2024-01-04T00:00:01.000000Z", NULL);
    rows[5] = row("20240105000000_e", "1111", "2024-01-05T00:00:00.000000Z",
                  "2024-01-05T00:00:01.000000Z", NULL);
    rows[6] = row(names[2], sum[2], "2024-01-06T00:00:00.000000Z", NULL, NULL);
    db.rows = rows;
    db.nrows = GATE_ARRAY_SIZE(rows);
    assert_int_equal(gate_replay_set_applied(root, &db, &set, &err), GATE_OK);
    assert_int_equal(set.n, 3);
    assert_string_equal(set.items[0].name, names[0]);
    assert_string_equal(set.items[1].name, names[1]);
    assert_string_equal(set.items[2].name, names[3]);
    assert_string_equal(set.items[2].sql, sql[3]); /* the file as it is on disk */
    assert_string_equal(set.items[2].checksum, sum[3]);
    gate_replay_set_release(&set);
    /* every local migration */
    assert_int_equal(gate_replay_set_local(root, &set, &err), GATE_OK);
    assert_int_equal(set.n, 4);
    assert_string_equal(set.items[3].name, names[3]);
    gate_replay_set_release(&set);
    /* a missing directory is an empty set */
    assert_int_equal(gate_replay_set_local("/nonexistent/gate/migrations", &set, &err), GATE_OK);
    assert_int_equal(set.n, 0);
    /* a folder without migration.sql: Prisma's P3015 */
    (void)snprintf(cmd, sizeof(cmd), "%s/20240107000000_empty", root);
    assert_int_equal(mkdir(cmd, 0755), 0);
    assert_int_equal(gate_replay_set_local(root, &set, &err), GATE_E_IO);
    assert_non_null(strstr(err.msg, "P3015"));
    gate_replay_set_release(&set);
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static int teardown_all(void **state)
{
    (void)state;
    gate_sql_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate),       cmocka_unit_test(test_long_statement),
        cmocka_unit_test(test_failure_text), cmocka_unit_test(test_set),
        cmocka_unit_test(test_cache_names),  cmocka_unit_test(test_applied_set),
    };

    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
