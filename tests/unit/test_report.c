/* SPDX-License-Identifier: MIT */
/*
 * test_report.c - the report helpers and writers on hand-built runs:
 * repository-relative paths, text cleaning, Markdown escaping, stable
 * fingerprints, GitHub escaping and outputs, the Markdown byte budget,
 * JUnit with hostile strings, the --report argument.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_out.h"
#include "gate/report_section.h"
#include "gate/json.h"
#include "gate/run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

static void test_relpath(void **state)
{
    static const struct {
        const char *root, *prefix, *path, *want;
    } rows[] = {
        {"/repo", "", "prisma/migrations/a/migration.sql", "prisma/migrations/a/migration.sql"},
        {"/repo", "", "./prisma//migrations/./a.sql", "prisma/migrations/a.sql"},
        {"/repo", "api/", "prisma/a.sql", "api/prisma/a.sql"},
        {"/repo", "api/", "../web/a.sql", "web/a.sql"},
        {"/repo", "", "/repo/x/y.sql", "x/y.sql"},
        {"/repo/", "", "/repo/x/y.sql", "x/y.sql"},
        {"/repo", "", "/repository/y.sql", "/repository/y.sql"},
        {"/repo", "", "/other/../repo2/y.sql", "/repo2/y.sql"},
        {"/repo", "", "../../up.sql", "../../up.sql"},
        {"/repo", "a/b/", "../../../up.sql", "../up.sql"},
        {NULL, NULL, "a/b.sql", "a/b.sql"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_run run;
        struct gate_buf b = {0};

        gate_run_init(&run, "lint");
        run.repo_root = rows[i].root;
        run.repo_prefix = rows[i].prefix;
        gate_report_relpath(&run, rows[i].path, &b);
        if (strcmp(gate_buf_str(&b), rows[i].want))
            print_error("row %zu: %s\n", i, gate_buf_str(&b));
        assert_string_equal(gate_buf_str(&b), rows[i].want);
        gate_buf_release(&b);
        gate_run_release(&run);
    }
}

static void test_text_clean(void **state)
{
    static const struct {
        const char *in;
        unsigned flags;
        size_t max;
        const char *want;
    } rows[] = {
        {"plain", 0, 0, "plain"},
        {"a\nb\r\nc\rd\te", 0, 0, "a b  c d e"},
        {"a\nb\r\nc\rd\te", GATE_CLEAN_NEWLINES, 0, "a\nb\nc\nd\te"},
        {"esc\x1b[0m del\x7f c1\xc2\x85", 0, 0,
         "esc\xEF\xBF\xBD[0m del\xEF\xBF\xBD c1\xEF\xBF\xBD"},
        {"latin1 \xe9t\xe9", 0, 0, "latin1 \xEF\xBF\xBDt\xEF\xBF\xBD"},
        {"overlong \xc0\xaf surrogate \xed\xa0\x80", 0, 0,
         "overlong \xEF\xBF\xBD\xEF\xBF\xBD surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"nonchar \xef\xbf\xbe", GATE_CLEAN_XML, 0, "nonchar \xEF\xBF\xBD"},
        {"nonchar \xef\xbf\xbe", 0, 0, "nonchar \xef\xbf\xbe"},
        {"\xc3\xa9\xc3\xa9\xc3\xa9", 0, 3, "\xc3\xa9..."}, /* never half a character */
        {"abcdef", 0, 3, "abc..."},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf b = {0};

        gate_text_clean(&b, rows[i].in, rows[i].flags, rows[i].max);
        if (strcmp(gate_buf_str(&b), rows[i].want))
            print_error("row %zu: [%s]\n", i, gate_buf_str(&b));
        assert_string_equal(gate_buf_str(&b), rows[i].want);
        gate_buf_release(&b);
    }
}

static void test_md_text(void **state)
{
    struct gate_buf b = {0};

    (void)state;
    gate_md_text(&b, "<img src=x> a|b `c` *d* _e_ [f](g) #1 @h & \\\nnext", 0);
    assert_string_equal(gate_buf_str(&b), "&lt;img src=x&gt; a&#124;b \\`c\\` \\*d\\* \\_e\\_ "
                                          "\\[f\\](g) \\#1 \\@h &amp; \\\\<br>next");
    gate_buf_release(&b);
}

