/* SPDX-License-Identifier: MIT */
/*
 * test_health.c - the health checks' pure parts: the backoff schedule,
 * the verdict on a response, the dotted-path JSON matcher, --expect
 * parsing, URL rules (http.c) and a check that is refused before any
 * request. Real HTTP is exercised by tests/integration/health-http.sh
 * against a local server.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/health.h"
#include "gate/http.h"
#include "gate/json.h"
#include "gate/run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_backoff_schedule(void **state)
{
    static const struct {
        long long backoff;
        int k;
        long long want;
    } rows[] =
        {
            {2000, 1, 2000},    {2000, 2, 4000},   {2000, 3, 8000},
            {2000, 4, 16000},   {2000, 5, 30000},  {2000, 6, 30000},
            {2000, 100, 30000}, /* capped at 30 s */
            {100, 1, 100},      {100, 4, 800},     {100, 20, 30000},
            {0, 1, 0},          {0, 5, 0},         {-5, 2, 0},
            {45000, 1, 45000},  {45000, 3, 45000}, /* a backoff above the cap stays itself */
            {1, 0, 1},                             /* k < 1 is treated as the first retry */
        };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        long long got = gate_health_backoff_ms(rows[i].backoff, rows[i].k);

        if (got != rows[i].want)
            fail_msg("backoff(%lld, %d) = %lld, want %lld", rows[i].backoff, rows[i].k, got,
                     rows[i].want);
    }
}

static const char BODY[] = "{\"status\": \"healthy\", \"database\": {\"connected\": true, "
                           "\"latency_ms\": 3, \"ratio\": 0.5, \"replica\": null}, "
                           "\"checks\": [{\"ok\": true}, {\"ok\": false}], \"version\": \"3\"}";

static void test_match_paths(void **state)
{
    static const struct {
        const char *path;
        enum gate_expect_kind kind;
        const char *value;
        bool want;
        const char *why; /* substring of the message when it does not match */
    } rows[] = {
        {"status", GATE_EXPECT_STRING, "healthy", true, NULL},
        {"status", GATE_EXPECT_STRING, "degraded", false,
         "status is \"healthy\", expected \"degraded\""},
        {"database.connected", GATE_EXPECT_BOOL, "true", true, NULL},
        {"database.connected", GATE_EXPECT_BOOL, "false", false,
         "database.connected is true, expected false"},
        {"database.latency_ms", GATE_EXPECT_NUMBER, "3", true, NULL},
        {"database.latency_ms", GATE_EXPECT_NUMBER, "3.0", true, NULL},
        {"database.latency_ms", GATE_EXPECT_NUMBER, "4", false, "is 3, expected 4"},
        {"database.ratio", GATE_EXPECT_NUMBER, "0.5", true, NULL},
        {"database.ratio", GATE_EXPECT_NUMBER, "0.25", false, NULL},
        {"database.replica", GATE_EXPECT_NULL, "null", true, NULL},
        {"database.connected", GATE_EXPECT_NULL, "null", false, NULL},
        {"checks.0.ok", GATE_EXPECT_BOOL, "true", true, NULL},
        {"checks.1.ok", GATE_EXPECT_BOOL, "true", false, "checks.1.ok is false"},
        {"checks.2.ok", GATE_EXPECT_BOOL, "true", false, "checks.2.ok is missing"},
        {"checks.x", GATE_EXPECT_BOOL, "true", false, "missing"},
        {"database.missing", GATE_EXPECT_STRING, "x", false,
         "database.missing is missing from the response, expected \"x\""},
        {"status.deeper", GATE_EXPECT_STRING, "x", false, "missing"},
        /* types must match: "3" is a string, not the number 3 */
        {"version", GATE_EXPECT_NUMBER, "3", false, "version is \"3\", expected 3 (a string)"},
        {"version", GATE_EXPECT_STRING, "3", true, NULL},
        {"database.latency_ms", GATE_EXPECT_STRING, "3", false, "(a number)"},
        {"database", GATE_EXPECT_STRING, "x", false, "(an object)"},
        {"database.connected", GATE_EXPECT_STRING, "true", false, "(a boolean)"},
        {"", GATE_EXPECT_STRING, "x", false, "missing"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_health_expect e = {rows[i].path, rows[i].kind, rows[i].value};
        char why[256] = "";
        bool got = gate_health_match(BODY, strlen(BODY), &e, 1, why, sizeof(why));

        if (got != rows[i].want)
            fail_msg("row %zu: %s = %s: got %d (%s)", i, rows[i].path, rows[i].value, got, why);
        if (rows[i].why && !strstr(why, rows[i].why))
            fail_msg("row %zu: message '%s' lacks '%s'", i, why, rows[i].why);
    }
}

static void test_match_several_and_bodies(void **state)
{
    struct gate_health_expect two[] = {
        {"status", GATE_EXPECT_STRING, "healthy"},
        {"database.connected", GATE_EXPECT_BOOL, "true"},
    };
    struct gate_health_expect bad[] = {
        {"status", GATE_EXPECT_STRING, "healthy"},
        {"database.connected", GATE_EXPECT_BOOL, "false"},
    };
    char why[256] = "";

    (void)state;
    assert_true(gate_health_match(BODY, strlen(BODY), two, 2, why, sizeof(why)));
    assert_false(gate_health_match(BODY, strlen(BODY), bad, 2, why, sizeof(why)));
    assert_non_null(strstr(why, "database.connected is true, expected false"));
    /* no expectations: any body passes, JSON or not */
    assert_true(gate_health_match("<html>", 6, NULL, 0, why, sizeof(why)));
    assert_true(gate_health_match(NULL, 0, NULL, 0, why, sizeof(why)));
    /* expectations need JSON */
    assert_false(gate_health_match("<html>", 6, two, 1, why, sizeof(why)));
    assert_non_null(strstr(why, "the body is not JSON (at 1:1"));
    assert_false(gate_health_match(NULL, 0, two, 1, why, sizeof(why)));
    assert_non_null(strstr(why, "not JSON"));
    assert_false(gate_health_match("{\"status\": ", 11, two, 1, why, sizeof(why)));
    assert_non_null(strstr(why, "not JSON"));
}

/* gate_health_verdict: the status first, then the body; the message says what was seen */
static void test_verdict(void **state)
{
    struct gate_health_expect ok[] = {{"status", GATE_EXPECT_STRING, "healthy"}};
    struct gate_health_check c = {0};
    static const struct {
        int status;
        const char *body;
        size_t nexpect;
        enum gate_status want;
        const char *msg;
    } rows[] = {
        {200, BODY, 0, GATE_STATUS_PASS, "GET 'http://h/health': HTTP 200 as expected"},
        {200, BODY, 1, GATE_STATUS_PASS,
         "GET 'http://h/health': HTTP 200, 1 JSON value as expected"},
        {200, NULL, 0, GATE_STATUS_PASS, "GET 'http://h/health': HTTP 200 as expected"},
        {503, "down\n\x01", 1, GATE_STATUS_FAIL,
         "GET 'http://h/health': HTTP 503, expected 200: down  "},
        {404, NULL, 0, GATE_STATUS_FAIL, "GET 'http://h/health': HTTP 404, expected 200"},
        {200, "<html>", 1, GATE_STATUS_FAIL,
         "GET 'http://h/health': HTTP 200, but the body is not JSON (at 1:1"},
    };

    (void)state;
    c.url = "http://h/health";
    c.expect_status = 200;
    c.expect = ok;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char msg[512];
        const char *b = rows[i].body;

        c.nexpect = rows[i].nexpect;
        assert_int_equal(
            gate_health_verdict(&c, rows[i].status, b, b ? strlen(b) : 0, msg, sizeof(msg)),
            rows[i].want);
        if (strncmp(msg, rows[i].msg, strlen(rows[i].msg)))
            fail_msg("row %zu: '%s', want '%s...'", i, msg, rows[i].msg);
    }
}

