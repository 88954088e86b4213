/* SPDX-License-Identifier: MIT */
/*
 * test_history.c - Prisma's checksums (CRLF/LF variants, legacy unpadded
 * hex, BOM, invalid UTF-8 as Node decodes it), the migration_lock.toml
 * reader's quirks, the per-migration classification, connection URLs and
 * password scrubbing.
 *
 * Expected values: "hello" and the line-ending cases are the test vectors
 * of prisma-engines' checksum.rs; the U+FFFD replacements were produced
 * with Node 20 (Buffer#toString('utf-8'), what Prisma >= 6.6 uses).
 */
#include "gate/compat.h"
#include "gate/db.h"
#include "gate/digest.h"
#include "gate/history.h"
#include "gate/introspect.h"
#include "gate/run.h"
#include "gate/utf8.h"
#include "gate/xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

/* ------------------------------------------------------------- helpers */

static size_t unhex(const char *hex, char *out)
{
    size_t n = 0;

    for (; hex[0] && hex[1]; hex += 2) {
        char pair[3] = {hex[0], hex[1], '\0'};

        out[n++] = (char)strtoul(pair, NULL, 16);
    }
    return n;
}

static void tohex(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        (void)snprintf(out + 2 * i, 3, "%02x", (unsigned char)s[i]);
    out[2 * n] = '\0';
}

static void sums_of(const char *s, struct gate_checksums *c)
{
    gate_history_checksums(s, strlen(s), c);
}

static void sha(const char *s, char out[65])
{
    gate_sha256_hex(s, strlen(s), out);
}

/* --------------------------------------------------------------- UTF-8 */

static void test_utf8_replacement(void **state)
{
    static const struct {
        const char *in, *out; /* hex; out "" = valid, unchanged */
    } rows[] = {
        {"61ff62", "61efbfbd62"},
        {"e28278", "efbfbd78"},                   /* truncated sequence */
        {"eda080", "efbfbdefbfbdefbfbd"},         /* surrogate */
        {"f0808080", "efbfbdefbfbdefbfbdefbfbd"}, /* overlong */
        {"c0af", "efbfbdefbfbd"},
        {"f4908080", "efbfbdefbfbdefbfbdefbfbd"}, /* above U+10FFFF */
        {"f09f98", "efbfbd"},                     /* cut at the end */
        {"e0a041", "efbfbd41"},
        {"80", "efbfbd"},
        {"fe", "efbfbd"},
        {"41c3", "41efbfbd"},
        {"e08080", "efbfbdefbfbdefbfbd"}, /* overlong 3-byte */
        {"edbfbf", "efbfbdefbfbdefbfbd"}, /* surrogate, upper half */
        {"c1bf", "efbfbdefbfbd"},
        {"e0a080", ""},   /* U+0800, the first 3-byte one */
        {"ed9fbf", ""},   /* U+D7FF */
        {"f48fbfbf", ""}, /* U+10FFFF */
        {"c280", ""},
        {"e282ac", ""}, /* valid: euro sign */
        {"f09f9880", ""},
        {"efbfbd", ""},
        {"efbbbf41", ""}, /* BOM is valid UTF-8 */
        {"", ""},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char in[64], hex[256];
        size_t n = unhex(rows[i].in, in), outlen = 0;
        char *fixed = gate_utf8_fix(in, n, &outlen);

        if (!*rows[i].out) {
            assert_null(fixed);
            assert_true(gate_utf8_valid(in, n));
            continue;
        }
        assert_false(gate_utf8_valid(in, n));
        assert_non_null(fixed);
        tohex(fixed, outlen, hex);
        assert_string_equal(hex, rows[i].out);
        free(fixed);
    }
}

/* ----------------------------------------------------------- checksums */

