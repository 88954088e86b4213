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

/* never called: a prototype to type the slot of a symbol no library has */
static void gate_test_nothing(void)
{
}

static struct {
    GATE_DL_FN(gate_test_nothing)
} none;

static const struct gate_dl_sym none_syms[] = {
    {"gate_test_no_such_symbol", &none.gate_test_nothing}};

static void test_missing_library(void **state)
{
    static const char *const sonames[] = {MISSING, NULL};
    static struct gate_dl lib = {
        .name = "libgate-test",
        .sonames = sonames,
        .need = "to run this test",
        .package = "gate-test-pkg",
        .code = GATE_E_DB,
        .syms = none_syms,
        .nsyms = GATE_ARRAY_SIZE(none_syms),
    };
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
    static struct gate_dl lib = {
        .name = "libm",
        .sonames = sonames,
        .need = "to run this test",
        .package = "libc6",
        .code = GATE_E_HTTP,
        .syms = none_syms,
        .nsyms = GATE_ARRAY_SIZE(none_syms),
    };
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_E_HTTP);
    assert_non_null(strstr(err.msg, "libm (libm.so.6) is needed to run this test but cannot be "
                                    "loaded: "));
    assert_non_null(strstr(err.msg, "undefined symbol: gate_test_no_such_symbol; install libc6"));
}

/* the soname the Makefile passes to db.c, and a typed slot from <libpq-fe.h> */
static void test_real_library(void **state)
{
    static const char *const sonames[] = {GATE_LIBPQ_SONAMES, NULL};
    static struct {
        GATE_DL_FN(PQlibVersion)
        GATE_DL_FN(PQunescapeBytea)
    } pq;
    static const struct gate_dl_sym syms[] = {GATE_DL_SYM(pq, PQlibVersion)
                                                  GATE_DL_SYM(pq, PQunescapeBytea)};
    static struct gate_dl lib = {
        .name = "libpq",
        .sonames = sonames,
        .need = "to run this test",
        .package = GATE_LIBPQ_PACKAGE,
        .code = GATE_E_DB,
        .syms = syms,
        .nsyms = GATE_ARRAY_SIZE(syms),
    };
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
    static struct {
        GATE_DL_FN(cos)
    } m;
    static const struct gate_dl_sym syms[] = {GATE_DL_SYM(m, cos)};
    static struct gate_dl lib = {
        .name = "libm",
        .sonames = sonames,
        .need = "to run this test",
        .package = "libc6",
        .code = GATE_E_IO,
        .syms = syms,
        .nsyms = GATE_ARRAY_SIZE(syms),
    };
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_dl_load(&lib, &err), GATE_OK);
    assert_true(m.cos(0.0) == 1.0);
}

/* ---- init: once, whatever the threads; its failure is the load's ---------- */

static int inits;

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

static const char *const libm_only[] = {"libm.so.6", NULL};
static struct {
    GATE_DL_FN(sqrt)
} m2;
static const struct gate_dl_sym m2_syms[] = {GATE_DL_SYM(m2, sqrt)};
static struct gate_dl counted = {
    .name = "libm",
    .sonames = libm_only,
    .need = "to run this test",
    .package = "libc6",
    .code = GATE_E_IO,
    .syms = m2_syms,
    .nsyms = GATE_ARRAY_SIZE(m2_syms),
    .init = count_init,
};

static void *load_counted(void *arg)
{
    struct gate_err err = {0};

    *(enum gate_code *)arg = gate_dl_load(&counted, &err);
    return NULL;
}

static void test_init_once(void **state)
{
    pthread_t t[8];
    enum gate_code rc[8];
    static struct gate_dl failing = {
        .name = "libm",
        .sonames = libm_only,
        .need = "to run this test",
        .package = "libc6",
        .code = GATE_E_IO,
        .syms = m2_syms,
        .nsyms = GATE_ARRAY_SIZE(m2_syms),
        .init = failing_init,
    };
    struct gate_err err = {0};
    struct gate_err again = {0};

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(t); i++)
        assert_int_equal(pthread_create(&t[i], NULL, load_counted, &rc[i]), 0);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(t); i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(rc[i], GATE_OK);
    }
    assert_int_equal(inits, 1);
    assert_true(m2.sqrt(4.0) == 2.0);

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
