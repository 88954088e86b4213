/* SPDX-License-Identifier: MIT */
/*
 * test_run.c - the one end of lint and check (gate_run_finish, run.h):
 * max risk, verdict and exit status from the migrations' findings, a
 * failed check and anything that could not be evaluated, table-driven.
 */
#include "gate/compat.h"
#include "gate/run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct fnd {
    enum gate_risk risk;
    enum gate_severity sev;
    bool suppressed;
};

struct row {
    const char *what;
    enum gate_risk mrisk[2]; /* per migration; nmig of them */
    int nmig;
    struct fnd f[2]; /* findings of the first migration */
    int nf;
    bool unavailable, failed;
    enum gate_risk want_max;
    enum gate_verdict want_verdict;
    enum gate_exit want_exit;
};

#define E GATE_SEV_ERROR
#define W GATE_SEV_WARNING

static const struct row rows[] = {
    {"nothing linted",
     {0},
     0,
     {{0}},
     0,
     false,
     false,
     GATE_RISK_NONE,
     GATE_VERDICT_PASS,
     GATE_EXIT_OK},
    {"a warning only",
     {GATE_RISK_MEDIUM},
     1,
     {{GATE_RISK_MEDIUM, W, false}},
     1,
     false,
     false,
     GATE_RISK_MEDIUM,
     GATE_VERDICT_PASS,
     GATE_EXIT_OK},
    {"an error finding blocks",
     {GATE_RISK_HIGH, GATE_RISK_LOW},
     2,
     {{GATE_RISK_HIGH, E, false}},
     1,
     false,
     false,
     GATE_RISK_HIGH,
     GATE_VERDICT_FAIL,
     GATE_EXIT_CLOSED},
    {"a suppressed error does not block",
     {GATE_RISK_LOW, GATE_RISK_CRITICAL},
     2,
     {{GATE_RISK_CRITICAL, E, true}},
     1,
     false,
     false,
     GATE_RISK_CRITICAL,
     GATE_VERDICT_PASS,
     GATE_EXIT_OK},
    {"a failed check fails",
     {GATE_RISK_LOW},
     1,
     {{0}},
     0,
     false,
     true,
     GATE_RISK_LOW,
     GATE_VERDICT_FAIL,
     GATE_EXIT_CLOSED},
    {"unavailable wins over blocking",
     {GATE_RISK_HIGH},
     1,
     {{GATE_RISK_HIGH, E, false}},
     1,
     true,
     true,
     GATE_RISK_HIGH,
     GATE_VERDICT_ERROR,
     GATE_EXIT_UNAVAILABLE},
};

static void test_finish_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        const struct row *r = &rows[i];
        struct gate_run run;
        enum gate_exit rc;

        gate_run_init(&run, "lint");
        run.max_risk = GATE_RISK_CRITICAL; /* overwritten */
        for (int k = 0; k < r->nmig; k++) {
            struct gate_migration *m = gate_run_add_migration(&run, "m", "m/migration.sql");

            m->risk = r->mrisk[k];
            for (int j = 0; k == 0 && j < r->nf; j++) {
                struct gate_finding *f = gate_migration_add_finding(m);

                f->rule = "ban-drop-table";
                f->risk = r->f[j].risk;
                f->severity = r->f[j].sev;
                f->suppressed = r->f[j].suppressed;
            }
        }
        rc = gate_run_finish(&run, r->unavailable, r->failed);
        if (rc != r->want_exit || run.verdict != r->want_verdict || run.max_risk != r->want_max)
            fail_msg("%s: exit %d verdict %s max %s", r->what, (int)rc,
                     gate_verdict_name(run.verdict), gate_risk_name(run.max_risk));
        gate_run_release(&run);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finish_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