static void test_checksum_vectors(void **state)
{
    struct gate_checksums c;

    (void)state;
    sums_of("hello", &c);
    assert_string_equal(c.sum[0],
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert_true(gate_history_checksum_matches(
        &c, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    /* case matters, as in Rust's == */
    assert_false(gate_history_checksum_matches(
        &c, "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"));
    assert_false(gate_history_checksum_matches(&c, ""));
    assert_false(gate_history_checksum_matches(&c, NULL));
    /* checksum.rs script_matches_checksum_negative */
    {
        char abcd[65];

        sha("abcd", abcd);
        sums_of("abc", &c);
        assert_false(gate_history_checksum_matches(&c, abcd));
        sha("abc", abcd);
        sums_of("abc\n", &c);
        assert_false(gate_history_checksum_matches(&c, abcd));
    }
}

static void test_checksum_line_endings(void **state)
{
    /* checksum.rs script_matches_checksum_is_line_ending_agnostic */
    static const char *const groups[][2] = {
        {"ab\ncd\nef\ngh\rab", "ab\r\ncd\r\nef\r\ngh\rab"},
        {"ab\ncd\nef\ngh\rab\n", "ab\r\ncd\r\nef\r\ngh\rab\r\n"},
    };

    (void)state;
    for (size_t g = 0; g < GATE_ARRAY_SIZE(groups); g++) {
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                struct gate_checksums c;
                char stored[65];

                sums_of(groups[g][a], &c);
                sha(groups[g][b], stored);
                assert_true(gate_history_checksum_matches(&c, stored));
            }
        }
    }
    /* LF -> CRLF applies to the original: an existing CRLF becomes CR CR LF */
    {
        struct gate_checksums c;
        char stored[65];

        sums_of("a\r\nb\n", &c);
        sha("a\r\r\nb\r\n", stored);
        assert_string_equal(c.sum[2], stored);
        assert_true(gate_history_checksum_matches(&c, stored));
        sha("a\r\nb\r\n", stored); /* all-CRLF is not one of the three */
        assert_false(gate_history_checksum_matches(&c, stored));
        sha("a\nb\n", stored);
        assert_string_equal(c.sum[1], stored);
    }
    /* a lone CR is not a line ending */
    {
        struct gate_checksums c;
        char stored[65];

        sums_of("a\rb", &c);
        sha("a\nb", stored);
        assert_false(gate_history_checksum_matches(&c, stored));
    }
}

/* The variants are computed only when the first checksum does not match. */
static void test_checksum_lazy(void **state)
{
    static const char script[] = "A;\r\nB;\r\n";
    struct gate_checksums c;
    char stored[65];

    (void)state;
    gate_history_checksums_lazy(script, strlen(script), &c);
    assert_false(c.variants);
    sha(script, stored);
    assert_true(gate_history_checksum_matches(&c, stored));
    assert_false(c.variants); /* matched the first: nothing more computed */
    sha("A;\nB;\n", stored);
    assert_true(gate_history_checksum_matches(&c, stored));
    assert_true(c.variants);
    assert_null(c.data); /* no longer needed */
    {
        struct gate_checksums eager;

        gate_history_checksums(script, strlen(script), &eager);
        assert_memory_equal(eager.sum, c.sum, sizeof(c.sum));
    }
}

static void test_checksum_legacy_unpadded(void **state)
{
    struct gate_checksums c;
    char old[65];
    size_t k = 0;
    const char *script = NULL;
    char buf[32];

    (void)state;
    /* find a script whose digest has a byte below 0x10 (most do) */
    for (int i = 0; i < 100 && !script; i++) {
        (void)snprintf(buf, sizeof(buf), "SELECT %d;", i);
        sums_of(buf, &c);
        for (size_t b = 0; b < 64; b += 2) {
            if (c.sum[0][b] == '0') {
                script = buf;
                break;
            }
        }
    }
    assert_non_null(script);
    for (size_t b = 0; b < 64; b += 2) {
        if (c.sum[0][b] != '0')
            old[k++] = c.sum[0][b];
        old[k++] = c.sum[0][b + 1];
    }
    old[k] = '\0';
    assert_true(k < 64);
    assert_true(gate_history_checksum_matches(&c, old));
    /* the padded form of the same digest still matches; a truncated one does not */
    assert_true(gate_history_checksum_matches(&c, c.sum[0]));
    old[k - 1] = old[k - 1] == 'a' ? 'b' : 'a';
    assert_false(gate_history_checksum_matches(&c, old));
    {
        char cut[65];

        memcpy(cut, c.sum[0], 63);
        cut[63] = '\0';
        assert_false(gate_history_checksum_matches(&c, cut));
    }
}

static void test_checksum_bom_and_invalid_utf8(void **state)
{
    struct gate_checksums c;
    char stored[65];
    char file[64];
    size_t n;

    (void)state;
    /* a BOM is part of the script (Node keeps it) */
    sums_of("\xEF\xBB\xBF"
            "SELECT 1;\n",
            &c);
    sha("\xEF\xBB\xBF"
        "SELECT 1;\n",
        stored);
    assert_string_equal(c.sum[0], stored);
    sha("SELECT 1;\n", stored);
    assert_false(gate_history_checksum_matches(&c, stored));

    /* invalid UTF-8: Node's readFile(…, 'utf-8') then sha256 (computed with Node 20) */
    n = unhex("2d2d20e928630a53454c45435420313b0a", file); /* "-- \xe9(c\nSELECT 1;\n" */
    gate_history_checksums(file, n, &c);
    assert_string_equal(c.sum[0],
                        "59daed90f74ce67baacf6b250b13470830ce16be849926651f3bfd4c36132c41");
    gate_sha256_hex(file, n, stored); /* the raw bytes are not what Prisma stores */
    assert_false(gate_history_checksum_matches(&c, stored));
    sha("-- \xEF\xBF\xBD(c\nSELECT 1;\n", stored);
    assert_string_equal(c.sum[0], stored);
}

/* ----------------------------------------------------------- lock file */

static void test_lock_reader(void **state)
{
    static const struct {
        const char *file, *provider;
    } rows[] = {
        {"# Please do not edit this file manually\n# It should be added in your "
         "version-control system (e.g., Git)\nprovider = \"postgresql\"\n",
         "postgresql"},
        {"# Please do not edit this file manually\r\nprovider = \"postgresql\"\r\n", "postgresql"},
        {"provider = \"postgresql\"", "postgresql"},          /* pre-6.6: no final LF */
        {"provider = \"postgresql\"\r", "postgresql\"\r"},    /* a bare CR stays */
        {"provider=\"postgresql\"", "provider=\"postgresql"}, /* whitespace-sensitive */
        {"provider =\"postgresql\"", "provider =\"postgresql"},
        {"provider = 'postgresql'", "'postgresql'"},
        {"provider = \"\"postgresql\"\"", "postgresql"},
        {"provider = provider = \"mysql\"", "mysql"}, /* trim_start_matches repeats */
        {"providers = \"postgresql\"", "providers = \"postgresql"},
        {"  provider = \"postgresql\"", GATE_LOCK_NO_PROVIDER},           /* must start the line */
        {"\xEF\xBB\xBFprovider = \"postgresql\"", GATE_LOCK_NO_PROVIDER}, /* BOM kept */
        {"provider = \"mysql\"\nprovider = \"postgresql\"\n", "mysql"},   /* the first one */
        {"provider = \"cockroachdb\"\n", "cockroachdb"},
        {"# nothing here\n", GATE_LOCK_NO_PROVIDER},
        {"", GATE_LOCK_NO_PROVIDER},
        {"provider = \"postgresql\" # comment", "postgresql\" # comment"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        char *p = gate_lock_provider(rows[i].file, strlen(rows[i].file));

        assert_string_equal(p, rows[i].provider);
        free(p);
    }
}

/* ------------------------------------------------------ classification */

#define T1 "2024-01-01T00:00:01.000000Z"
#define T2 "2024-01-01T00:00:02.000000Z"
#define T3 "2024-01-01T00:00:03.000000Z"

static struct gate_hist_row row(const char *name, const char *sum, const char *started,
                                const char *finished, const char *rolled)
{
    struct gate_hist_row r;

    memset(&r, 0, sizeof(r));
    r.id = (char *)(uintptr_t) "id";
    r.name = (char *)(uintptr_t)name;
    r.checksum = (char *)(uintptr_t)sum;
    r.started_at = (char *)(uintptr_t)started;
    r.finished_at = (char *)(uintptr_t)finished;
    r.rolled_back_at = (char *)(uintptr_t)rolled;
    return r;
}

static struct gate_hist_local local(const char *name, const char *script)
{
    struct gate_hist_local l;

    memset(&l, 0, sizeof(l));
    l.name = name;
    l.readable = script != NULL;
    if (script)
        sums_of(script, &l.sums);
    return l;
}

static const struct gate_hist_entry *entry(const struct gate_hist_result *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!strcmp(r->entries[i].name, name))
            return &r->entries[i];
    }
    fail_msg("no entry %s", name);
    return NULL;
}

