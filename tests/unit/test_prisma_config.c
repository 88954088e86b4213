/* SPDX-License-Identifier: MIT */
/*
 * test_prisma_config.c - the textual Prisma config reader (prisma_config.h):
 * which config files say where the migrations folder is, which cannot be
 * checked, and which say nothing.
 */
#include "gate/compat.h"
#include "gate/prisma_config.h"

#include <setjmp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
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
        int got = gate_prisma_config_migrations(cases[i].text, strlen(cases[i].text), NULL, &path);

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
        int got = gate_prisma_config_url(url_cases[i].text, strlen(url_cases[i].text), NULL, &v);

        if (got != url_cases[i].want)
            fail_msg("url case %zu: want %d, got %d", i, url_cases[i].want, got);
        if (url_cases[i].value)
            assert_string_equal(v, url_cases[i].value);
        else
            assert_null(v);
        free(v);
    }
}

/* Spreads: followed where the gate can read them, a problem (2 / 3) where it cannot. */
static const struct {
    const char *text;
    int want;
    const char *path;
} spread_cases[] = {
    {"export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'on' } } : "
     "{ migrations: { path: 'off' } }) })",
     1, "on"},
    {"export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'on' } } "
     ": { migrations: { path: 'off' } }) })",
     1, "off"},
    {"export default defineConfig({ ...(process.env.GATE_T_ON === 'yes' ? { migrations: { path: "
     "'a' } } : {}) })",
     0, NULL},
    {"export default defineConfig({ ...(process.env['GATE_T_ON'] === '1' && { migrations: { path: "
     "'b' } }) })",
     1, "b"},
    {"export default defineConfig({ ...(!process.env.GATE_T_OFF && process.env.GATE_T_ON !== 'x' "
     "? { migrations: { path: 'c' } } : {}) })",
     1, "c"},
    {"export default defineConfig({ ...(process.env.GATE_T_OFF ? {} : process.env.GATE_T_ON ? { "
     "migrations: { path: 'n' } } : {}) })",
     1, "n"},
    {"export default defineConfig({ ...process.env.GATE_T_ON ? { migrations: { path: 'bare' } } : "
     "{} })",
     1, "bare"},
    {"export default defineConfig({ ...(isProd() ? { migrations: { path: 'p' } } : {}) })", 2,
     NULL},
    {"export default defineConfig({ ...(isProd() && { migrations: { path: 'p' } }) })", 2, NULL},
    {"export default defineConfig({ ...(process.env.GATE_T_ON ?? 'x' ? { migrations: { path: 'q' "
     "} } : {}) })",
     2, NULL},
    {"export default defineConfig({ ...(isProd() ? { schema: 'x' } : {}) })", 0, NULL},
    {"export default defineConfig({ ...base })", 2, NULL},
    {"export default defineConfig({ ...makeBase() })", 2, NULL},
    {"export default defineConfig({ ...base, migrations: { path: 'lit' } })", 1, "lit"},
    {"export default defineConfig({ ...base, migrations: undefined, datasource: undefined })", 0,
     NULL},
    {"export default defineConfig({ migrations: { path: 'lit' }, ...base })", 2, NULL},
    {"const base = { migrations: { path: 'fromconst' } }\n"
     "export default defineConfig({ ...base })",
     1, "fromconst"},
    {"const base: PrismaConfig = defineConfig({ migrations: { path: 'typed' } })\n"
     "export default defineConfig({ engine: 'js', ...base })",
     1, "typed"},
    {"const base = { migrations: { path: 'x' } }\n"
     "export default defineConfig({ migrations: { path: 'y' }, ...base })",
     1, "x"},
    {"const a = { ...a }\nexport default defineConfig({ ...a })", 2, NULL},
    {"export default defineConfig({ ...{ migrations: { path: 'inline' } } })", 1, "inline"},
    {"import base from './base'\nexport default defineConfig({ ...base })", 2, NULL},
    /* an import whose string never ends (found by fuzz_config): not read, no crash */
    {"export default defineConfig({ ...base })\nimport base from '", 2, NULL},
    {"export default defineConfig({ ...base })\nconst base = require('./b", 2, NULL},
    /* only the exported object is Prisma's config */
    {"const unused = defineConfig({ migrations: { path: 'a' } })\n"
     "export default defineConfig({ migrations: { path: 'b' } })",
     1, "b"},
    {"const config = defineConfig({ migrations: { path: 'c' } })\nexport default config\n", 1, "c"},
    {"const config: PrismaConfig = { migrations: { path: 'c' } }\nmodule.exports = config\n", 1,
     "c"},
    {"defineConfig({ migrations: { path: 'a' } })\n", -1, NULL},
    {"export default makeConfig()\n", -1, NULL},
    /* an export list naming the default */
    {"const config = defineConfig({ migrations: { path: 'e' } })\nexport { config as default }\n",
     1, "e"},
    {"const config = { migrations: { path: 'e' } }\nconst x = 1\n"
     "export { x, type PrismaConfig, config as default, x as y, }\n",
     1, "e"},
    {"const config = defineConfig({ migrations: { path: 'e' } })\nexport { config }\n", -1, NULL},
    {"const config = defineConfig({ migrations: { path: 'e' } })\nexport { config }\n"
     "export default defineConfig({ migrations: { path: 'f' } })\n",
     1, "f"},
    /* a re-export: the default is another module's config, not this file's const */
    {"const config = defineConfig({ migrations: { path: 'e' } })\n"
     "export { config as default } from './other'\n",
     -1, NULL},
    {"export { default } from './other'\n", -1, NULL},
    {"const config = defineConfig({ migrations: { path: 'e' } })\n"
     "config.migrations.path = 'x'\nexport { config as default }\n",
     2, NULL},
    {"const config = makeConfig()\nexport { config as default }\n", -1, NULL},
    /* ... changed after it is built */
    {"const config = defineConfig({ migrations: { path: 'c' } })\n"
     "config.migrations = { path: 'x' }\nexport default config\n",
     2, NULL},
    {"const config = defineConfig({ migrations: { path: 'c' } })\n"
     "config.migrations.path = 'x'\nexport default config\n",
     2, NULL},
    {"const config = { migrations: { path: 'c' } }\nObject.assign(config, other)\n"
     "module.exports = config\n",
     2, NULL},
    {"const config = defineConfig({ migrations: { path: 'c' } })\n"
     "const other = config.migrations\nexport default config\n",
     1, "c"},
    /* keys written otherwise */
    {"export default defineConfig({ ['migrations']: { path: 'k' } })", 1, "k"},
    {"export default defineConfig({ [key]: { path: 'k' } })", 2, NULL},
    {"export default defineConfig({ migrations: { path: 'm' }, [key]: 1 })", 2, NULL},
    {"export default defineConfig({ [key]: 1, migrations: { path: 'm' } })", 1, "m"},
    {"export default { get migrations() { return { path: 'g' } } }", 2, NULL},
    {"export default { async seed() { }, migrations: { path: 'after' } }", 1, "after"},
};