static void test_expect_parse(void **state)
{
    static const struct {
        const char *spec;
        const char *path;
        enum gate_expect_kind kind;
        const char *value;
    } rows[] = {
        {"status=healthy", "status", GATE_EXPECT_STRING, "healthy"},
        {"database.connected=true", "database.connected", GATE_EXPECT_BOOL, "true"},
        {"a=false", "a", GATE_EXPECT_BOOL, "false"},
        {"a=null", "a", GATE_EXPECT_NULL, "null"},
        {"a=200", "a", GATE_EXPECT_NUMBER, "200"},
        {"a=-1.5e3", "a", GATE_EXPECT_NUMBER, "-1.5e3"},
        {"a=\"200\"", "a", GATE_EXPECT_STRING, "200"},
        {"a=\"true\"", "a", GATE_EXPECT_STRING, "true"},
        {"a=", "a", GATE_EXPECT_STRING, ""},
        {"a=x=y", "a", GATE_EXPECT_STRING, "x=y"},
        {"a=12abc", "a", GATE_EXPECT_STRING, "12abc"},
    };
    struct gate_arena arena = {0};
    struct gate_health_expect e;
    struct gate_err err = {0};

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        assert_int_equal(gate_health_expect_parse(rows[i].spec, &e, &arena, &err), GATE_OK);
        assert_string_equal(e.path, rows[i].path);
        assert_int_equal(e.kind, rows[i].kind);
        assert_string_equal(e.value, rows[i].value);
    }
    assert_int_equal(gate_health_expect_parse("status", &e, &arena, &err), GATE_E_USAGE);
    assert_non_null(strstr(err.msg, "PATH=VALUE"));
    gate_err_clear(&err);
    assert_int_equal(gate_health_expect_parse("=x", &e, &arena, &err), GATE_E_USAGE);
    gate_arena_release(&arena);
}

