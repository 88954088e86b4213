/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sql.c - libFuzzer harness for the SQL front end and the risk
 * engine: bytes -> gate_sql_parse (libpg_query, sql.c), once as the tool
 * does and once with GATE_SQL_FULL_SCAN -> the file linted with the
 * default rule set as one migration (lint.c, rules/) -> freed.
 *
 * Aborts when the two parses disagree (comments, statement locations,
 * lengths, kinds, ALTER command locations: the fast path must give what
 * the full scan gives; tests/unit/sql_same.h, which test_sql.c uses too)
 * or when a finding points outside the file.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/err.h"
#include "gate/lint.h"
#include "gate/policy.h"
#include "gate/run.h"

#include "fuzz.h"
#include "../unit/sql_same.h"

/* Lint f (parsed from src, or refused with err) as cmd/lint.c lints one file. */
static void lint(const char *src, size_t len, struct gate_sql_file *f, enum gate_code rc,
                 const struct gate_err *err)
{
    struct gate_policy pol;
    struct gate_lint_opts opts = {0};
    struct gate_run run;
    struct gate_migration *m;
    struct gate_linter *l;

    gate_policy_defaults(&pol);
    opts.fail_on = pol.lint.fail_on;
    opts.hygiene_on_generated = pol.lint.hygiene_on_generated;
    opts.rules = pol.lint.rules;
    opts.nrules = pol.lint.nrules;
    gate_run_init(&run, "lint");
    m = gate_run_add_migration(&run, "20240101000000_fuzz",
                               "prisma/migrations/20240101000000_fuzz/migration.sql");
    l = gate_linter_new(&opts);
    if (rc)
        gate_lint_failed(l, &run, m, err->msg, false);
    else
        gate_lint_parsed(l, &run, m, src, len, f, false);
    gate_linter_free(l);
    for (size_t i = 0; i < m->nfindings; i++) {
        const struct gate_finding *fi = &m->findings[i];

        if (fi->offset < 0 || (size_t)fi->offset > len || fi->line < 1 || fi->column < 1)
            fuzz_fail("finding %s at offset %d (%d:%d) of a %zu-byte file", fi->rule, fi->offset,
                      fi->line, fi->column, len);
    }
    gate_run_sort_findings(&run);
    gate_run_release(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    struct gate_sql_file a;
    struct gate_sql_file b;
    struct gate_err ea = {0};
    struct gate_err eb = {0};
    enum gate_code ra = gate_sql_parse(src, size, &a, &ea);
    enum gate_code rb = gate_sql_parse_flags(src, size, &b, &eb, GATE_SQL_FULL_SCAN);
    char why[256];

    if (ra != rb)
        fuzz_fail("gate_sql_parse returned %d, full scan %d", (int)ra, (int)rb);
    if (!ra && !sql_same_as_full_scan(&a, &b, why, sizeof(why)))
        fuzz_fail("%s", why);
    gate_sql_file_release(&b);
    lint(src, size, &a, ra, &ea);
    gate_sql_file_release(&a);
    return 0;
}