static void test_config_spreads(void **state)
{
    (void)state;
    assert_int_equal(setenv("GATE_T_ON", "1", 1), 0);
    assert_int_equal(unsetenv("GATE_T_OFF"), 0);
    for (size_t i = 0; i < sizeof(spread_cases) / sizeof(spread_cases[0]); i++) {
        char *path = NULL;
        const char *t = spread_cases[i].text;
        int got = gate_prisma_config_migrations(t, strlen(t), NULL, &path);

        if (got != spread_cases[i].want)
            fail_msg("spread case %zu: want %d, got %d", i, spread_cases[i].want, got);
        if (spread_cases[i].path)
            assert_string_equal(path, spread_cases[i].path);
        else
            assert_null(path);
        free(path);
    }
}

static void test_config_spread_url(void **state)
{
    /* inside datasource: a spread or a computed key may set url or directUrl */
    static const char inner[] = "export default defineConfig({ datasource: { ...ds, url: "
                                "env('A_URL') } })";
    static const char computed[] = "export default defineConfig({ datasource: { [k]: x } })";
    static const char on[] = "export default defineConfig({ ...(process.env.GATE_T_ON ? { "
                             "datasource: { url: env('A_URL') } } : {}) })";
    static const char unknown[] = "export default defineConfig({ ...base })";
    static const char over[] = "export default defineConfig({ ...base, datasource: { url: "
                               "process.env.B_URL } })";
    char *v = NULL;

    (void)state;
    assert_int_equal(setenv("GATE_T_ON", "1", 1), 0);
    assert_int_equal(gate_prisma_config_url(on, strlen(on), NULL, &v), 1);
    assert_string_equal(v, "A_URL");
    free(v);
    assert_int_equal(gate_prisma_config_url(unknown, strlen(unknown), NULL, &v), 3);
    assert_null(v);
    assert_int_equal(gate_prisma_config_url(over, strlen(over), NULL, &v), 1);
    assert_string_equal(v, "B_URL");
    free(v);
    assert_int_equal(gate_prisma_config_url(computed, strlen(computed), NULL, &v), 3);
    {
        struct gate_prisma_config c;

        gate_prisma_config_read(inner, strlen(inner), NULL, NULL, &c);
        assert_int_equal(c.url.kind, 1);    /* the literal key after the spread wins */
        assert_int_equal(c.direct.kind, 3); /* the spread may have set directUrl */
        gate_prisma_config_release(&c);
    }
}

