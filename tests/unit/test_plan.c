/* SPDX-License-Identifier: MIT */
/*
 * test_plan.c - the deploy decision (plan.h): a pending migration's risk
 * for the decision, with and without deploy.honor_suppressions, and the
 * policy's decision for it, and the reason each decision gives,
 * table-driven.
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

/* The reason each decision gives (gate_plan_reason): its whole text. */
struct reason_row {
    enum gate_risk max, honored;
    size_t pending, nproblems;
    bool signed_tokens;
    enum gate_plan_decision want;
    const char *reason;
};

static const struct reason_row reasons[] = {
    {N, N, 0, 0, false, GATE_PLAN_NOTHING, "nothing to deploy: every migration is applied"},
    {L, L, 2, 0, false, GATE_PLAN_AUTO,
     "max risk low is within deploy.auto_max_risk (medium): deploys without a token"},
    {H, H, 1, 0, false, GATE_PLAN_CONFIRM,
     "max risk high is above deploy.auto_max_risk (medium) and within deploy.confirm_max_risk "
     "(high): deploys with a valid confirmation token for this plan"},
    {H, H, 1, 0, true, GATE_PLAN_CONFIRM,
     "max risk high is above deploy.auto_max_risk (medium) and within deploy.confirm_max_risk "
     "(high): deploys with a signed confirmation token for this plan"},
    {C, C, 1, 0, false, GATE_PLAN_BLOCKED,
     "max risk critical is above deploy.confirm_max_risk (high): the policy blocks this deploy, "
     "even with a token"},
    {C, L, 1, 0, false, GATE_PLAN_BLOCKED,
     "max risk critical is above deploy.confirm_max_risk (high): the policy blocks this deploy, "
     "even with a token (suppressed findings count: without them the max risk is low; "
     "deploy.honor_suppressions is false)"},
    {C, L, 1, 1, false, GATE_PLAN_REFUSED,
     "the migration history is not deployable: migration x failed earlier"},
};

static void test_reason_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(reasons); i++) {
        const struct reason_row *r = &reasons[i];
        struct gate_plan_facts f = {0};
        enum gate_plan_decision d;
        char *got;

        f.max_risk = r->max;
        f.honored_max = r->honored;
        f.auto_max = M;
        f.confirm_max = H;
        f.pending = r->pending;
        f.nproblems = r->nproblems;
        f.first_problem = r->nproblems ? "migration x failed earlier" : NULL;
        f.signed_tokens = r->signed_tokens;
        d = gate_plan_decide(f.max_risk, f.auto_max, f.confirm_max, f.pending, f.nproblems);
        got = gate_plan_reason(d, &f);
        if (d != r->want || strcmp(got, r->reason) != 0)
            fail_msg("row %zu: %s \"%s\", want %s \"%s\"", i, gate_plan_decision_name(d), got,
                     gate_plan_decision_name(r->want), r->reason);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_table),
        cmocka_unit_test(test_decide_edges),
        cmocka_unit_test(test_reason_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
