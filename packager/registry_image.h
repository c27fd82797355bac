/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REGISTRY_IMAGE_H
#define GADGET_PACKAGER_REGISTRY_IMAGE_H

/*
 * What push and pull both need to know about image documents: the media
 * types a registry may answer with and the descriptors a manifest or index
 * points at, each digest checked with oci_digest_valid() (a digest from the
 * wire ends up in URLs and store paths, so it is validated before use).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "packager/store.h"

#define REG_MANIFEST_MAX	(4 << 20)	/* distribution-spec: registries may refuse > 4 MiB */

/* Accept header for manifest GETs (OCI first, Docker v2 schema 2 for old images). */
extern const char regimg_accept[];

struct regimg_desc {
	char media_type[128];
	char digest[OCI_DIGEST_MAX];
	int64_t size;
	char arch[32];
	char os[32];
};

struct regimg_doc {
	bool is_index;
	char media_type[128];
	struct regimg_desc *descs;	/* index: manifests; manifest: config then layers */
	size_t nr;
};

int regimg_parse(const void *data, size_t len, const char *content_type,
		 struct regimg_doc *out, struct gadget_err *err);
void regimg_doc_free(struct regimg_doc *d);
bool regimg_media_is_index(const char *mt);
/* cosign's signature tag for an image digest: "sha256-<hex>.sig". */
void regimg_sig_tag(const char *digest, char *out, size_t outlen);

struct registry_opts;
struct registry_stats;
/* A blob moved whole (pulled or pushed): the progress callback and the counters. */
void regimg_blob_done(const struct registry_opts *o, struct registry_stats *stats,
		      const struct regimg_desc *d);

#endif