/* A run with one migration and findings (strings static; the run owns the arrays). */
static struct gate_migration *one_migration(struct gate_run *run, const char *path)
{
    struct gate_migration *m = gate_run_add_migration(run, "20240101000000_x", path);

    run->repo_root = "/repo";
    run->repo_prefix = "";
    return m;
}

static struct gate_finding *finding(struct gate_migration *m, const char *rule, int line,
                                    const char *msg, enum gate_severity sev)
{
    struct gate_finding *f = gate_migration_add_finding(m);

    f->rule = rule;
    f->risk = sev == GATE_SEV_ERROR ? GATE_RISK_CRITICAL : GATE_RISK_MEDIUM;
    f->severity = sev;
    f->category = GATE_CAT_DATA_LOSS;
    f->table = "T";
    f->line = line;
    f->column = 1;
    f->message = msg;
    f->help = "do the safe thing";
    return f;
}

static void test_fingerprints(void **state)
{
    struct gate_run run;
    struct gate_migration *m;
    char a[65], b[65], c[65], d[65];

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "m.sql");
    finding(m, "ban-drop-table", 3, "dropping table \"T\"", GATE_SEV_ERROR);
    finding(m, "ban-drop-table", 9, "dropping table \"T\"", GATE_SEV_ERROR);
    gate_finding_fingerprint(&run, m, &m->findings[0], a);
    gate_finding_fingerprint(&run, m, &m->findings[1], b);
    assert_string_not_equal(a, b); /* identical findings: told apart by their ordinal */
    m->findings[0].line = 30;      /* an edit above moves it */
    gate_finding_fingerprint(&run, m, &m->findings[0], c);
    assert_string_equal(a, c);
    run.repo_prefix = "api/"; /* another file is another finding */
    gate_finding_fingerprint(&run, m, &m->findings[0], d);
    assert_string_not_equal(a, d);
    assert_int_equal(strlen(a), 64);
    gate_run_release(&run);
}

static void test_fingerprints_batch(void **state)
{
    struct gate_run run;
    struct gate_migration *m;
    char one[65], *all;

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "m.sql");
    finding(m, "ban-drop-table", 3, "dropping table \"T\"", GATE_SEV_ERROR);
    finding(m, "ban-drop-column", 4, "dropping column", GATE_SEV_ERROR);
    finding(m, "ban-drop-table", 9, "dropping table \"T\"", GATE_SEV_ERROR);
    finding(m, "ban-drop-table", 12, "dropping table \"T\"", GATE_SEV_ERROR);
    all = gate_migration_fingerprints(&run, m);
    for (size_t k = 0; k < m->nfindings; k++) {
        gate_finding_fingerprint(&run, m, &m->findings[k], one);
        assert_string_equal(all + 65 * k, one);
    }
    assert_string_not_equal(all, all + 65 * 2);
    free(all);
    gate_run_release(&run);
}

static void test_github_annotations(void **state)
{
    struct gate_run run;
    struct gate_migration *m;
    struct gate_buf b = {0};

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "dir, with: 100%/m.sql");
    finding(m, "ban-drop-table", 2, "line1\nline2\r::warning::x 50% a,b:c", GATE_SEV_ERROR);
    gate_report_github_annotations(&run, &b);
    assert_string_equal(
        gate_buf_str(&b),
        "::error file=dir%2C with%3A 100%25/m.sql,line=2,col=1,title=prisma-gate%3A "
        "ban-drop-table (critical risk)::line1%0Aline2%0A::warning::x 50%25 "
        "a,b:c%0Ahelp: do the safe thing\n");
    gate_buf_release(&b);
    gate_run_release(&run);
}

