/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_CACHE_H
#define GADGET_COMPILER_CACHE_H

/*
 * The build cache, under $GADGET_CACHE_DIR, else $XDG_CACHE_HOME/gadget,
 * else ~/.cache/gadget:
 *
 *   objects/<sha256>.o        linked objects, named by their content
 *   builds/<key>.json         {"object": sha256, "size": n,
 *                              "headers": [{"path": p, "sha256": h}, ...]}
 *
 * <key> is SHA-256 over the clang version, the target architecture, the
 * argument list (less temp output paths) and every source's name and bytes.
 * The headers a build read are only known after it ran (clang -MD), so they
 * are checked at lookup instead: a hit needs every listed header to still
 * hash the same.  Every file is written to a temp name and renamed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <openssl/evp.h>

#include "base/err.h"
#include "base/file.h"
#include "compiler/clang.h"

#define SHA256_HEX_LEN 65

/* Length-prefixed items, so ("ab","c") and ("a","bc") differ. */
struct cache_key {
	EVP_MD_CTX *ctx;
};

int cache_key_init(struct cache_key *k);
int cache_key_add(struct cache_key *k, const void *data, size_t len);
int cache_key_add_str(struct cache_key *k, const char *s);
/* Adds the file's name, then its bytes. */
int cache_key_add_file(struct cache_key *k, const char *name, const char *path,
		       struct gadget_err *err);
int cache_key_final(struct cache_key *k, char hex[SHA256_HEX_LEN]);	/* frees ctx */
void cache_key_abort(struct cache_key *k);

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN]);	/* -errno */

/* The cache folder for this user (see above). */
int cache_dir_default(char *buf, size_t len, struct gadget_err *err);

/* 1 and *obj filled on a hit, 0 on a miss (absent, stale or damaged entry). */
int cache_lookup(const char *dir, const char *key, void **obj, size_t *len);
/* Record a build: its object and the headers it read (absolute paths). */
int cache_store(const char *dir, const char *key, const void *obj, size_t len,
		const struct argv_buf *headers, struct gadget_err *err);


#endif
