/* SPDX-License-Identifier: MIT */
/*
 * test_base.c - src (line/column), migration ordering, suggestions,
 * buffers, arena, digest, run-model names.
 */
#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/json.h"
#include "gate/migrations.h"
#include "gate/report.h"
#include "gate/run.h"
#include "gate/src.h"
#include "gate/suggest.h"
#include "gate/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <cmocka.h>

static void test_src_positions(void **state)
{
    static const struct {
        const char *text;
        size_t off;
        int line, col;
    } rows[] = {
        {"abc", 0, 1, 1},
        {"abc", 2, 1, 3},
        {"a\nb", 2, 2, 1},
        {"a\r\nb", 3, 2, 1}, /* CRLF is one line break */
        {"a\r\nb\r\nc", 6, 3, 1},
        {"a\rb", 2, 2, 1},      /* lone CR */
        {"\xC3\xA9x", 2, 1, 2}, /* é is one column */
        {"-- \xE2\x82\xAC\nSELECT", 7, 2, 1},
        {"\xE2\x82\xAC\xE2\x82\xAC y", 7, 1, 4},
        {"abc", 99, 1, 4}, /* clamped */
        {"", 0, 1, 1},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_src src;
        int line, col;

        gate_src_init(&src, rows[i].text, strlen(rows[i].text));
        gate_src_position(&src, rows[i].off, &line, &col);
        assert_int_equal(line, rows[i].line);
        assert_int_equal(col, rows[i].col);
        gate_src_release(&src);
    }
}

/*
 * Many positions on one long line, in order, backwards and across lines:
 * each the same as from a fresh index (the column is carried on from the
 * previous answer on the same line, not recounted from the line's start).
 */
static void test_src_positions_one_line(void **state)
{
    struct gate_buf b = {0};
    struct gate_src src;
    static const size_t offs[] = {0, 5, 5, 4000, 4001, 12, 59999, 60000, 60003, 60001, 7};

    (void)state;
    for (int i = 0; i < 10000; i++)
        gate_buf_adds(&b, i % 3 ? "ab" : "\xC3\xA9"); /* é: two bytes, one column */
    gate_buf_adds(&b, "\nxyz");
    gate_src_init(&src, b.data, b.len);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(offs); i++) {
        struct gate_src fresh;
        int line, col, fline, fcol;

        gate_src_position(&src, offs[i], &line, &col);
        gate_src_init(&fresh, b.data, b.len);
        gate_src_position(&fresh, offs[i], &fline, &fcol);
        gate_src_release(&fresh);
        assert_int_equal(line, fline);
        assert_int_equal(col, fcol);
    }
    gate_src_position(&src, 20000, &(int){0}, &(int){0});
    {
        int line, col;

        gate_src_position(&src, 20002, &line, &col); /* the "y" of line 2 */
        assert_int_equal(line, 2);
        assert_int_equal(col, 2);
    }
    gate_src_release(&src);
    gate_buf_release(&b);
}

