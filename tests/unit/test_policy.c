/* SPDX-License-Identifier: MIT */
/*
 * test_policy.c - the policy loader: defaults, every key, strictness
 * (positions and suggestions), secrets, aliases, limits, target
 * resolution, durations, and the file `init` writes.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/policy.h"
#include "gate/checks.h"
#include "gate/xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    struct gate_arena arena;
    struct gate_policy p;
    struct gate_err err;
};

static enum gate_code parse(struct fixture *f, const char *yaml)
{
    memset(&f->err, 0, sizeof(f->err));
    return gate_policy_parse(&f->p, "t.yml", yaml, strlen(yaml), &f->arena, &f->err);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    *state = f;
    return f ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    gate_arena_release(&f->arena);
    free(f);
    return 0;
}

static void test_defaults(void **state)
{
    struct fixture *f = *state;
    const struct gate_policy_target *t;
    struct gate_err err = {0};

    assert_int_equal(parse(f, ""), GATE_OK);
    assert_int_equal(f->p.version, 1);
    assert_string_equal(f->p.project.schema, "prisma/schema.prisma");
    assert_string_equal(f->p.project.migrations, "prisma/migrations");
    assert_int_equal(f->p.project.nprisma, 2);
    assert_string_equal(f->p.project.prisma[0], "npx");
    assert_int_equal(f->p.lint.fail_on, GATE_RISK_HIGH);
    assert_int_equal(f->p.risk.large_table_rows, 1000000);
    assert_int_equal(f->p.deploy.auto_max_risk, GATE_RISK_MEDIUM);
    assert_int_equal(f->p.deploy.confirm_max_risk, GATE_RISK_HIGH);
    assert_string_equal(f->p.deploy.token_env, "PRISMA_GATE_CONFIRM");
    assert_null(f->p.deploy.secret_env);
    assert_int_equal(f->p.deploy.token_max_age_ms, 24LL * 3600 * 1000);
    assert_int_equal(f->p.deploy.timeout_ms, 600000);
    assert_false(f->p.deploy.honor_suppressions);
    assert_true(f->p.reports.github);
    assert_null(f->p.reports.path[GATE_FORMAT_JSON]);
    assert_int_equal(gate_policy_check(&f->p, "edited-migrations"), GATE_CHECK_ERROR);
    assert_int_equal(gate_policy_check(&f->p, "client-sync"), GATE_CHECK_WARNING);
    t = gate_policy_target(&f->p, NULL, &err);
    assert_non_null(t);
    assert_null(t->name);
    assert_string_equal(t->url_env, "DATABASE_URL");
    /* comments only: still the defaults */
    assert_int_equal(parse(f, "# nothing here\n\n"), GATE_OK);
    assert_int_equal(f->p.lint.fail_on, GATE_RISK_HIGH);
}

