/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REFERRERS_H
#define GADGET_PACKAGER_REFERRERS_H

/*
 * OCI 1.1 referrers: artifacts (signatures, SBOMs, attestations) attached
 * to an image by a manifest whose "subject" is the image's descriptor
 * (image-spec manifest.md "subject", "artifactType"; distribution-spec v1.1
 * "Pushing Manifests with Subject", "Listing Referrers").
 *
 * A registry with the referrers API lists them itself (and says so with
 * OCI-Subject when one is pushed).  For one without (answering 404 on
 * /v2/<repo>/referrers/<digest>, as distribution 2.8 does), the spec's
 * fallback: the tag "sha256-<hex>" of the subject's
 * digest holds an image index listing every referrer's descriptor (with
 * its artifactType and annotations); a client that pushes a referrer
 * updates that index, one that lists them reads it.
 */
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "packager/registry.h"
#include "packager/store.h"

/* cosign's artifactType for a signature stored as a referrer (cosign's OCI 1.1 mode). */
#define ARTIFACT_TYPE_COSIGN_SIG "application/vnd.dev.cosign.artifact.sig.v1+json"

/* One layer of an artifact: a blob of the store, with its annotations. */
struct referrer_layer {
	const struct oci_descriptor *desc;
	const json_t *annotations;	/* may be NULL */
};

struct referrer {
	char digest[OCI_DIGEST_MAX];
	char media_type[128];
	char artifact_type[128];
	int64_t size;
};

/* The artifact manifest referrers_push() pushes, written to the store only. */
int referrers_manifest(struct store *st, const struct oci_descriptor *subject,
		       const char *artifact_type, const struct referrer_layer *layers, size_t nr,
		       const json_t *annotations, struct oci_descriptor *out, struct gadget_err *err);

/*
 * Write to the store and push to repo_ref ("REGISTRY/REPO") an artifact
 * manifest: artifactType, the OCI empty descriptor as config, layers,
 * subject (the image's top descriptor in that repository), annotations.
 * Unless the registry answers the PUT with OCI-Subject (it has the
 * referrers API) the fallback tag's index is updated too.  out
 * (may be NULL) gets the artifact's descriptor.  Pushing the same artifact
 * again changes nothing.
 */
int referrers_push(struct store *st, const char *repo_ref, const struct oci_descriptor *subject,
		   const char *artifact_type, const struct referrer_layer *layers, size_t nr_layers,
		   const json_t *annotations, const struct registry_opts *o,
		   struct oci_descriptor *out, struct gadget_err *err);

/*
 * The referrers of subject_digest in repo_ref whose artifactType is
 * artifact_type (NULL: all): the API, else the fallback tag (none there:
 * 0 referrers).  Free *out.
 */
int referrers_list(const char *repo_ref, const char *subject_digest, const char *artifact_type,
		   const struct registry_opts *o, struct referrer **out, size_t *n,
		   struct gadget_err *err);

/* The descriptors of a referrers index (artifact_type NULL: all). Free *out. */
int referrers_parse_index(const void *data, size_t len, const char *artifact_type,
			  struct referrer **out, size_t *n, struct gadget_err *err);

/* The fallback tag of a digest: "sha256-<hex>". */
void referrers_tag(const char *digest, char *out, size_t len);

#endif
