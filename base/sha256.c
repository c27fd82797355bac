// SPDX-License-Identifier: Apache-2.0
/* SHA-256 as hex strings (see sha256.h). */
#include <errno.h>
#include <stdlib.h>

#include "base/file.h"
#include "base/sha256.h"

void hex_encode(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = 0;
}

int sha256_init(struct sha256 *h)
{
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		sha256_abort(h);
		return -EIO;
	}
	return 0;
}

int sha256_update(struct sha256 *h, const void *data, size_t len)
{
	return EVP_DigestUpdate(h->ctx, data, len) == 1 ? 0 : -EIO;
}

int sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int ret = EVP_DigestFinal_ex(h->ctx, md, &n) == 1 && n == 32 ? 0 : -EIO;

	if (!ret)
		hex_encode(md, n, hex);
	sha256_abort(h);
	return ret;
}

void sha256_abort(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN])
{
	unsigned char md[32];

	if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1)
		return -EIO;
	hex_encode(md, sizeof(md), hex);
	return 0;
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN])
{
	size_t len;
	void *buf;
	int ret;

	ret = file_read_all(path, &buf, &len);
	if (ret)
		return ret;
	ret = sha256_hex(buf, len, hex);
	free(buf);
	return ret;
}