static void test_github_outputs(void **state)
{
    struct gate_run run;
    struct gate_buf b = {0};
    struct gate_report_path files[] = {{"json", "out/r.json"}, {"sarif", "odd\npath"}};
    char delim[64];

    (void)state;
    gate_run_init(&run, "lint");
    run.verdict = GATE_VERDICT_FAIL;
    run.exit_code = 1;
    run.max_risk = GATE_RISK_HIGH;
    gate_report_github_outputs(&run, files, 2, "D", &b);
    assert_string_equal(gate_buf_str(&b),
                        "verdict<<D\nfail\nD\nmax-risk<<D\nhigh\nD\n"
                        "exit-code<<D\n1\nD\nblocking<<D\n0\nD\nfindings<<D\n0\nD\n"
                        "report-json<<D\nout/r.json\nD\n"
                        "report-sarif<<D\nodd path\nD\n");
    assert_false(gate_report_github_delim_ok(&run, files, 2, "r.json"));
    gate_github_token(delim, sizeof(delim));
    assert_int_equal(strlen(delim), 13 + 32);
    assert_true(gate_report_github_delim_ok(&run, files, 2, delim));
    gate_buf_release(&b);
    gate_run_release(&run);
}

static void test_github_outputs_plan(void **state)
{
    struct gate_run run;
    struct gate_run_plan plan;
    struct gate_buf b = {0};

    (void)state;
    gate_run_init(&run, "plan");
    memset(&plan, 0, sizeof(plan));
    (void)snprintf(plan.digest, sizeof(plan.digest), "sha256:%064d", 7);
    run.plan = &plan;
    gate_report_github_outputs(&run, NULL, 0, "D", &b);
    assert_non_null(strstr(gate_buf_str(&b), "plan-digest<<D\nsha256:0000"));
    assert_false(gate_report_github_delim_ok(&run, NULL, 0, "sha256"));
    run.plan = NULL;
    gate_buf_release(&b);
    gate_run_release(&run);
}

/*
 * Plan and deploy Markdown (PR comment, step summary, checklist) escape
 * every string with the one Markdown escaper: a reason, problem, finding
 * message, token message or guidance quoting an identifier cannot inject
 * HTML, a link or a table cell.
 */
static void test_plan_markdown_hostile(void **state)
{
    static const char evil[] = "\"<img src=x>\" [x](https://evil.example) a|b";
    struct gate_run run;
    struct gate_run_plan plan;
    struct gate_run_deploy dep;
    struct gate_policy pol;
    struct gate_migration *m;
    const char *problems[1] = {evil};
    const char *guidance[1] = {evil};
    struct gate_buf b = {0};
    const char *out;

    (void)state;
    gate_run_init(&run, "deploy");
    gate_policy_defaults(&pol);
    memset(&plan, 0, sizeof(plan));
    memset(&dep, 0, sizeof(dep));
    (void)snprintf(plan.digest, sizeof(plan.digest), "sha256:%064d", 7);
    plan.reason = evil;
    plan.problems = problems;
    plan.nproblems = 1;
    plan.decision = GATE_PLAN_REFUSED;
    dep.stage = "refused";
    dep.token_status = "absent";
    dep.token_message = evil;
    dep.guidance = guidance;
    dep.nguidance = 1;
    run.plan = &plan;
    run.deploy = &dep;
    m = one_migration(&run, "prisma/migrations/20240101000000_x/migration.sql");
    finding(m, "ban-drop-table", 1, evil, GATE_SEV_ERROR);
    gate_section_plan.markdown(&run, &b, GATE_MARKDOWN_COMMENT_MAX);
    gate_plan_checklist(&run, &pol, &b);
    out = gate_buf_str(&b);
    assert_null(strstr(out, "<img"));
    assert_null(strstr(out, "x](https://evil")); /* the bracket is escaped: x\\](... */
    assert_null(strstr(out, "a|b"));
    assert_non_null(strstr(out, "&lt;img src=x&gt;"));
    assert_non_null(strstr(out, "\\[x\\](https://evil.example)"));
    run.plan = NULL;
    run.deploy = NULL;
    gate_buf_release(&b);
    gate_run_release(&run);
}

/*
 * A plan that could not be computed (no plan in the run, the "plan" check
 * says why): plan's and deploy's text and Markdown reports say so, why,
 * and what follows, not "0 migrations ...", which reads as an empty plan;
 * the JSON report has no plan member. Without that check (plan never got
 * that far) the reports are as before.
 */