static void test_migration_order(void **state)
{
    /* pairs that must sort a < b (Node localeCompare, ICU root) */
    static const char *const rows[][2] = {
        {"20240101000000_add_1", "20240101000000_add1"}, /* _ before digits */
        {"20240101000000_init", "20240101000000_Init"},  /* lower before upper */
        {"20240101000000_a", "20240101000000_B"},        /* case ignored first */
        {"20240101000000", "20240101000000_init"},       /* prefix first */
        {"20240101000000_x", "20240102000000_a"},
        {"0_init", "1_init"},
        {"a b", "a_b"}, /* space before _ */
        {"a_b", "a-b"},
        {"a-b", "a.b"},
        {"a9", "aa"}, /* digits before letters */
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        assert_true(gate_migration_name_cmp(rows[i][0], rows[i][1]) < 0);
        assert_true(gate_migration_name_cmp(rows[i][1], rows[i][0]) > 0);
    }
    assert_int_equal(gate_migration_name_cmp("x_1", "x_1"), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void test_migration_discovery(void **state)
{
    char tmpl[] = "/tmp/gate-test-XXXXXX";
    char *root = mkdtemp(tmpl);
    char path[512];
    struct gate_migration_list list;
    struct gate_err err = {0};

    (void)state;
    assert_non_null(root);
    (void)snprintf(path, sizeof(path), "%s/20240102_b", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/20240102_b/migration.sql", root);
    write_file(path, "SELECT 1;");
    (void)snprintf(path, sizeof(path), "%s/20240101_a with space", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/20240101_a with space/migration.sql", root);
    write_file(path, "SELECT 1;");
    (void)snprintf(path, sizeof(path), "%s/20240103_nosql", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/.hidden", root);
    assert_int_equal(mkdir(path, 0755), 0);
    (void)snprintf(path, sizeof(path), "%s/migration_lock.toml", root);
    write_file(path, "provider = \"postgresql\"\n");
    (void)snprintf(path, sizeof(path), "%s/20240104_link", root);
    assert_int_equal(symlink("20240102_b", path), 0);

    assert_int_equal(gate_migrations_list(root, &list, &err), GATE_OK);
    assert_int_equal(list.n, 4); /* hidden dir included, symlink skipped */
    assert_string_equal(list.items[0].name, ".hidden");
    assert_string_equal(list.items[1].name, "20240101_a with space");
    assert_true(list.items[1].has_sql);
    assert_string_equal(list.items[2].name, "20240102_b");
    assert_string_equal(list.items[3].name, "20240103_nosql");
    assert_false(list.items[3].has_sql);
    assert_true(list.has_lock);
    assert_int_equal(list.nskipped, 1);
    assert_string_equal(list.skipped[0], "20240104_link");
    gate_migration_list_release(&list);

    assert_int_equal(gate_migrations_list("/nonexistent/gate", &list, &err), GATE_E_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/gate"));
    gate_migration_list_release(&list);
    {
        char cmd[600];

        (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_suggest(void **state)
{
    static const char *const words[] = {"ban-drop-table", "ban-drop-column", "renaming-table"};

    (void)state;
    assert_int_equal(gate_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(gate_edit_distance("ab", "ba"), 1);
    assert_string_equal(gate_suggest("ban-drop-tabel", words, 3), "ban-drop-table");
    assert_string_equal(gate_suggest("ban-drop-colum", words, 3), "ban-drop-column");
    assert_null(gate_suggest("xyz", words, 3));
}

static void test_buf_arena(void **state)
{
    struct gate_buf b = {0};
    struct gate_arena a = {0};
    char *s;

    (void)state;
    assert_string_equal(gate_buf_str(&b), "");
    gate_buf_adds(&b, "abc");
    gate_buf_printf(&b, "-%d", 42);
    gate_buf_addc(&b, '!');
    assert_string_equal(gate_buf_str(&b), "abc-42!");
    s = gate_buf_detach(&b);
    assert_string_equal(s, "abc-42!");
    free(s);
    gate_buf_release(&b);
    for (int i = 0; i < 5000; i++) {
        char want[16];

        (void)snprintf(want, sizeof(want), "n%d", i);
        assert_string_equal(gate_arena_printf(&a, "n%d", i), want);
    }
    assert_non_null(gate_arena_alloc(&a, 100000));
    gate_arena_release(&a);
}

/* A wrapped length (the fuzz_sql bug in lint.c) stops with a BUG, not a heap overflow. */
/* GATE_ARENA_GROW: the used elements move along, the rest is zeroed, cap only grows. */
/* What a worker allocated from its own arena lives on in the arena that absorbs it. */
static void test_arena_absorb(void **state)
{
    struct gate_arena run = {0}, worker = {0}, empty = {0};
    char *kept[50];
    char *after;

    (void)state;
    (void)gate_arena_strdup(&run, "the run's first string");
    for (int i = 0; i < 50; i++)
        kept[i] = gate_arena_printf(&worker, "worker %d %0*d", i, 2000, i);
    gate_arena_absorb(&run, &worker);
    assert_null(worker.head);
    assert_int_equal(worker.total, 0);
    gate_arena_absorb(&run, &empty); /* nothing to move */
    after = gate_arena_strdup(&run, "allocated after");
    for (int i = 0; i < 50; i++) {
        char want[32];

        (void)snprintf(want, sizeof(want), "worker %d 0", i);
        assert_memory_equal(kept[i], want, strlen(want));
    }
    assert_string_equal(after, "allocated after");
    gate_arena_absorb(&empty, &run); /* into an empty arena */
    assert_string_equal(after, "allocated after");
    assert_null(run.head);
    gate_arena_release(&empty); /* frees every chunk once (valgrind/ASan would say) */
}

static void test_arena_grow(void **state)
{
    struct gate_arena a = {0};
    int *arr = NULL;
    size_t n = 0, cap = 0;
    int *before;

    (void)state;
    for (int i = 0; i < 1000; i++) {
        GATE_ARENA_GROW(&a, arr, cap, n, n + 1);
        assert_true(cap > n);
        assert_int_equal(arr[n], 0);
        arr[n++] = i;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(arr[i], i);
    assert_int_equal(cap, 1024);
    before = arr;
    GATE_ARENA_GROW(&a, arr, cap, n, 5); /* room already: nothing moves */
    assert_ptr_equal(arr, before);
    assert_int_equal(cap, 1024);
    GATE_ARENA_GROW(&a, arr, cap, n, 5000); /* several doublings at once */
    assert_int_equal(cap, 8192);
    assert_int_equal(arr[999], 999);
    assert_int_equal(arr[8191], 0);
    gate_arena_release(&a);
}

/* gate_path_join, gate_path_resolve, gate_path_dir: table-driven. */
static void test_paths(void **state)
{
    static const struct {
        const char *fn, *a, *b, *want;
    } cases[] = {
        {"join", "a", "b", "a/b"},
        {"join", "a/", "b", "a/b"},
        {"join", "/", "b", "/b"},
        {"join", "", "b", "b"}, /* a repository's root */
        {"join", "a/b", "c/d", "a/b/c/d"},
        {"resolve", ".", "prisma/schema.prisma", "prisma/schema.prisma"},
        {"resolve", ".", "./prisma", "prisma"},
        {"resolve", ".", "././prisma", "prisma"},
        {"resolve", ".", "./", "."},
        {"resolve", ".", "", "."},
        {"resolve", "app", "./migrations", "app/migrations"},
        {"resolve", "app/", "migrations", "app/migrations"},
        {"resolve", "app", "/abs/m", "/abs/m"},
        {"resolve", "app", ".", "app"},
        {"resolve", "app", "", "app"},
        {"resolve", "app", "../m", "app/../m"},
        {"dir", "a/b/c.prisma", NULL, "a/b"},
        {"dir", "c.prisma", NULL, "."},
        {"dir", "/c.prisma", NULL, "/"},
        {"dir", "a/", NULL, "a"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(cases); i++) {
        char *got;

        if (!strcmp(cases[i].fn, "join"))
            got = gate_path_join(cases[i].a, cases[i].b);
        else if (!strcmp(cases[i].fn, "resolve"))
            got = gate_path_resolve(cases[i].a, cases[i].b);
        else
            got = gate_path_dir(cases[i].a);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s('%s', '%s') = '%s', want '%s'", cases[i].fn, cases[i].a,
                     cases[i].b ? cases[i].b : "", got, cases[i].want);
        free(got);
    }
}

static void test_arena_huge(void **state)
{
    for (int k = 0; k < 2; k++) {
        pid_t pid = fork();
        int st = 0;

        assert_true(pid >= 0);
        if (pid == 0) {
            struct gate_arena a = {0};

            (void)freopen("/dev/null", "w", stderr);
            if (k == 0)
                (void)gate_arena_strndup(&a, "x", SIZE_MAX);
            else
                (void)gate_arena_alloc(&a, SIZE_MAX - 3);
            _exit(0);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGABRT);
    }
    (void)state;
}

static void test_digest(void **state)
{
    char hex[65];
    char mac[65];

    (void)state;
    gate_sha256_hex("hello", 5, hex);
    assert_string_equal(hex, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    /* RFC 4231 test case 2 */
    gate_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, mac);
    assert_string_equal(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_true(gate_ct_equal("abc", "abc", 3));
    assert_false(gate_ct_equal("abc", "abd", 3));
}

static void test_names(void **state)
{
    enum gate_risk r;

    (void)state;
    assert_true(gate_risk_parse("medium", &r));
    assert_int_equal(r, GATE_RISK_MEDIUM);
    assert_false(gate_risk_parse("hihg", &r));
    assert_string_equal(gate_risk_name(GATE_RISK_CRITICAL), "critical");
    assert_string_equal(gate_mstate_name(GATE_MSTATE_MISSING_LOCALLY), "missing-locally");
}

static void test_atomic_write(void **state)
{
    char tmpl[] = "/tmp/gate-test-XXXXXX";
    char *root = mkdtemp(tmpl);
    char path[512];
    char *data = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    (void)state;
    assert_non_null(root);
    (void)snprintf(path, sizeof(path), "%s/sub/dir/report.json", root);
    assert_int_equal(gate_write_file_atomic(path, "{}\n", 3, &err), GATE_OK);
    assert_int_equal(gate_read_file(path, 100, &data, &len, &err), GATE_OK);
    assert_int_equal(len, 3);
    assert_string_equal(data, "{}\n");
    free(data);
    assert_int_equal(gate_read_file(path, 2, &data, &len, &err), GATE_E_LIMIT);
    assert_null(data);
    {
        char cmd[600];

        (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_utf8(void **state)
{
    static const struct {
        const char *s;
        long first_invalid;
    } rows[] = {
        {"plain ascii", -1},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", -1},
        {"x\xC0\x80", 1},        /* overlong NUL */
        {"ab\xED\xA0\x80", 2},   /* surrogate */
        {"\xF4\x90\x80\x80", 0}, /* above U+10FFFF */
        {"euro \xE2\x82", 5},    /* truncated */
        {"\x80", 0},             /* lone continuation byte */
        {"caf\xE9!", 3},         /* latin-1 */
    };
    struct gate_buf b = {0};
    size_t len;

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++)
        assert_int_equal(gate_utf8_first_invalid(rows[i].s, strlen(rows[i].s)),
                         rows[i].first_invalid);
    assert_int_equal(gate_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, &len), 0x20AC);
    assert_int_equal(len, 3);
    assert_int_equal(gate_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 2, &len), -1);
    assert_int_equal(len, 1);
    gate_utf8_repair(&b, "caf\xE9!", 5);
    assert_string_equal(gate_buf_str(&b), "caf\xEF\xBF\xBD!");
    gate_buf_release(&b);
}

/* The JSON writer escapes as jansson does, and repairs invalid UTF-8. */
static void test_json_strings(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } rows[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"q\"b\\s/", "\"q\\\"b\\\\s/\""},
        {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
        {"\x01\x1b\x1f\x7f", "\"\\u0001\\u001B\\u001F\x7f\""},
        {"caf\xC3\xA9 \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xF0\x9F\x98\x80\""},
        {"caf\xE9!", "\"caf\xEF\xBF\xBD!\""},
        {"\xED\xA0\x80x", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\""},
        {"end \xE2\x82", "\"end \xEF\xBF\xBD\xEF\xBF\xBD\""},
    };
    struct gate_buf arr = {0};

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf b = {0};
        struct gate_jsonw w = {.out = &b};
        struct gate_json *j = NULL;
        struct gate_err err = {0};

        gate_jsonw_str(&w, rows[i].in);
        assert_string_equal(gate_buf_str(&b), rows[i].out);
        /* and it reads back (through jansson) as the repaired string */
        gate_buf_reset(&arr);
        gate_buf_printf(&arr, "[%s]", gate_buf_str(&b));
        assert_int_equal(gate_json_parse(gate_buf_str(&arr), arr.len, "test", &j, &err), GATE_OK);
        assert_true(gate_json_is_string(gate_json_array_at(j, 0)));
        if (gate_utf8_first_invalid(rows[i].in, strlen(rows[i].in)) < 0)
            assert_string_equal(gate_json_str_value(gate_json_array_at(j, 0)), rows[i].in);
        gate_json_free(j);
        gate_buf_release(&b);
    }
    gate_buf_release(&arr);
}

/* Colour only when asked, and then risk-coloured (NO_COLOR/TTY are decided in main.c). */
static void test_text_colour(void **state)
{
    struct gate_run run;
    struct gate_buf plain = {0}, col = {0};
    struct gate_migration *m;
    struct gate_finding *f;

    (void)state;
    gate_run_init(&run, "lint");
    m = gate_run_add_migration(&run, "a", "a.sql");
    f = gate_migration_add_finding(m);
    f->rule = "ban-drop-table";
    f->risk = GATE_RISK_CRITICAL;
    f->severity = GATE_SEV_ERROR;
    f->line = 1;
    f->column = 1;
    f->message = "dropping table";
    gate_report_text(&run, &plain, false, false);
    gate_report_text(&run, &col, true, false);
    assert_null(strchr(gate_buf_str(&plain), '\033'));
    /* grouped: the migration's header, its findings under it */
    assert_non_null(strstr(gate_buf_str(&plain), "a.sql  risk "));
    assert_non_null(
        strstr(gate_buf_str(&plain), "\n  1:1  critical  ban-drop-table  dropping table\n"));
    /* the risk column is padded outside the colour */
    assert_non_null(strstr(gate_buf_str(&col), "\033[1;35mcritical\033[0m  ban-drop-table"));
    gate_buf_release(&plain);
    gate_buf_release(&col);
    gate_run_release(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_absorb),
        cmocka_unit_test(test_src_positions),
        cmocka_unit_test(test_src_positions_one_line),
        cmocka_unit_test(test_migration_order),
        cmocka_unit_test(test_migration_discovery),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_buf_arena),
        cmocka_unit_test(test_arena_huge),
        cmocka_unit_test(test_arena_grow),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_digest),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_text_colour),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
