/* SPDX-License-Identifier: MIT */
/*
 * digest.c - OpenSSL libcrypto wrapper: SHA-256, HMAC, constant-time compare.
 */
#include "gate/compat.h"
#include "gate/digest.h"
#include "gate/err.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static void hex(const unsigned char *md, unsigned int n, char out[65])
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned int i = 0; i < n && i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
}

void gate_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
        GATE_BUG("EVP_Digest(sha256) failed");
    hex(md, n, out);
}

void gate_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
                          char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &n))
        GATE_BUG("HMAC(sha256) failed");
    hex(md, n, out);
}

bool gate_ct_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
