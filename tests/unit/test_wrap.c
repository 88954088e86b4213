/* SPDX-License-Identifier: MIT */
/*
 * test_wrap.c - wrapping to the terminal (wrap.h) and the columns of a
 * code point (gate_utf8_width): breaks at spaces with a hanging indent,
 * words split only when longer than a line, UTF-8 measured in columns
 * (wide CJK, combining marks), colour sequences taking none, the line's
 * indent never a break, and no continuation line that is a workflow
 * command ("::" after blanks); then the same properties on random lines.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/utf8.h"
#include "gate/wrap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* five of e + U+0301 COMBINING ACUTE ACCENT: 10 bytes, 5 columns */
#define EA "e\xCC\x81"
#define E5 EA EA EA EA EA

static const struct {
    const char *in;
    size_t width, hang;
    const char *want;
} rows[] = {
    /* no width, or it fits: as it is */
    {"a b c d e f g h i j k l m n o p q r s t u v w x y z", 0, 4,
     "a b c d e f g h i j k l m n o p q r s t u v w x y z\n"},
    {"short line", 20, 4, "short line\n"},
    {"", 20, 4, "\n"},
    /* at spaces, the spaces dropped, the hang after each break */
    {"aaaa bbbb cccc dddd eeee ffff gggg", 20, 2, "aaaa bbbb cccc dddd\n  eeee ffff gggg\n"},
    {"aaaa    bbbb cccc dddd eeee ffff", 20, 0, "aaaa    bbbb cccc\ndddd eeee ffff\n"},
    /* a word longer than a line is split at a character boundary */
    {"x abcdefghijklmnopqrstuvwxyz0123456789", 20, 2,
     "x\n  abcdefghijklmnopqr\n  stuvwxyz0123456789\n"},
    /* the indent is not a break; the line's own spaces are */
    {"      12:3  high  rule  some message text", 20, 12,
     "      12:3  high\n          rule  some\n          message\n          text\n"},
    /* a hang deeper than half the width: 4 past the line's indent */
    {"  pass  some.check.id  the message says something", 20, 28,
     "  pass\n      some.check.id\n      the message\n      says something\n"},
    /* columns, not bytes: wide CJK characters take 2, combining marks 0 */
    {"\xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8 \xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8"
     "\xE8\xA1\xA8 \xE8\xA1\xA8\xE8\xA1\xA8",
     20, 2,
     "\xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8 \xE8\xA1\xA8\xE8\xA1\xA8\xE8\xA1\xA8"
     "\xE8\xA1\xA8\n  \xE8\xA1\xA8\xE8\xA1\xA8\n"},
    {E5 " " E5 " " E5 " x", 18, 2, E5 " " E5 " " E5 "\n  x\n"},
    /* a wide character is never cut in half: it moves to the next line */
    {"abcdefghijklmnopqrs\xE8\xA1\xA8", 20, 2, "abcdefghijklmnopqrs\n  \xE8\xA1\xA8\n"},
    /* colour sequences take no columns and are never split */
    {"\x1b[1;31mcritical\x1b[0m aaaa bbbb cccc dddd", 20, 2,
     "\x1b[1;31mcritical\x1b[0m aaaa bbbb\n  cccc dddd\n"},
    /* a break never makes a line that starts with "::" (after blanks) */
    {"dropping column ::error::x", 20, 2, "dropping\n  column ::error::x\n"},
    {"dropping column \xC2\xA0::error::x", 20, 2, "dropping\n  column \xC2\xA0::error::x\n"},
    {"dropping ::error::x", 12, 2, "dropping ::e\n  rror::x\n"},
    {"abcdefghijklmnopqrs::error", 20, 2, "abcdefghijklmnopqrs:\n  :error\n"},
    {"abcdefghijklmnopqr::error", 20, 2, "abcdefghijklmnopqr::\n  error\n"},
    /* a single ':' may start one */
    {"dropping column :a destroys", 20, 2, "dropping column :a\n  destroys\n"},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        struct gate_buf b = {0};

        gate_wrap(&b, rows[i].in, strlen(rows[i].in), rows[i].width, rows[i].hang);
        if (strcmp(gate_buf_str(&b), rows[i].want) != 0)
            print_error("row %zu: got\n%s\nwant\n%s\n", i, gate_buf_str(&b), rows[i].want);
        assert_string_equal(gate_buf_str(&b), rows[i].want);
        gate_buf_release(&b);
    }
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(gate_utf8_width('a'), 1);
    assert_int_equal(gate_utf8_width(-1), 1);     /* an invalid byte: shown as U+FFFD */
    assert_int_equal(gate_utf8_width(0xE9), 1);   /* e acute */
    assert_int_equal(gate_utf8_width(0x301), 0);  /* combining acute */
    assert_int_equal(gate_utf8_width(0x200B), 0); /* zero width space */
    assert_int_equal(gate_utf8_width(0x8868), 2); /* CJK */
    assert_int_equal(gate_utf8_width(0xAC00), 2); /* Hangul */
    assert_int_equal(gate_utf8_width(0xFF21), 2); /* fullwidth A */
    assert_int_equal(gate_utf8_width(0x1F600), 2);
    assert_int_equal(gate_utf8_width(0xFFFD), 1);
    assert_int_equal(gate_wrap_columns("\x1b[31mab\x1b[0m\xE8\xA1\xA8", 13), 4);
}

