/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_CACHE_H
#define GADGET_COMPILER_CACHE_H

/*
 * The build cache, in the cache folder (base/cache_dir.h):
 *
 *   objects/<sha256>.o        linked objects, named by their content
 *   builds/<key>.json         {"object": sha256, "size": n,
 *                              "headers": [{"path": p, "sha256": h}, ...]}
 *   pch/<key>.{h,pch,json}    precompiled headers (compiler/pch.h)
 *   digests-v1                header digests already known (compiler/digest_memo.h)
 *
 * <key> is SHA-256 over the clang binary (clang_identity()), the target
 * architecture, the argument list (less temp output paths) and every
 * source's name and bytes.
 * The headers a build read are only known after it ran (clang -MD), so they
 * are checked at lookup instead: a hit needs every listed header to still
 * hash the same.  Every file is written to a temp name and renamed.
 *
 * Limits: at most $GADGET_CACHE_MAX_SIZE bytes (default 1G; "0": none)
 * in those three folders and digests-v1.  A hit or a use marks an entry as used (its
 * mtime); cache_clean() removes the least recently used entries until the
 * cache is under 90% of the limit, and temp files left by killed builds.
 * The runtime's core-btf/ beside them is not the build cache's to clean.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <jansson.h>

#include "base/cache_dir.h"
#include "base/err.h"
#include "base/file.h"
#include "base/sha256.h"
#include "compiler/clang.h"
#include "compiler/digest_memo.h"

#define CACHE_MAX_SIZE_DEFAULT (1ULL << 30)

/* Length-prefixed items, so ("ab","c") and ("a","bc") differ. */
struct cache_key {
	struct sha256 h;
};

int cache_key_init(struct cache_key *k);
int cache_key_add(struct cache_key *k, const void *data, size_t len);
int cache_key_add_str(struct cache_key *k, const char *s);
/* Adds the file's name, then its bytes. */
int cache_key_add_file(struct cache_key *k, const char *name, const char *path,
		       struct gadget_err *err);
int cache_key_final(struct cache_key *k, char hex[SHA256_HEX_LEN]);	/* frees it */
void cache_key_abort(struct cache_key *k);

/*
 * 1 and *obj filled on a hit, 0 on a miss (absent, stale or damaged entry).
 * memo (may be NULL) saves hashing headers that did not change.
 */
int cache_lookup(const char *dir, const char *key, struct digest_memo *memo, void **obj,
		 size_t *len);
/*
 * Record a build: its object and the headers it read (absolute paths);
 * *written (may be NULL) gets the bytes it wrote.
 */
int cache_store(const char *dir, const char *key, const void *obj, size_t len,
		const struct argv_buf *headers, struct digest_memo *memo, uint64_t *written,
		struct gadget_err *err);

/*
 * Manifests shared by build entries and precompiled headers: a JSON object
 * whose "headers" lists files with their SHA-256.  manifest_headers_new()
 * hashes the files (-ENOENT if one is gone already); manifest_headers_match()
 * is true when every listed file still hashes the same.  Both take their
 * digests from memo (may be NULL: hash every file).
 */
int manifest_headers_new(struct digest_memo *memo, const struct argv_buf *paths, json_t **out);
bool manifest_headers_match(struct digest_memo *memo, json_t *manifest);

/*
 * A file written while clang ran may or may not be what it read: such a
 * result must not be cached (ccache's "too new" rule).  cache_clock_start()
 * is called before hashing the inputs, cache_inputs_changed() after clang:
 * true when one of paths was written since (or is gone).
 */
void cache_clock_start(struct timespec *start, const struct argv_buf *sources);
bool cache_inputs_changed(const struct argv_buf *paths, const struct timespec *start);

/* Mark a cache file as just used (least recently used goes first). */
void cache_touch(const char *path);

/* $GADGET_CACHE_MAX_SIZE in bytes (0: no limit); -EINVAL with a message. */
int cache_max_size(uint64_t *out, struct gadget_err *err);
/*
 * Apply the limits (see above), walking the whole cache.  *freed gets the
 * bytes removed (may be NULL).  The total is kept in <dir>/size.
 */
int cache_clean(const char *dir, uint64_t max_size, uint64_t *freed);
/*
 * After writing added bytes: add them to the kept total, and clean only
 * when that passes max_size or was last counted a day ago.
 */
int cache_account(const char *dir, uint64_t max_size, uint64_t added);

#endif