static void test_plan_not_computed(void **state)
{
    static const char why[] = "migration folder 'm/2024_x' has no migration.sql";
    struct gate_run run;
    struct gate_run_deploy dep;
    struct gate_buf b = {0};
    const char *out;

    (void)state;
    gate_run_init(&run, "plan");
    run.verdict = GATE_VERDICT_ERROR;
    run.exit_code = 3;
    gate_run_add_check(&run, "prisma.config", GATE_STATUS_WARN, "a warning");
    gate_run_add_check(&run, "plan", GATE_STATUS_ERROR, why);
    assert_ptr_equal(gate_report_text_lead(&run), &gate_section_plan);
    gate_report_text(&run, &b, false, false);
    assert_string_equal(gate_buf_str(&b), "warn  prisma.config: a warning\n"
                                          "\n"
                                          "No plan for ?: it could not be computed\n"
                                          "  error: migration folder 'm/2024_x' has no "
                                          "migration.sql\n"
                                          "  nothing can be approved or deployed without a plan "
                                          "(exit 3)\n");
    gate_buf_reset(&b);
    gate_report_markdown(&run, &b, GATE_MARKDOWN_COMMENT_MAX);
    out = gate_buf_str(&b);
    assert_non_null(strstr(out, "\n**No plan could be computed:** migration folder 'm/2024\\_x' "
                                "has no migration.sql \xC2\xB7 exit 3 \xC2\xB7 nothing can be "
                                "approved or deployed without a plan\n"));
    assert_null(strstr(out, "0 migrations"));
    gate_buf_reset(&b);
    gate_report_json(&run, &b);
    assert_null(strstr(gate_buf_str(&b), "\"plan\": {"));

    /* deploy: its sentence, then why */
    memset(&dep, 0, sizeof(dep));
    dep.stage = "plan";
    dep.token_status = "not-needed";
    run.deploy = &dep;
    gate_buf_reset(&b);
    gate_report_text(&run, &b, false, false);
    assert_non_null(strstr(gate_buf_str(&b), "\nDeploy stopped: the plan could not be computed; "
                                             "nothing was changed\n  error: migration folder"));
    assert_null(strstr(gate_buf_str(&b), "error plan:"));
    gate_buf_reset(&b);
    gate_report_markdown(&run, &b, GATE_MARKDOWN_COMMENT_MAX);
    assert_non_null(strstr(gate_buf_str(&b), "has no migration.sql \xC2\xB7 exit 3 \xC2\xB7 "
                                             "nothing was deployed\n"));
    run.deploy = NULL;

    /* no "plan" check: the plan section is not there, the counts are */
    gate_run_release(&run);
    gate_run_init(&run, "plan");
    run.verdict = GATE_VERDICT_ERROR;
    run.exit_code = 3;
    assert_ptr_equal(gate_report_text_lead(&run), &gate_section_lint);
    gate_buf_reset(&b);
    gate_report_markdown(&run, &b, GATE_MARKDOWN_COMMENT_MAX);
    assert_non_null(strstr(gate_buf_str(&b), "**0 migrations**"));
    gate_buf_release(&b);
    gate_run_release(&run);
}

/* The Markdown summary never exceeds its budget, and says what it left out. */
static void test_markdown_budget(void **state)
{
    struct gate_run run;
    struct gate_migration *m;
    static const size_t budgets[] = {4000, 20000, 65000};

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "m.sql");
    for (int i = 0; i < 2000; i++)
        finding(m, "ban-drop-table", i + 1, "dropping table \"a_long_table_name_for_the_budget\"",
                i % 3 ? GATE_SEV_ERROR : GATE_SEV_WARNING);
    run.verdict = GATE_VERDICT_FAIL;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(budgets); i++) {
        struct gate_buf b = {0};

        gate_report_markdown(&run, &b, budgets[i]);
        if (b.len > budgets[i])
            print_error("budget %zu: %zu bytes\n", budgets[i], b.len);
        assert_true(b.len <= budgets[i]);
        assert_non_null(strstr(gate_buf_str(&b), "more blocking finding"));
        assert_non_null(strstr(gate_buf_str(&b), "</sub>\n"));
        gate_buf_release(&b);
    }
    gate_run_release(&run);
}

/*
 * What the Markdown does not list, it counts; it points to the JSON report
 * only when the run writes one, by the path it is written to.
 */