static void test_full(void **state)
{
    struct fixture *f = *state;
    const struct gate_policy_target *t;
    struct gate_err err = {0};
    static const char yaml[] =
        "version: 1\n"
        "project:\n"
        "  schema: db/schema.prisma\n"
        "  migrations: db/migrations\n"
        "  prisma: [node, node_modules/prisma/build/index.js]\n"
        "targets:\n"
        "  production:\n"
        "    url_env: DATABASE_URL\n"
        "    shadow_url_env: SHADOW_DATABASE_URL\n"
        "    require_tls: true\n"
        "  development:\n"
        "    url_env: DEV_DATABASE_URL\n"
        "default_target: production\n"
        "lint:\n"
        "  fail_on: medium\n"
        "  hygiene_on_generated: true\n"
        "  rules:\n"
        "    prefer-text-field: off\n"
        "    prefer-robust-stmts: on\n"
        "    ban-drop-column: {severity: error}\n"
        "    renaming-column: warning\n"
        "    adding-foreign-key-constraint:\n"
        "      risk: low\n"
        "risk:\n"
        "  large_table_rows: 1_000\n"
        "checks:\n"
        "  client-sync: off\n"
        "  out-of-order-migrations: error\n"
        "deploy:\n"
        "  auto_max_risk: low\n"
        "  confirm_max_risk: critical\n"
        "  token_env: CONFIRM\n"
        "  secret_env: GATE_SECRET\n"
        "  token_max_age: 1h30m\n"
        "  timeout: 90s\n"
        "  honor_suppressions: true\n"
        "health:\n"
        "  - name: api\n"
        "    url: https://example.com/api/health\n"
        "    expect_status: 204\n"
        "    expect_json: {status: healthy, db: {ok: true, latency: 12}, v: \"2\", x: null}\n"
        "    timeout: 250ms\n"
        "    retries: 0\n"
        "    backoff: 0s\n"
        "  - name: web\n"
        "    url: http://localhost:3000/\n"
        "reports:\n"
        "  json: out/{command}.json\n"
        "  junit: out/junit.xml\n"
        "  sarif: out/gate.sarif\n"
        "  gitlab: gl-code-quality-report.json\n"
        "  markdown: summary.md\n"
        "  text: gate.txt\n"
        "  github: false\n";

    assert_int_equal(parse(f, yaml), GATE_OK);
    assert_string_equal(f->p.project.schema, "db/schema.prisma");
    assert_string_equal(f->p.project.prisma[1], "node_modules/prisma/build/index.js");
    assert_int_equal(f->p.ntargets, 2);
    assert_string_equal(f->p.targets[0].name, "production");
    assert_true(f->p.targets[0].require_tls);
    assert_string_equal(f->p.targets[0].shadow_url_env, "SHADOW_DATABASE_URL");
    assert_int_equal(f->p.targets[0].line, 7);
    assert_null(f->p.targets[1].shadow_url_env);
    assert_false(f->p.targets[1].require_tls);
    t = gate_policy_target(&f->p, NULL, &err);
    assert_string_equal(t->name, "production");
    t = gate_policy_target(&f->p, "development", &err);
    assert_string_equal(t->url_env, "DEV_DATABASE_URL");
    assert_null(gate_policy_target(&f->p, "developmnt", &err));
    assert_int_equal(err.code, GATE_E_USAGE);
    assert_non_null(strstr(err.msg, "did you mean 'development'"));

    assert_int_equal(f->p.lint.fail_on, GATE_RISK_MEDIUM);
    assert_true(f->p.lint.hygiene_on_generated);
    assert_int_equal(f->p.lint.nrules, 5);
    assert_string_equal(f->p.lint.rules[0].id, "prefer-text-field");
    assert_true(f->p.lint.rules[0].off);
    assert_true(f->p.lint.rules[1].on);
    assert_true(f->p.lint.rules[2].has_severity);
    assert_int_equal(f->p.lint.rules[2].severity, GATE_SEV_ERROR);
    assert_int_equal(f->p.lint.rules[3].severity, GATE_SEV_WARNING);
    assert_true(f->p.lint.rules[4].has_risk);
    assert_int_equal(f->p.lint.rules[4].risk, GATE_RISK_LOW);
    assert_int_equal(f->p.risk.large_table_rows, 1000);
    assert_int_equal(gate_policy_check(&f->p, "client-sync"), GATE_CHECK_OFF);
    assert_int_equal(gate_policy_check(&f->p, "out-of-order-migrations"), GATE_CHECK_ERROR);
    assert_int_equal(gate_policy_check(&f->p, "edited-migrations"), GATE_CHECK_ERROR);
    assert_int_equal(f->p.deploy.auto_max_risk, GATE_RISK_LOW);
    assert_int_equal(f->p.deploy.confirm_max_risk, GATE_RISK_CRITICAL);
    assert_string_equal(f->p.deploy.token_env, "CONFIRM");
    assert_string_equal(f->p.deploy.secret_env, "GATE_SECRET");
    assert_int_equal(f->p.deploy.token_max_age_ms, 5400000);
    assert_int_equal(f->p.deploy.timeout_ms, 90000);
    assert_true(f->p.deploy.honor_suppressions);
    assert_int_equal(f->p.nhealth, 2);
    assert_string_equal(f->p.health[0].name, "api");
    assert_int_equal(f->p.health[0].expect_status, 204);
    assert_int_equal(f->p.health[0].timeout_ms, 250);
    assert_int_equal(f->p.health[0].retries, 0);
    assert_int_equal(f->p.health[0].backoff_ms, 0);
    assert_int_equal(f->p.health[0].nexpect, 5);
    assert_string_equal(f->p.health[0].expect[0].path, "status");
    assert_int_equal(f->p.health[0].expect[0].kind, GATE_EXPECT_STRING);
    assert_string_equal(f->p.health[0].expect[1].path, "db.ok");
    assert_int_equal(f->p.health[0].expect[1].kind, GATE_EXPECT_BOOL);
    assert_string_equal(f->p.health[0].expect[2].path, "db.latency");
    assert_int_equal(f->p.health[0].expect[2].kind, GATE_EXPECT_NUMBER);
    assert_int_equal(f->p.health[0].expect[3].kind, GATE_EXPECT_STRING); /* "2" quoted */
    assert_int_equal(f->p.health[0].expect[4].kind, GATE_EXPECT_NULL);
    assert_int_equal(f->p.health[1].expect_status, 200);
    assert_int_equal(f->p.health[1].timeout_ms, 5000);
    assert_int_equal(f->p.health[1].retries, 3);
    assert_int_equal(f->p.health[1].backoff_ms, 2000);
    assert_string_equal(f->p.reports.path[GATE_FORMAT_JSON], "out/{command}.json");
    assert_string_equal(f->p.reports.path[GATE_FORMAT_GITLAB], "gl-code-quality-report.json");
    assert_string_equal(f->p.reports.path[GATE_FORMAT_TEXT], "gate.txt");
    assert_false(f->p.reports.github);
}

