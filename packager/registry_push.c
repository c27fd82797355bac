// SPDX-License-Identifier: Apache-2.0
/*
 * Push (distribution-spec "Push"): for every blob, HEAD first ("Checking
 * if content exists in the registry") so an unchanged re-push sends no
 * blob; else mount from a sibling repository ("Mounting a blob from
 * another repository"), else POST an upload session and PUT the bytes
 * ("Pushing a blob monolithically", POST then PUT ?digest=), or PATCH them
 * in chunks for big blobs ("Pushing a blob in chunks").  Manifests go up
 * children first with their exact media type ("Pushing Manifests"), then
 * the top one by tag, then the cosign signature tag if the store has one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>

#include "packager/registry_client.h"
#include "packager/registry_image.h"
#include "packager/sign.h"

#define DEFAULT_CHUNK	(64LL << 20)

struct push {
	struct store *st;
	struct registry_client *c;
	struct oci_ref dst;
	char from_repo[256];		/* same registry, other repository: mount source */
	char oci_subject[OCI_DIGEST_MAX];	/* the last manifest PUT's OCI-Subject answer */
	const struct registry_opts *o;
	struct registry_stats *stats;
};

/* Append "?k=v" or "&k=v" to an upload Location (it may carry its own query). */
static void url_add_query(char *url, size_t len, const char *k, const char *v)
{
	size_t n = strlen(url);

	snprintf(url + n, len - n, "%s%s=%s", strchr(url, '?') ? "&" : "?", k, v);
}

/* POST an upload session, or a mount that may answer 201 at once. */
static int start_upload(struct push *p, struct registry_client *c, const struct regimg_desc *d,
			char *loc, size_t loclen, bool *mounted, struct gadget_err *err)
{
	struct reg_req r = { .method = "POST" };
	char url[1024];
	int ret;

	*mounted = false;
	if (p->from_repo[0])
		snprintf(url, sizeof(url), "/v2/%s/blobs/uploads/?mount=%s&from=%s",
			 p->dst.repo, d->digest, p->from_repo);
	else
		snprintf(url, sizeof(url), "/v2/%s/blobs/uploads/", p->dst.repo);
	r.url = url;
	ret = regc_do(c, &r, err);
	if (ret)
		return ret;
	if (r.status == 201 && p->from_repo[0]) {
		*mounted = true;
	} else if (r.status != 202 || !r.location[0]) {
		ret = regc_status_err(c, &r, "start blob upload", err);
	} else {
		snprintf(loc, loclen, "%s", r.location);
	}
	regc_req_release(&r);
	return ret;
}

static int send_blob(struct push *p, struct registry_client *c, const struct regimg_desc *d,
		     struct store_blob_reader *blob, char *loc, size_t loclen, struct gadget_err *err)
{
	int64_t chunk = p->o->chunk_size > 0 ? p->o->chunk_size : DEFAULT_CHUNK;
	int64_t off = 0;
	char esc[OCI_DIGEST_MAX + 16];
	int ret;

	/* Chunks: PATCH with Content-Range "<start>-<end>" inclusive, 202 + new Location. */
	while (d->size > chunk && off < d->size) {
		int64_t n = d->size - off < chunk ? d->size - off : chunk;
		char range[64];
		struct reg_req r = { .method = "PATCH", .url = loc, .blob = blob, .off = off, .len = n,
				     .content_type = "application/octet-stream",
				     .content_range = range, .progress_name = d->digest };

		snprintf(range, sizeof(range), "%" PRId64 "-%" PRId64, off, off + n - 1);
		ret = regc_do(c, &r, err);
		if (!ret && r.status != 202)
			ret = regc_status_err(c, &r, "upload blob chunk", err);
		if (!ret && !r.location[0])
			ret = gadget_err_set(err, EPROTO, "registry %s: chunk accepted without a Location",
					     regc_host(c));
		/* a relative Location ("/v2/...") is resolved by regc_do() */
		if (!ret)
			snprintf(loc, loclen, "%s", r.location);
		regc_req_release(&r);
		if (ret)
			return ret;
		off += n;
	}
	/* The closing PUT carries the whole blob (monolithic) or nothing (after chunks). */
	{
		struct reg_req r = { .method = "PUT", .blob = blob, .off = off, .len = d->size - off,
				     .content_type = "application/octet-stream",
				     .progress_name = off < d->size ? d->digest : NULL };
		char *e = curl_easy_escape(NULL, d->digest, 0);

		snprintf(esc, sizeof(esc), "%s", e ? e : d->digest);
		curl_free(e);
		url_add_query(loc, loclen, "digest", esc);
		r.url = loc;
		ret = regc_do(c, &r, err);
		if (!ret && r.status != 201)
			ret = regc_status_err(c, &r, "upload blob", err);
		regc_req_release(&r);
	}
	return ret;
}

