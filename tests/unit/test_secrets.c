/* SPDX-License-Identifier: MIT */
/*
 * test_secrets.c - the committed-secrets grammar (secrets.h): which lines
 * hold a database URL with a password, and how it is shown; table-driven.
 */
#include "gate/compat.h"
#include "gate/secrets.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_scan(void **state)
{
    static const struct {
        const char *line;
        const char *masked; /* NULL: no secret */
    } rows[] = {
        {"DATABASE_URL=postgresql://app:Semi;colon2@db.prod.example.com/app",
         "postgresql://app:****@db.prod.example.com/app"},
        {"A=\"postgresql://app:Com,ma7@db.example.com/app\"",
         "postgresql://app:****@db.example.com/app"},
        {"B='postgresql://app:Par)en7@db.example.com/app'",
         "postgresql://app:****@db.example.com/app"},
        {"C=\"postgresql://app:Apo'str7@db.example.com/app\"",
         "postgresql://app:****@db.example.com/app"},
        {"D=postgresql://app:Bra}ce7@db.example.com/app",
         "postgresql://app:****@db.example.com/app"},
        {"E=postgresql://app:Sla/sh7@db.example.com/app",
         "postgresql://app:****@db.example.com/app"},
        {"F=postgresql://app:Ha#sh7@db.example.com:5432/app?schema=x",
         "postgresql://app:****@db.example.com:5432/app?schema=x"},
        {"G=postgresql://app:Que?ry7@db.example.com/app",
         "postgresql://app:****@db.example.com/app"},
        {"see (postgresql://app:Pw9x7@db.example.com/app).",
         "postgresql://app:****@db.example.com/app"},
        {"url: postgresql://app:p@ss:Kq7@db.example.com/app # prod",
         "postgresql://app:****@db.example.com/app"},
        /* not secrets */
        {"DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app", NULL},
        {"DATABASE_URL=\"postgresql://app:${DB_PASSWORD}@db:5432/app\"", NULL},
        {"DATABASE_URL=postgresql://readonly@db.example.com/app", NULL},
        {"DATABASE_URL=postgresql://db.example.com/app?email=a@b", NULL},
        {"DATABASE_URL=postgresql://app:Sla/sh7@127.0.0.1/app", NULL},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_secret_hit hit;
        size_t pos = 0;
        bool found = gate_secret_scan(rows[i].line, strlen(rows[i].line), &pos, &hit);

        if (!rows[i].masked) {
            if (found)
                fail_msg("row %zu: '%s' reported as %s", i, rows[i].line, hit.masked);
            continue;
        }
        if (!found)
            fail_msg("row %zu: '%s' not found", i, rows[i].line);
        assert_string_equal(hit.masked, rows[i].masked);
    }
}

static void test_mask(void **state)
{
    char out[256];

    (void)state;
    gate_secret_mask("url: http://u:hunter2/x@example.com/ # note", out, sizeof(out));
    assert_string_equal(out, "url: http://u:****@example.com/ # note");
    gate_secret_mask("a \"postgresql://u:p;w@h/db\" b", out, sizeof(out));
    assert_string_equal(out, "a \"postgresql://u:****@h/db\" b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_mask),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