/* Each bad policy: the first error's position and words that must be in it. */
static void test_errors(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *yaml;
        int line, col;
        const char *want;
    } rows[] = {
        {"lint:\n  fail_on: hihg\n", 2, 12, "did you mean 'high'?"},
        {"lint:\n  fail_on: HIGH\n", 2, 12, "did you mean 'high'?"},
        {"lint:\n  fial_on: high\n", 2, 3,
         "unknown key 'fial_on' in lint (did you mean 'fail_on'?)"},
        {"lint:\nfail_on: high\n", 2, 1, "'fail_on' belongs in lint"},
        {"lint:\n\tfail_on: high\n", 2, 1, "tab character in the indentation"},
        {"lint:\n  fail_on high\n", 2, 3, "'fail_on' needs a ':' after it"},
        {"version: 1\nversion: 1\n", 2, 1,
         "duplicate key 'version' at the top level (first set at line 1)"},
        {"lint:\n  rules:\n    ban-drop-table: off\n    ban-drop-table: on\n", 4, 5,
         "duplicate key"},
        {"version: 2\n", 1, 10, "unsupported policy version 2"},
        {"version: one\n", 1, 10, "whole number"},
        {"verison: 1\n", 1, 1, "did you mean 'version'?"},
        {"a: &x [1]\nb: *x\n", 2, 4, "aliases (*x) are not supported"},
        {"lint:\n  rules:\n    ban-drop-tabel: off\n", 3, 5, "did you mean 'ban-drop-table'?"},
        {"lint:\n  rules:\n    ban-drop-table: false\n", 3, 21, "did you mean 'off'?"},
        {"lint:\n  rules:\n    ban-drop-table: {severity: eror}\n", 3, 32, "did you mean 'error'?"},
        {"lint:\n  rules:\n    syntax-error: off\n", 3, 5, "cannot be configured"},
        {"targets:\n  prod:\n    url: postgres://u:secret@db/app\n", 3, 5, "never holds a secret"},
        {"project:\n  schema: postgres://u:secret@db/app\n", 2, 11, "holds credentials"},
        {"project:\n  schema: host=db password=hunter2\n", 2, 11, "holds credentials"},
        {"targets:\n  prod:\n    url_env: postgres://db/app\n", 3, 14,
         "must not hold the value itself"},
        {"targets:\n  prod:\n    url_env: $DATABASE_URL\n", 3, 14, "without '$'"},
        {"targets:\n  prod:\n    password: hunter2\n", 3, 5, "never holds a secret"},
        {"targets:\n  prod:\n    url_env: A\n    require_tls: yes\n", 4, 18, "true or false"},
        {"targets:\n  prod:\n    shadow_url_env: X\n", 2, 3, "needs url_env"},
        {"targets:\n  prod: {url_env: A}\ndefault_target: prd\n", 3, 17, "did you mean 'prod'?"},
        {"default_target: prod\n", 1, 17, "no targets: section"},
        {"project:\n  prisma: npx prisma\n", 2, 11, "write prisma: [npx, prisma]"},
        {"project:\n  prisma: []\n", 2, 3, "non-empty list"},
        {"risk:\n  large_table_rows: \"1000\"\n", 2, 21, "without quotes"},
        {"risk:\n  large_table_rows: 1.5\n", 2, 21, "whole number"},
        {"checks:\n  edited-migration: error\n", 2, 3, "did you mean 'edited-migrations'?"},
        {"checks:\n  client-sync: warn\n", 2, 16, "did you mean 'warning'?"},
        {"deploy:\n  timeout: 10\n", 2, 12, "the unit is missing"},
        {"deploy:\n  token_max_age: 0s\n", 2, 18, "longer than 0"},
        {"deploy:\n  auto_max_risk: high\n  confirm_max_risk: medium\n", 3, 21,
         "below deploy.auto_max_risk"},
        {"deploy:\n  secret_env: s3cr3t=x\n", 2, 15, "must not hold the value"},
        {"deploy:\n  honor_suppressions: yes\n", 2, 23, "must be true or false"},
        {"deploy:\n  honor_suppressions: \"true\"\n", 2, 23, "a quoted string"},
        {"health:\n  name: api\n", 2, 3, "must be a list"},
        {"health:\n  - name: api\n    url: ftp://x\n", 3, 10, "http:// or https://"},
        {"health:\n  - name: api\n", 2, 5, "needs a url"},
        {"health:\n  - url: https://u:p@x/\n    name: a\n", 2, 10, "holds credentials"},
        {"health:\n  - {name: a, url: 'http://x', expect_status: 700}\n", 2, 47,
         "between 100 and 599"},
        {"health:\n  - {name: a, url: 'http://x'}\n  - {name: a, url: 'http://y'}\n", 3, 12,
         "duplicate health check name"},
        {"reports:\n  xml: a.xml\n", 2, 3, "unknown key 'xml' in reports"},
        {"reports:\n  codequality: a.json\n", 2, 3, "GitLab Code Quality is 'gitlab'"},
        {"reports:\n  json: a.json\n  sarif: a.json\n", 3, 10, "reports.json writes too"},
        {"- a\n- b\n", 1, 1, "must be a mapping of keys"},
        {"lint: [high]\n", 1, 7, "lint must be a mapping"},
        {"lint:\n  fail_on:\n", 2, 3, "needs a value"},
        {"a: 1\n---\nb: 2\n", 2, 1, "a second YAML document"},
        {"lint:\n  fail_on: !!binary aGk=\n", 2, 12, "tags"},
        {"lint:\n  fail_on: \"a: b\n", 2, 12, "never closed"},
        {"lint:\n  fail_on: high\n   rules: {}\n", 3, 4, "indented more than the line above"},
        {"targets:\n  prod:\n    url_env: A\n  require_tls: true\n", 4, 3, "indent it under"},
        {"lint: {fail_on: high\n", 1, 7, "not closed"},
        {"a: \xff\n", 1, 4, "not valid UTF-8"},
        {"lint:\n  fail_on: high\n rules: {}\n", 3, 2, ""},
        {"project:\n  schema: \"\"\n", 2, 11, "must not be empty"},
        {"lint:\n  fail_on: h\xc3\xa9gh\n", 2, 12, "unknown risk level"},
    };

    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        enum gate_code rc = parse(f, rows[i].yaml);
        char where[32];

        if (rc != GATE_E_POLICY || !f->p.ndiags || f->p.diags[0].line != rows[i].line ||
            f->p.diags[0].column != rows[i].col || !strstr(f->p.diags[0].message, rows[i].want))
            print_error("row %zu: rc %d, %s\n", i, rc,
                        f->p.ndiags ? f->p.diags[0].message : "(no diagnostic)");
        assert_int_equal(rc, GATE_E_POLICY);
        assert_true(f->p.ndiags > 0);
        if (f->p.diags[0].line != rows[i].line || f->p.diags[0].column != rows[i].col)
            print_error("row %zu: at %d:%d\n", i, f->p.diags[0].line, f->p.diags[0].column);
        assert_int_equal(f->p.diags[0].line, rows[i].line);
        assert_int_equal(f->p.diags[0].column, rows[i].col);
        assert_non_null(strstr(f->p.diags[0].message, rows[i].want));
        (void)snprintf(where, sizeof(where), "t.yml:%d:%d: ", rows[i].line, rows[i].col);
        assert_memory_equal(f->err.msg, where, strlen(where));
    }
}

