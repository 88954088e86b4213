/* SPDX-License-Identifier: MIT */
/*
 * token.c - confirmation tokens (token.h): plain digest prefixes and
 * pgt1 HMAC-SHA-256 signed tokens, checked in constant time (digest.c).
 */
#include "gate/compat.h"
#include "gate/token.h"
#include "gate/digest.h"
#include "gate/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "pgt1."

static const char *const status_names[] = {"valid",   "absent", "malformed", "stale",
                                           "expired", "forged", "unsigned",  "too-long"};

const char *gate_token_status_name(enum gate_token_status s)
{
    return (size_t)s < GATE_ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static void lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'F')
            s[i] = (char)(s[i] - 'A' + 'a');
    }
}

char *gate_token_sign(const char *digest_hex, long long expiry, const void *secret,
                      size_t secretlen)
{
    char *body = gate_xasprintf(PREFIX "%s.%lld", digest_hex, expiry);
    char mac[65];
    char *tok;

    gate_hmac_sha256_hex(secret, secretlen, body, strlen(body), mac);
    tok = gate_xasprintf("%s.%s", body, mac);
    free(body);
    return tok;
}

static enum gate_token_status check_signed(const char *token, const char *digest_hex,
                                           const void *secret, size_t secretlen, long long now,
                                           long long max_age_s, char *token_digest)
{
    const char *d = token + strlen(PREFIX);
    const char *dot1, *dot2, *mac;
    char body[160], want[65], got[65];
    long long expiry;
    char *end;
    size_t blen;

    dot1 = strchr(d, '.');
    if (!dot1 || dot1 - d != 64 || !all_hex(d, 64))
        return GATE_TOKEN_MALFORMED;
    dot2 = strchr(dot1 + 1, '.');
    if (!dot2 || dot2 == dot1 + 1 || dot2 - dot1 > 20)
        return GATE_TOKEN_MALFORMED;
    for (const char *c = dot1 + 1; c < dot2; c++) {
        if (*c < '0' || *c > '9')
            return GATE_TOKEN_MALFORMED;
    }
    mac = dot2 + 1;
    if (strlen(mac) != 64 || !all_hex(mac, 64))
        return GATE_TOKEN_MALFORMED;
    if (token_digest) {
        memcpy(token_digest, d, 64);
        token_digest[64] = '\0';
        lower(token_digest, 64);
    }
    blen = (size_t)(dot2 - token);
    if (blen >= sizeof(body))
        return GATE_TOKEN_MALFORMED;
    memcpy(body, token, blen);
    body[blen] = '\0';
    if (!secret)
        return GATE_TOKEN_FORGED; /* cannot be verified: never trusted */
    gate_hmac_sha256_hex(secret, secretlen, body, blen, want);
    memcpy(got, mac, 64);
    got[64] = '\0';
    lower(got, 64);
    if (!gate_ct_equal(want, got, 64))
        return GATE_TOKEN_FORGED;
    {
        char dl[65];

        memcpy(dl, d, 64);
        dl[64] = '\0';
        lower(dl, 64);
        if (!gate_ct_equal(dl, digest_hex, 64))
            return GATE_TOKEN_STALE;
    }
    expiry = strtoll(dot1 + 1, &end, 10);
    if (end != dot2 || expiry <= now)
        return GATE_TOKEN_EXPIRED;
    if (max_age_s > 0 && expiry > now + max_age_s + 60)
        return GATE_TOKEN_TOO_LONG;
    return GATE_TOKEN_VALID;
}

enum gate_token_status gate_token_check(const char *token, const char *digest_hex,
                                        const void *secret, size_t secretlen, long long now,
                                        long long max_age_s, const char **kind, char *token_digest)
{
    size_t n;
    char buf[65];

    *kind = "none";
    if (token_digest)
        token_digest[0] = '\0';
    if (!token || !*token)
        return GATE_TOKEN_ABSENT;
    if (!strncmp(token, PREFIX, strlen(PREFIX))) {
        *kind = "signed";
        return check_signed(token, digest_hex, secret, secretlen, now, max_age_s, token_digest);
    }
    if (!strncmp(token, "sha256:", 7))
        token += 7;
    n = strlen(token);
    if (n < GATE_TOKEN_PLAIN_MIN || n > 64 || !all_hex(token, n))
        return GATE_TOKEN_MALFORMED;
    *kind = "plain";
    if (secret)
        return GATE_TOKEN_UNSIGNED;
    memcpy(buf, token, n);
    buf[n] = '\0';
    lower(buf, n);
    return gate_ct_equal(buf, digest_hex, n) ? GATE_TOKEN_VALID : GATE_TOKEN_STALE;
}