static void test_classify_states(void **state)
{
    char s_a[65], s_b[65], s_c_old[65], s_c[65], s_f[65], s_x[65];
    struct gate_hist_local locals[7];
    struct gate_hist_row rows[9];
    struct gate_hist_db db;
    struct gate_hist_result r;
    const struct gate_hist_entry *e;

    (void)state;
    sha("A;", s_a);
    sha("B;", s_b);
    sha("C broken;", s_c_old);
    sha("C;", s_c);
    sha("F;", s_f);
    locals[0] = local("1_applied", "A;");
    locals[1] = local("2_modified", "B edited;");
    locals[2] = local("3_retried", "C;"); /* failed, rolled back, fixed, re-applied */
    locals[3] = local("4_failed", "F;");
    locals[4] = local("5_rolled_back_only", "R;");
    locals[5] = local("6_pending", "P;");
    locals[6] = local("7_crlf", "X;\r\nY;\r\n"); /* applied from an LF checkout */
    rows[0] = row("1_applied", s_a, T1, T1, NULL);
    rows[1] = row("2_modified", s_b, T1, T1, NULL);
    rows[2] = row("3_retried", s_c_old, T1, NULL, T2);
    rows[3] = row("3_retried", s_c, T2, T2, NULL);
    rows[4] = row("4_failed", s_f, T2, NULL, NULL);
    rows[5] = row("5_rolled_back_only", s_f, T2, NULL, T3);
    rows[6] = row("0_gone", s_a, T1, T1, NULL);           /* missing locally */
    rows[7] = row("45_gone_failed", s_a, T3, NULL, NULL); /* not on disk, failed */
    sha("X;\nY;\n", s_x);
    rows[8] = row("7_crlf", s_x, T3, T3, NULL);
    memset(&db, 0, sizeof(db));
    db.has_table = true;
    db.rows = rows;
    db.nrows = GATE_ARRAY_SIZE(rows);

    gate_history_classify(locals, GATE_ARRAY_SIZE(locals), &db, false, &r);
    assert_int_equal(r.n, 9);
    /* merged by name: 0_gone first, 45_gone_failed between 4_ and 5_ */
    assert_string_equal(r.entries[0].name, "0_gone");
    assert_string_equal(r.entries[5].name, "45_gone_failed");
    assert_string_equal(r.entries[8].name, "7_crlf");

    e = entry(&r, "1_applied");
    assert_int_equal(e->state, GATE_MSTATE_APPLIED);
    assert_false(e->prisma_edited);
    e = entry(&r, "2_modified");
    assert_int_equal(e->state, GATE_MSTATE_MODIFIED);
    assert_true(e->prisma_edited);
    e = entry(&r, "3_retried");
    assert_int_equal(e->state, GATE_MSTATE_APPLIED);
    assert_int_equal(e->nrows, 2);
    assert_int_equal(e->applied_row, 3);
    assert_true(e->prisma_edited); /* Prisma compares with the first (rolled-back) row */
    e = entry(&r, "4_failed");
    assert_int_equal(e->state, GATE_MSTATE_FAILED);
    assert_int_equal(e->failed_row, 4);
    e = entry(&r, "5_rolled_back_only");
    assert_int_equal(e->state, GATE_MSTATE_PENDING);
    assert_true(e->only_rolled_back);
    assert_true(e->out_of_order); /* deploy re-applies it after 7_crlf */
    e = entry(&r, "6_pending");
    assert_int_equal(e->state, GATE_MSTATE_PENDING);
    assert_int_equal(e->nrows, 0);
    assert_true(e->out_of_order); /* 7_crlf is applied */
    e = entry(&r, "7_crlf");
    assert_int_equal(e->state, GATE_MSTATE_APPLIED);
    e = entry(&r, "0_gone");
    assert_int_equal(e->state, GATE_MSTATE_MISSING_LOCALLY);
    assert_int_equal(e->local, -1);
    e = entry(&r, "45_gone_failed");
    assert_int_equal(e->state, GATE_MSTATE_FAILED);
    assert_int_equal(e->local, -1);

    assert_int_equal(r.napplied, 3);
    assert_int_equal(r.nmodified, 1);
    assert_int_equal(r.nfailed, 2);
    assert_int_equal(r.npending, 2);
    assert_int_equal(r.nmissing, 1);
    assert_int_equal(r.nfailed_rows, 2);
    /* fs_not_in_db (6_pending) and db_not_in_fs: histories diverge */
    assert_int_equal(r.prisma_exit, 1);
    assert_string_equal(r.prisma_says, "Your local migration history and the migrations table "
                                       "from your database are different");
    gate_hist_result_release(&r);
}

