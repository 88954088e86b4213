/* SPDX-License-Identifier: MIT */
/*
 * test_locktruth.c - the locks the rules claim against the locks
 * PostgreSQL took (src/lint/lock_truth.tsv, written by
 * LOCKS_UPDATE=1 tests/integration/lint-locks.sh): every rule that claims
 * a lock has a measured row that says the same, every row names a rule
 * that exists, every lock rule either has a row or says why it has no
 * single lock, and the disputed lock levels are all recorded.
 */
#include "gate/compat.h"
#include "gate/locktruth.h"
#include "gate/rules.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void test_claimed_locks_measured(void **state)
{
    (void)state;
    for (size_t i = 0; i < gate_rules_count(); i++) {
        const struct gate_rule *r = gate_rule_at(i);
        const struct gate_lock_truth *t = gate_lock_truth_rule(r->id);

        if (!r->lock)
            continue;
        if (!t)
            fail_msg("%s claims %s, but src/lint/lock_truth.tsv has no measured row for it "
                     "(add a case to tests/integration/lint-locks.sh and run it with "
                     "LOCKS_UPDATE=1)",
                     r->id, r->lock);
        if (strcmp(t->lock, r->lock))
            fail_msg("%s claims %s, PostgreSQL %d took %s (%s)", r->id, r->lock, t->postgres,
                     t->lock, t->statement);
    }
}

static void test_rows_name_claiming_rules(void **state)
{
    (void)state;
    assert_true(gate_lock_truth_count() > 0);
    for (size_t i = 0; i < gate_lock_truth_count(); i++) {
        const struct gate_lock_truth *t = gate_lock_truth_at(i);
        const struct gate_rule *r;

        assert_int_equal(t->postgres, gate_lock_truth_at(0)->postgres);
        if (!t->rule)
            continue;
        r = gate_rule_find(t->rule);
        if (!r)
            fail_msg("lock_truth.tsv row %zu names unknown rule %s", i + 1, t->rule);
        if (!r->lock)
            fail_msg("PostgreSQL took %s for %s (%s), but the rule claims no lock", t->lock,
                     t->rule, t->statement);
    }
    assert_null(gate_lock_truth_at(gate_lock_truth_count()));
    assert_null(gate_lock_truth_rule("no-such-rule"));
}

static void test_lock_rules_say_their_lock(void **state)
{
    (void)state;
    for (size_t i = 0; i < gate_rules_count(); i++) {
        const struct gate_rule *r = gate_rule_at(i);

        if (r->category != GATE_CAT_LOCK)
            continue;
        if (!r->lock && !r->lock_note)
            fail_msg("%s is a lock rule with neither a measured lock nor a note saying why it "
                     "has no single one",
                     r->id);
        if (r->lock && r->lock_note)
            fail_msg("%s has both a lock and a note", r->id);
    }
}

static void test_disputed_levels_recorded(void **state)
{
    static const char *const disputed[] = {
        "ADD CHECK",
        "ADD UNIQUE",
        "ADD FOREIGN KEY, the referencing table",
        "ADD FOREIGN KEY, the referenced table",
        "SET NOT NULL",
        "VALIDATE CONSTRAINT",
        "REINDEX",
        "COMMENT",
        "ALTER TYPE ... ADD VALUE",
    };

    (void)state;
    for (size_t k = 0; k < GATE_ARRAY_SIZE(disputed); k++) {
        bool found = false;

        for (size_t i = 0; i < gate_lock_truth_count() && !found; i++) {
            const struct gate_lock_truth *t = gate_lock_truth_at(i);

            found = t->disputed && !strncmp(t->statement, disputed[k], strlen(disputed[k]));
        }
        if (!found)
            fail_msg("no disputed row for %s in src/lint/lock_truth.tsv", disputed[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claimed_locks_measured),
        cmocka_unit_test(test_rows_name_claiming_rules),
        cmocka_unit_test(test_lock_rules_say_their_lock),
        cmocka_unit_test(test_disputed_levels_recorded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