/* A condition on process.env holds only if the config's code leaves that variable alone. */
static void test_config_env_changes(void **state)
{
    static const struct {
        const char *text;
        int want;
    } env_cases[] = {
        /* read, not changed: evaluated (GATE_T_ON=1) */
        {"const on = process.env.GATE_T_ON\n"
         "export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'm' } } "
         ": {}) })",
         1},
        /* assigned before the object: unknown, and the branch sets migrations */
        {"process.env.GATE_T_OFF = 'yes'\n"
         "export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'm' } "
         "} : {}) })",
         2},
        {"process.env['GATE_T_OFF'] ?\?= 'yes'\n"
         "export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'm' } "
         "} : {}) })",
         2},
        {"delete process.env.GATE_T_ON\n"
         "export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'm' } } "
         ": {}) })",
         2},
        /* another variable assigned: this one still evaluated */
        {"process.env.OTHER_VAR = 'x'\n"
         "export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'm' } } "
         ": {}) })",
         1},
        /* assigned after the object is built: does not change what it saw */
        {"export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'm' } "
         "} : {}) })\nprocess.env.GATE_T_OFF = 'later'\n",
         0},
        /* every variable unknown: a computed name, Object.assign, an env file */
        {"for (const k of ks) process.env[k] = 'x'\n"
         "export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'm' } } "
         ": {}) })",
         2},
        {"Object.assign(process.env, parsed)\n"
         "export default defineConfig({ ...(process.env.GATE_T_ON ? { migrations: { path: 'm' } } "
         ": {}) })",
         2},
        {"import 'dotenv/config'\n"
         "export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'm' } "
         "} : {}) })",
         2},
        {"process.loadEnvFile()\n"
         "export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'm' } "
         "} : {}) })",
         2},
        /* unknown condition, but no branch sets migrations: fine */
        {"import 'dotenv/config'\n"
         "export default defineConfig({ ...(process.env.GATE_T_OFF ? { schema: 's' } : {}) })",
         0},
    };

    (void)state;
    assert_int_equal(setenv("GATE_T_ON", "1", 1), 0);
    assert_int_equal(unsetenv("GATE_T_OFF"), 0);
    for (size_t i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
        char *path = NULL;
        int got = gate_prisma_config_migrations(env_cases[i].text, strlen(env_cases[i].text), NULL,
                                                &path);

        if (got != env_cases[i].want)
            fail_msg("env case %zu: want %d, got %d", i, env_cases[i].want, got);
        free(path);
    }
    /* node --env-file in NODE_OPTIONS: Prisma's process loads a file the gate does not read */
    {
        static const char t[] = "export default defineConfig({ ...(process.env.GATE_T_OFF ? { "
                                "migrations: { path: 'm' } } : {}) })";
        char *path = NULL;

        assert_int_equal(setenv("NODE_OPTIONS", "--env-file=.env", 1), 0);
        assert_int_equal(gate_prisma_config_migrations(t, strlen(t), NULL, &path), 2);
        assert_int_equal(unsetenv("NODE_OPTIONS"), 0);
        assert_int_equal(gate_prisma_config_migrations(t, strlen(t), NULL, &path), 0);
    }
}

/* What the fuzzer found (tests/fuzz/fuzz_config.c): each once a crash, a hang or a contradiction.
 */