static void test_classify_prisma_status(void **state)
{
    char s_a[65];
    struct gate_hist_local locals[2];
    struct gate_hist_row rows[3];
    struct gate_hist_db db;
    struct gate_hist_result r;

    (void)state;
    sha("A;", s_a);
    locals[0] = local("1_a", "A;");
    locals[1] = local("2_b", "B;");
    memset(&db, 0, sizeof(db));

    /* no table, no tables: both pending, Prisma lists them */
    gate_history_classify(locals, 2, &db, false, &r);
    assert_int_equal(r.npending, 2);
    assert_int_equal(r.prisma_exit, 1);
    assert_string_equal(r.prisma_says, "Following migrations have not yet been applied");
    gate_hist_result_release(&r);

    /* no table and no local migrations: not managed */
    gate_history_classify(locals, 0, &db, false, &r);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.prisma_says, "The current database is not managed by Prisma Migrate.");
    gate_hist_result_release(&r);

    /* up to date although edited and missing locally: Prisma exits 0 */
    db.has_table = true;
    rows[0] = row("1_a", "0000", T1, T1, NULL);
    rows[1] = row("2_b", s_a, T1, T1, NULL);
    rows[2] = row("3_gone", s_a, T2, T2, NULL);
    db.rows = rows;
    db.nrows = 3;
    gate_history_classify(locals, 2, &db, false, &r);
    assert_int_equal(r.nmodified, 2);
    assert_int_equal(r.nmissing, 1);
    assert_int_equal(r.prisma_exit, 0);
    assert_string_equal(r.prisma_says, "Database schema is up to date!");
    gate_hist_result_release(&r);

    /* rolled-back only: Prisma counts it as in the database (up to date), deploy re-applies */
    rows[0] = row("1_a", s_a, T1, T1, NULL);
    rows[1] = row("2_b", s_a, T1, NULL, T2);
    db.nrows = 2;
    gate_history_classify(locals, 2, &db, false, &r);
    assert_int_equal(r.npending, 1);
    assert_int_equal(r.prisma_exit, 0);
    gate_hist_result_release(&r);

    /* failed: hidden by pending ones in Prisma's output */
    rows[1] = row("2_b", s_a, T1, NULL, NULL);
    db.nrows = 2;
    gate_history_classify(locals, 1, &db, false, &r);
    assert_int_equal(r.nfailed, 1);
    assert_string_equal(r.prisma_says, "Following migration have failed");
    gate_hist_result_release(&r);

    /* P3019 first */
    gate_history_classify(locals, 2, &db, true, &r);
    assert_int_equal(r.prisma_exit, 1);
    assert_non_null(strstr(r.prisma_says, "P3019"));
    gate_hist_result_release(&r);

    /* an unreadable migration.sql with rows: state unknown, Prisma fails with P3015 */
    locals[0].readable = false;
    gate_history_classify(locals, 1, &db, false, &r);
    assert_int_equal(r.entries[0].state, GATE_MSTATE_UNKNOWN);
    assert_non_null(strstr(r.prisma_says, "P3015"));
    gate_hist_result_release(&r);

    /* the database could not be read: everything unknown */
    gate_history_classify(locals, 2, NULL, false, &r);
    assert_int_equal(r.nunknown, 2);
    gate_hist_result_release(&r);
}

/* ------------------------------------------------------------------ URLs */

static const char *param(const struct gate_db_url *u, const char *k)
{
    for (size_t i = 0; i < u->nparams; i++) {
        if (!strcmp(u->params[2 * i], k))
            return u->params[2 * i + 1];
    }
    return NULL;
}

static bool ignored(const struct gate_db_url *u, const char *k)
{
    for (size_t i = 0; i < u->nignored; i++) {
        if (!strcmp(u->ignored[i], k))
            return true;
    }
    return false;
}

