/* SPDX-License-Identifier: MIT */
/*
 * test_dl.c - libraries loaded on first use (dl.h): a missing library and
 * a missing symbol give the message that names the package, every later
 * call gets the same answer, a real library (libpq, by the soname the
 * Makefile read from libpq.so) resolves into typed slots, the candidates
 * are tried in order, and init runs once however many threads ask.
 */
#include "gate/compat.h"
#include "gate/dl.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libpq-fe.h>

#define MISSING "libgate-test-missing.so.0"

/* declared only, to type the slot of a symbol no library has */
void gate_test_nothing(void);

#define NONE_FUNCS(X, t) X(t, gate_test_nothing)
GATE_DL_TABLE(none, NONE_FUNCS);
static const struct gate_dl_sym no_such_syms[] = {
    {"gate_test_no_such_symbol", &none.gate_test_nothing}};

#define PQ_FUNCS(X, t) X(t, PQlibVersion) X(t, PQunescapeBytea)
GATE_DL_TABLE(pq, PQ_FUNCS);

#define M_FUNCS(X, t) X(t, cos) X(t, sqrt)
GATE_DL_TABLE(m, M_FUNCS);

/* A library for a test: each test has its own (the outcome is kept in it). */
static struct gate_dl test_lib(const char *const *sonames, const struct gate_dl_sym *syms,
                               size_t nsyms)
{
    struct gate_dl lib = {
        .name = "libgate-test",
        .sonames = sonames,
        .need = "to run this test",
        .package = "gate-test-pkg",
        .code = GATE_E_DB,
        .syms = syms,
        .nsyms = nsyms,
    };

    return lib;
}

static void test_missing_library(void **state)
{
    static const char *const sonames[] = {MISSING, NULL};
    struct gate_dl lib = test_lib(sonames, none_syms, GATE_ARRAY_SIZE(none_syms));
    struct gate_err err = {0};
    struct gate_err again = {0};
    struct gate_err earlier = {0};
    const char *want = "libgate-test (" MISSING ") is needed to run this test but cannot be "
                       "loaded: " MISSING ": cannot open shared object file: No such file or "
                       "directory; install gate-test-pkg";

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_E_DB);
    assert_string_equal(err.msg, want);
    /* the one attempt's answer, every time */
    assert_int_equal(gate_dl_load(&lib, &again), GATE_E_DB);
    assert_string_equal(again.msg, want);
    /* the first failure wins */
    (void)gate_fail(&earlier, GATE_E_IO, "earlier");
    assert_int_equal(gate_dl_load(&lib, &earlier), GATE_E_DB);
    assert_string_equal(earlier.msg, "earlier");
    assert_int_equal(gate_dl_load(&lib, NULL), GATE_E_DB);
}

static void test_missing_symbol(void **state)
{
    static const char *const sonames[] = {"libm.so.6", NULL};
    struct gate_dl lib = test_lib(sonames, no_such_syms, GATE_ARRAY_SIZE(no_such_syms));
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_E_DB);
    assert_non_null(strstr(err.msg, "libgate-test (libm.so.6) is needed to run this test but "
                                    "cannot be loaded: "));
    assert_non_null(
        strstr(err.msg, "undefined symbol: gate_test_no_such_symbol; install gate-test-pkg"));
}

/* the soname the Makefile passes to db.c, and typed slots from <libpq-fe.h> */
static void test_real_library(void **state)
{
    static const char *const sonames[] = {GATE_LIBPQ_SONAMES, NULL};
    struct gate_dl lib = test_lib(sonames, pq_syms, GATE_ARRAY_SIZE(pq_syms));
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_OK);
    assert_int_equal(err.code, GATE_OK);
    assert_true(pq.PQlibVersion() >= 90000);
    assert_non_null(pq.PQunescapeBytea);
}

/* a missing first candidate, then one that loads */
static void test_candidates(void **state)
{
    static const char *const sonames[] = {MISSING, "libm.so.6", NULL};
    struct gate_dl lib = test_lib(sonames, m_syms, GATE_ARRAY_SIZE(m_syms));
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_OK);
    assert_true(m.cos(0.0) == 1.0);
    assert_true(m.sqrt(4.0) == 2.0);
}

/* ---- init: once, whatever the threads; its failure is the load's ---------- */

static int inits;
static struct gate_dl counted;

static enum gate_code count_init(struct gate_err *err)
{
    (void)err;
    inits++; /* under dl.c's lock */
    return GATE_OK;
}

static enum gate_code failing_init(struct gate_err *err)
{
    return gate_fail(err, GATE_E_HTTP, "cannot initialise the test library");
}

static void *load_counted(void *arg)
{
    struct gate_err err = {0};

    *(enum gate_code *)arg = gate_dl_load(&counted, &err);
    return NULL;
}

static void test_init_once(void **state)
{
    static const char *const sonames[] = {"libm.so.6", NULL};
    struct gate_dl failing = test_lib(sonames, m_syms, GATE_ARRAY_SIZE(m_syms));
    pthread_t t[8];
    enum gate_code rc[8];
    struct gate_err err = {0};
    struct gate_err again = {0};

    (void)state;
    counted = test_lib(sonames, m_syms, GATE_ARRAY_SIZE(m_syms));
    counted.init = count_init;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(t); i++)
        assert_int_equal(pthread_create(&t[i], NULL, load_counted, &rc[i]), 0);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(t); i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(rc[i], GATE_OK);
    }
    assert_int_equal(inits, 1);

    failing.init = failing_init;
    assert_int_equal(gate_dl_load(&failing, &err), GATE_E_HTTP);
    assert_string_equal(err.msg, "cannot initialise the test library");
    assert_int_equal(gate_dl_load(&failing, &again), GATE_E_HTTP);
    assert_string_equal(again.msg, "cannot initialise the test library");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library), cmocka_unit_test(test_missing_symbol),
        cmocka_unit_test(test_real_library),    cmocka_unit_test(test_candidates),
        cmocka_unit_test(test_init_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
