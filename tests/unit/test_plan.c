/* SPDX-License-Identifier: MIT */
/*
 * test_plan.c - the deploy decision (plan.h): a pending migration's risk
 * for the decision, with and without deploy.honor_suppressions, and the
 * policy's decision for it, table-driven.
 */
#include "gate/compat.h"
#include "gate/plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N GATE_RISK_NONE
#define L GATE_RISK_LOW
#define M GATE_RISK_MEDIUM
#define H GATE_RISK_HIGH
#define C GATE_RISK_CRITICAL

/* One migration: its statements' risk and up to three findings. */
struct row {
    const char *what;
    enum gate_risk base;
    enum gate_risk risk[3];
    bool suppressed[3];
    int nfindings;
    bool honor;
    enum gate_risk want_risk;
    enum gate_plan_decision want; /* auto_max medium, confirm_max high */
};

static const struct row rows[] = {
    {"no finding", L, {N}, {false}, 0, false, L, GATE_PLAN_AUTO},
    {"a medium finding", L, {M}, {false}, 1, false, M, GATE_PLAN_AUTO},
    {"a high finding", L, {H}, {false}, 1, false, H, GATE_PLAN_CONFIRM},
    {"a critical finding", L, {C}, {false}, 1, false, C, GATE_PLAN_BLOCKED},
    {"a suppressed critical finding counts by default",
     L,
     {C},
     {true},
     1,
     false,
     C,
     GATE_PLAN_BLOCKED},
    {"a suppressed critical finding, honored", L, {C}, {true}, 1, true, L, GATE_PLAN_AUTO},
    {"a suppressed high finding counts by default", L, {H}, {true}, 1, false, H, GATE_PLAN_CONFIRM},
    {"a suppressed high finding, honored", L, {H}, {true}, 1, true, L, GATE_PLAN_AUTO},
    {"honored suppression, an unsuppressed high finding stays",
     L,
     {C, H},
     {true, false},
     2,
     true,
     H,
     GATE_PLAN_CONFIRM},
    {"counted suppression above an unsuppressed medium",
     L,
     {M, C},
     {false, true},
     2,
     false,
     C,
     GATE_PLAN_BLOCKED},
    {"honored: the highest unsuppressed wins",
     L,
     {M, C, L},
     {false, true, false},
     3,
     true,
     M,
     GATE_PLAN_AUTO},
    {"only transaction control", N, {N}, {false}, 0, false, N, GATE_PLAN_AUTO},
};

static void test_decision_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        const struct row *r = &rows[i];
        struct gate_finding f[3];
        struct gate_migration m;
        enum gate_risk got;
        enum gate_plan_decision d;

        memset(f, 0, sizeof(f));
        memset(&m, 0, sizeof(m));
        for (int k = 0; k < r->nfindings; k++) {
            f[k].rule = "ban-drop-table";
            f[k].risk = r->risk[k];
            f[k].suppressed = r->suppressed[k];
            f[k].suppression_reason = r->suppressed[k] ? "reviewed" : NULL;
        }
        m.findings = f;
        m.nfindings = (size_t)r->nfindings;
        got = gate_plan_migration_risk(&m, r->base, r->honor);
        d = gate_plan_decide(got, M, H, 1, 0);
        if (got != r->want_risk || d != r->want)
            fail_msg("%s: risk %s decision %s, want %s %s", r->what, gate_risk_name(got),
                     gate_plan_decision_name(d), gate_risk_name(r->want_risk),
                     gate_plan_decision_name(r->want));
    }
}

static void test_decide_edges(void **state)
{
    (void)state;
    /* problems refuse whatever the risk; nothing pending is nothing to do */
    assert_int_equal(gate_plan_decide(N, M, H, 3, 1), GATE_PLAN_REFUSED);
    assert_int_equal(gate_plan_decide(C, M, H, 0, 0), GATE_PLAN_NOTHING);
    /* the bounds are inclusive */
    assert_int_equal(gate_plan_decide(M, M, H, 1, 0), GATE_PLAN_AUTO);
    assert_int_equal(gate_plan_decide(H, M, H, 1, 0), GATE_PLAN_CONFIRM);
    assert_int_equal(gate_plan_decide(C, M, C, 1, 0), GATE_PLAN_CONFIRM);
    assert_int_equal(gate_plan_decide(L, N, N, 1, 0), GATE_PLAN_BLOCKED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_table),
        cmocka_unit_test(test_decide_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
