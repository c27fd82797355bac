/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_STORE_INT_H
#define GADGET_PACKAGER_STORE_INT_H

/* Store internals shared by the packager's files (gc, check, import); not a contract. */
#include <jansson.h>
#include <openssl/evp.h>

#include "packager/store.h"

int oci_digest_finish(EVP_MD_CTX *md, char out[OCI_DIGEST_MAX]);
/* index.json lock (flock on <store>/.lock); nests within a thread. unlock returns ret. */
int store_lock(struct store *st);
int store_unlock(struct store *st, int ret);
int store_gc_lock(struct store *st);
void store_gc_unlock(struct store *st);
int store_index_load(struct store *st, json_t **out, struct gadget_err *err);
int store_index_save(struct store *st, json_t *idx, struct gadget_err *err);
int store_write_file(struct store *st, const char *name, const void *data, size_t len);
int store_fsync_dir(const char *dir);
/* Documents that reference other blobs: image indexes and manifests (OCI and Docker v2). */
bool store_media_is_index(const char *mt);
bool store_media_is_manifest(const char *mt);
/* A new index.json naming every root blob (store_repair.c); the caller holds store_lock(). */
int store_index_rebuild(struct store *st, unsigned int *nr_names, struct gadget_err *err);
/* What a blob file's bytes hash to, whatever its name says (store check). */
int store_blob_file_digest(struct store *st, const char *digest, char got[OCI_DIGEST_MAX]);
/* store_walk() adding to (and skipping what is in) a caller's set: one walk over many roots. */
struct digest_set;
int store_walk_seen(struct store *st, const struct oci_descriptor *top, struct digest_set *seen,
		    int (*cb)(const struct oci_descriptor *d, bool present, void *ctx), void *ctx,
		    struct gadget_err *err);

#endif