static void test_url_parse(void **state)
{
    struct gate_db_url u;
    struct gate_err err = {0};

    (void)state;
    assert_int_equal(gate_db_url_parse("postgresql://us%40er:p%3Aw%2Fd@db.example.com:6543/my%20db"
                                       "?schema=tenant_1&sslmode=require&connection_limit=5"
                                       "&pool_timeout=10&pgbouncer=true&socket_timeout=3"
                                       "&statement_cache_size=0&application_name=my+app"
                                       "&target_session_attrs=read-write&foo=bar#frag",
                                       &u, &err),
                     GATE_OK);
    assert_string_equal(u.host, "db.example.com");
    assert_int_equal(u.port, 6543);
    assert_string_equal(u.database, "my db");
    assert_string_equal(u.user, "us@er");
    assert_string_equal(u.password, "p:w/d");
    assert_string_equal(u.password_raw, "p%3Aw%2Fd");
    {
        /* the password is masked as written in the URL and decoded */
        char msg[128] = "auth p%3Aw%2Fd / p:w/d failed";

        gate_db_scrub(msg, sizeof(msg), u.secrets, u.nsecrets);
        assert_string_equal(msg, "auth **** / **** failed");
    }
    assert_string_equal(u.schema, "tenant_1");
    assert_string_equal(gate_db_url_schema(&u), "tenant_1");
    assert_true(u.pgbouncer);
    assert_int_equal(u.connect_timeout, GATE_DB_CONNECT_TIMEOUT);
    assert_string_equal(param(&u, "sslmode"), "require");
    assert_string_equal(param(&u, "application_name"), "my app"); /* form decoding */
    assert_string_equal(param(&u, "target_session_attrs"), "read-write");
    assert_null(param(&u, "schema"));
    assert_null(param(&u, "connection_limit"));
    assert_null(param(&u, "pgbouncer"));
    assert_true(ignored(&u, "connection_limit"));
    assert_true(ignored(&u, "pool_timeout"));
    assert_true(ignored(&u, "socket_timeout"));
    assert_true(ignored(&u, "statement_cache_size"));
    assert_true(ignored(&u, "foo"));
    gate_db_url_release(&u);

    /* Prisma's defaults */
    assert_int_equal(gate_db_url_parse("postgres://h", &u, &err), GATE_OK);
    assert_string_equal(u.host, "h");
    assert_int_equal(u.port, 5432);
    assert_string_equal(u.database, "postgres");
    assert_string_equal(u.user, "");
    assert_null(u.password);
    assert_null(u.schema);
    assert_string_equal(gate_db_url_schema(&u), "public");
    gate_db_url_release(&u);

    assert_int_equal(gate_db_url_parse("postgresql:///db?host=%2Fvar%2Frun%2Fpostgresql", &u, &err),
                     GATE_OK);
    assert_string_equal(u.host, "/var/run/postgresql");
    assert_string_equal(u.database, "db");
    gate_db_url_release(&u);

    assert_int_equal(gate_db_url_parse("postgresql://u@[2001:db8::1]:5433/d", &u, &err), GATE_OK);
    assert_string_equal(u.host, "2001:db8::1");
    assert_int_equal(u.port, 5433);
    gate_db_url_release(&u);

    /* an '@' in the password: the last '@' ends the userinfo */
    assert_int_equal(gate_db_url_parse("postgresql://u:a@b@h/d", &u, &err), GATE_OK);
    assert_string_equal(u.password, "a@b");
    assert_string_equal(u.host, "h");
    gate_db_url_release(&u);

    /* Prisma's sslcert is the CA: libpq's sslrootcert; strict -> verify-full */
    assert_int_equal(gate_db_url_parse("postgresql://h/d?sslmode=require&sslcert=ca.pem"
                                       "&sslaccept=strict&connect_timeout=0",
                                       &u, &err),
                     GATE_OK);
    assert_string_equal(param(&u, "sslrootcert"), "ca.pem");
    assert_string_equal(param(&u, "sslmode"), "verify-full");
    assert_null(param(&u, "sslcert"));
    assert_int_equal(u.connect_timeout, 0);
    gate_db_url_release(&u);

    /* secrets in query parameters are scrubbed too, and not used */
    assert_int_equal(
        gate_db_url_parse("postgresql://h/d?password=qp-secret&sslpassword=k-secret", &u, &err),
        GATE_OK);
    assert_null(param(&u, "password"));
    assert_null(param(&u, "sslpassword"));
    {
        char msg[128] = "x qp-secret y k-secret z";

        gate_db_scrub(msg, sizeof(msg), u.secrets, u.nsecrets);
        assert_string_equal(msg, "x **** y **** z");
    }
    gate_db_url_release(&u);
}

static void test_url_errors(void **state)
{
    static const char *const bad[] = {
        "mysql://root:hunter2-secret@h/d",
        "postgresql://u:hunter2-secret@h:99999/d",
        "postgresql://u:hunter2-secret@h:54x2/d",
        "postgresql://u:hunter2-secret@[::1/d",
        "postgresql://u:hunter2-secret@h/d?pgbouncer=yes",
        "postgresql://u:hunter2-secret@h/d?connect_timeout=soon",
        "hunter2-secret",
        "file:./dev.db?hunter2-secret",
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(bad); i++) {
        struct gate_db_url u;
        struct gate_err err = {0};

        assert_int_equal(gate_db_url_parse(bad[i], &u, &err), GATE_E_USAGE);
        assert_true(err.msg[0]);
        assert_null(strstr(err.msg, "hunter2"));
        assert_null(u.host); /* nothing left to release */
    }
}

static void test_scrub(void **state)
{
    char *secrets[] = {(char *)(uintptr_t) "pw", (char *)(uintptr_t) "postgresql://u:pw@h/d"};
    char msg[64];

    (void)state;
    (void)snprintf(msg, sizeof(msg), "bad URL postgresql://u:pw@h/d and pw pw");
    gate_db_scrub(msg, sizeof(msg), secrets, 2);
    assert_string_equal(msg, "bad URL **** and **** ****");
    /* the mask is longer than the secret and the buffer is full: truncated, terminated */
    memset(msg, 'x', sizeof(msg));
    memcpy(msg + 60, " pw", 3);
    msg[63] = '\0';
    gate_db_scrub(msg, sizeof(msg), secrets, 2);
    assert_null(strstr(msg, "pw"));
    assert_int_equal(strlen(msg), 63);
    /* nothing to do */
    (void)snprintf(msg, sizeof(msg), "fine");
    gate_db_scrub(msg, sizeof(msg), secrets, 0);
    assert_string_equal(msg, "fine");
}

static void test_quote(void **state)
{
    char *s;

    (void)state;
    s = gate_db_quote_ident("we\"ird");
    assert_string_equal(s, "\"we\"\"ird\"");
    free(s);
    s = gate_db_quote_literal("it's");
    assert_string_equal(s, "'it''s'");
    free(s);
    s = gate_db_quote_literal("a\\b");
    assert_string_equal(s, "E'a\\\\b'");
    free(s);
}