static void test_url_rules(void **state)
{
    static const struct {
        const char *url;
        bool ok;
        const char *why;
    } rows[] = {
        {"http://127.0.0.1:8080/health", true, NULL},
        {"https://example.com/api/health?x=1", true, NULL},
        {"HTTP://example.com/", true, NULL},
        {"http://[::1]:3000/health", true, NULL},
        {"ftp://example.com/health", false, "is not http:// or https://"},
        {"file:///etc/passwd", false, "is not http:// or https://"},
        {"example.com/health", false, "is not http:// or https://"},
        {"", false, "empty URL"},
        {"http://user:secret@example.com/health", false, "has credentials"},
        {"https://token@example.com/", false, "has credentials"},
        {"http:///health", false, NULL},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_err err = {0};
        enum gate_code rc = gate_http_url_check(rows[i].url, &err);

        if ((rc == GATE_OK) != rows[i].ok)
            fail_msg("%s: got %d (%s)", rows[i].url, rc, err.msg);
        if (rows[i].why && !strstr(err.msg, rows[i].why))
            fail_msg("%s: message '%s' lacks '%s'", rows[i].url, err.msg, rows[i].why);
        if (strstr(err.msg, "secret"))
            fail_msg("%s: message shows the password: %s", rows[i].url, err.msg);
    }
}

static void test_url_redact(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"http://u:p@h/x", "http://***@h/x"},
        /* up to the last '@' of the URL: a password may hold an unencoded '/', '?' or '#' */
        {"https://tok@h:1/a@b", "https://***@b"},
        {"http://h/x?u=a@b", "http://***@b"},
        {"http://u:hunter2/x@h/y", "http://***@h/y"},
        {"http://u:hun?ter2@h", "http://***@h"},
        {"http://u:hu#nter2@h", "http://***@h"},
        {"http://h", "http://h"},
        {"no-scheme", "no-scheme"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char *s = gate_http_url_redact(rows[i].in);

        assert_string_equal(s, rows[i].out);
        free(s);
    }
}

static void test_json_path(void **state)
{
    struct gate_json *root = NULL;
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_json_parse(BODY, strlen(BODY), "t", &root, &err), GATE_OK);
    assert_true(gate_json_is_bool(gate_json_path(root, "database.connected")));
    assert_true(gate_json_bool_value(gate_json_path(root, "database.connected")));
    assert_int_equal(gate_json_int_value(gate_json_path(root, "database.latency_ms")), 3);
    assert_true(gate_json_is_null(gate_json_path(root, "database.replica")));
    assert_false(gate_json_bool_value(gate_json_path(root, "checks.1.ok")));
    assert_null(gate_json_path(root, "checks.9"));
    assert_null(gate_json_path(root, "database."));
    assert_null(gate_json_path(root, ".status"));
    assert_null(gate_json_path(root, NULL));
    assert_null(gate_json_path(NULL, "status"));
    gate_json_free(root);
}

/* A check refused before any request: no network, one result, status error, 0 attempts. */
static void test_run_refused_url(void **state)
{
    struct gate_run run;
    struct gate_health_check c[2];
    size_t bad;

    (void)state;
    memset(c, 0, sizeof(c));
    c[0].name = "creds";
    c[0].url = "http://user:secret@127.0.0.1:1/health";
    c[0].expect_status = 200;
    c[0].timeout_ms = 1000;
    c[0].retries = 3;
    c[0].backoff_ms = 10;
    c[1] = c[0];
    c[1].name = "scheme";
    c[1].url = "gopher://127.0.0.1:1/";
    gate_run_init(&run, "health");
    bad = gate_health_run(&run, c, 2);
    assert_int_equal(bad, 2);
    assert_int_equal(run.nhealth, 2);
    assert_string_equal(run.health[0].name, "creds");
    assert_int_equal(run.health[0].status, GATE_STATUS_ERROR);
    assert_int_equal(run.health[0].attempts, 0);
    assert_null(strstr(run.health[0].url, "secret"));
    assert_null(strstr(run.health[0].message, "secret"));
    assert_non_null(strstr(run.health[0].message, "credentials"));
    assert_string_equal(run.health[1].name, "scheme");
    assert_int_equal(run.health[1].attempts, 0);
    assert_non_null(strstr(run.health[1].message, "not http:// or https://"));
    assert_int_equal(gate_health_run(&run, c, 0), 0);
    gate_run_release(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_schedule),
        cmocka_unit_test(test_match_paths),
        cmocka_unit_test(test_match_several_and_bodies),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_expect_parse),
        cmocka_unit_test(test_url_rules),
        cmocka_unit_test(test_url_redact),
        cmocka_unit_test(test_json_path),
        cmocka_unit_test(test_run_refused_url),
    };
    struct gate_err err = {0};
    int rc;

    if (gate_http_global_init(&err))
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    gate_http_global_cleanup();
    return rc;
}
