// SPDX-License-Identifier: Apache-2.0
/* The build cache's entries (layout and key: see cache.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compiler/cache.h"

int cache_key_init(struct cache_key *k)
{
	return sha256_init(&k->h);
}

int cache_key_add(struct cache_key *k, const void *data, size_t len)
{
	uint64_t n = len;

	if (sha256_update(&k->h, &n, sizeof(n)) || sha256_update(&k->h, data, len))
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

int cache_key_final(struct cache_key *k, char hex[SHA256_HEX_LEN])
{
	return sha256_final_hex(&k->h, hex);
}

void cache_key_abort(struct cache_key *k)
{
	sha256_abort(&k->h);
}

int manifest_headers_new(struct digest_memo *memo, const struct argv_buf *paths, json_t **out)
{
	char hex[SHA256_HEX_LEN];
	json_t *hdrs = json_array();
	int ret;

	if (!hdrs)
		return -ENOMEM;
	for (unsigned int i = 0; i < paths->n; i++) {
		ret = digest_memo_file(memo, paths->v[i], hex);
		if (ret) {
			json_decref(hdrs);
			return ret;
		}
		if (json_array_append_new(hdrs, json_pack("{s:s, s:s}", "path", paths->v[i],
							  "sha256", hex))) {
			json_decref(hdrs);
			return -ENOMEM;
		}
	}
	*out = hdrs;
	return 0;
}

bool manifest_headers_match(struct digest_memo *memo, json_t *manifest)
{
	json_t *hdrs = json_object_get(manifest, "headers"), *h;
	char hex[SHA256_HEX_LEN];
	size_t i;

	if (!json_is_array(hdrs))
		return false;
	json_array_foreach(hdrs, i, h) {
		const char *p = json_string_value(json_object_get(h, "path"));
		const char *s = json_string_value(json_object_get(h, "sha256"));

		if (!p || !s || digest_memo_file(memo, p, hex) || strcmp(hex, s))
			return false;
	}
	return true;
}

/*
 * The start of a build: the coarse clock's tick, which the kernel stamps
 * files with, so a file written during the build has a stamp >= start.  A
 * file written before it in the same tick looks written during it too: for
 * a header that only leaves the build uncached, but a source written a
 * moment before the build (`gadget init x && gadget build x`, an editor's
 * save) would never be cached.  So when one of sources (NULL: any file) has
 * a stamp in the current tick, wait for the next one to begin; a tick is
 * 4 ms, and only a cache miss, with clang to run, gets here.
 */
void cache_clock_start(struct timespec *start, const struct argv_buf *sources)
{
	struct timespec t0, nap = { .tv_nsec = 500000 };

	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	*start = t0;
	if (sources && !cache_inputs_changed(sources, start))
		return;
	do {
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, start);
	} while (start->tv_sec == t0.tv_sec && start->tv_nsec == t0.tv_nsec);
}

bool cache_inputs_changed(const struct argv_buf *paths, const struct timespec *start)
{
	struct stat st;

	for (unsigned int i = 0; i < paths->n; i++)
		if (stat(paths->v[i], &st) || st.st_mtim.tv_sec > start->tv_sec ||
		    (st.st_mtim.tv_sec == start->tv_sec && st.st_mtim.tv_nsec >= start->tv_nsec))
			return true;
	return false;
}

void cache_touch(const char *path)
{
	/* Only an ordering hint for cache_clean(): a read-only cache is fine. */
	utimensat(AT_FDCWD, path, NULL, 0);
}

static int entry_path(const char *dir, const char *key, char *manifest, size_t len)
{
	int n = snprintf(manifest, len, "%s/builds/%s.json", dir, key);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int cache_lookup(const char *dir, const char *key, struct digest_memo *memo, void **obj,
		 size_t *len)
{
	char path[PATH_MAX], opath[PATH_MAX], hex[SHA256_HEX_LEN];
	const char *want;
	json_t *m;
	size_t n;
	void *buf;
	int hit = 0;

	if (entry_path(dir, key, path, sizeof(path)))
		return 0;
	m = json_load_file(path, 0, NULL);
	if (!m)
		return 0;
	want = json_string_value(json_object_get(m, "object"));
	if (!want || !manifest_headers_match(memo, m))
		goto out;
	if (snprintf(opath, sizeof(opath), "%s/objects/%s.o", dir, want) >= (int)sizeof(opath) ||
	    file_read_all(opath, &buf, &n))
		goto out;
	/* A damaged object is a miss, not a wrong build. */
	if (sha256_hex(buf, n, hex) || strcmp(hex, want)) {
		free(buf);
		goto out;
	}
	cache_touch(path);
	cache_touch(opath);
	*obj = buf;
	*len = n;
	hit = 1;
out:
	json_decref(m);
	return hit;
}

int cache_store(const char *dir, const char *key, const void *obj, size_t len,
		const struct argv_buf *headers, struct digest_memo *memo, uint64_t *written,
		struct gadget_err *err)
{
	char path[PATH_MAX], hex[SHA256_HEX_LEN];
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

	/* A header gone already: record nothing, this entry could never hit. */
	if (manifest_headers_new(memo, headers, &hdrs))
		return 0;
	m = json_pack("{s:s, s:I, s:o}", "object", hex, "size", (json_int_t)len, "headers", hdrs);
	text = m ? json_dumps(m, JSON_INDENT(1)) : NULL;
	json_decref(m);
	if (!text)
		return gadget_err_set(err, ENOMEM, "out of memory");
	entry_path(dir, key, path, sizeof(path));
	ret = file_write_atomic(path, text, strlen(text), err);
	if (!ret && written)
		*written = len + strlen(text);
	free(text);
	return ret;
}