/* Several mistakes: every one is reported, in file order. */
static void test_many_errors(void **state)
{
    struct fixture *f = *state;
    struct gate_buf b = {0};

    assert_int_equal(parse(f, "lint:\n  fail_on: hihg\n  rulez: {}\ndeploy:\n  timeout: 5\n"),
                     GATE_E_POLICY);
    assert_int_equal(f->p.ndiags, 3);
    assert_int_equal(f->p.diags[1].line, 3);
    assert_int_equal(f->p.diags[2].line, 5);
    gate_policy_diags_text(&f->p, &b);
    assert_string_equal(gate_buf_str(&b),
                        "t.yml:2:12: error: lint.fail_on: unknown risk level 'hihg' (did you mean "
                        "'high'? valid: none, low, medium, high, critical)\n"
                        "    2 |   fail_on: hihg\n"
                        "      |            ^\n"
                        "t.yml:3:3: error: unknown key 'rulez' in lint (did you mean 'rules'?)\n"
                        "    3 |   rulez: {}\n"
                        "      |   ^\n"
                        "t.yml:5:12: error: deploy.timeout: '5' is not a duration: the unit is "
                        "missing (write a number with a unit: 250ms, 30s, 10m, 24h, 7d, or 1h30m)\n"
                        "    5 |   timeout: 5\n"
                        "      |            ^\n");
    gate_buf_release(&b);
}

