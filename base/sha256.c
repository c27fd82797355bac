// SPDX-License-Identifier: Apache-2.0
/*
 * SHA-256 as hex strings (see sha256.h).
 *
 * OpenSSL's SHA256_* calls, deprecated in 3.0 but kept, rather than EVP:
 * the first EVP_sha256() use loads openssl.cnf and the default provider
 * and fills its name tables, ~6M instructions (5-10 ms) that a cached
 * `gadget build` (~15 ms in all) would spend before hashing 1 KB.  These
 * run the same assembly (SHA-NI, AVX2), picked when libcrypto loads.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/sha.h>

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
	h->ctx = malloc(sizeof(SHA256_CTX));
	if (!h->ctx)
		return -ENOMEM;
	if (SHA256_Init(h->ctx) != 1) {
		sha256_abort(h);
		return -EIO;
	}
	return 0;
}

int sha256_update(struct sha256 *h, const void *data, size_t len)
{
	return SHA256_Update(h->ctx, data, len) == 1 ? 0 : -EIO;
}

int sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int ret = SHA256_Final(md, h->ctx) == 1 ? 0 : -EIO;

	if (!ret)
		hex_encode(md, sizeof(md), hex);
	sha256_abort(h);
	return ret;
}

void sha256_abort(struct sha256 *h)
{
	free(h->ctx);
	h->ctx = NULL;
}

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_CTX c;

	if (SHA256_Init(&c) != 1 || SHA256_Update(&c, data, len) != 1 || SHA256_Final(md, &c) != 1)
		return -EIO;
	hex_encode(md, sizeof(md), hex);
	return 0;
}

/*
 * Streamed through one small buffer: reading a 3 MB header whole into
 * fresh memory costs a page fault per 4 KB (~10 ms here, more than the
 * hashing), a buffer that is reused costs them once.
 */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN])
{
	enum { CHUNK = 64 * 1024 };
	struct sha256 h = {};
	struct stat st;
	char *buf;
	ssize_t r;
	int fd, ret;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (as file_read_all()) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	buf = malloc(CHUNK);
	ret = !buf ? -ENOMEM : fstat(fd, &st) || !S_ISREG(st.st_mode) ? -EINVAL : sha256_init(&h);
	while (!ret) {
		r = read(fd, buf, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : sha256_final_hex(&h, hex);
			break;
		}
		ret = sha256_update(&h, buf, r);
	}
	if (ret && h.ctx)
		sha256_abort(&h);
	free(buf);
	close(fd);
	return ret;
}
