/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REGISTRY_CLIENT_H
#define GADGET_PACKAGER_REGISTRY_CLIENT_H

/*
 * The HTTP half of the registry client, shared by push and pull: a curl
 * easy handle reused for every request (curl_easy_reset keeps its
 * connection), the /v2/ ping that picks the scheme and learns the auth
 * challenge, Basic/Bearer auth, redirects followed by hand (Authorization
 * dropped when the host changes), retries with backoff, OCI error bodies
 * in messages, and parallel blob transfers on clones of the client.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "packager/registry.h"

struct registry_client;

/* Counters in struct registry_stats are bumped from transfer threads. */
#define STAT_ADD(field, n) __atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)

struct reg_req {
	const char *method;		/* GET HEAD PUT POST PATCH */
	const char *url;		/* absolute, or a path starting with "/v2/" */
	const char *accept;
	const char *content_type;
	const char *content_range;	/* PATCH chunks */
	/* Request body: memory, or len bytes of a store blob from off (checked as read). */
	const void *body;
	struct store_blob_reader *blob;	/* NULL: use body */
	int64_t off, len;
	/* Streaming response (2xx bodies only); returns 0 or -errno. */
	int (*sink)(void *ctx, const void *data, size_t len);
	int (*sink_reset)(void *ctx);	/* before a retry; NULL: not restartable */
	void *sink_ctx;
	const char *progress_name;	/* digest shown by the progress callback */
	size_t max_body;		/* cap for a buffered 2xx body; 0: 64 KiB (errors: 64 KiB) */
	int64_t expect_len;		/* bytes the answer should bring (a blob): time it may take */

	/* Results. */
	long status;
	char location[2048];
	char content_digest[OCI_DIGEST_MAX];
	char content_type_out[128];
	char oci_subject[OCI_DIGEST_MAX];	/* a manifest PUT's subject, as the registry indexed it */
	int64_t content_length;
	char *resp;			/* buffered body (non-2xx or no sink), NUL-terminated */
	size_t resp_len;
};

int regc_new(const char *registry, const char *scope, const struct registry_opts *o,
	     struct registry_stats *stats, struct registry_client **out, struct gadget_err *err);
void regc_free(struct registry_client *c);
const char *regc_host(const struct registry_client *c);

/*
 * Send r, with auth, redirects and retries.  Returns 0 when a final answer
 * arrived (check r->status), -errno on transport failure.  Free r->resp
 * with regc_req_release() (a failed regc_do() has freed it already).
 */
int regc_do(struct registry_client *c, struct reg_req *r, struct gadget_err *err);
void regc_req_release(struct reg_req *r);
/*
 * Run fn(i) for i in [0, n) on up to four clients (c and clones sharing
 * its connections), stopping at the first error, which lands in err.
 * fn must only touch per-item state and STAT_ADD()-style counters.
 */
int regc_parallel(struct registry_client *c, size_t n,
		  int (*fn)(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err),
		  void *ctx, struct gadget_err *err);
/* GET url into memory (capped at 4 MiB); a 404 returns notfound with err untouched. */
int regc_get_doc(struct registry_client *c, const char *url, const char *accept, int notfound,
		 void **data, size_t *len, char *media_type, struct gadget_err *err);
/*
 * The referrers index of digest in repo: the API (filtered by artifact_type
 * when not NULL), else the sha256-<hex> fallback tag; -ENOENT when neither.
 */
int regc_referrers(struct registry_client *c, const char *repo, const char *digest,
		   const char *artifact_type, void **data, size_t *len, struct gadget_err *err);
/* Fill err with "METHOD path: 404 Not Found: MANIFEST_UNKNOWN: ..." and return -errno. */
int regc_status_err(struct registry_client *c, const struct reg_req *r, const char *what,
		    struct gadget_err *err);

#endif
