/* SPDX-License-Identifier: MIT */
/*
 * test_prisma_errors.c - the one table of Prisma error codes
 * (prisma_errors.h): every code the source mentions is in it, each entry
 * is complete, lookup by code, by Prisma's output (in the table's
 * priority order) and by libpq's connection messages.
 */
#include "gate/compat.h"
#include "gate/prisma_errors.h"

#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

/* Every "Pdddd" word of the file at path must be in the table. */
static void scan_file(const char *path, size_t *seen)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    (void)fclose(f);
    for (long i = 0; i + 5 <= size; i++) {
        char code[6];

        if (text[i] != 'P' || (i > 0 && isalnum((unsigned char)text[i - 1])))
            continue;
        if (!isdigit((unsigned char)text[i + 1]) || !isdigit((unsigned char)text[i + 2]) ||
            !isdigit((unsigned char)text[i + 3]) || !isdigit((unsigned char)text[i + 4]))
            continue;
        if (i + 5 < size && isalnum((unsigned char)text[i + 5]))
            continue;
        memcpy(code, text + i, 5);
        code[5] = '\0';
        if (!gate_prisma_error(code))
            fail_msg("%s mentions %s, which is not in the table (src/prisma/errors.c)", path, code);
        (*seen)++;
    }
    free(text);
}

static void scan_dir(const char *dir, size_t *seen)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[1024];
        struct stat st;
        size_t n = strlen(e->d_name);

        if (e->d_name[0] == '.')
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode))
            scan_dir(path, seen);
        else if (n > 2 && (!strcmp(e->d_name + n - 2, ".c") || !strcmp(e->d_name + n - 2, ".h")))
            scan_file(path, seen);
    }
    (void)closedir(d);
}

static void test_every_code_mentioned(void **state)
{
    size_t seen = 0;

    (void)state;
    scan_dir("src", &seen);
    scan_dir("include", &seen);
    assert_true(seen > 50); /* the scan ran over the source (run from the top directory) */
}

static void test_entries(void **state)
{
    size_t n, ntrouble = 0;
    const struct gate_prisma_error *t = gate_prisma_errors(&n);

    (void)state;
    assert_true(n >= 12);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(strlen(t[i].code), 5);
        assert_true(t[i].title && *t[i].title);
        assert_true(t[i].meaning && *t[i].meaning);
        /* house style: lower case first word, no full stop (the callers punctuate) */
        assert_false(t[i].meaning[strlen(t[i].meaning) - 1] == '.');
        if (t[i].guidance)
            assert_false(t[i].guidance[strlen(t[i].guidance) - 1] == '.');
        if (t[i].troubleshoot) {
            assert_non_null(t[i].guidance);
            ntrouble++;
        }
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(t[i].code, t[k].code);
        assert_ptr_equal(gate_prisma_error(t[i].code), &t[i]);
    }
    assert_int_equal(ntrouble, 3);
    assert_null(gate_prisma_error("P9999"));
    assert_null(gate_prisma_error(NULL));
    assert_string_equal(gate_prisma_error("P3009")->title, "failed migration");
    assert_non_null(strstr(gate_prisma_error("P3019")->guidance, "provider = \"postgresql\""));
}

struct output_row {
    const char *output;
    const char *want; /* NULL: no code */
};

static const struct output_row outputs[] = {
    {"1 migration found in prisma/migrations\nError: P3009\n\nmigrate found failed migrations",
     "P3009"},
    {"Error: P3005\n\nThe database schema is not empty.", "P3005"},
    {"Error: P1002\n\nThe database server was reached but timed out.", "P1002"},
    {"Error: P3018\n\nA migration failed to apply.\n", "P3018"},
    {"Error: P1001: Can't reach database server", "P1001"},
    {"Error: P1017\n\nServer has closed the connection.", "P1017"},
    /* two codes: the table's order decides (P3009 before P3018) */
    {"Error: P3018\n... then Error: P3009", "P3009"},
    {"Error: something went wrong in the engine\n", NULL},
    {"the code P3009 without Prisma's Error: prefix", NULL},
    {"", NULL},
};

static void test_output_lookup(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(outputs); i++) {
        const struct gate_prisma_error *e = gate_prisma_error_in_output(outputs[i].output);

        if (!outputs[i].want && e)
            fail_msg("row %zu: %s, want none", i, e->code);
        if (outputs[i].want && (!e || strcmp(e->code, outputs[i].want) != 0))
            fail_msg("row %zu: %s, want %s", i, e ? e->code : "none", outputs[i].want);
    }
    assert_null(gate_prisma_error_in_output(NULL));
}

static const struct output_row libpq[] = {
    {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
     "authentication failed for user \"gate\"",
     "P1000"},
    {"fe_sendauth: no password supplied", "P1000"},
    {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"nope\" does "
     "not exist",
     "P1003"},
    {"connection to server at \"127.0.0.1\", port 1 failed: Connection refused", "P1001"},
    {"could not translate host name \"db.invalid\" to address: Name or service not known", "P1001"},
    {"connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: No such file or directory",
     "P1001"},
    {"timeout expired", "P1001"},
    {"server does not support SSL, but SSL was required", NULL},
    {"the \" does not exist before database \"", NULL},
};

static void test_libpq_lookup(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(libpq); i++) {
        const struct gate_prisma_error *e = gate_prisma_error_of_libpq(libpq[i].output);

        if (!libpq[i].want && e)
            fail_msg("libpq row %zu: %s, want none", i, e->code);
        if (libpq[i].want && (!e || strcmp(e->code, libpq[i].want) != 0))
            fail_msg("libpq row %zu: %s, want %s", i, e ? e->code : "none", libpq[i].want);
    }
    assert_string_equal(gate_prisma_error_of_libpq("password authentication failed")->meaning,
                        "authentication failed");
    assert_null(gate_prisma_error_of_libpq(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_mentioned),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_output_lookup),
        cmocka_unit_test(test_libpq_lookup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
