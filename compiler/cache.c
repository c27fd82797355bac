// SPDX-License-Identifier: Apache-2.0
/* The build cache (layout and key: see cache.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "compiler/cache.h"

int cache_key_init(struct cache_key *k)
{
	k->ctx = EVP_MD_CTX_new();
	if (!k->ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(k->ctx, EVP_sha256(), NULL) != 1) {
		cache_key_abort(k);
		return -EIO;
	}
	return 0;
}

int cache_key_add(struct cache_key *k, const void *data, size_t len)
{
	uint64_t n = len;

	if (EVP_DigestUpdate(k->ctx, &n, sizeof(n)) != 1 ||
	    EVP_DigestUpdate(k->ctx, data, len) != 1)
		return -EIO;
	return 0;
}

int cache_key_add_str(struct cache_key *k, const char *s)
{
	return cache_key_add(k, s, strlen(s));
}

int cache_key_add_file(struct cache_key *k, const char *name, const char *path,
		       struct gadget_err *err)
{
	size_t len;
	void *buf;
	int ret;

	ret = file_read_all(path, &buf, &len);
	if (ret)
		return gadget_err_set(err, -ret, "cannot read %s: %s", path, strerror(-ret));
	ret = cache_key_add_str(k, name);
	if (!ret)
		ret = cache_key_add(k, buf, len);
	free(buf);
	return ret;
}

static void hex_encode(const unsigned char *md, unsigned int n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = 0;
}

int cache_key_final(struct cache_key *k, char hex[SHA256_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int ret = EVP_DigestFinal_ex(k->ctx, md, &n) == 1 && n == 32 ? 0 : -EIO;

	if (!ret)
		hex_encode(md, n, hex);
	cache_key_abort(k);
	return ret;
}

void cache_key_abort(struct cache_key *k)
{
	EVP_MD_CTX_free(k->ctx);
	k->ctx = NULL;
}

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN])
{
	unsigned char md[32];

	if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1)
		return -EIO;
	hex_encode(md, 32, hex);
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

int cache_dir_default(char *buf, size_t len, struct gadget_err *err)
{
	const char *env = getenv("GADGET_CACHE_DIR");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_CACHE_HOME")) && *env)
		n = snprintf(buf, len, "%s/gadget", env);
	else if ((env = getenv("HOME")) && *env)
		n = snprintf(buf, len, "%s/.cache/gadget", env);
	else
		return gadget_err_set(err, ENOENT, "no cache folder: set GADGET_CACHE_DIR or HOME");
	if (n < 0 || (size_t)n >= len)
		return gadget_err_set(err, ENAMETOOLONG, "cache folder path too long");
	return 0;
}

static int entry_paths(const char *dir, const char *key, char *manifest, size_t len)
{
	int n = snprintf(manifest, len, "%s/builds/%s.json", dir, key);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int cache_lookup(const char *dir, const char *key, void **obj, size_t *len)
{
	char path[PATH_MAX], hex[SHA256_HEX_LEN];
	const char *want;
	json_t *m, *hdrs, *h;
	size_t i, n;
	void *buf;
	int hit = 0;

	if (entry_paths(dir, key, path, sizeof(path)))
		return 0;
	m = json_load_file(path, 0, NULL);
	if (!m)
		return 0;
	hdrs = json_object_get(m, "headers");
	want = json_string_value(json_object_get(m, "object"));
	if (!json_is_array(hdrs) || !want)
		goto out;
	json_array_foreach(hdrs, i, h) {
		const char *p = json_string_value(json_object_get(h, "path"));
		const char *s = json_string_value(json_object_get(h, "sha256"));

		if (!p || !s || sha256_file_hex(p, hex) || strcmp(hex, s))
			goto out;
	}
	if (snprintf(path, sizeof(path), "%s/objects/%s.o", dir, want) >= (int)sizeof(path) ||
	    file_read_all(path, &buf, &n))
		goto out;
	/* A damaged object is a miss, not a wrong build. */
	if (sha256_hex(buf, n, hex) || strcmp(hex, want)) {
		free(buf);
		goto out;
	}
	*obj = buf;
	*len = n;
	hit = 1;
out:
	json_decref(m);
	return hit;
}

int cache_store(const char *dir, const char *key, const void *obj, size_t len,
		const struct argv_buf *headers, struct gadget_err *err)
{
	char path[PATH_MAX], hex[SHA256_HEX_LEN], hhex[SHA256_HEX_LEN];
	json_t *m, *hdrs;
	char *text;
	int ret;

	if (snprintf(path, sizeof(path), "%s/objects", dir) >= (int)sizeof(path))
		return gadget_err_set(err, ENAMETOOLONG, "cache path too long");
	ret = mkdir_parents(path, 0755);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/builds", dir);
		ret = mkdir_parents(path, 0755);
	}
	if (ret)
		return gadget_err_set(err, -ret, "cannot create %s: %s", path, strerror(-ret));
	ret = sha256_hex(obj, len, hex);
	if (ret)
		return gadget_err_set(err, -ret, "sha256 failed");
	snprintf(path, sizeof(path), "%s/objects/%s.o", dir, hex);
	ret = file_write_atomic(path, obj, len, err);
	if (ret)
		return ret;

	m = json_object();
	hdrs = json_array();
	json_object_set_new(m, "object", json_string(hex));
	json_object_set_new(m, "size", json_integer(len));
	json_object_set_new(m, "headers", hdrs);
	for (unsigned int i = 0; i < headers->n; i++) {
		/* A header gone already: record nothing, this entry can never hit. */
		ret = sha256_file_hex(headers->v[i], hhex);
		if (ret) {
			json_decref(m);
			return 0;
		}
		json_array_append_new(hdrs, json_pack("{s:s, s:s}", "path", headers->v[i],
						      "sha256", hhex));
	}
	text = json_dumps(m, JSON_INDENT(1));
	json_decref(m);
	if (!text)
		return gadget_err_set(err, ENOMEM, "out of memory");
	entry_paths(dir, key, path, sizeof(path));
	ret = file_write_atomic(path, text, strlen(text), err);
	free(text);
	return ret;
}
