/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_SHA256_H
#define GADGET_BASE_SHA256_H

/*
 * SHA-256 (OpenSSL's) as lower-case hex strings: content names and keys
 * for the build cache, the CO-RE BTF cache and anything else that names a
 * file by what it holds.
 */
#include <stddef.h>

#define SHA256_HEX_LEN 65	/* 64 digits and the NUL */

/* "0123..." for n bytes: out holds 2 * n + 1. */
void hex_encode(const unsigned char *bytes, size_t n, char *out);

/* Incremental: init, update as often as needed, then final or abort. */
struct sha256 {
	void *ctx;	/* base/sha256.c's */
};

int sha256_init(struct sha256 *h);				/* 0, -ENOMEM or -EIO */
int sha256_update(struct sha256 *h, const void *data, size_t len);
int sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN]);	/* frees h */
void sha256_abort(struct sha256 *h);

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN]);	/* -errno */

#endif