static void test_config_fuzz_finds(void **state)
{
    static const char unclosed[] = "export default { migrations: { path: 'a' }, ['x";
    static const char stale[] = "export default { migrations: { path: 'a', ...more } }";
    static const char fanout[] = "const a = { ...a, ...a, ...a, ...a }\n"
                                 "export default { ...(f() ? a : a), ...(g() ? a : a) }";
    struct gate_prisma_config c;

    (void)state;
    gate_prisma_config_read(unclosed, strlen(unclosed), NULL, NULL, &c);
    assert_true(c.found);
    assert_true(c.spread_mig); /* an unclosed [key: may be anything */
    gate_prisma_config_release(&c);
    gate_prisma_config_read(stale, strlen(stale), NULL, NULL, &c);
    assert_int_equal(c.mig, 2);
    assert_null(c.mig_path); /* not the 'a' read before the spread */
    gate_prisma_config_release(&c);
    /* ... nor when the exported object is changed afterwards */
    {
        static const char changed[] = "const config = { migrations: { path: 'a' } }\n"
                                      "config.migrations = other\nexport default config\n";

        gate_prisma_config_read(changed, strlen(changed), NULL, NULL, &c);
        assert_int_equal(c.mig, 2);
        assert_null(c.mig_path);
        assert_int_equal(c.mig_line, 2);
        gate_prisma_config_release(&c);
    }
    /* 4 spreads of itself, 16 deep, twice per branch: stopped by the budget, unreadable */
    gate_prisma_config_read(fanout, strlen(fanout), NULL, NULL, &c);
    assert_true(c.spread_mig && c.spread_ds);
    assert_non_null(c.spread_why);
    gate_prisma_config_release(&c);
}

/* has(c, name): the config's code reads variable name. */
static bool reads(const struct gate_prisma_config *c, const char *name)
{
    for (size_t i = 0; i < c->nenv_reads; i++)
        if (!strcmp(c->env_reads[i], name))
            return true;
    return false;
}

/* A driver adapter, and the variables the code reads (deploy checks the URLs among them). */
static const struct {
    const char *text;
    const char *where; /* env_any, or NULL */
} any_cases[] = {
    {"const k = pick()\nexport default defineConfig({ engine: 'js',\n"
     "  adapter: () => new PrismaPg({ connectionString: process.env[k] }) })\n",
     "process.env[...] at line 3"},
    {"const env = process.env\nexport default defineConfig({ engine: 'js' })\n",
     "process.env as a whole at line 1"},
    {"const { A, ...rest } = process.env\nexport default defineConfig({})\n",
     "process.env destructured with a rest (...) at line 1"},
    {"const { [k]: v } = process.env\nexport default defineConfig({})\n",
     "process.env destructured with a computed key at line 1"},
    /* destructured: the keys are the variables read */
    {"const { POOLED, 'QUOTED': q, DEF = 'x', NEST: { a }, ALIAS: al = f(1, 2) } =\n"
     "  process.env\nexport default defineConfig({ engine: 'js' })\n",
     NULL},
    {"export default defineConfig({ adapter: () => make({ ...process.env }) })\n",
     "process.env as a whole at line 1"},
    {"const u = env(name)\nexport default defineConfig({})\n", "env(...) at line 1"},
    {"const u = `${process.env[`A_${x}`]}`\nexport default defineConfig({})\n",
     "process.env[...] at line 1"},
    {"const u = process.env.A ?? process.env['B'] ?? env('C')\nexport default defineConfig({})\n",
     NULL},
    {"process.env.X = 'y'\nexport default defineConfig({})\n", NULL},
};

