/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - UTF-8 decoding for text we did not write (SQL files, policy
 * files, messages that quote them): strict RFC 3629 (no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
#ifndef GATE_UTF8_H
#define GATE_UTF8_H

#include "gate/compat.h"
#include "gate/buf.h"

/*
 * Decode the sequence at s[0..n) (n >= 1; a NUL-terminated string may pass
 * SIZE_MAX, decoding stops at the NUL). Returns the code point, or -1 when
 * the bytes are not valid UTF-8; *len is the bytes taken (1 for an invalid
 * byte).
 */
long gate_utf8_decode(const unsigned char *s, size_t n, size_t *len);

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or -1. */
long gate_utf8_first_invalid(const char *s, size_t n);

/* Append s[0..n) to out with every invalid byte replaced by U+FFFD. */
void gate_utf8_repair(struct gate_buf *out, const char *s, size_t n);

/*
 * The text Prisma (>= 6.6) hashes: the file as Node's UTF-8 decoder reads
 * it. Returns NULL when data[0..len) is valid UTF-8 (the bytes are used
 * as they are, BOM included); otherwise a malloc'd copy in which every
 * maximal invalid subsequence is replaced by U+FFFD (WHATWG), *outlen set.
 */
char *gate_utf8_fix(const char *data, size_t len, size_t *outlen);

/*
 * The columns code point cp takes on a terminal: 0 for combining marks
 * and zero-width characters, 2 for East Asian wide and fullwidth ones
 * (CJK, Hangul, fullwidth forms, emoji), 1 for the rest (an invalid
 * byte, cp < 0, is shown as U+FFFD: 1). Control characters count 1: the
 * text measured is sanitised before (ghsafe.h).
 */
int gate_utf8_width(long cp);

/* True when data[0..len) is valid UTF-8 (gate_utf8_first_invalid finds nothing). */
bool gate_utf8_valid(const char *data, size_t len);

#endif
