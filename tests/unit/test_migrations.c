/* SPDX-License-Identifier: MIT */
/*
 * test_migrations.c - the one loader of local migrations and the one
 * migration_lock.toml check (migrations.h): every lock-file state,
 * Prisma's reading of the provider line, and a folder loaded with a
 * readable, an empty and a missing migration.sql.
 */
#include "gate/compat.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/migrations.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static char *make_root(void)
{
    char tmpl[] = "/tmp/gate-mig-XXXXXX";
    char *root = mkdtemp(tmpl);

    assert_non_null(root);
    return strdup(root);
}

static void remove_root(char *root)
{
    char cmd[600];

    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(root);
}

struct lock_row {
    const char *file; /* NULL: no migration_lock.toml */
    const char *want;
    enum gate_lock_state state;
    const char *provider; /* NULL: not read */
    int line;
    bool refused;
};

static const struct lock_row lock_rows[] = {
    {NULL, "postgresql", GATE_LOCK_MISSING, NULL, 0, false},
    {"provider = \"postgresql\"\n", "postgresql", GATE_LOCK_OK, "postgresql", 1, false},
    {"# comment\n\nprovider = \"postgresql\"\n", "postgresql", GATE_LOCK_OK, "postgresql", 3,
     false},
    {"provider = \"mysql\"\n", "postgresql", GATE_LOCK_MISMATCH, "mysql", 1, true},
    {"provider=\"postgresql\"\n", "postgresql", GATE_LOCK_MISMATCH, "provider=\"postgresql", 1,
     true},
    {"# nothing here\n", "postgresql", GATE_LOCK_UNNAMED, GATE_LOCK_NO_PROVIDER, 0, true},
    {"", "postgresql", GATE_LOCK_UNNAMED, GATE_LOCK_NO_PROVIDER, 0, true},
    {"provider = \"postgresql\"\n", "mysql", GATE_LOCK_MISMATCH, "postgresql", 1, true},
    {"provider = \"postgresql\"\n", NULL, GATE_LOCK_MISMATCH, "postgresql", 1, true},
};

static void test_lock_check(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(lock_rows); i++) {
        const struct lock_row *r = &lock_rows[i];
        char *root = make_root();
        char path[512];
        struct gate_lock_check c;

        (void)snprintf(path, sizeof(path), "%s/migration_lock.toml", root);
        if (r->file)
            write_file(path, r->file);
        gate_lock_check(root, r->want, &c);
        if (c.state != r->state)
            fail_msg("row %zu: state %d, want %d", i, (int)c.state, (int)r->state);
        assert_string_equal(c.path, path);
        if (r->provider)
            assert_string_equal(c.provider, r->provider);
        else
            assert_null(c.provider);
        assert_int_equal(c.line, r->line);
        assert_int_equal(gate_lock_refused(&c), r->refused);
        gate_lock_check_release(&c);
        remove_root(root);
    }
}

static void test_lock_check_no_dir(void **state)
{
    struct gate_lock_check c;

    (void)state;
    gate_lock_check("/nonexistent/gate-mig", "postgresql", &c);
    assert_int_equal(c.state, GATE_LOCK_NO_DIR);
    assert_null(c.path);
    assert_false(gate_lock_refused(&c));
    gate_lock_check_release(&c);
}

static void test_lock_check_unreadable(void **state)
{
    char *root = make_root();
    char path[512];
    struct gate_lock_check c;

    (void)state;
    /* a directory where the file should be: there, but not readable as a file */
    (void)snprintf(path, sizeof(path), "%s/migration_lock.toml", root);
    assert_int_equal(mkdir(path, 0755), 0);
    gate_lock_check(root, "postgresql", &c);
    assert_int_equal(c.state, GATE_LOCK_UNREADABLE);
    assert_non_null(c.error);
    assert_null(c.provider);
    assert_false(gate_lock_refused(&c));
    gate_lock_check_release(&c);
    remove_root(root);
}

static void test_load(void **state)
{
    char *root = make_root();
    char path[512];
    struct gate_local_migrations lm;
    struct gate_checksums want;
    struct gate_err err = {0};

    (void)state;
    (void)snprintf(path, sizeof(path), "%s/20240102_b", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/20240102_b/migration.sql", root);
    write_file(path, "SELECT 2;\r\n");
    (void)snprintf(path, sizeof(path), "%s/20240101_a", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/20240101_a/migration.sql", root);
    write_file(path, "");
    (void)snprintf(path, sizeof(path), "%s/20240103_nosql", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/migration_lock.toml", root);
    write_file(path, "provider = \"sqlite\"\n");

    assert_int_equal(gate_local_migrations_load(root, &lm, &err), GATE_OK);
    assert_false(lm.missing);
    assert_int_equal(lm.n, 3);
    assert_string_equal(lm.locals[0].name, "20240101_a");
    assert_true(lm.locals[0].readable);
    assert_int_equal(lm.lens[0], 0);
    assert_string_equal(lm.locals[1].name, "20240102_b");
    assert_true(lm.locals[1].readable);
    assert_int_equal(lm.lens[1], 11);
    assert_memory_equal(lm.data[1], "SELECT 2;\r\n", 11);
    gate_history_checksums("SELECT 2;\r\n", 11, &want);
    assert_string_equal(lm.locals[1].sums.sum[0], want.sum[0]);
    assert_true(gate_history_checksum_matches(&lm.locals[1].sums, want.sum[1]));
    assert_string_equal(lm.locals[2].name, "20240103_nosql");
    assert_false(lm.locals[2].readable);
    assert_null(lm.data[2]);
    assert_int_equal(lm.code[2], GATE_E_IO);
    assert_non_null(strstr(lm.error[2], "has no migration.sql"));
    assert_non_null(strstr(lm.error[2], "20240103_nosql"));
    assert_int_equal(lm.nerrors, 1);
    assert_int_equal(gate_local_migrations_first_error(&lm), 2);
    assert_int_equal(lm.lock.state, GATE_LOCK_MISMATCH);
    assert_string_equal(lm.lock.provider, "sqlite");
    gate_local_migrations_release(&lm);
    gate_local_migrations_release(&lm); /* a released (zeroed) one is a no-op */
    remove_root(root);
}

static void test_load_missing_and_unlistable(void **state)
{
    struct gate_local_migrations lm;
    struct gate_err err = {0};
    char *root = make_root();
    char path[512];

    (void)state;
    assert_int_equal(gate_local_migrations_load("/nonexistent/gate-mig", &lm, &err), GATE_OK);
    assert_true(lm.missing);
    assert_int_equal(lm.n, 0);
    assert_int_equal(lm.lock.state, GATE_LOCK_NO_DIR);
    assert_int_equal(gate_local_migrations_first_error(&lm), -1);
    gate_local_migrations_release(&lm);

    /* a file where the directory should be cannot be listed */
    (void)snprintf(path, sizeof(path), "%s/file", root);
    write_file(path, "x");
    assert_int_equal(gate_local_migrations_load(path, &lm, &err), GATE_E_IO);
    assert_non_null(strstr(err.msg, path));
    gate_local_migrations_release(&lm);
    remove_root(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_check),
        cmocka_unit_test(test_lock_check_no_dir),
        cmocka_unit_test(test_lock_check_unreadable),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_load_missing_and_unlistable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
