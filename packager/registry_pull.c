// SPDX-License-Identifier: Apache-2.0
/*
 * Pull (distribution-spec "Pulling manifests", "Pulling blobs"): resolve the
 * tag to a manifest or index, follow an index to this machine's platform,
 * stream every missing blob into the store while hashing it, and tag the
 * image only once everything it references is in the store and verified.
 * The registry is not trusted: digests are checked against what we asked
 * for, sizes against the descriptors, manifests are capped at 4 MiB.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/registry_client.h"
#include "packager/referrers.h"
#include "packager/registry_image.h"

struct pull {
	struct store *st;
	struct registry_client *c;
	struct oci_ref ref;
	const struct registry_opts *o;
	struct registry_stats *stats;
	const char *arch;
};

/* A manifest fetched and verified, kept in memory until the blobs are in. */
struct fetched {
	char digest[OCI_DIGEST_MAX];
	char media_type[128];
	void *data;
	size_t len;
};

struct fetched_list {
	struct fetched *v;
	size_t n;
};

static void fetched_list_free(struct fetched_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
}

static int get_manifest(struct pull *p, struct registry_client *c, const char *reference,
			const struct regimg_desc *want, struct fetched *out, struct gadget_err *err)
{
	struct reg_req r = { .method = "GET", .accept = regimg_accept,
			     .max_body = REG_MANIFEST_MAX };
	char url[512], what[600];
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", p->ref.repo, reference);
	snprintf(what, sizeof(what), "manifest %s:%s", p->ref.repo, reference);
	r.url = url;
	ret = regc_do(c, &r, err);
	if (ret)
		return ret;
	if (r.status != 200) {
		ret = regc_status_err(c, &r, what, err);
		regc_req_release(&r);
		return ret;
	}
	if (r.resp_len > REG_MANIFEST_MAX) {
		regc_req_release(&r);
		return gadget_err_set(err, EFBIG, "registry %s: %s is larger than 4 MiB",
				      regc_host(c), what);
	}
	oci_digest_compute(r.resp ? r.resp : "", r.resp_len, out->digest);
	if (want && (strcmp(want->digest, out->digest) || (want->size >= 0 &&
						      want->size != (int64_t)r.resp_len)))
		ret = gadget_err_set(err, EBADMSG, "registry %s: %s: digest %s (%zu bytes) does not match the expected %s",
				     regc_host(c), what, out->digest, r.resp_len, want->digest);
	else if (r.content_digest[0] && strcmp(r.content_digest, out->digest))
		ret = gadget_err_set(err, EBADMSG, "registry %s: %s: content has digest %s, registry said %s",
				     regc_host(c), what, out->digest, r.content_digest);
	if (!ret) {
		snprintf(out->media_type, sizeof(out->media_type), "%s", r.content_type_out);
		out->data = r.resp;
		out->len = r.resp_len;
		r.resp = NULL;
	}
	regc_req_release(&r);
	return ret;
}

/*
 * ---- blobs: streamed into a store writer, which hashes every byte as it
 * arrives and refuses at commit a blob whose digest or size is not the
 * descriptor's; a blob growing past its size is cut off right away.
 */

struct blob_sink {
	struct pull *p;
	struct registry_client *c;
	const struct regimg_desc *d;
	struct store_blob_writer *w;
	int64_t got;
	struct gadget_err *err;
};

static int sink_begin(struct blob_sink *s)
{
	if (s->w)
		store_blob_abort(s->w);
	s->w = NULL;
	s->got = 0;
	return store_blob_begin(s->p->st, s->d->digest, s->d->size, &s->w, s->err);
}

static int sink_write(void *ctx, const void *data, size_t len)
{
	struct blob_sink *s = ctx;

	if (s->got + (int64_t)len > s->d->size)
		return gadget_err_set(s->err, EBADMSG, "registry %s: blob %s is larger than its %" PRId64
				      " bytes: refusing it", regc_host(s->c), s->d->digest, s->d->size);
	s->got += len;
	return store_blob_write(s->w, data, len, s->err);
}

static int sink_reset(void *ctx)
{
	return sink_begin(ctx);
}

static int pull_blob(struct pull *p, struct registry_client *c, const struct regimg_desc *d,
		     struct gadget_err *err)
{
	struct blob_sink s = { .p = p, .c = c, .d = d, .err = err };
	struct reg_req r = { .method = "GET", .sink = sink_write, .sink_reset = sink_reset,
			     .sink_ctx = &s, .progress_name = d->digest, .expect_len = d->size };
	char url[512];
	int ret;

	if (store_has_blob(p->st, d->digest)) {
		STAT_ADD(p->stats->blobs_skipped, 1);
		return 0;
	}
	ret = sink_begin(&s);
	snprintf(url, sizeof(url), "/v2/%s/blobs/%s", p->ref.repo, d->digest);
	r.url = url;
	if (!ret)
		ret = regc_do(c, &r, err);
	if (!ret && r.status != 200)
		ret = regc_status_err(c, &r, d->digest, err);
	if (!ret) {
		ret = store_blob_commit(s.w, err);
		s.w = NULL;
		if (ret)
			gadget_err_prefix(err, "registry %s: refusing blob %s", regc_host(c), d->digest);
	}
	if (s.w)
		store_blob_abort(s.w);
	regc_req_release(&r);
	if (ret)
		return ret;
	regimg_blob_done(p->o, p->stats, d);
	return 0;
}

