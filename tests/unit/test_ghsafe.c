/* SPDX-License-Identifier: MIT */
/*
 * test_ghsafe.c - the log sanitiser (ghsafe.h): values on one line,
 * workflow commands defused, escape sequences removed from a child's
 * output, the same result however the text is split, gate_text_safe and
 * gate_md_code (a name as a Markdown code span).
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/ghsafe.h"
#include "gate/report_common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define FFFD "\xEF\xBF\xBD"

static const struct {
    const char *in;
    unsigned flags;
    const char *want;
} rows[] = {
    /* a value: one line */
    {"20240102000000_x\n::stop-commands::hideall", 0,
     "20240102000000_x\\n::stop-commands::hideall"},
    {"a\r\nb", 0, "a\\r\\nb"},
    {"a\tb", 0, "a\tb"},
    {"a\tb\nc", GATE_SAFE_SPACES, "a b c"},
    {"\r\n::error::x", GATE_SAFE_SPACES, "  \\::error::x"},
    {"::error::x", 0, "\\::error::x"},
    {"  \t::error::x", 0, "  \t\\::error::x"},
    {"\xC2\xA0\xE2\x80\x83::error::x", 0, "\xC2\xA0\xE2\x80\x83\\::error::x"},
    {":a::b", 0, ":a::b"},
    {":", 0, "\\:"},
    {"x ##[error]y", 0, "x ##\\[error]y"},
    {"###[x] #[y] ## [z]", 0, "###\\[x] #[y] ## [z]"},
    {"a\x1b[31mb", 0, "a" FFFD "[31mb"},
    {"a\x07\x7f\xc2\x9b"
     "b",
     0, "a" FFFD FFFD FFFD "b"},
    {"bad \xff\xc3(", 0, "bad " FFFD FFFD "("},
    {"sep\xE2\x80\xA8"
     "x",
     0, "sep" FFFD "x"},
    /* multi-line text */
    {"one\n::error title=X::fake\n  ::add-mask::x\n", GATE_SAFE_LINES,
     "one\n\\::error title=X::fake\n  \\::add-mask::x\n"},
    {"a\r\nb\rc", GATE_SAFE_LINES, "a\nb\nc"},
    {"a\n:b\n::", GATE_SAFE_LINES, "a\n:b\n\\::"},
    /* a child's output */
    {"boom\n\x1b[31m::error::x\x1b[0m\n", GATE_SAFE_LINES | GATE_SAFE_STRIP,
     "boom\n\\::error::x\n"},
    {"a\x1b]0;title\x07"
     "b\x1b]8;;http://x\x1b\\c",
     GATE_SAFE_LINES | GATE_SAFE_STRIP, "abc"},
    {"a\x1b(Bb\x1b"
     "7c\x08\x01"
     "d",
     GATE_SAFE_LINES | GATE_SAFE_STRIP, "abcd"},
    {"a\x1b]unterminated\nb", GATE_SAFE_LINES | GATE_SAFE_STRIP, "a\nb"},
    {"a\x1b[1;31mb\x1b[2Jc", GATE_SAFE_LINES | GATE_SAFE_STRIP | GATE_SAFE_SGR, "a\x1b[1;31mbc"},
    {"bad \xff", GATE_SAFE_LINES | GATE_SAFE_STRIP, "bad " FFFD},
    /* serialised XML */
    {"<a>x\n::error::y ##[z]</a>", GATE_SAFE_LINES | GATE_SAFE_XML,
     "<a>x\n&#58;:error::y ##&#91;z]</a>"},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf b = {0};

        gate_safe_text(&b, rows[i].in, strlen(rows[i].in), rows[i].flags);
        if (strcmp(gate_buf_str(&b), rows[i].want))
            print_error("row %zu: '%s'\n", i, gate_buf_str(&b));
        assert_string_equal(gate_buf_str(&b), rows[i].want);
        gate_buf_release(&b);
    }
}

/* Fed in pieces split anywhere (inside a UTF-8 sequence, an escape sequence, "::"): the same. */
static void test_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        size_t n = strlen(rows[i].in);

        for (size_t cut = 0; cut <= n; cut++) {
            for (size_t cut2 = cut; cut2 <= n; cut2++) {
                struct gate_safe st;
                struct gate_buf b = {0};

                gate_safe_init(&st, rows[i].flags);
                gate_safe_feed(&st, rows[i].in, cut, &b);
                gate_safe_feed(&st, rows[i].in + cut, cut2 - cut, &b);
                gate_safe_feed(&st, rows[i].in + cut2, n - cut2, &b);
                gate_safe_end(&st, &b);
                if (strcmp(gate_buf_str(&b), rows[i].want))
                    print_error("row %zu cut at %zu, %zu: '%s'\n", i, cut, cut2, gate_buf_str(&b));
                assert_string_equal(gate_buf_str(&b), rows[i].want);
                gate_buf_release(&b);
            }
        }
    }
}

static void test_text_safe(void **state)
{
    (void)state;
    assert_string_equal(gate_text_safe("plain name"), "plain name");
    assert_string_equal(gate_text_safe("20240106000000_evil\n::error::pwned"),
                        "20240106000000_evil\\n::error::pwned");
    assert_string_equal(gate_text_safe("::warning::x"), "\\::warning::x");
    assert_string_equal(gate_text_safe("a ##[error]b"), "a ##\\[error]b");
    assert_string_equal(gate_text_safe("esc\x1b[31m"), "esc" FFFD "[31m");
}

static void test_md_code(void **state)
{
    static const struct {
        const char *in, *want;
    } md[] = {
        {"20240101000000_init", "`20240101000000_init`"},
        {"a|b", "`a\\|b`"},
        {"x`) | ![p](http://e/x.png) `y", "``x`) \\| ![p](http://e/x.png) `y``"},
        {"`x", "`` `x ``"},
        {"a\n::error::b", "`a\\n::error::b`"},
    };

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(md); i++) {
        struct gate_buf b = {0};

        gate_md_code(&b, md[i].in);
        if (strcmp(gate_buf_str(&b), md[i].want))
            print_error("row %zu: '%s'\n", i, gate_buf_str(&b));
        assert_string_equal(gate_buf_str(&b), md[i].want);
        gate_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_text_safe),
        cmocka_unit_test(test_md_code),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
