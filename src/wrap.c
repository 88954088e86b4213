/* SPDX-License-Identifier: MIT */
/*
 * wrap.c - fitting text reports to a terminal (wrap.h): its width from
 * $COLUMNS or the TIOCGWINSZ ioctl, and greedy word wrapping measured in
 * terminal columns (utf8.c) with a hanging indent.
 */
#include "gate/compat.h"
#include "gate/wrap.h"
#include "gate/ghsafe.h"
#include "gate/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The widest width honoured ($COLUMNS=999999999 is not a reason to do arithmetic near SIZE_MAX). */
#define WRAP_MAX 100000

size_t gate_wrap_width(int fd)
{
    const char *env = getenv("COLUMNS");
    size_t w = 0;

    if (isatty(fd) != 1)
        return 0;
    if (env && *env) {
        char *end;
        long v;

        errno = 0;
        v = strtol(env, &end, 10);
        if (!errno && !*end && v > 0)
            w = v > WRAP_MAX ? WRAP_MAX : (size_t)v;
    }
    if (!w) {
        struct winsize ws;

        if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
            w = ws.ws_col;
    }
    if (!w)
        return 0;
    return w < GATE_WRAP_MIN ? GATE_WRAP_MIN : w;
}

enum unit_kind { UNIT_CHAR, UNIT_SPACE, UNIT_SGR };

/* The unit at s[i] (i < n): its kind, its bytes (*len) and its columns (*w). */
static enum unit_kind unit(const char *s, size_t n, size_t i, size_t *len, size_t *w)
{
    const unsigned char *p = (const unsigned char *)s;
    long cp;

    if (p[i] == 0x1B && i + 1 < n && p[i + 1] == '[') {
        size_t j = i + 2;

        while (j < n && p[j] >= 0x20 && p[j] <= 0x3F)
            j++;
        if (j < n && p[j] >= 0x40 && p[j] <= 0x7E) {
            *len = j + 1 - i;
            *w = 0;
            return UNIT_SGR;
        }
    }
    if (p[i] == ' ' || p[i] == '\t') {
        *len = 1;
        *w = 1;
        return UNIT_SPACE;
    }
    cp = gate_utf8_decode(p + i, n - i, len);
    *w = (size_t)gate_utf8_width(cp);
    return UNIT_CHAR;
}

size_t gate_wrap_columns(const char *s, size_t n)
{
    size_t cols = 0;

    for (size_t i = 0, len, w; i < n; i += len) {
        (void)unit(s, n, i, &len, &w);
        cols += w;
    }
    return cols;
}

/*
 * A line may start at s[i]: after blanks (as the runner trims them) and
 * colour sequences, it does not begin with "::".
 */
static bool safe_start(const char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t len, w;
        long cp;

        if (unit(s, n, i, &len, &w) == UNIT_SGR) {
            i += len;
            continue;
        }
        cp = gate_utf8_decode((const unsigned char *)s + i, n - i, &len);
        if (!gate_safe_blank(cp))
            break;
        i += len;
    }
    return !(i + 1 < n && s[i] == ':' && s[i + 1] == ':');
}

void gate_wrap(struct gate_buf *out, const char *s, size_t n, size_t width, size_t hang)
{
    size_t start = 0, i = 0, col = 0;
    size_t run = SIZE_MAX;    /* where the spaces before s[i] began */
    size_t brk = SIZE_MAX;    /* the last break on this line: the spaces at brk... */
    size_t resume = SIZE_MAX; /* ...and where the next line starts */
    bool word = false;        /* something visible on this line, past its indent */

    if (!width || gate_wrap_columns(s, n) <= width) {
        gate_buf_add(out, s, n);
        gate_buf_addc(out, '\n');
        return;
    }
    if (hang > width / 2) {
        /* too deep for this width: 4 columns past the line's own indent */
        size_t indent = 0;

        while (indent < n && s[indent] == ' ')
            indent++;
        hang = indent + 4 > width / 2 ? width / 2 : indent + 4;
    }
    while (i < n) {
        size_t len, w, cut = SIZE_MAX, next = SIZE_MAX;
        enum unit_kind k = unit(s, n, i, &len, &w);

        if (k == UNIT_SPACE) {
            if (run == SIZE_MAX)
                run = i;
            col += w;
            i += len;
            continue;
        }
        if (run != SIZE_MAX) {
            if (word && safe_start(s, n, i)) {
                brk = run;
                resume = i;
            }
            run = SIZE_MAX;
        }
        if (w && word && col + w > width) {
            if (brk != SIZE_MAX) {
                cut = brk;
                next = resume;
            } else if (safe_start(s, n, i)) {
                cut = next = i; /* a word longer than the line */
            }
        }
        if (cut != SIZE_MAX) {
            gate_buf_add(out, s + start, cut - start);
            gate_buf_addc(out, '\n');
            for (size_t h = 0; h < hang; h++)
                gate_buf_addc(out, ' ');
            start = i = next;
            col = hang;
            word = false;
            brk = resume = SIZE_MAX;
            continue;
        }
        if (w)
            word = true;
        col += w;
        i += len;
    }
    gate_buf_add(out, s + start, n - start);
    gate_buf_addc(out, '\n');
}
