/* SPDX-License-Identifier: MIT */
/*
 * utf8.c - strict UTF-8 decoding, the one copy the modules share: what
 * is valid, and invalid bytes replaced per byte (for messages) or as
 * Node's decoder replaces them (for Prisma's checksums).
 */
#include "gate/compat.h"
#include "gate/utf8.h"
#include "gate/buf.h"

long gate_utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned long cp;
    size_t need;

    *len = 1;
    if (s[0] < 0x80)
        return s[0];
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 1;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 2;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 3;
        cp = s[0] & 0x07u;
    } else {
        return -1;
    }
    if (need >= n)
        return -1;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = need + 1;
    return (long)cp;
}

long gate_utf8_first_invalid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t len;

        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (gate_utf8_decode(p + i, n - i, &len) < 0)
            return (long)i;
        i += len;
    }
    return -1;
}

void gate_utf8_repair(struct gate_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t len;

        if (gate_utf8_decode(p + i, n - i, &len) < 0)
            gate_buf_add(out, "\xEF\xBF\xBD", 3);
        else
            gate_buf_add(out, p + i, len);
        i += len;
    }
}

bool gate_utf8_valid(const char *data, size_t len)
{
    return gate_utf8_first_invalid(data, len) < 0;
}

/*
 * Length of the well-formed UTF-8 sequence at s[i] (1..4), or the
 * negated number of bytes the WHATWG decoder consumes before it emits
 * U+FFFD: the lead byte plus the continuation bytes it accepted.
 */
static long utf8_step(const unsigned char *s, size_t len, size_t i)
{
    unsigned char c = s[i];
    unsigned lo = 0x80, hi = 0xBF;
    size_t need, k;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return -1;
    }
    for (k = 1; k <= need; k++) {
        if (i + k >= len || s[i + k] < lo || s[i + k] > hi)
            return -(long)k;
        lo = 0x80;
        hi = 0xBF;
    }
    return (long)k;
}

char *gate_utf8_fix(const char *data, size_t len, size_t *outlen)
{
    const unsigned char *s = (const unsigned char *)data;
    struct gate_buf b = {0};
    size_t i = 0, from = 0;

    if (gate_utf8_valid(data, len))
        return NULL;
    while (i < len) {
        long n = s[i] < 0x80 ? 1 : utf8_step(s, len, i);

        if (n > 0) {
            i += (size_t)n;
            continue;
        }
        gate_buf_add(&b, data + from, i - from);
        gate_buf_add(&b, "\xEF\xBF\xBD", 3);
        i += (size_t)-n;
        from = i;
    }
    gate_buf_add(&b, data + from, len - from);
    *outlen = b.len;
    return gate_buf_detach(&b);
}

/* [first, last] code point ranges, sorted: the zero-width ones, then the wide ones. */
struct cp_range {
    long first, last;
};

static const struct cp_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},   {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},   {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

static const struct cp_range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
    {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_ranges(const struct cp_range *r, size_t n, long cp)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cp < r[mid].first)
            hi = mid;
        else if (cp > r[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

int gate_utf8_width(long cp)
{
    if (cp < 0x300)
        return 1;
    if (in_ranges(zero_width, GATE_ARRAY_SIZE(zero_width), cp))
        return 0;
    if (in_ranges(wide, GATE_ARRAY_SIZE(wide), cp))
        return 2;
    return 1;
}
