/* SPDX-License-Identifier: MIT */
/*
 * digest.h - SHA-256 and HMAC-SHA-256 (GNU Nettle), constant-time
 * comparison. The only module that includes Nettle.
 */
#ifndef GATE_DIGEST_H
#define GATE_DIGEST_H

#include "gate/compat.h"

/* Lowercase hex SHA-256 of data[0..len) into out (65 bytes incl. NUL). */
void gate_sha256_hex(const void *data, size_t len, char out[65]);
/* Lowercase hex HMAC-SHA-256. */
void gate_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t len,
                          char out[65]);
/* Constant-time equality of two n-byte buffers. */
bool gate_ct_equal(const void *a, const void *b, size_t n);

#endif
