/* SPDX-License-Identifier: MIT */
/*
 * test_prisma_cli.c - the textual Prisma config reader (prisma_cli.h):
 * which config files say where the migrations folder is, which cannot be
 * checked, and which say nothing.
 */
#include "gate/compat.h"
#include "gate/prisma_cli.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const struct {
    const char *text;
    int want;         /* -1 no object, 0 none, 1 literal, 2 cannot be checked */
    const char *path; /* for 1 */
} cases[] = {
    {"import { defineConfig } from 'prisma/config'\n"
     "export default defineConfig({\n"
     "  schema: 'prisma/schema.prisma',\n"
     "  migrations: { path: 'db/migrations' },\n"
     "})\n",
     1, "db/migrations"},
    {"export default defineConfig({ migrations: { seed: 'tsx seed.ts', path: \"x/m\" } })", 1,
     "x/m"},
    {"export default defineConfig({ migrations: { path: `lit/m` } })", 1, "lit/m"},
    {"module.exports = { migrations: { path: 'cjs/m' } }", 1, "cjs/m"},
    {"export default { migrations: { path: 'a/b' } } satisfies PrismaConfig", 1, "a/b"},
    {"// migrations: { path: 'commented' }\n"
     "/* migrations: { path: 'also' } */\n"
     "export default defineConfig({ schema: 'p/s.prisma' })",
     0, NULL},
    {"const re = /\"migrations'/g\n"
     "export default defineConfig({ engine: 'js', experimental: { migrations: { path: 'no' } } })",
     0, NULL},
    {"export default defineConfig({ migrations: { seed: 'x' } })", 0, NULL},
    {"export default defineConfig({ ...(process.env.M ? { migrations: { path: 'm' } } : {}) })", 0,
     NULL},
    {"export default defineConfig({ migrations: { path: process.env.MIG } })", 2, NULL},
    {"export default defineConfig({ migrations: { path: `${root}/m` } })", 2, NULL},
    {"export default defineConfig({ migrations: { path: 'a' + b } })", 2, NULL},
    {"export default defineConfig({ migrations: { ...base } })", 2, NULL},
    {"export default defineConfig({ migrations })", 2, NULL},
    {"export default defineConfig({ migrations: cfg.migrations })", 2, NULL},
    {"export default defineConfig({ migrations: { path: path.join('a', 'b') } })", 2, NULL},
    {"const config = makeConfig()\nexport default config\n", -1, NULL},
};

static void test_config_reader(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = (char *)1;
        int got = gate_prisma_config_migrations(cases[i].text, strlen(cases[i].text), &path);

        if (got != cases[i].want)
            fail_msg("case %zu: want %d, got %d", i, cases[i].want, got);
        if (cases[i].path)
            assert_string_equal(path, cases[i].path);
        else
            assert_null(path);
        free(path);
    }
}

static const struct {
    const char *text;
    int want; /* -1 no object, 0 none, 1 env name, 2 literal, 3 unreadable */
    const char *value;
} url_cases[] = {
    {"export default defineConfig({ datasource: { url: env('DATABASE_URL') } })", 1,
     "DATABASE_URL"},
    {"export default defineConfig({ datasource: { url: env(\"PROD\"), shadowDatabaseUrl: "
     "env('S') } })",
     1, "PROD"},
    {"export default defineConfig({ datasource: { url: process.env.DIRECT_URL } })", 1,
     "DIRECT_URL"},
    {"export default defineConfig({ datasource: { url: process.env['X_URL'] } })", 1, "X_URL"},
    {"export default defineConfig({ datasource: { url: 'postgresql://u@h/db' } })", 2,
     "postgresql://u@h/db"},
    {"export default defineConfig({ schema: 'x' })", 0, NULL},
    {"export default defineConfig({ datasource: { url: process.env.A ?? process.env.B } })", 3,
     NULL},
    {"export default defineConfig({ datasource: { url: pick() } })", 3, NULL},
    {"export default defineConfig({ datasource: { ...ds } })", 3, NULL},
    {"export default defineConfig({ datasource })", 3, NULL},
};

static void test_config_url(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        char *v = NULL;
        int got = gate_prisma_config_url(url_cases[i].text, strlen(url_cases[i].text), &v);

        if (got != url_cases[i].want)
            fail_msg("url case %zu: want %d, got %d", i, url_cases[i].want, got);
        if (url_cases[i].value)
            assert_string_equal(v, url_cases[i].value);
        else
            assert_null(v);
        free(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_reader),
        cmocka_unit_test(test_config_url),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
