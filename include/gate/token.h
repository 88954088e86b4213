/* SPDX-License-Identifier: MIT */
/*
 * token.h - confirmation tokens: what binds a human's (or a pipeline's)
 * approval to exactly one plan (README, "plan, approve, deploy").
 *
 *   plain:  the first 12 to 64 hex digits of the plan digest;
 *   signed: pgt1.<64 hex digest>.<expiry, Unix seconds>.<64 hex HMAC-SHA-256>
 *           with the HMAC over "pgt1.<digest>.<expiry>" keyed by the secret
 *           (`approve` makes them; required when the policy names
 *           deploy.secret_env).
 *
 * Every comparison with secret-derived or digest bytes is constant-time.
 */
#ifndef GATE_TOKEN_H
#define GATE_TOKEN_H

#include "gate/compat.h"

/* Shortest plain token accepted (hex digits of the digest). */
#define GATE_TOKEN_PLAIN_MIN 12

enum gate_token_status {
    GATE_TOKEN_VALID = 0,
    GATE_TOKEN_ABSENT,    /* no token given */
    GATE_TOKEN_MALFORMED, /* neither form */
    GATE_TOKEN_STALE,     /* a genuine token for another plan */
    GATE_TOKEN_EXPIRED,   /* a genuine token past its expiry */
    GATE_TOKEN_FORGED,    /* signature does not verify */
    GATE_TOKEN_UNSIGNED,  /* a plain token where a signed one is required */
    GATE_TOKEN_TOO_LONG,  /* a genuine token valid for longer than deploy.token_max_age */
};

/* "valid", "absent", "malformed", "stale", "expired", "forged", "unsigned", "too-long" */
const char *gate_token_status_name(enum gate_token_status s);

/*
 * A signed token for digest_hex (64 lowercase hex, without "sha256:")
 * expiring at expiry (Unix seconds), keyed by secret[0..secretlen).
 * malloc'd; the caller frees.
 */
char *gate_token_sign(const char *digest_hex, long long expiry, const void *secret,
                      size_t secretlen);

/*
 * Check token against the plan digest_hex at time now (Unix seconds).
 * secret NULL: plain and signed tokens... signed ones cannot be checked
 * without it, so only plain tokens are accepted; secret set: only signed
 * ones. max_age_s > 0 rejects tokens expiring later than now + max_age_s
 * (+60 s of clock skew). *kind is set to "plain", "signed" or "none";
 * *token_digest (when not NULL, 65 bytes) receives the digest a signed
 * token names ("" otherwise). Never fails otherwise: the status says all.
 */
enum gate_token_status gate_token_check(const char *token, const char *digest_hex,
                                        const void *secret, size_t secretlen, long long now,
                                        long long max_age_s, const char **kind, char *token_digest);

#endif