static void test_markdown_json_pointer(void **state)
{
    static const struct {
        const char *json_report;
        const char *want;
    } cases[] = {
        {NULL, "more blocking findings not listed\n"},
        {"out/gate.json", "not listed: the JSON report (`out/gate.json`) lists every finding\n"},
        {"-", "not listed: the JSON report on stdout lists every finding\n"},
    };
    struct gate_run run;
    struct gate_migration *m;

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "m.sql");
    for (int i = 0; i < 2000; i++)
        finding(m, "ban-drop-table", i + 1, "dropping table \"t\"", GATE_SEV_ERROR);
    run.verdict = GATE_VERDICT_FAIL;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(cases); i++) {
        struct gate_buf b = {0};

        run.json_report = cases[i].json_report;
        gate_report_markdown(&run, &b, 20000);
        if (!strstr(gate_buf_str(&b), cases[i].want))
            print_error("case %zu: no \"%s\" in:\n%s\n", i, cases[i].want, gate_buf_str(&b));
        assert_non_null(strstr(gate_buf_str(&b), cases[i].want));
        if (!cases[i].json_report) {
            assert_null(strstr(gate_buf_str(&b), "JSON report"));
            assert_null(strstr(gate_buf_str(&b), "json=PATH"));
        }
        gate_buf_release(&b);
    }
    gate_run_release(&run);
}

/* Equal testcase names are told apart (GitLab keeps only the first): name, "name (path)", "#n". */
static void test_junit_unique_names(void **state)
{
    static const char *const ids[] = {"a", "a", "a #3", "a", "a"};
    static const char *const want[] = {
        "name=\"a\" ",
        "name=\"a #2\"",
        "name=\"a #3\"",
        "name=\"a #4\"",
        "name=\"a #5\"",
        "name=\"20240101000000_x\" ",
        "name=\"20240101000000_x (m2.sql)\"",
        "name=\"20240101000000_x #3\"",
    };
    struct gate_run run;
    struct gate_buf b = {0};
    struct gate_err err = {0};

    (void)state;
    gate_run_init(&run, "lint");
    one_migration(&run, "m1.sql");
    one_migration(&run, "m2.sql");
    one_migration(&run, "m2.sql");
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        gate_run_add_check(&run, ids[i], GATE_STATUS_PASS, "ok");
    run.verdict = GATE_VERDICT_PASS;
    assert_int_equal(gate_report_junit(&run, &b, &err), GATE_OK);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_non_null(strstr(gate_buf_str(&b), want[i]));
    gate_buf_release(&b);
    gate_run_release(&run);
}