static void test_config_adapter_reads(void **state)
{
    static const char t[] =
        "import { PrismaPg } from '@prisma/adapter-pg'\n"
        "const url = env('DIRECT')\n"
        "export default defineConfig({\n"
        "  engine: 'js',\n"
        "  adapter: async () => new PrismaPg({ connectionString: process.env.POOLED_URL }),\n"
        "})\n"
        "function later() { return process.env['LATE_URL'] }\n"
        "const t = `${process.env.TPL_URL}?x=${ { a: process.env['TPL_B'] }.a }`\n"
        "const n = `${`${process.env.NESTED_URL}`}` + `process.env.IN_TEXT`\n";
    static const char none[] = "export default defineConfig({ schema: process.env.S })";
    struct gate_prisma_config c;

    (void)state;
    gate_prisma_config_read(t, strlen(t), NULL, NULL, &c);
    assert_int_equal(c.adapter_line, 5);
    assert_true(reads(&c, "POOLED_URL"));
    assert_true(reads(&c, "DIRECT"));
    assert_true(reads(&c, "LATE_URL")); /* after the object, still code the adapter may call */
    assert_false(reads(&c, "PrismaPg"));
    /* inside a template literal's ${...}: code, read as such */
    assert_true(reads(&c, "TPL_URL"));
    assert_true(reads(&c, "TPL_B"));
    assert_true(reads(&c, "NESTED_URL"));
    assert_false(reads(&c, "IN_TEXT")); /* a template's text is not code */
    assert_null(c.env_any);             /* every read names its variable */
    assert_int_equal(c.nurl_lits, 0);
    assert_null(c.url_built);
    gate_prisma_config_release(&c);
    gate_prisma_config_read(none, strlen(none), NULL, NULL, &c);
    assert_int_equal(c.adapter_line, 0);
    assert_true(reads(&c, "S"));
    assert_null(c.env_any);
    gate_prisma_config_release(&c);
    /* postgres URLs written in the code; one built in a template literal */
    {
        static const char lits[] =
            "// 'postgres://in-a-comment/db'\n"
            "const a = 'postgresql://u:p@h:5432/db', b = \"postgres://h2/db2\"\n"
            "const c = `postgres://h3/db3`, d = 'not postgres://x', e = 'postgresql:'\n"
            "const ok = url.startsWith('postgres://') || url.startsWith(\"postgresql://\")\n"
            "export default defineConfig({ engine: 'js', adapter: () => make(a) })\n";
        static const char built[] = "const x = 1\nconst u = `postgresql://${user}@h/db`\n"
                                    "export default defineConfig({})\n";

        gate_prisma_config_read(lits, strlen(lits), NULL, NULL, &c);
        assert_int_equal(c.nurl_lits, 3);
        assert_string_equal(c.url_lits[0], "postgresql://u:p@h:5432/db");
        assert_string_equal(c.url_lits[1], "postgres://h2/db2");
        assert_string_equal(c.url_lits[2], "postgres://h3/db3");
        assert_null(c.url_built);
        gate_prisma_config_release(&c);
        gate_prisma_config_read(built, strlen(built), NULL, NULL, &c);
        assert_int_equal(c.nurl_lits, 0);
        assert_non_null(c.url_built);
        assert_string_equal(c.url_built, "line 2");
        gate_prisma_config_release(&c);
    }
    /* reads that name no variable: any variable may be the adapter's URL */
    for (size_t i = 0; i < sizeof(any_cases) / sizeof(any_cases[0]); i++) {
        const char *t2 = any_cases[i].text;

        gate_prisma_config_read(t2, strlen(t2), NULL, NULL, &c);
        if (strstr(t2, "POOLED, 'QUOTED'")) {
            assert_true(reads(&c, "POOLED"));
            assert_true(reads(&c, "QUOTED"));
            assert_true(reads(&c, "DEF"));
            assert_true(reads(&c, "NEST"));
            assert_true(reads(&c, "ALIAS"));
            assert_false(reads(&c, "q"));
            assert_false(reads(&c, "a"));
            assert_false(reads(&c, "al"));
        }
        if (!any_cases[i].where)
            assert_null(c.env_any);
        else if (!c.env_any || strcmp(c.env_any, any_cases[i].where))
            fail_msg("any case %zu: want '%s', got '%s'", i, any_cases[i].where,
                     c.env_any ? c.env_any : "(null)");
        gate_prisma_config_release(&c);
    }
}

/* A file in dir, written whole. */
static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int file_case(const char *dir, const char *text, char **path)
{
    char cfg[512];

    (void)snprintf(cfg, sizeof(cfg), "%s/prisma.config.ts", dir);
    put(dir, "prisma.config.ts", text);
    return gate_prisma_config_migrations(text, strlen(text), cfg, path);
}