/* Aliases are refused at once: a "billion laughs" costs nothing. */
static void test_alias_bomb(void **state)
{
    struct fixture *f = *state;
    struct gate_buf b = {0};

    gate_buf_adds(&b, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++)
        gate_buf_printf(&b, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1, c - 1,
                        c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    assert_int_equal(parse(f, gate_buf_str(&b)), GATE_E_POLICY);
    assert_int_equal(f->p.ndiags, 1);
    assert_int_equal(f->p.diags[0].line, 2);
    assert_non_null(strstr(f->p.diags[0].message, "aliases"));
    gate_buf_release(&b);
}

/* Deep nesting and huge files hit a limit, not the stack or the memory. */
static void test_limits(void **state)
{
    struct fixture *f = *state;
    struct gate_buf b = {0};

    for (int i = 0; i < 10000; i++)
        gate_buf_addc(&b, '[');
    assert_int_equal(parse(f, gate_buf_str(&b)), GATE_E_POLICY);
    assert_non_null(strstr(f->p.diags[0].message, "nests deeper"));
    gate_buf_reset(&b);
    gate_buf_adds(&b, "x: [");
    for (int i = 0; i < 30000; i++)
        gate_buf_adds(&b, "1,");
    gate_buf_adds(&b, "1]\n");
    assert_int_equal(parse(f, gate_buf_str(&b)), GATE_E_POLICY);
    assert_non_null(strstr(f->p.diags[0].message, "too large"));
    gate_buf_release(&b);
}

static void test_targets(void **state)
{
    struct fixture *f = *state;
    struct gate_err err = {0};

    assert_int_equal(parse(f, "targets:\n  a: {url_env: A}\n  b: {url_env: B}\n"), GATE_OK);
    assert_null(gate_policy_target(&f->p, NULL, &err));
    assert_non_null(strstr(err.msg, "pass -t NAME"));
    assert_string_equal(gate_policy_target(&f->p, "b", &err)->url_env, "B");
    assert_int_equal(parse(f, "targets:\n  only: {url_env: ONLY_URL}\n"), GATE_OK);
    assert_string_equal(gate_policy_target(&f->p, NULL, &err)->name, "only");
    assert_int_equal(parse(f, ""), GATE_OK);
    memset(&err, 0, sizeof(err));
    assert_null(gate_policy_target(&f->p, "prod", &err));
    assert_non_null(strstr(err.msg, "defines no targets"));
}

/* project.config and targets.NAME.direct_url_env (deploy's checks, prisma_cli.h) */
static void test_deploy_exact_keys(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(parse(f, "project:\n  config: prisma.config.ts\n"
                              "targets:\n  staging:\n    url_env: STAGING_URL\n"
                              "    direct_url_env: STAGING_DIRECT_URL\n"),
                     GATE_OK);
    assert_string_equal(f->p.project.config, "prisma.config.ts");
    assert_string_equal(f->p.targets[0].direct_url_env, "STAGING_DIRECT_URL");
    assert_int_equal(parse(f, ""), GATE_OK);
    assert_null(f->p.project.config);
    assert_int_equal(parse(f, "targets:\n  s:\n    url_env: A\n"
                              "    direct_url_env: postgres://u:pw@db/app\n"),
                     GATE_E_POLICY);
    assert_int_equal(parse(f, "targets:\n  s:\n    url_env: A\n    direct_url_env: $X\n"),
                     GATE_E_POLICY);
    assert_non_null(strstr(f->p.diags[0].message, "without '$'"));
    assert_int_equal(parse(f, "targets:\n  s:\n    url_env: A\n    direct_url: X\n"),
                     GATE_E_POLICY);
    assert_int_equal(parse(f, "project:\n  config: \"\"\n"), GATE_E_POLICY);
}

static void test_durations(void **state)
{
    static const struct {
        const char *s;
        long long ms;
    } ok[] = {{"0s", 0},         {"250ms", 250},     {"5s", 5000},      {"10m", 600000},
              {"24h", 86400000}, {"1h30m", 5400000}, {"7d", 604800000}, {"1m30s", 90000}};
    static const char *const bad[] = {"",     "5",   "s",   "5x",
                                      "1.5h", "-5s", "5 s", "99999999999999999999s"};
    long long ms;

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(ok); i++) {
        assert_true(gate_duration_parse(ok[i].s, &ms));
        assert_int_equal(ms, ok[i].ms);
    }
    for (size_t i = 0; i < GATE_ARRAY_SIZE(bad); i++)
        assert_false(gate_duration_parse(bad[i], &ms));
}