/* A refused connection names host, port and database, never the password. */
static void test_connect_refused(void **state)
{
    struct gate_db_url u;
    struct gate_err err = {0};
    struct gate_db *db = NULL;

    (void)state;
    assert_int_equal(gate_db_url_parse("postgresql://someone:hunter2-secret@127.0.0.1:1/appdb"
                                       "?connect_timeout=2",
                                       &u, &err),
                     GATE_OK);
    assert_int_equal(gate_db_connect(&u, &db, &err), GATE_E_DB);
    assert_null(db);
    assert_non_null(strstr(err.msg, "127.0.0.1:1"));
    assert_non_null(strstr(err.msg, "'appdb'"));
    assert_non_null(strstr(err.msg, "P1001"));
    assert_null(strstr(err.msg, "hunter2"));
    gate_db_url_release(&u);
}

/*
 * gate_db_exec_each against a real server (GATE_TEST_PG_URL, as
 * tests/lib.sh exports it; skipped without one): every row-returning
 * result in order, none for BEGIN/COMMIT; a failing statement keeps
 * nothing and names its SQLSTATE; more results than room is an error.
 */
/*
 * The test server's URL and a connection to it (GATE_TEST_PG_URL, set by
 * drift.sh); the test is skipped without one.
 */
static struct gate_db *test_db(struct gate_db_url *u)
{
    const char *url = getenv("GATE_TEST_PG_URL");
    struct gate_err err = {0};
    struct gate_db *db = NULL;

    if (!url || !*url)
        skip();
    assert_int_equal(gate_db_url_parse(url, u, &err), GATE_OK);
    assert_int_equal(gate_db_connect(u, &db, &err), GATE_OK);
    return db;
}

/*
 * sent fails (22012) while another query runs on db: that query works,
 * then gate_db_next gives the error, then the end.
 */
static void held_error(struct gate_db *db, const char *sent)
{
    struct gate_err err = {0};
    struct gate_db_result *r = NULL, *mid = NULL;

    assert_int_equal(gate_db_send(db, sent, &err), GATE_OK);
    assert_int_equal(gate_db_exec(db, "SELECT 5", &mid, &err), GATE_OK);
    assert_string_equal(gate_db_result_value(mid, 0, 0), "5");
    gate_db_result_free(mid);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_E_DB);
    assert_non_null(strstr(err.msg, "22012"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_null(r);
}

/*
 * gate_db_send / gate_db_next: results one at a time, in order; another
 * query in between reads the rest first and keeps it; a failed statement
 * ends the results; one sent query at a time.
 */
static void test_send_next(void **state)
{
    struct gate_db_url u;
    struct gate_err err = {0};
    struct gate_db *db;
    struct gate_db_result *r = NULL, *mid = NULL;

    (void)state;
    db = test_db(&u);

    assert_int_equal(
        gate_db_send(db, "BEGIN READ ONLY; SELECT 1 AS a; SELECT 2 AS b; COMMIT; SELECT 3", &err),
        GATE_OK);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_non_null(r);
    assert_string_equal(gate_db_result_value(r, 0, 0), "1");
    gate_db_result_free(r);
    /* another query now: the rest of the sent one is read and kept */
    assert_int_equal(gate_db_exec(db, "SELECT 'mid'", &mid, &err), GATE_OK);
    assert_string_equal(gate_db_result_value(mid, 0, 0), "mid");
    gate_db_result_free(mid);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_string_equal(gate_db_result_colname(r, 0), "b");
    gate_db_result_free(r);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_string_equal(gate_db_result_value(r, 0, 0), "3");
    gate_db_result_free(r);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_null(r);

    /* a failed statement: the results before it, then the error, then the end */
    assert_int_equal(gate_db_send(db, "SELECT 1; SELECT 1/0; SELECT 2", &err), GATE_OK);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_string_equal(gate_db_result_value(r, 0, 0), "1");
    gate_db_result_free(r);
    assert_int_equal(gate_db_next(db, &r, &err), GATE_E_DB);
    assert_null(r);
    assert_non_null(strstr(err.msg, "22012"));
    assert_string_equal(gate_db_last_sqlstate(db), "22012");
    memset(&err, 0, sizeof(err));
    assert_int_equal(gate_db_next(db, &r, &err), GATE_OK);
    assert_null(r);

    /* an error kept while another query ran is given by gate_db_next */
    held_error(db, "SELECT 1/0");
    /* a sent transaction failed: held, rolled back, the other query runs */
    held_error(db, "BEGIN; SELECT 1/0; COMMIT");

    /* closed with results still unread: nothing leaks (ASan) */
    assert_int_equal(gate_db_send(db, "SELECT 1; SELECT 2", &err), GATE_OK);
    assert_int_equal(gate_db_exec(db, "SELECT 6", &mid, &err), GATE_OK);
    gate_db_result_free(mid);
    gate_db_close(db);
    gate_db_url_release(&u);
}

static void test_exec_each(void **state)
{
    struct gate_db_url u;
    struct gate_err err = {0};
    struct gate_db *db;
    struct gate_db_result *r[3];
    int n = -1;

    (void)state;
    db = test_db(&u);
    assert_int_equal(gate_db_exec_each(db,
                                       "BEGIN READ ONLY; SELECT 1 AS a; SELECT 'x' AS b, NULL AS c"
                                       " UNION ALL SELECT 'y', 'z'; SELECT 3 WHERE false; COMMIT",
                                       r, 3, &n, &err),
                     GATE_OK);
    assert_int_equal(n, 3);
    assert_string_equal(gate_db_result_colname(r[0], 0), "a");
    assert_string_equal(gate_db_result_value(r[0], 0, 0), "1");
    assert_int_equal(gate_db_result_rows(r[1]), 2);
    assert_int_equal(gate_db_result_cols(r[1]), 2);
    assert_string_equal(gate_db_result_value(r[1], 1, 0), "y");
    assert_null(gate_db_result_value(r[1], 0, 1));
    assert_int_equal(gate_db_result_rows(r[2]), 0);
    for (int i = 0; i < n; i++)
        gate_db_result_free(r[i]);

    assert_int_equal(gate_db_exec_each(db, "SELECT 1; SELECT 1/0; SELECT 2", r, 3, &n, &err),
                     GATE_E_DB);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "22012"));
    assert_string_equal(gate_db_last_sqlstate(db), "22012");

    memset(&err, 0, sizeof(err));
    assert_int_equal(gate_db_exec_each(db, "SELECT 1; SELECT 2", r, 1, &n, &err), GATE_E_DB);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "more than 1 result"));

    /* the connection is still usable */
    assert_int_equal(gate_db_exec_each(db, "SELECT 4", r, 1, &n, &err), GATE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(gate_db_result_value(r[0], 0, 0), "4");
    gate_db_result_free(r[0]);
    gate_db_close(db);
    gate_db_url_release(&u);
}