static int push_blob(struct push *p, struct registry_client *c, const struct regimg_desc *d,
		     struct gadget_err *err)
{
	struct reg_req head = { .method = "HEAD" };
	struct store_blob_reader *blob;
	char url[512], loc[2048];
	int64_t size;
	bool mounted;
	int ret;

	snprintf(url, sizeof(url), "/v2/%s/blobs/%s", p->dst.repo, d->digest);
	head.url = url;
	ret = regc_do(c, &head, err);
	regc_req_release(&head);
	if (ret)
		return ret;
	if (head.status == 200) {
		STAT_ADD(p->stats->blobs_skipped, 1);
		return 0;
	}
	if (head.status != 404)
		return regc_status_err(c, &head, "check blob", err);
	if (!store_has_blob(p->st, d->digest))
		return gadget_err_set(err, ENOENT, "blob %s is missing from the local store", d->digest);
	ret = start_upload(p, c, d, loc, sizeof(loc), &mounted, err);
	if (ret)
		return ret;
	if (mounted) {
		STAT_ADD(p->stats->blobs_mounted, 1);
		return 0;
	}
	ret = store_blob_open(p->st, d->digest, &blob, &size, err);
	if (ret)
		return ret;
	if (size != d->size) {
		store_blob_close(blob);
		return gadget_err_set(err, EIO, "blob %s in the local store has size %" PRId64 ", manifest "
				      "says %" PRId64 ": run 'gadget store check'", d->digest, size, d->size);
	}
	ret = send_blob(p, c, d, blob, loc, sizeof(loc), err);
	store_blob_close(blob);
	if (ret)
		return ret;
	regimg_blob_done(p->o, p->stats, d);
	return 0;
}

struct blob_job {
	struct push *p;
	const struct regimg_doc *doc;
};

static int push_blob_job(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err)
{
	struct blob_job *job = ctx;

	return push_blob(job->p, c, &job->doc->descs[i], err);
}

static int put_manifest(struct push *p, const char *reference, const char *media_type,
			const void *data, size_t len, struct gadget_err *err)
{
	struct reg_req r = { .method = "PUT", .body = data, .len = (int64_t)len,
			     .content_type = media_type };
	char url[512], digest[OCI_DIGEST_MAX];
	int ret;

	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", p->dst.repo, reference);
	r.url = url;
	ret = regc_do(p->c, &r, err);
	if (!ret && r.status != 201)
		ret = regc_status_err(p->c, &r, "put manifest", err);
	oci_digest_compute(data, len, digest);
	if (!ret && r.content_digest[0] && strcmp(r.content_digest, digest))
		ret = gadget_err_set(err, EPROTO, "registry %s stored manifest %s as %s",
				     regc_host(p->c), digest, r.content_digest);
	snprintf(p->oci_subject, sizeof(p->oci_subject), "%s", r.oci_subject);
	regc_req_release(&r);
	return ret;
}

/* One manifest: its blobs, then itself. */
static int push_manifest(struct push *p, const char *digest, const char *reference,
			 const char *media_type, struct gadget_err *err)
{
	struct regimg_doc doc;
	void *data;
	size_t len;
	int ret;

	ret = store_read_blob(p->st, digest, &data, &len, err);
	if (ret)
		return ret;
	ret = regimg_parse(data, len, media_type, &doc, err);
	if (!ret && doc.is_index) {
		for (size_t i = 0; !ret && i < doc.nr; i++)
			ret = push_manifest(p, doc.descs[i].digest, doc.descs[i].digest,
					    doc.descs[i].media_type, err);
	} else if (!ret) {
		struct blob_job job = { .p = p, .doc = &doc };

		ret = regc_parallel(p->c, doc.nr, push_blob_job, &job, err);
	}
	if (!ret)
		ret = put_manifest(p, reference, doc.media_type, data, len, err);
	regimg_doc_free(&doc);
	free(data);
	return ret;
}

