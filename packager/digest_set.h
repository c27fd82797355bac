/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_DIGEST_SET_H
#define GADGET_PACKAGER_DIGEST_SET_H

/*
 * A set of digests, for walks over manifests and indexes that must visit
 * each blob once: an index may list the same child any number of times, and
 * six levels of 60 give 60^6 paths but only six blobs.  Open addressing over
 * a hash of the string; a walk adds each digest before descending into it.
 */
#include <stdbool.h>
#include <stddef.h>

#include "packager/store.h"

struct digest_set {
	char (*v)[OCI_DIGEST_MAX];	/* "" marks a free slot */
	size_t n, cap;			/* cap: 0 or a power of 2 */
};

/* 1 when digest was added, 0 when it was there already, -ENOMEM. */
int digest_set_add(struct digest_set *s, const char *digest);
bool digest_set_has(const struct digest_set *s, const char *digest);
void digest_set_free(struct digest_set *s);

#endif