struct blob_job {
	struct pull *p;
	const struct regimg_doc *doc;
};

static int pull_blob_job(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err)
{
	struct blob_job *job = ctx;

	return pull_blob(job->p, c, &job->doc->descs[i], err);
}

/* ---- manifests and indexes ---------------------------------------------- */

static const struct regimg_desc *pick_platform(const struct regimg_doc *idx, const char *arch)
{
	for (size_t i = 0; i < idx->nr; i++)
		if (!strcmp(idx->descs[i].arch, arch) && (!idx->descs[i].os[0] ||
							  !strcmp(idx->descs[i].os, "linux")))
			return &idx->descs[i];
	/* an index of one manifest with no platform: that's the image */
	if (idx->nr == 1 && !idx->descs[0].arch[0])
		return &idx->descs[0];
	return NULL;
}

static int keep(struct fetched_list *l, struct fetched *f, struct gadget_err *err)
{
	struct fetched *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (!nv) {
		free(f->data);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	l->v = nv;
	l->v[l->n++] = *f;
	return 0;
}

/*
 * Fetch reference and the blobs it reaches (for an index: our platform's
 * manifest, which must exist, then the others).  Manifests are collected
 * in l, children before parents.
 */
static int pull_tree(struct pull *p, struct registry_client *c, const char *reference,
		     const struct regimg_desc *want, bool top, struct fetched_list *l,
		     struct gadget_err *err);

/* The rest of pull_tree() once f, reference's manifest, is fetched (f is consumed). */
static int pull_from(struct pull *p, struct registry_client *c, struct fetched f,
		     const char *reference, bool top, struct fetched_list *l, struct gadget_err *err)
{
	struct regimg_doc doc;
	const struct regimg_desc *mine = NULL;
	int ret;

	ret = regimg_parse(f.data, f.len, f.media_type, &doc, err);
	if (ret) {
		free(f.data);
		return gadget_err_prefix(err, "registry %s: %s", regc_host(c), reference);
	}
	snprintf(f.media_type, sizeof(f.media_type), "%s", doc.media_type);
	if (doc.is_index) {
		if (!top) {
			ret = gadget_err_set(err, EPROTO, "registry %s: nested index %s is not supported",
					     regc_host(c), reference);
			goto out;
		}
		mine = pick_platform(&doc, p->arch);
		if (!mine) {
			ret = gadget_err_set(err, ENOENT, "registry %s: %s:%s has no manifest for linux/%s",
					     regc_host(c), p->ref.repo, reference, p->arch);
			goto out;
		}
		/*
		 * This machine's manifest first; then the other platforms too:
		 * the store keeps the index whole (store check, export and a
		 * re-push from this store need every blob it reaches), and
		 * gadget objects are small.
		 */
		ret = pull_tree(p, c, mine->digest, mine, false, l, err);
		for (size_t i = 0; !ret && i < doc.nr; i++)
			if (&doc.descs[i] != mine && !store_has_blob(p->st, doc.descs[i].digest))
				ret = pull_tree(p, c, doc.descs[i].digest, &doc.descs[i], false, l, err);
	} else {
		struct blob_job job = { .p = p, .doc = &doc };

		ret = regc_parallel(c, doc.nr, pull_blob_job, &job, err);
	}
out:
	regimg_doc_free(&doc);
	if (ret) {
		free(f.data);
		return ret;
	}
	return keep(l, &f, err);
}

static int pull_tree(struct pull *p, struct registry_client *c, const char *reference,
		     const struct regimg_desc *want, bool top, struct fetched_list *l,
		     struct gadget_err *err)
{
	struct fetched f;
	int ret = get_manifest(p, c, reference, want, &f, err);

	return ret ? ret : pull_from(p, c, f, reference, top, l, err);
}

/* Everything verified and its blobs in: store the manifests, then the tag. */
static int commit(struct pull *p, struct fetched_list *l, const char *tagref,
		  struct oci_descriptor *top, struct gadget_err *err)
{
	struct fetched *f = &l->v[l->n - 1];
	char digest[OCI_DIGEST_MAX];
	int ret = 0;

	for (size_t i = 0; !ret && i < l->n; i++) {
		ret = store_put_blob(p->st, l->v[i].data, l->v[i].len, digest, err);
		if (!ret && strcmp(digest, l->v[i].digest))
			ret = gadget_err_set(err, EIO, "store wrote %s as %s", l->v[i].digest, digest);
	}
	if (ret)
		return ret;
	memset(top, 0, sizeof(*top));
	snprintf(top->media_type, sizeof(top->media_type), "%s", f->media_type);
	snprintf(top->digest, sizeof(top->digest), "%s", f->digest);
	top->size = (int64_t)f->len;
	return store_tag(p->st, tagref, top, err);
}

struct tree_job {
	struct pull *p;
	struct fetched top;		/* the image's manifest or index, fetched */
	bool top_taken;
	const char *reference;
	struct fetched_list *l, *sl;
	char sigtag[128];
	bool has_sig;
};

/*
 * No .sig tag: a signature pushed as an OCI 1.1 referrer (cosign's
 * artifactType) is as good; the first one found is kept under the .sig name,
 * which verify reads (its layers are the same payloads and annotations).
 */
static int pull_sig_referrer(struct tree_job *job, struct registry_client *c,
			     struct gadget_err *err)
{
	struct pull *p = job->p;
	struct regimg_desc want = { 0 };
	struct referrer *v;
	void *data;
	size_t len, n;
	int ret;

	gadget_err_clear(err);
	ret = regc_referrers(c, p->ref.repo, job->top.digest, ARTIFACT_TYPE_COSIGN_SIG, &data, &len,
			     err);
	if (ret)
		return ret;
	ret = referrers_parse_index(data, len, ARTIFACT_TYPE_COSIGN_SIG, &v, &n, err);
	free(data);
	if (ret)
		return gadget_err_prefix(err, "registry %s: referrers of %s", regc_host(c),
					 job->top.digest);
	if (!n) {
		free(v);
		return -ENOENT;
	}
	snprintf(want.digest, sizeof(want.digest), "%s", v[0].digest);
	want.size = v[0].size;
	free(v);
	return pull_tree(p, c, want.digest, &want, true, job->sl, err);
}

/* Item 0: the image's tree from its fetched top; item 1: the signature. */
static int tree_job(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err)
{
	struct tree_job *job = ctx;
	int ret;

	if (i == 0) {
		job->top_taken = true;
		return pull_from(job->p, c, job->top, job->reference, true, job->l, err);
	}
	ret = pull_tree(job->p, c, job->sigtag, NULL, true, job->sl, err);
	if (ret == -ENOENT)
		ret = pull_sig_referrer(job, c, err);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return gadget_err_prefix(err, "signature");
	job->has_sig = true;
	return 0;
}

int registry_pull(struct store *st, const char *ref, const struct registry_opts *o,
		  struct registry_stats *stats, struct gadget_err *err)
{
	struct registry_stats own;
	struct pull p = { .st = st, .o = o, .stats = stats ? stats : &own };
	struct fetched_list l = { 0 }, sl = { 0 };
	struct oci_descriptor top, sigdesc;
	struct oci_ref sigref;
	struct tree_job job = { 0 };
	char scope[800], tagref[800];
	int ret;

	memset(p.stats, 0, sizeof(*p.stats));
	p.arch = o->arch ? o->arch : "amd64";
	ret = ref_parse(ref, &p.ref, err);
	if (ret)
		return ret;
	if (!p.ref.registry[0])
		return gadget_err_set(err, EINVAL, "'%s' names no registry (use REGISTRY/REPO:TAG)", ref);
	if (p.ref.digest[0] && !oci_digest_valid(p.ref.digest))
		return gadget_err_set(err, EINVAL, "'%s': unsupported digest", ref);
	if (ref_format(&p.ref, tagref, sizeof(tagref)))
		return gadget_err_set(err, EINVAL, "'%s': reference too long", ref);
	snprintf(scope, sizeof(scope), "repository:%s:pull", p.ref.repo);
	ret = regc_new(o->endpoint ? o->endpoint : p.ref.registry, scope, o, p.stats, &p.c, err);
	if (ret)
		return ret;
	if (p.ref.digest[0]) {
		struct regimg_desc want = { .size = -1 };

		snprintf(want.digest, sizeof(want.digest), "%s", p.ref.digest);
		ret = get_manifest(&p, p.c, p.ref.digest, &want, &job.top, err);
		job.reference = p.ref.digest;
	} else {
		ret = get_manifest(&p, p.c, p.ref.tag, NULL, &job.top, err);
		job.reference = p.ref.tag;
	}
	/*
	 * The image's tree and its cosign signature (tag sha256-<hex>.sig,
	 * absent on most images) come down side by side; the image is
	 * tagged only when all of it is in, the signature after it.
	 */
	if (!ret) {
		job.p = &p;
		job.l = &l;
		job.sl = &sl;
		regimg_sig_tag(job.top.digest, job.sigtag, sizeof(job.sigtag));
		ret = regc_parallel(p.c, 2, tree_job, &job, err);
		if (!job.top_taken)
			free(job.top.data);
	}
	if (!ret)
		ret = commit(&p, &l, tagref, &top, err);
	if (!ret)
		p.stats->top = top;
	if (!ret && job.has_sig) {
		sigref = p.ref;
		snprintf(sigref.tag, sizeof(sigref.tag), "%s", job.sigtag);
		sigref.digest[0] = '\0';
		if (!ref_format(&sigref, tagref, sizeof(tagref))) {
			ret = commit(&p, &sl, tagref, &sigdesc, err);
			if (ret)
				gadget_err_prefix(err, "signature");
			p.stats->signature = !ret;
		}
	}
	fetched_list_free(&l);
	fetched_list_free(&sl);
	regc_free(p.c);
	return ret;
}
