/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REGISTRY_H
#define GADGET_PACKAGER_REGISTRY_H

/*
 * Push and pull gadget images to and from OCI registries (OCI
 * distribution-spec v1.1, "spec.md").  An operation's requests go over one
 * curl handle, its blob transfers over up to four more sharing one curl
 * share (DNS, TLS sessions), each keeping its connection; every blob's
 * digest and size are checked while streaming and nothing is tagged in the
 * store before all of it is verified.  Progress goes to a callback.
 */
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "packager/store.h"

struct registry_opts {
	bool insecure;		/* allow plain http / unverified TLS for any host */
	const char *ca_file;	/* extra CA bundle for private registries */
	long timeout;		/* seconds below 1 KiB/s, and for a whole request (plus 1 s
				 * per KiB of its blob); 0: 30 */
	int retries;		/* on 429/5xx/reset; <0: 4 */
	int64_t chunk_size;	/* blobs bigger than this go up in PATCH chunks; 0: 64 MiB */
	const char *arch;	/* platform picked from an index; NULL: "amd64"-style host arch */
	const char *endpoint;	/* pull: the registry host[:port] to ask instead of the
				 * reference's (a mirror); the image keeps its name */
	const char *username;	/* explicit credentials (login); NULL: docker config */
	const char *password;
	/* Progress of one blob; done == total and finished on its last call. */
	void (*progress)(void *ctx, const char *digest, int64_t done, int64_t total, bool finished);
	void *progress_ctx;
	/* Something the user should know that is not an error ("gadget: warning: ..."). */
	void (*warn)(const char *msg);
};

struct registry_stats {
	unsigned int requests;		/* HTTP requests sent, retries included */
	unsigned int blobs_sent;	/* pushed or pulled */
	unsigned int blobs_skipped;	/* already there */
	unsigned int blobs_mounted;	/* push: mounted from a sibling repository */
	unsigned int up_to_date;	/* push: tags already naming our digest */
	int64_t bytes;			/* blob bytes sent or received */
	struct oci_descriptor top;	/* what was pushed or pulled */
	bool signature;			/* a sha256-<hex>.sig went along */
	unsigned int attestations;	/* push --attest: referrers attached (packager/attest.h) */
};

/* Push the store's local_ref to remote_ref (NULL: local_ref itself). */
int registry_push(struct store *st, const char *local_ref, const char *remote_ref,
		  const struct registry_opts *o, struct registry_stats *stats,
		  struct gadget_err *err);
/* Pull ref into the store, tagged as ref. */
int registry_pull(struct store *st, const char *ref, const struct registry_opts *o,
		  struct registry_stats *stats, struct gadget_err *err);
/*
 * Push the store's manifest or index d (and what it references) to the
 * repository of remote_ref ("REGISTRY/REPO[:TAG]") under reference (a tag,
 * or d's digest for an untagged manifest such as a referrer).  oci_subject
 * (may be NULL) gets the OCI-Subject header the registry answered d's PUT
 * with: the subject's digest when it indexed d as a referrer, else "".
 */
int registry_push_tree(struct store *st, const struct oci_descriptor *d, const char *remote_ref,
		       const char *reference, const struct registry_opts *o,
		       char oci_subject[OCI_DIGEST_MAX], struct gadget_err *err);
/*
 * One manifest document by reference (tag or digest), in memory and
 * digest-checked against a digest reference: GET with regimg_accept.
 * -ENOENT when the registry says 404.  put: PUT data as media_type.
 */
int registry_get_manifest(const char *repo_ref, const char *reference,
			  const struct registry_opts *o, void **data, size_t *len,
			  char media_type[128], struct gadget_err *err);
int registry_put_manifest(const char *repo_ref, const char *reference, const char *media_type,
			  const void *data, size_t len, const struct registry_opts *o,
			  struct gadget_err *err);
/* A small blob (at most 4 MiB) by digest, checked against it; -ENOENT on 404. */
int registry_get_blob(const char *repo_ref, const char *digest, const struct registry_opts *o,
		      void **data, size_t *len, struct gadget_err *err);
/*
 * GET /v2/<repo>/referrers/<digest> (distribution-spec v1.1 "Listing
 * Referrers"), filtered by artifactType when not NULL: the image index it
 * answers, else (404: no referrers API) the sha256-<hex> tag's index;
 * -ENOENT when neither has one.
 */
int registry_list_referrers(const char *repo_ref, const char *digest, const char *artifact_type,
			    const struct registry_opts *o, void **data, size_t *len,
			    struct gadget_err *err);

/* Check credentials against the registry's /v2/ endpoint. */
int registry_check_login(const char *registry, const struct registry_opts *o,
			 struct gadget_err *err);

#endif