/* The file `init` writes parses, and holds the defaults. */
static void test_template(void **state)
{
    struct fixture *f = *state;
    struct gate_policy d;
    const char *t = gate_policy_template();

    assert_int_equal(gate_policy_parse(&f->p, "init", t, strlen(t), &f->arena, &f->err), GATE_OK);
    gate_policy_defaults(&d);
    assert_string_equal(f->p.project.schema, d.project.schema);
    assert_string_equal(f->p.project.migrations, d.project.migrations);
    assert_int_equal(f->p.project.nprisma, d.project.nprisma);
    assert_int_equal(f->p.lint.fail_on, d.lint.fail_on);
    assert_int_equal(f->p.lint.nrules, 0);
    assert_int_equal(f->p.risk.large_table_rows, d.risk.large_table_rows);
    assert_int_equal(f->p.deploy.auto_max_risk, d.deploy.auto_max_risk);
    assert_int_equal(f->p.deploy.confirm_max_risk, d.deploy.confirm_max_risk);
    assert_string_equal(f->p.deploy.token_env, d.deploy.token_env);
    assert_int_equal(f->p.deploy.token_max_age_ms, d.deploy.token_max_age_ms);
    assert_int_equal(f->p.deploy.timeout_ms, d.deploy.timeout_ms);
    assert_int_equal(f->p.drift.shadow, d.drift.shadow);
    assert_int_equal(f->p.drift.reset_shadow, d.drift.reset_shadow);
    assert_int_equal(f->p.drift.cache, d.drift.cache);
    assert_int_equal(f->p.drift.timeout_ms, d.drift.timeout_ms);
    assert_int_equal(f->p.nhealth, 0);
    assert_true(f->p.reports.github);
    /* the one difference: a named production target on DATABASE_URL */
    assert_int_equal(f->p.ntargets, 1);
    assert_string_equal(f->p.targets[0].url_env, "DATABASE_URL");
    assert_string_equal(f->p.default_target, "production");
    /* every check of the registry is in the template, with its default level */
    for (size_t i = 0; gate_check_registry[i]; i++) {
        char line[128];

        (void)snprintf(line, sizeof(line), "\n  %s: %s\n", gate_check_registry[i]->id,
                       gate_check_level_name(gate_check_registry[i]->level));
        if (!strstr(t, line))
            fail_msg("the template lacks '%s'", line + 1);
        assert_int_equal(gate_policy_check(&f->p, gate_check_registry[i]->id),
                         gate_check_registry[i]->level);
    }
}