/*
 * introspect.c writes a plain index's definition itself (as pg_get_indexdef
 * would, without its per-column catalog scans) and asks pg_get_indexdef for
 * the rest: every definition must be pg_get_indexdef's, byte for byte.
 * Indexes of every shape the writer takes or refuses, in a schema of their
 * own, including names that need quoting and keywords.
 */
static void test_index_definitions(void **state)
{
    struct gate_db_url u;
    struct gate_err err = {0};
    struct gate_db *db;
    struct gate_db_result *r = NULL;
    struct gate_arena a = {0};
    struct gate_dbmodel m;
    const char *schema = "gate_idx_test";
    int checked = 0;

    (void)state;
    db = test_db(&u);
    assert_int_equal(
        gate_db_exec(
            db,
            "DROP SCHEMA IF EXISTS gate_idx_test CASCADE; CREATE SCHEMA gate_idx_test;"
            "SET search_path = gate_idx_test;"
            "CREATE TYPE \"Status\" AS ENUM ('a', 'b');"
            "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
            "CREATE TABLE \"User\" (id serial PRIMARY KEY, email text, \"Name\" text, \"select\" int,"
            " \"we\"\"ird col\" text, v varchar(40), st \"Status\", tags text[], nums int[],"
            " j jsonb, d posint, c text COLLATE \"C\", t timestamp(3), u uuid, f float8,"
            " tsv tsvector, r int4range);"
            "CREATE INDEX plain ON \"User\" (email);"
            "CREATE UNIQUE INDEX \"User_email_key2\" ON \"User\" (email, \"Name\");"
            "CREATE INDEX \"desc\" ON \"User\" (t DESC);"
            "CREATE INDEX desc_nf ON \"User\" (t DESC NULLS LAST, id NULLS FIRST);"
            "CREATE INDEX asc_nl ON \"User\" (t ASC NULLS LAST);"
            "CREATE INDEX kw ON \"User\" (\"select\");"
            "CREATE INDEX \"Mixed Case\" ON \"User\" (\"we\"\"ird col\");"
            "CREATE INDEX incl ON \"User\" (email) INCLUDE (\"Name\", t);"
            "CREATE UNIQUE INDEX nnd ON \"User\" (email) NULLS NOT DISTINCT;"
            "CREATE INDEX hash_u ON \"User\" USING hash (u);"
            "CREATE INDEX enum_i ON \"User\" (st);"
            "CREATE INDEX gin_tags ON \"User\" USING gin (tags);"
            "CREATE INDEX btree_nums ON \"User\" (nums);"
            "CREATE INDEX gin_j ON \"User\" USING gin (j);"
            "CREATE INDEX gin_jpo ON \"User\" USING gin (j jsonb_path_ops);"
            "CREATE INDEX gist_tsv ON \"User\" USING gist (tsv);"
            "CREATE INDEX gist_tsv_len ON \"User\" USING gist (tsv tsvector_ops (siglen = 100));"
            "CREATE INDEX gist_r ON \"User\" USING gist (r);"
            "CREATE INDEX brin_t ON \"User\" USING brin (t);"
            "CREATE INDEX spg_r ON \"User\" USING spgist (r);"
            "CREATE INDEX varchar_i ON \"User\" (v);"
            "CREATE INDEX varchar_pat ON \"User\" (v varchar_pattern_ops);"
            "CREATE INDEX text_pat ON \"User\" (email text_pattern_ops);"
            "CREATE INDEX dom ON \"User\" (d);"
            "CREATE INDEX coll_same ON \"User\" (c);"
            "CREATE INDEX coll_other ON \"User\" (c COLLATE \"POSIX\");"
            "CREATE INDEX coll_default ON \"User\" (email COLLATE \"C\");"
            "CREATE INDEX expr ON \"User\" (lower(email));"
            "CREATE INDEX part ON \"User\" (email) WHERE id > 10;"
            "CREATE INDEX fill ON \"User\" (f) WITH (fillfactor = 70);"
            "CREATE INDEX multi ON \"User\" (u, f DESC, email);"
            "CREATE TABLE \"order\" (\"group\" int, \"Key\" text);"
            "CREATE INDEX \"order_group\" ON \"order\" (\"group\", \"Key\" DESC);"
            "CREATE TABLE part_t (k int, v int) PARTITION BY RANGE (k);"
            "CREATE INDEX part_t_k ON part_t (k);"
            "RESET search_path",
            &r, &err),
        GATE_OK);
    gate_db_result_free(r);
    assert_int_equal(gate_introspect(db, &schema, 1, &a, &m, &err), GATE_OK);
    for (size_t i = 0; i < m.n; i++) {
        const struct gate_dbobj *o = &m.objs[i];
        char *q;
        struct gate_db_result *want = NULL;
        const char *def = gate_dbobj_attr(o, "definition");

        if (strcmp(o->kind, "index") != 0)
            continue;
        q = gate_xasprintf(
            "SELECT pg_get_indexdef(to_regclass(quote_ident('gate_idx_test') || '.' || "
            "quote_ident('%s')))",
            o->name);
        assert_int_equal(gate_db_exec(db, q, &want, &err), GATE_OK);
        assert_non_null(def);
        if (strcmp(def, gate_db_result_value(want, 0, 0)) != 0)
            fail_msg("index %s: '%s' written, pg_get_indexdef says '%s'", o->name, def,
                     gate_db_result_value(want, 0, 0));
        assert_non_null(o->shape);
        gate_db_result_free(want);
        free(q);
        checked++;
    }
    assert_int_equal(checked, 33); /* every index above (the primary key is its constraint's) */
    assert_int_equal(gate_db_exec(db, "DROP SCHEMA gate_idx_test CASCADE", &r, &err), GATE_OK);
    gate_db_result_free(r);
    gate_arena_release(&a);
    gate_db_close(db);
    gate_db_url_release(&u);
}