/*
 * A tag the registry already resolves to our digest: the registry accepted
 * that manifest only with all it references ("Pushing Manifests"), so
 * nothing below it needs checking.  One HEAD instead of one per blob.
 */
static bool tag_up_to_date(struct push *p, const char *reference, const char *digest)
{
	struct reg_req r = { .method = "HEAD", .accept = regimg_accept };
	char url[512];
	bool same;

	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", p->dst.repo, reference);
	r.url = url;
	same = !regc_do(p->c, &r, NULL) && r.status == 200 && !strcmp(r.content_digest, digest);
	regc_req_release(&r);
	return same;
}

static int push_tagged(struct push *p, const struct oci_descriptor *d, const char *reference,
		       struct gadget_err *err)
{
	if (tag_up_to_date(p, reference, d->digest)) {
		STAT_ADD(p->stats->up_to_date, 1);
		return 0;
	}
	return push_manifest(p, d->digest, reference, d->media_type, err);
}

int registry_push(struct store *st, const char *local_ref, const char *remote_ref,
		  const struct registry_opts *o, struct registry_stats *stats,
		  struct gadget_err *err)
{
	struct registry_stats own;
	struct push p = { .st = st, .o = o, .stats = stats ? stats : &own };
	struct oci_ref src, sigref;
	struct oci_descriptor top, sig;
	char scope[800], sigtag[128], signame[800];
	int ret;

	memset(p.stats, 0, sizeof(*p.stats));
	if (!remote_ref)
		remote_ref = local_ref;
	ret = ref_parse(local_ref, &src, err);
	if (!ret)
		ret = ref_parse(remote_ref, &p.dst, err);
	if (ret)
		return ret;
	if (!p.dst.registry[0])
		return gadget_err_set(err, EINVAL, "'%s' names no registry (use REGISTRY/REPO:TAG)",
				      remote_ref);
	ret = store_resolve(st, local_ref, &top, err);
	if (ret)
		return ret;
	if (!strcmp(src.registry, p.dst.registry) && strcmp(src.repo, p.dst.repo))
		snprintf(p.from_repo, sizeof(p.from_repo), "%s", src.repo);
	snprintf(scope, sizeof(scope), "repository:%s:pull,push", p.dst.repo);
	ret = regc_new(p.dst.registry, scope, o, p.stats, &p.c, err);
	if (ret)
		return ret;
	ret = push_tagged(&p, &top, p.dst.digest[0] && !p.dst.tag[0] ? p.dst.digest : p.dst.tag, err);
	/* The signature lives next to the image as tag sha256-<hex>.sig (cosign's layout). */
	if (!ret) {
		p.stats->top = top;
		regimg_sig_tag(top.digest, sigtag, sizeof(sigtag));
		sigref = src;
		snprintf(sigref.tag, sizeof(sigref.tag), "%s", sigtag);
		sigref.digest[0] = '\0';
		if (!ref_format(&sigref, signame, sizeof(signame)) &&
		    !store_resolve(st, signame, &sig, NULL)) {
			ret = push_tagged(&p, &sig, sigtag, err);
			/* and as an OCI 1.1 referrer, for clients that look there */
			if (!ret)
				ret = sign_push_referrer(st, signame, &top, remote_ref, o, err);
			p.stats->signature = !ret;
		}
	}
	regc_free(p.c);
	return ret;
}

int registry_push_tree(struct store *st, const struct oci_descriptor *d, const char *remote_ref,
		       const char *reference, const struct registry_opts *o,
		       char oci_subject[OCI_DIGEST_MAX], struct gadget_err *err)
{
	struct registry_stats own;
	struct push p = { .st = st, .o = o, .stats = &own };
	char scope[800];
	int ret;

	memset(&own, 0, sizeof(own));
	ret = ref_parse(remote_ref, &p.dst, err);
	if (ret)
		return ret;
	snprintf(scope, sizeof(scope), "repository:%s:pull,push", p.dst.repo);
	ret = regc_new(p.dst.registry, scope, o, p.stats, &p.c, err);
	if (ret)
		return ret;
	ret = push_manifest(&p, d->digest, reference, d->media_type, err);
	if (!ret && oci_subject)
		snprintf(oci_subject, OCI_DIGEST_MAX, "%s", p.oci_subject);
	regc_free(p.c);
	return ret;
}
