/* SPDX-License-Identifier: MIT */
/*
 * test_token.c - confirmation tokens (token.h) and the plan's canonical
 * text (plan.h): every status a token can have, table-driven.
 */
#include "gate/compat.h"
#include "gate/digest.h"
#include "gate/plan.h"
#include "gate/token.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DIGEST "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define OTHER  "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define NOW    1800000000LL
#define SECRET "s3cret"

static void test_signed_roundtrip(void **state)
{
    char *tok = gate_token_sign(DIGEST, NOW + 3600, SECRET, strlen(SECRET));
    const char *kind;
    char td[65];

    (void)state;
    assert_int_equal(strncmp(tok, "pgt1." DIGEST ".1800003600.", 5 + 64 + 12), 0);
    assert_int_equal(strlen(tok), 5 + 64 + 1 + 10 + 1 + 64);
    assert_int_equal(gate_token_check(tok, DIGEST, SECRET, strlen(SECRET), NOW, 86400, &kind, td),
                     GATE_TOKEN_VALID);
    assert_string_equal(kind, "signed");
    assert_string_equal(td, DIGEST);
    free(tok);
}

struct row {
    const char *what;
    long long expiry_offset; /* for a signed token made here; 0: use token */
    const char *sign_digest;
    const char *sign_secret;
    const char *token;
    const char *secret; /* deploy's secret (NULL: plain tokens) */
    long long max_age;
    enum gate_token_status want;
};

static const struct row rows[] = {
    {"absent", 0, NULL, NULL, "", NULL, 0, GATE_TOKEN_ABSENT},
    {"plain 12", 0, NULL, NULL, "9f86d081884c", NULL, 0, GATE_TOKEN_VALID},
    {"plain upper", 0, NULL, NULL, "9F86D081884C7D65", NULL, 0, GATE_TOKEN_VALID},
    {"plain with prefix", 0, NULL, NULL, "sha256:9f86d081884c7d65", NULL, 0, GATE_TOKEN_VALID},
    {"plain full", 0, NULL, NULL, DIGEST, NULL, 0, GATE_TOKEN_VALID},
    {"plain too short", 0, NULL, NULL, "9f86d081884", NULL, 0, GATE_TOKEN_MALFORMED},
    {"plain not hex", 0, NULL, NULL, "9f86d081884z", NULL, 0, GATE_TOKEN_MALFORMED},
    {"plain other plan", 0, NULL, NULL, "60303ae22b99", NULL, 0, GATE_TOKEN_STALE},
    {"plain when signed required", 0, NULL, NULL, "9f86d081884c", SECRET, 0, GATE_TOKEN_UNSIGNED},
    {"signed other secret", 3600, DIGEST, "other", NULL, SECRET, 0, GATE_TOKEN_FORGED},
    {"signed other plan", 3600, OTHER, SECRET, NULL, SECRET, 0, GATE_TOKEN_STALE},
    {"signed expired", -1, DIGEST, SECRET, NULL, SECRET, 0, GATE_TOKEN_EXPIRED},
    {"signed too long", 10 * 86400, DIGEST, SECRET, NULL, SECRET, 86400, GATE_TOKEN_TOO_LONG},
    {"signed without a secret", 3600, DIGEST, SECRET, NULL, NULL, 0, GATE_TOKEN_FORGED},
    {"signed bad mac", 0, NULL, NULL, "pgt1." DIGEST ".1800003600.00", SECRET, 0,
     GATE_TOKEN_MALFORMED},
    {"signed no expiry", 0, NULL, NULL,
     "pgt1." DIGEST "..0000000000000000000000000000000000000000000000000000000000000000", SECRET, 0,
     GATE_TOKEN_MALFORMED},
    {"signed forged mac", 0, NULL, NULL,
     "pgt1." DIGEST ".1800003600.0000000000000000000000000000000000000000000000000000000000000000",
     SECRET, 0, GATE_TOKEN_FORGED},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        const struct row *r = &rows[i];
        char *made = NULL;
        const char *kind;
        enum gate_token_status got;

        if (r->sign_digest)
            made = gate_token_sign(r->sign_digest, NOW + r->expiry_offset, r->sign_secret,
                                   strlen(r->sign_secret));
        got = gate_token_check(made ? made : r->token, DIGEST, r->secret,
                               r->secret ? strlen(r->secret) : 0, NOW, r->max_age, &kind, NULL);
        if (got != r->want)
            fail_msg("%s: got %s, want %s", r->what, gate_token_status_name(got),
                     gate_token_status_name(r->want));
        free(made);
    }
}

static void test_canonical(void **state)
{
    struct gate_target t = {0};
    struct gate_plan_item items[2] = {{"20240101000000_init", "aa", GATE_RISK_LOW},
                                      {"20240102000000_next", "bb", GATE_RISK_HIGH}};
    char *a, *b;

    (void)state;
    t.host = "db";
    t.port = 5432;
    t.database = "app";
    t.schema = "public";
    a = gate_plan_canonical(&t, items, 2, GATE_RISK_HIGH, GATE_RISK_MEDIUM, GATE_RISK_HIGH, 1000,
                            false);
    assert_string_equal(a, "prisma-gate plan 2\n"
                           "target db 5432 app public\n"
                           "migration 20240101000000_init aa low\n"
                           "migration 20240102000000_next bb high\n"
                           "max_risk high\n"
                           "policy medium high 1000\n"
                           "suppressions counted\n");
    /* any input changes the text, so the digest */
    b = gate_plan_canonical(&t, items, 2, GATE_RISK_HIGH, GATE_RISK_MEDIUM, GATE_RISK_HIGH, 1000,
                            true);
    assert_string_not_equal(a, b);
    free(b);
    t.port = 5433;
    b = gate_plan_canonical(&t, items, 2, GATE_RISK_HIGH, GATE_RISK_MEDIUM, GATE_RISK_HIGH, 1000,
                            false);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_roundtrip),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_canonical),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
