// SPDX-License-Identifier: Apache-2.0
/*
 * Single manifest documents on a registry, outside a push or pull: what the
 * referrers code (referrers.c) reads and writes.  Every answer is capped at
 * 4 MiB and a digest reference is checked against the bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "packager/registry_client.h"
#include "packager/referrers.h"
#include "packager/registry_image.h"

static int client(const char *repo_ref, bool push, const struct registry_opts *o,
		  struct oci_ref *r, struct registry_client **c, struct gadget_err *err)
{
	char scope[800];
	int ret = ref_parse(repo_ref, r, err);

	if (ret)
		return ret;
	if (!r->registry[0])
		return gadget_err_set(err, EINVAL, "'%s' names no registry", repo_ref);
	snprintf(scope, sizeof(scope), "repository:%s:pull%s", r->repo, push ? ",push" : "");
	return regc_new(r->registry, scope, o, NULL, c, err);
}

int regc_get_doc(struct registry_client *c, const char *url, const char *accept, int notfound,
		 void **data, size_t *len, char *media_type, struct gadget_err *err)
{
	struct reg_req r = { .method = "GET", .url = url, .accept = accept,
			     .max_body = REG_MANIFEST_MAX };
	int ret = regc_do(c, &r, err);

	if (ret)
		return ret;
	if (r.status == 404)
		ret = notfound;
	else if (r.status != 200)
		ret = regc_status_err(c, &r, url, err);
	if (!ret) {
		if (media_type)
			snprintf(media_type, 128, "%s", r.content_type_out);
		*data = r.resp ? r.resp : strdup("");
		*len = r.resp_len;
		r.resp = NULL;
	}
	regc_req_release(&r);
	return ret;
}

/*
 * GET /v2/<repo>/<kind>/<reference> (kind "manifests" or "blobs"), held in
 * memory; a digest reference is checked against the bytes.
 */
static int get_checked(const char *repo_ref, const char *kind, const char *reference,
		       const char *accept, const struct registry_opts *o, void **data,
		       size_t *len, char *media_type, struct gadget_err *err)
{
	struct registry_client *c;
	char url[600], digest[OCI_DIGEST_MAX];
	struct oci_ref r;
	int ret = client(repo_ref, false, o, &r, &c, err);

	if (ret)
		return ret;
	snprintf(url, sizeof(url), "/v2/%s/%s/%s", r.repo, kind, reference);
	ret = regc_get_doc(c, url, accept, -ENOENT, data, len, media_type, err);
	if (ret == -ENOENT && !strcmp(kind, "blobs"))
		gadget_err_set(err, ENOENT, "registry %s: no blob %s in %s", r.registry, reference,
			       r.repo);
	if (!ret && !strncmp(reference, "sha256:", 7)) {
		oci_digest_compute(*data, *len, digest);
		if (strcmp(digest, reference)) {
			free(*data);
			ret = gadget_err_set(err, EBADMSG, "registry %s: %.*s %s has digest %s",
					     r.registry, (int)strlen(kind) - 1, kind, reference, digest);
		}
	}
	regc_free(c);
	return ret;
}

int registry_get_manifest(const char *repo_ref, const char *reference,
			  const struct registry_opts *o, void **data, size_t *len,
			  char media_type[128], struct gadget_err *err)
{
	return get_checked(repo_ref, "manifests", reference, regimg_accept, o, data, len,
			   media_type, err);
}

int registry_get_blob(const char *repo_ref, const char *digest, const struct registry_opts *o,
		      void **data, size_t *len, struct gadget_err *err)
{
	if (!oci_digest_valid(digest))
		return gadget_err_set(err, EINVAL, "'%s' is not a sha256 digest", digest);
	return get_checked(repo_ref, "blobs", digest, "*/*", o, data, len, NULL, err);
}

int registry_put_manifest(const char *repo_ref, const char *reference, const char *media_type,
			  const void *data, size_t len, const struct registry_opts *o,
			  struct gadget_err *err)
{
	struct reg_req q = { .method = "PUT", .body = data, .len = (int64_t)len,
			     .content_type = media_type };
	struct registry_client *c;
	char url[600];
	struct oci_ref r;
	int ret = client(repo_ref, true, o, &r, &c, err);

	if (ret)
		return ret;
	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", r.repo, reference);
	q.url = url;
	ret = regc_do(c, &q, err);
	if (!ret && q.status != 201)
		ret = regc_status_err(c, &q, "put manifest", err);
	regc_req_release(&q);
	regc_free(c);
	return ret;
}

int regc_referrers(struct registry_client *c, const char *repo, const char *digest,
		   const char *artifact_type, void **data, size_t *len, struct gadget_err *err)
{
	char url[900], tag[130], *at = NULL;
	int ret;

	/*
	 * artifactType goes as a query, percent-encoded: a registry reads the
	 * '+' of "...+json" as a space (Go's url.ParseQuery does), which
	 * would filter every referrer out.
	 */
	if (artifact_type && !(at = curl_easy_escape(NULL, artifact_type, 0)))
		return gadget_err_set(err, ENOMEM, "out of memory");
	snprintf(url, sizeof(url), "/v2/%s/referrers/%s%s%s", repo, digest,
		 at ? "?artifactType=" : "", at ? at : "");
	curl_free(at);
	ret = regc_get_doc(c, url, "application/vnd.oci.image.index.v1+json", -ENOTSUP, data, len,
			   NULL, err);
	if (ret != -ENOTSUP)
		return ret;
	/* distribution-spec "Referrers Tag Schema": no API, the sha256-<hex> tag's index */
	referrers_tag(digest, tag, sizeof(tag));
	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", repo, tag);
	return regc_get_doc(c, url, regimg_accept, -ENOENT, data, len, NULL, err);
}

int registry_list_referrers(const char *repo_ref, const char *digest, const char *artifact_type,
			    const struct registry_opts *o, void **data, size_t *len,
			    struct gadget_err *err)
{
	struct registry_client *c;
	struct oci_ref r;
	int ret = client(repo_ref, false, o, &r, &c, err);

	if (ret)
		return ret;
	ret = regc_referrers(c, r.repo, digest, artifact_type, data, len, err);
	regc_free(c);
	return ret;
}