static void test_junit_hostile(void **state)
{
    struct gate_run run;
    struct gate_migration *m;
    struct gate_buf b = {0};
    struct gate_err err = {0};

    (void)state;
    gate_run_init(&run, "lint");
    m = one_migration(&run, "m.sql");
    finding(m, "ban-drop-table", 1, "]]> <x> & \"q\" \x1b[31m \xff\xfe \xef\xbf\xbf",
            GATE_SEV_ERROR);
    m->error = NULL;
    gate_run_add_check(&run, "x.check", GATE_STATUS_SKIP, "skipped \x01 because");
    run.verdict = GATE_VERDICT_FAIL;
    run.exit_code = 1;
    assert_int_equal(gate_report_junit(&run, &b, &err), GATE_OK);
    assert_non_null(strstr(gate_buf_str(&b),
                           "]]&gt; &lt;x&gt; &amp; &quot;q&quot; \xEF\xBF\xBD[31m "
                           "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD"));
    assert_non_null(
        strstr(gate_buf_str(&b), "<skipped message=\"skipped \xEF\xBF\xBD because\"/>"));
    assert_non_null(
        strstr(gate_buf_str(&b), "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""));
    assert_null(strchr(gate_buf_str(&b), '\x1b'));
    gate_buf_release(&b);
    gate_run_release(&run);
}

/* Text reports never pass an input's control characters to the terminal. */
static void test_text_hostile(void **state)
{
    static const char evil[] = "2024_x\x1b]0;owned\x07\x1b[2J\r\n";
    struct gate_run run;
    struct gate_run_history h = {0};
    struct gate_migration *m;
    struct gate_buf b = {0};
    const char *next[] = {"run \x1b[31mthis\x1b[0m"};

    (void)state;
    gate_run_init(&run, "status");
    m = gate_run_add_migration(&run, evil, "m/migration.sql");
    m->state = GATE_MSTATE_FAILED;
    m->error = "failed: \x1b[1mboom\x9b";
    m = gate_run_add_migration(&run, "plain", "p/migration.sql");
    m->note = "a note\twith a tab";
    h.strategy = "migrate";
    h.migrations_dir = "prisma/\x1bmigrations";
    h.last_local = evil;
    h.next = next;
    h.nnext = 1;
    h.prisma_exit = -1;
    run.history = &h;
    gate_run_add_check(&run, "status.failed", GATE_STATUS_FAIL, "x \x1b[8m hidden");
    run.verdict = GATE_VERDICT_FAIL;
    gate_section_status.text(&run, &b, &(struct gate_text_opts){.color = false});
    assert_null(strchr(gate_buf_str(&b), '\x1b'));
    assert_null(strchr(gate_buf_str(&b), '\x07'));
    assert_null(strchr(gate_buf_str(&b), '\r'));
    assert_null(strchr(gate_buf_str(&b), (char)0x9b));
    assert_non_null(strstr(gate_buf_str(&b), "a note\twith a tab"));
    assert_non_null(strstr(gate_buf_str(&b), "run \xEF\xBF\xBD[31mthis"));
    /* with colour, only our own sequences remain */
    gate_buf_reset(&b);
    gate_section_status.text(&run, &b, &(struct gate_text_opts){.color = true});
    assert_null(strstr(gate_buf_str(&b), "\x1b]0;"));
    assert_null(strstr(gate_buf_str(&b), "\x1b[2J"));
    run.history = NULL;
    gate_buf_release(&b);
    gate_run_release(&run);
}

static void test_report_spec(void **state)
{
    struct gate_report_spec s;
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_report_spec_parse("sarif=a=b.sarif", &s, &err), GATE_OK);
    assert_int_equal(s.format, GATE_FORMAT_SARIF);
    assert_string_equal(s.path, "a=b.sarif");
    assert_int_equal(gate_report_spec_parse("gitlab=x", &s, &err), GATE_OK);
    assert_int_equal(s.format, GATE_FORMAT_GITLAB);
    assert_int_equal(gate_report_spec_parse("json=", &s, &err), GATE_E_USAGE);
    memset(&err, 0, sizeof(err));
    assert_int_equal(gate_report_spec_parse("github=x", &s, &err), GATE_E_USAGE);
    memset(&err, 0, sizeof(err));
    assert_int_equal(gate_report_spec_parse("junit:x.xml", &s, &err), GATE_E_USAGE);
    assert_non_null(strstr(err.msg, "junit=x.xml"));
}

/*
 * The recipe of docs/internals/reports.md: a registered section has a
 * name (unique) and every renderer - present, JSON, text, Markdown (a
 * section with nothing to add points at gate_section_*_none, so leaving
 * one out is a decision, not an accident) - and lint, which leads the
 * text report of a run no other section claims, comes last.
 */
static void test_sections_complete(void **state)
{
    struct gate_run run;

    (void)state;
    gate_run_init(&run, "lint");
    assert_true(gate_report_nsections > 0);
    for (size_t i = 0; i < gate_report_nsections; i++) {
        const struct gate_report_section *s = gate_report_sections[i];

        assert_non_null(s);
        assert_non_null(s->name);
        assert_non_null(s->present);
        assert_non_null(s->json);
        assert_non_null(s->text);
        assert_non_null(s->markdown);
        assert_true(s->place == GATE_SECTION_CONTEXT || s->place == GATE_SECTION_OUTCOME);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(gate_report_sections[k]->name, s->name);
        /* a run of plain lint has none of the command sections */
        if (i + 1 < gate_report_nsections)
            assert_false(s->present(&run));
    }
    assert_ptr_equal(gate_report_sections[gate_report_nsections - 1], &gate_section_lint);
    assert_true(gate_section_lint.present(&run));
    assert_ptr_equal(gate_report_text_lead(&run), &gate_section_lint);
    gate_run_release(&run);
}

/* A section's JSON is one or more complete members: the report stays one valid object. */
static void test_sections_json(void **state)
{
    struct gate_run run;
    struct gate_run_history h = {0};
    struct gate_buf b = {0};
    struct gate_json *j = NULL;
    struct gate_err err = {0};

    (void)state;
    gate_run_init(&run, "status");
    h.strategy = "empty";
    h.prisma_exit = -1;
    run.history = &h;
    assert_ptr_equal(gate_report_text_lead(&run), &gate_section_status);
    gate_report_json(&run, &b);
    assert_int_equal(gate_json_parse(b.data, b.len, "report", &j, &err), GATE_OK);
    assert_non_null(gate_json_get(j, "history"));
    assert_string_equal(gate_json_get_str(gate_json_get(j, "history"), "strategy"), "empty");
    /* context sections come before "checks" */
    assert_true(strstr(b.data, "\"history\"") < strstr(b.data, "\"checks\""));
    gate_json_free(j);
    run.history = NULL;
    gate_buf_release(&b);
    gate_run_release(&run);
}

/*
 * The format table: one row per format, each with a unique name and a
 * writer; names round-trip through --format, and --report takes exactly
 * the file formats.
 */
static void test_formats_complete(void **state)
{
    bool seen[GATE_FORMAT_COUNT] = {false};

    (void)state;
    assert_int_equal(gate_report_nformats, GATE_FORMAT_COUNT);
    for (size_t i = 0; i < gate_report_nformats; i++) {
        const struct gate_report_format *f = &gate_report_formats[i];
        struct gate_report_spec spec = {0};
        struct gate_err err = {0};
        enum gate_format parsed;
        char arg[64];

        assert_true((int)f->id >= 0 && (int)f->id < GATE_FORMAT_COUNT);
        assert_false(seen[f->id]);
        seen[f->id] = true;
        assert_non_null(f->name);
        assert_non_null(f->write);
        assert_ptr_equal(gate_report_format(f->id), f);
        assert_true(gate_format_parse(f->name, &parsed));
        assert_int_equal(parsed, f->id);
        assert_string_equal(gate_format_name(f->id), f->name);
        (void)snprintf(arg, sizeof(arg), "%s=out.x", f->name);
        assert_int_equal(gate_report_spec_parse(arg, &spec, &err),
                         f->file ? GATE_OK : GATE_E_USAGE);
        if (f->file)
            assert_int_equal(spec.format, f->id);
    }
}

/* Each format renders a run through the table (JUnit may lack libxml2: then it says so). */
static void test_formats_render(void **state)
{
    struct gate_run run;

    (void)state;
    gate_run_init(&run, "lint");
    for (size_t i = 0; i < gate_report_nformats; i++) {
        struct gate_buf b = {0};
        struct gate_err err = {0};
        enum gate_code rc = gate_report_render(&run, gate_report_formats[i].id, &b,
                                               &(struct gate_text_opts){0}, &err);

        if (rc)
            assert_non_null(gate_report_formats[i].load);
        else if (gate_report_formats[i].id != GATE_FORMAT_GITHUB)
            assert_true(b.len > 0); /* github: no annotations for a clean run */
        gate_buf_release(&b);
    }
    gate_run_release(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relpath),
        cmocka_unit_test(test_text_clean),
        cmocka_unit_test(test_md_text),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_fingerprints_batch),
        cmocka_unit_test(test_github_annotations),
        cmocka_unit_test(test_github_outputs),
        cmocka_unit_test(test_github_outputs_plan),
        cmocka_unit_test(test_markdown_budget),
        cmocka_unit_test(test_markdown_json_pointer),
        cmocka_unit_test(test_plan_markdown_hostile),
        cmocka_unit_test(test_plan_not_computed),
        cmocka_unit_test(test_junit_hostile),
        cmocka_unit_test(test_junit_unique_names),
        cmocka_unit_test(test_text_hostile),
        cmocka_unit_test(test_report_spec),
        cmocka_unit_test(test_sections_complete),
        cmocka_unit_test(test_sections_json),
        cmocka_unit_test(test_formats_complete),
        cmocka_unit_test(test_formats_render),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
