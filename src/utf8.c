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
