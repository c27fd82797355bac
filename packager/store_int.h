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

#endif