static void test_config_imports(void **state)
{
    char dir[] = "/tmp/gate-cfg-XXXXXX";
    char sub[600], *path = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(sub, sizeof(sub), "%s/shared", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(unsetenv("GATE_T_OFF"), 0);
    put(dir, "base.ts",
        "import { defineConfig } from 'prisma/config'\n"
        "export default defineConfig({\n  engine: 'js',\n  migrations: { path: 'from-base' },\n})\n");
    put(sub, "env.ts",
        "export default defineConfig({\n"
        "  ...(process.env.GATE_T_OFF ? { migrations: { path: process.env.GATE_T_OFF } } : {}),\n"
        "})\n");
    put(sub, "opaque.ts", "export default defineConfig({ ...makeBase() })\n");
    put(dir, "loop.ts", "import again from './loop'\nexport default { ...again }\n");

    /* a default import by relative path, with or without extension, .js naming .ts */
    assert_int_equal(
        file_case(dir, "import base from './base'\nexport default { ...base }\n", &path), 1);
    assert_string_equal(path, "from-base");
    free(path);
    assert_int_equal(
        file_case(dir, "import base from './base.js'\nexport default defineConfig({ ...base })\n",
                  &path),
        1);
    assert_string_equal(path, "from-base");
    free(path);
    assert_int_equal(
        file_case(dir, "const base = require('./base.ts')\nmodule.exports = { ...base }\n", &path),
        1);
    assert_string_equal(path, "from-base");
    free(path);
    /* a driver adapter and the variables read, through an import */
    put(dir, "adapted.ts",
        "export default defineConfig({ adapter: () => make(process.env.APP_DB), migrations: { "
        "path: 'm' } })\n");
    {
        static const char top[] = "import a from './adapted'\nexport default { ...a }\n";
        char cfg[512];
        struct gate_prisma_config c;

        (void)snprintf(cfg, sizeof(cfg), "%s/prisma.config.ts", dir);
        put(dir, "prisma.config.ts", top);
        gate_prisma_config_read(top, strlen(top), cfg, NULL, &c);
        assert_int_equal(c.adapter_line, 2);
        assert_true(reads(&c, "APP_DB"));
        gate_prisma_config_release(&c);
    }
    /* overridden after the spread */
    assert_int_equal(file_case(dir,
                               "import base from './base'\n"
                               "export default { ...base, migrations: { path: 'mine' } }\n",
                               &path),
                     1);
    assert_string_equal(path, "mine");
    free(path);
    /* an imported file whose own spread is an env test that is false here: sets nothing */
    assert_int_equal(
        file_case(dir, "import e from './shared/env'\nexport default { ...e }\n", &path), 0);
    assert_null(path);
    /* ... and true: its path is not a literal */
    assert_int_equal(setenv("GATE_T_OFF", "db/m", 1), 0);
    assert_int_equal(
        file_case(dir, "import e from './shared/env'\nexport default { ...e }\n", &path), 2);
    assert_int_equal(unsetenv("GATE_T_OFF"), 0);
    /* an imported module that sets the variable runs first: the condition is unknown */
    put(sub, "setenv.ts", "process.env.GATE_T_OFF = 'db/m'\nexport const nothing = 1\n");
    assert_int_equal(file_case(dir,
                               "import './shared/setenv'\n"
                               "export default { ...(process.env.GATE_T_OFF ? { migrations: { "
                               "path: 'x' } } : {}) }\n",
                               &path),
                     2);
    /*
     * a config that changes process.env after its own object (our Prisma
     * fixture does): its own condition is evaluated, the importer's is not
     * (the whole imported module runs before the importer's object)
     */
    put(dir, "tail.ts",
        "export default defineConfig({ ...(process.env.GATE_T_OFF ? { migrations: { path: 'b' } "
        "} : {}) })\nfor (const k of ks) process.env[k] = 'x'\n");
    assert_int_equal(file_case(dir, "import b from './tail'\nexport default { ...b }\n", &path), 0);
    assert_int_equal(file_case(dir,
                               "import b from './tail'\n"
                               "export default { ...b, ...(process.env.GATE_T_OFF ? { migrations: "
                               "{ path: 't' } } : {}) }\n",
                               &path),
                     2);
    /* what the gate cannot read, however deep */
    assert_int_equal(
        file_case(dir, "import o from './shared/opaque'\nexport default { ...o }\n", &path), 2);
    assert_int_equal(file_case(dir, "import l from './loop'\nexport default { ...l }\n", &path), 2);
    assert_int_equal(
        file_case(dir, "import p from 'some-package'\nexport default { ...p }\n", &path), 2);
    assert_int_equal(file_case(dir, "import m from './missing'\nexport default { ...m }\n", &path),
                     2);
    assert_null(path);
    {
        char cmd[700];

        (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_reader),     cmocka_unit_test(test_config_url),
        cmocka_unit_test(test_config_spreads),    cmocka_unit_test(test_config_spread_url),
        cmocka_unit_test(test_config_imports),    cmocka_unit_test(test_config_env_changes),
        cmocka_unit_test(test_config_fuzz_finds), cmocka_unit_test(test_config_adapter_reads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