/* a small deterministic generator (xorshift) */
static uint32_t rnd_state = 2463534242u;
static uint32_t rnd(uint32_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state % n;
}

static const char *const words[] = {
    "a",
    "table",
    "\"User\".\"email\"",
    "\xE8\xA1\xA8\xE5\x90\x8D",
    "caf\xC3\xA9",
    "::x",
    "\x1b[1;31mcritical\x1b[0m",
    "ACCESS",
    "EXCLUSIVE",
    "(SHARE",
    "lock);",
    "e\xCC\x81t\xC3\xA9",
};

/* Text without blanks, colour sequences or line breaks: what wrapping must keep. */
static void squeeze(const char *s, struct gate_buf *out)
{
    for (size_t i = 0; s[i];) {
        if (s[i] == 0x1b) {
            while (s[i] && s[i] != 'm')
                i++;
            if (s[i])
                i++;
            continue;
        }
        if (s[i] != ' ' && s[i] != '\n')
            gate_buf_addc(out, s[i]);
        i++;
    }
}

static void test_random(void **state)
{
    (void)state;
    for (int round = 0; round < 2000; round++) {
        struct gate_buf in = {0}, out = {0}, a = {0}, b = {0};
        size_t width = 20 + rnd(100), hang = rnd(16), nwords = 1 + rnd(40);
        bool colons = false;
        const char *p;

        gate_buf_printf(&in, "%*s", (int)rnd(6), "");
        for (size_t w = 0; w < nwords; w++) {
            const char *word = words[rnd(GATE_ARRAY_SIZE(words))];

            colons |= word[0] == ':';
            gate_buf_printf(&in, "%s%s", w ? (rnd(4) ? " " : "  ") : "", word);
        }
        gate_wrap(&out, in.data, in.len, width, hang);
        /* nothing lost, nothing added but breaks and indents */
        squeeze(in.data, &a);
        squeeze(out.data, &b);
        assert_string_equal(gate_buf_str(&a), gate_buf_str(&b));
        /* no line but the first starts with "::" after blanks; lines fit */
        p = out.data;
        for (bool first = true; *p; first = false) {
            const char *nl = strchr(p, '\n');
            const char *q = p;

            assert_non_null(nl);
            while (q < nl && *q == ' ')
                q++;
            if (!first)
                assert_false(q + 1 < nl && q[0] == ':' && q[1] == ':');
            if (!colons)
                assert_true(gate_wrap_columns(p, (size_t)(nl - p)) <= width);
            p = nl + 1;
        }
        gate_buf_release(&in);
        gate_buf_release(&out);
        gate_buf_release(&a);
        gate_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
