/* SPDX-License-Identifier: MIT */
/*
 * utf8.c - strict UTF-8 decoding, the one copy the modules share.
 */
#include "gate/compat.h"
#include "gate/utf8.h"

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