/* gate_db_close_wait: the closed session's backend is gone when it returns true. */
static void test_close_wait(void **state)
{
    const char *url = getenv("GATE_TEST_PG_URL");
    struct gate_db_url u;
    struct gate_err err = {0};
    struct gate_db *a = NULL, *b = NULL, *c = NULL;
    struct gate_db_result *r = NULL;
    char *pid, *sql;

    (void)state;
    if (!url || !*url)
        skip();
    assert_int_equal(gate_db_url_parse(url, &u, &err), GATE_OK);
    assert_int_equal(gate_db_connect(&u, &a, &err), GATE_OK);
    assert_int_equal(gate_db_connect(&u, &b, &err), GATE_OK);
    assert_int_equal(gate_db_exec(b, "SELECT pg_backend_pid()", &r, &err), GATE_OK);
    pid = gate_xstrdup(gate_db_result_value(r, 0, 0));
    gate_db_result_free(r);
    assert_true(gate_db_close_wait(b, a, 5000));
    sql = gate_xasprintf("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid);
    assert_int_equal(gate_db_exec(a, sql, &r, &err), GATE_OK);
    assert_string_equal(gate_db_result_value(r, 0, 0), "0");
    gate_db_result_free(r);
    /* nobody to ask: closed, but not seen gone */
    assert_int_equal(gate_db_connect(&u, &c, &err), GATE_OK);
    assert_false(gate_db_close_wait(c, NULL, 5000));
    assert_true(gate_db_close_wait(NULL, a, 5000));
    free(sql);
    free(pid);
    gate_db_close(a);
    gate_db_url_release(&u);
}

/*
 * gate_db_scrub: a secret made of the mask's own character ends (it looped
 * for ever), a short secret is masked only as a whole word, never inside
 * another, and a long one everywhere.
 */
static void test_scrub_edges(void **state)
{
    char s_star[] = "*", s_two[] = "**", s_a[] = "a", s_xy[] = "xy", s_long[] = "s3cr3t-pw";
    char s_pw[] = "s3cr";
    char *stars[] = {s_star};
    char *two[] = {s_two};
    char *one[] = {s_a};
    char *mixed[] = {s_xy, s_long};
    char msg[128];

    (void)state;
    (void)snprintf(msg, sizeof(msg), "password * for user * rejected");
    gate_db_scrub(msg, sizeof(msg), stars, 1);
    assert_string_equal(msg, "password **** for user **** rejected");
    (void)snprintf(msg, sizeof(msg), "a**b ** c");
    gate_db_scrub(msg, sizeof(msg), two, 1);
    assert_string_equal(msg, "a**b **** c");
    (void)snprintf(msg, sizeof(msg), "connection to server at \"a\" failed: a password");
    gate_db_scrub(msg, sizeof(msg), one, 1);
    assert_string_equal(msg, "connection to server at \"****\" failed: **** password");
    (void)snprintf(msg, sizeof(msg), "xyz:xy@h s3cr3t-pws3cr3t-pw");
    gate_db_scrub(msg, sizeof(msg), mixed, 2);
    assert_string_equal(msg, "xyz:****@h ********");
    /* the result is cut to the buffer, still NUL-terminated */
    {
        char small[8] = "ab s3cr";
        char *pw[] = {s_pw};

        gate_db_scrub(small, sizeof(small), pw, 1);
        assert_string_equal(small, "ab ****");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_replacement),
        cmocka_unit_test(test_checksum_vectors),
        cmocka_unit_test(test_checksum_line_endings),
        cmocka_unit_test(test_checksum_lazy),
        cmocka_unit_test(test_checksum_legacy_unpadded),
        cmocka_unit_test(test_checksum_bom_and_invalid_utf8),
        cmocka_unit_test(test_lock_reader),
        cmocka_unit_test(test_classify_states),
        cmocka_unit_test(test_classify_prisma_status),
        cmocka_unit_test(test_url_parse),
        cmocka_unit_test(test_url_errors),
        cmocka_unit_test(test_scrub),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_exec_each),
        cmocka_unit_test(test_send_next),
        cmocka_unit_test(test_index_definitions),
        cmocka_unit_test(test_close_wait),
        cmocka_unit_test(test_scrub_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
