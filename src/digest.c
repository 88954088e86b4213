/* SPDX-License-Identifier: MIT */
/*
 * digest.c - GNU Nettle wrapper: SHA-256, HMAC-SHA-256, constant-time
 * compare. Nettle rather than OpenSSL: lint hashes every file it reads,
 * so this library is linked, and libnettle is small and has no
 * dependencies of its own (libcrypto alone was 1.4 MiB of every run).
 */
#include "gate/compat.h"
#include "gate/digest.h"

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

static void hex(const uint8_t md[SHA256_DIGEST_SIZE], char out[65])
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[(size_t)2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
}

void gate_sha256_hex(const void *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof(md), md);
    hex(md, out);
}

void gate_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
                          char out[65])
{
    struct hmac_sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];

    hmac_sha256_set_key(&ctx, keylen, key);
    hmac_sha256_update(&ctx, len, data);
    hmac_sha256_digest(&ctx, sizeof(md), md);
    hex(md, out);
}

bool gate_ct_equal(const void *a, const void *b, size_t n)
{
    return memeql_sec(a, b, n) != 0;
}