/* lint.exclude: fnmatch with FNM_PATHNAME on paths relative to the working directory. */
static void test_exclude(void **state)
{
    struct fixture *f = *state;
    char *cwd = getcwd(NULL, 0);
    char *abs;

    assert_int_equal(parse(f, "lint:\n  exclude: [\"prisma/migrations/2021*\", "
                              "\"./db/*/migration.sql\"]\n"),
                     GATE_OK);
    assert_int_equal(f->p.lint.nexclude, 2);
    assert_string_equal(f->p.lint.exclude[1], "db/*/migration.sql"); /* ./ dropped */
    assert_non_null(gate_policy_excluded(&f->p, "prisma/migrations/20210101_init"));
    assert_non_null(gate_policy_excluded(&f->p, "./prisma/migrations/20210101_init/"));
    assert_non_null(gate_policy_excluded(&f->p, "prisma//migrations/20210101_init"));
    /* a folder pattern names its migration.sql, a file pattern its folder */
    assert_non_null(gate_policy_excluded(&f->p, "prisma/migrations/20210101_init/migration.sql"));
    assert_non_null(gate_policy_excluded(&f->p, "db/20220101_x"));
    assert_null(gate_policy_excluded(&f->p, "prisma/migrations/20220101_init"));
    /* * never crosses a / */
    assert_null(gate_policy_excluded(&f->p, "prisma/migrations/2021/sub/x"));
    assert_null(gate_policy_excluded(&f->p, "app/prisma/migrations/20210101_init"));
    /* absolute: relative to the working directory, else nothing matches */
    assert_non_null(cwd);
    abs = gate_xasprintf("%s/prisma/migrations/20210101_init", cwd);
    assert_non_null(gate_policy_excluded(&f->p, abs));
    free(abs);
    assert_null(gate_policy_excluded(&f->p, "/elsewhere/prisma/migrations/20210101_init"));
    free(cwd);

    gate_arena_release(&f->arena);
    assert_int_not_equal(parse(f, "lint:\n  exclude: prisma/migrations/2021*\n"), GATE_OK);
    assert_non_null(strstr(f->err.msg, "lint.exclude must be a list"));
    gate_arena_release(&f->arena);
    assert_int_not_equal(parse(f, "lint:\n  exclude: [\"/srv/app/x\"]\n"), GATE_OK);
    gate_arena_release(&f->arena);
    assert_int_not_equal(parse(f, "lint:\n  exclude: [\"\"]\n"), GATE_OK);
    gate_arena_release(&f->arena);
    assert_int_not_equal(parse(f, "lint:\n  exclude: [\"../x/*\"]\n"), GATE_OK);
    gate_arena_release(&f->arena);
    assert_int_equal(parse(f, "lint:\n  exclude: []\n"), GATE_OK);
    assert_int_equal(f->p.lint.nexclude, 0);
    assert_null(gate_policy_excluded(&f->p, "prisma/migrations/20210101_init"));
}

static void test_drift(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(parse(f, ""), GATE_OK);
    assert_int_equal(f->p.drift.shadow, GATE_DRIFT_SHADOW_URL);
    assert_false(f->p.drift.reset_shadow);
    assert_int_equal(f->p.drift.cache, 0);
    assert_int_equal(f->p.drift.timeout_ms, 10LL * 60 * 1000);
    gate_arena_release(&f->arena);
    assert_int_equal(parse(f, "drift:\n  shadow: create\n  reset_shadow: true\n  cache: 3\n"
                              "  timeout: 90s\n"),
                     GATE_OK);
    assert_int_equal(f->p.drift.shadow, GATE_DRIFT_SHADOW_CREATE);
    assert_true(f->p.drift.reset_shadow);
    assert_int_equal(f->p.drift.cache, 3);
    assert_int_equal(f->p.drift.timeout_ms, 90000);
    gate_arena_release(&f->arena);
    assert_int_equal(parse(f, "drift:\n  cache: 0\n"), GATE_OK);
    assert_int_equal(f->p.drift.cache, 0);
    gate_arena_release(&f->arena);
    assert_int_equal(parse(f, "drift:\n  shadow: Create\n"), GATE_E_POLICY);
    assert_non_null(strstr(f->err.msg, "t.yml:2:11: drift.shadow: unknown shadow source 'Create' "
                                       "(did you mean 'create'?"));
    gate_arena_release(&f->arena);
    assert_int_equal(parse(f, "drift:\n  timeout: 0s\n"), GATE_E_POLICY);
    assert_non_null(strstr(f->err.msg, "t.yml:2:12: drift.timeout must be longer than 0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deploy_exact_keys, setup, teardown),
        cmocka_unit_test(test_durations),
        cmocka_unit_test_setup_teardown(test_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclude, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
