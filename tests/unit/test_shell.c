/* SPDX-License-Identifier: MIT */
/*
 * test_shell.c - quoting for the shell commands the gate suggests
 * (shell.h) and the secret parts of a URL (secrets.h), table-driven.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/secrets.h"
#include "gate/shell.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_quote(void **state)
{
    static const struct {
        const char *in, *quoted, *word;
    } rows[] = {
        {"20240101000000_init", "'20240101000000_init'", "20240101000000_init"},
        {"x$(id>PWNED)", "'x$(id>PWNED)'", "'x$(id>PWNED)'"},
        {"it's", "'it'\\''s'", "'it'\\''s'"},
        {"a`b`\"c\"", "'a`b`\"c\"'", "'a`b`\"c\"'"},
        {"", "''", "''"},
        {"./node_modules/.bin/prisma", "'./node_modules/.bin/prisma'",
         "./node_modules/.bin/prisma"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf q = {0}, w = {0};

        gate_shell_quote_buf(&q, rows[i].in);
        gate_shell_word_buf(&w, rows[i].in);
        assert_string_equal(gate_buf_str(&q), rows[i].quoted);
        assert_string_equal(gate_buf_str(&w), rows[i].word);
        gate_buf_release(&q);
        gate_buf_release(&w);
    }
}

static void collect(void *ctx, const char *part)
{
    struct gate_buf *b = ctx;

    gate_buf_adds(b, part);
    gate_buf_addc(b, '|');
}

static void test_url_parts(void **state)
{
    static const struct {
        const char *url, *parts, *last_at;
    } rows[] = {
        {"postgresql://u:p@h/db", "u:p|p|", "@h/db"},
        {"postgresql://evil:hunter2/x@host/db", "evil:hunter2/x|hunter2/x|", "@host/db"},
        {"postgresql://u:a%2Fb@h", "u:a%2Fb|u:a/b|a%2Fb|a/b|", "@h"},
        {"postgresql://u:pw@h/db?e=a@b", "u:pw@h/db?e=a|pw@h/db?e=a|u:pw|pw|", "@b"},
        {"postgresql://h/db", "", NULL},
        {"postgresql://gate@h/db", "", "@h/db"}, /* a user name alone is no secret */
        {"no-scheme@x", "", NULL},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf b = {0};
        const char *at = gate_url_last_at(rows[i].url);

        gate_url_secret_parts(rows[i].url, collect, &b);
        assert_string_equal(gate_buf_str(&b), rows[i].parts);
        if (rows[i].last_at)
            assert_string_equal(at, rows[i].last_at);
        else
            assert_null(at);
        gate_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_url_parts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
