/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ghsafe.c - libFuzzer harness for the log sanitiser (ghsafe.h),
 * which every line prisma-gate writes to a CI log passes through.
 *
 * The first byte chooses the flags (its low five bits) and the two
 * points where the rest is cut when it is fed in three pieces (the
 * next two bytes); the rest is the text. Aborts when the output:
 *
 * - is not valid UTF-8;
 * - holds a line whose first characters after white space (as the
 *   GitHub runner trims it) are "::", or holds "##[": a workflow command
 *   the sanitiser would have let through (it never writes one itself);
 * - holds a control character other than TAB, LF with GATE_SAFE_LINES,
 *   and ESC only as a colour sequence with GATE_SAFE_STRIP|GATE_SAFE_SGR;
 * - differs when the same text is fed in pieces;
 * - for a one-line value (no GATE_SAFE_LINES): any of the above once it
 *   is wrapped (wrap.h) at a width and hang taken from bytes 1 and 2, as
 *   the text report wraps sanitised values on a terminal.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/ghsafe.h"
#include "gate/utf8.h"
#include "gate/wrap.h"

#include "fuzz.h"

#include <string.h>

/* What the runner's TrimStart removes (the printable ones; controls are checked apart). */
static bool blank(long cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static void check(const char *s, size_t n, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s;
    bool bol = true;
    size_t i = 0;

    if (gate_utf8_first_invalid(s, n) >= 0)
        fuzz_fail("invalid UTF-8 at %ld", gate_utf8_first_invalid(s, n));
    if (memchr(s, '\0', n))
        fuzz_fail("a NUL byte");
    while (i < n) {
        size_t len;
        long cp = gate_utf8_decode(p + i, n - i, &len);

        if (cp == '\n') {
            if (!(flags & GATE_SAFE_LINES))
                fuzz_fail("a line break in a value at %zu", i);
            bol = true;
            i += len;
            continue;
        }
        if (cp == 0x1B) {
            size_t k = i + 1;

            if (!((flags & GATE_SAFE_STRIP) && (flags & GATE_SAFE_SGR)) || k >= n || p[k] != '[')
                fuzz_fail("ESC at %zu", i);
            for (k++; k < n && ((p[k] >= '0' && p[k] <= '9') || p[k] == ';'); k++)
                ;
            if (k >= n || p[k] != 'm')
                fuzz_fail("ESC at %zu is not a colour sequence", i);
            i = k + 1;
            continue; /* a colour sequence does not start the line's text */
        }
        if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029)
            fuzz_fail("control character U+%04lX at %zu", (unsigned long)cp, i);
        if (bol && !blank(cp)) {
            if (cp == ':' && i + 1 < n && p[i + 1] == ':')
                fuzz_fail("a line starts with \"::\" at %zu", i);
            bol = false;
        }
        if (cp == '#' && i + 2 < n && p[i + 1] == '#' && p[i + 2] == '[')
            fuzz_fail("\"##[\" at %zu", i);
        i += len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned flags;
    size_t n, cut1, cut2;
    const char *text;
    struct gate_buf one = {0}, parts = {0};
    struct gate_safe st;

    if (size < 3)
        return 0;
    flags = data[0] & 0x1Fu;
    text = (const char *)data + 3;
    n = size - 3;
    cut1 = n ? data[1] % (n + 1) : 0;
    cut2 = cut1 + (n - cut1 ? data[2] % (n - cut1 + 1) : 0);

    gate_safe_text(&one, text, n, flags);
    check(gate_buf_str(&one), one.len, flags);

    gate_safe_init(&st, flags);
    gate_safe_feed(&st, text, cut1, &parts);
    gate_safe_feed(&st, text + cut1, cut2 - cut1, &parts);
    gate_safe_feed(&st, text + cut2, n - cut2, &parts);
    gate_safe_end(&st, &parts);
    if (parts.len != one.len || (one.len && memcmp(parts.data, one.data, one.len)))
        fuzz_fail("fed in pieces (cut at %zu, %zu) the output differs", cut1, cut2);

    if (!(flags & GATE_SAFE_LINES)) {
        /* a value on one line, then wrapped to a terminal as the text report does */
        struct gate_buf wrapped = {0};

        gate_wrap(&wrapped, gate_buf_str(&one), one.len, 1u + data[1] % 120u, data[2] % 40u);
        check(gate_buf_str(&wrapped), wrapped.len, flags | GATE_SAFE_LINES);
        gate_buf_release(&wrapped);
    }

    gate_buf_release(&one);
    gate_buf_release(&parts);
    return 0;
}
