/* SPDX-License-Identifier: MIT */
/*
 * fuzz_token.c - libFuzzer harness for confirmation tokens (token.h),
 * the one thing that lets a risky plan deploy.
 *
 * The first byte chooses the mode (its low two bits):
 *
 * - 0: the rest is a token, checked without a secret: valid only when it
 *   is 12 to 64 hex digits (after an optional "sha256:") that match the
 *   plan's digest, case aside;
 * - 1: the rest is a token, checked with the secret: valid only when it
 *   is, case aside, the token gate_token_sign() makes for the plan's
 *   digest and the expiry it names;
 * - 2, 3: a genuine signed token is edited (each pair of bytes of the
 *   rest: a position and a new byte; mode 3 also cuts it at the last
 *   position): valid only when the edits changed nothing but the case of
 *   hex digits.
 *
 * Aborts on any other "valid", on a status or kind outside the documented
 * sets, and on a token_digest that is not 64 lowercase hex digits after a
 * signed token passed the format check.
 */
#include "gate/compat.h"
#include "gate/token.h"

#include "fuzz.h"

#include <string.h>

#define DIGEST "3f9a1c0d2b7e4f6a8c1d0e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d"
#define SECRET "fuzz-secret-key"
#define NOW    1800000000LL

static char lower_c(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same_nocase(const char *a, const char *b)
{
    while (*a && *b && lower_c(*a) == lower_c(*b)) {
        a++;
        b++;
    }
    return !*a && !*b;
}

static void check_outputs(enum gate_token_status st, const char *kind, const char *tdig)
{
    if (!strcmp(gate_token_status_name(st), "?"))
        fuzz_fail("status %d has no name", (int)st);
    if (strcmp(kind, "none") && strcmp(kind, "plain") && strcmp(kind, "signed"))
        fuzz_fail("kind '%s'", kind);
    if (tdig[0]) {
        size_t n = strlen(tdig);

        if (n != 64)
            fuzz_fail("token_digest of %zu characters", n);
        for (size_t i = 0; i < n; i++) {
            if (!((tdig[i] >= '0' && tdig[i] <= '9') || (tdig[i] >= 'a' && tdig[i] <= 'f')))
                fuzz_fail("token_digest holds '%c'", tdig[i]);
        }
    }
}

static void plain(const char *tok)
{
    const char *kind;
    char tdig[65];
    enum gate_token_status st = gate_token_check(tok, DIGEST, NULL, 0, NOW, 0, &kind, tdig);
    const char *hex = strncmp(tok, "sha256:", 7) ? tok : tok + 7;
    size_t n = strlen(hex);

    check_outputs(st, kind, tdig);
    if (st != GATE_TOKEN_VALID)
        return;
    if (n < GATE_TOKEN_PLAIN_MIN || n > 64)
        fuzz_fail("a plain token of %zu digits was accepted", n);
    for (size_t i = 0; i < n; i++) {
        if (lower_c(hex[i]) != DIGEST[i])
            fuzz_fail("a plain token that is not the digest's prefix was accepted");
    }
}

static void signed_tok(const char *tok)
{
    const char *kind;
    char tdig[65];
    enum gate_token_status st =
        gate_token_check(tok, DIGEST, SECRET, strlen(SECRET), NOW, 0, &kind, tdig);
    const char *exp;
    char *want;

    check_outputs(st, kind, tdig);
    if (st != GATE_TOKEN_VALID)
        return;
    if (strncmp(tok, "pgt1.", 5) || strlen(tok) < 5 + 65)
        fuzz_fail("an unsigned token was accepted with a secret");
    exp = tok + 5 + 65;
    want = gate_token_sign(DIGEST, strtoll(exp, NULL, 10), SECRET, strlen(SECRET));
    if (!same_nocase(tok, want))
        fuzz_fail("accepted a token gate_token_sign() did not make: %s", tok);
    free(want);
}

static void edited(const uint8_t *d, size_t n, bool cut)
{
    char *orig = gate_token_sign(DIGEST, NOW + 3600, SECRET, strlen(SECRET));
    size_t len = strlen(orig);
    char *tok = malloc(len + 1);
    const char *kind;
    char tdig[65];
    enum gate_token_status st;
    size_t last = len;

    if (!tok)
        abort();
    memcpy(tok, orig, len + 1);
    for (size_t i = 0; i + 1 < n; i += 2) {
        size_t at = d[i] % len;

        tok[at] = d[i + 1] ? (char)d[i + 1] : 'x';
        last = at;
    }
    if (cut)
        tok[last] = '\0';
    st = gate_token_check(tok, DIGEST, SECRET, strlen(SECRET), NOW, 0, &kind, tdig);
    check_outputs(st, kind, tdig);
    if (st == GATE_TOKEN_VALID && !same_nocase(tok, orig))
        fuzz_fail("an edited token was accepted: %s", tok);
    free(tok);
    free(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (size < 1 || size > 4096)
        return 0;
    if ((data[0] & 3) >= 2) {
        edited(data + 1, size - 1, (data[0] & 3) == 3);
        return 0;
    }
    s = malloc(size);
    if (!s)
        abort();
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    if (data[0] & 1)
        signed_tok(s);
    else
        plain(s);
    free(s);
    return 0;
}
