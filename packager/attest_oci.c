// SPDX-License-Identifier: Apache-2.0
/*
 * Attestations signed, stored, pushed as referrers and checked (attest.h).
 *
 * Each is an artifact manifest (referrers.h) with artifactType and one
 * layer application/vnd.dsse.envelope.v1+json, as cosign lays out an
 * attestation (specs/ATTESTATION_SPEC.md), both annotated "predicateType";
 * the layer also carries cosign's empty "dev.cosignproject.cosign/signature"
 * (the signature is inside the envelope).  The envelope:
 *   {"payload": base64(statement), "payloadType": "application/vnd.in-toto+json",
 *    "signatures": [{"keyid": "", "sig": base64(DER ECDSA over SHA-256 of PAE)}]}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/attest.h"
#include "packager/referrers.h"
#include "packager/sign.h"

#define ANNOT_CREATED	"org.opencontainers.image.created"

static const char *const attest_types[] = { PREDICATE_SPDX, PREDICATE_SLSA_V1 };
#define NR_TYPES (sizeof(attest_types) / sizeof(attest_types[0]))

/* "<repo>:sha256-<hex>.att": where the store lists ref's attestations. */
static int att_ref_name(const char *ref, const char *digest, char *buf, size_t len,
			struct gadget_err *err)
{
	struct oci_ref r;
	int ret = ref_parse(ref, &r, err);

	if (ret)
		return ret;
	referrers_tag(digest, r.tag, sizeof(r.tag) - 4);
	strcat(r.tag, ".att");
	r.digest[0] = '\0';
	return ref_format(&r, buf, len) ? gadget_err_set(err, ENAMETOOLONG, "reference too long") : 0;
}

/* The top document's build record and creation time. */
static int read_record(struct store *st, const char *ref, const struct oci_descriptor *top,
		       json_t **record, char *created, size_t clen, struct gadget_err *err)
{
	json_t *doc, *ann;
	const char *r, *c;
	int ret = store_read_json(st, top->digest, &doc, err);

	if (ret)
		return ret;
	ann = json_object_get(doc, "annotations");
	r = json_string_value(json_object_get(ann, ATTEST_ANNOTATION));
	c = json_string_value(json_object_get(ann, ANNOT_CREATED));
	if (!r)
		ret = gadget_err_set(err, ENOENT, "%s (%s) has no build record to attest: build it "
				     "with 'gadget build --attest -t %s'", ref, top->digest, ref);
	else if (!(*record = json_loads(r, 0, NULL)))
		ret = gadget_err_set(err, EBADMSG, "%s (%s): its %s annotation is not JSON", ref,
				     top->digest, ATTEST_ANNOTATION);
	snprintf(created, clen, "%s", c ? c : "1970-01-01T00:00:00Z");
	json_decref(doc);
	return ret;
}

/* ---- envelopes ---------------------------------------------------------- */

static int envelope_make(EVP_PKEY *pk, const char *statement, size_t len, char **out,
			 struct gadget_err *err)
{
	unsigned char *pae;
	size_t pae_len;
	char *sig = NULL, *payload;
	json_t *env;
	int ret;

	if (dsse_pae(DSSE_PAYLOAD_TYPE, statement, len, &pae, &pae_len))
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = sign_data(pk, pae, pae_len, &sig, err);
	free(pae);
	if (ret)
		return ret;
	payload = sign_b64((const unsigned char *)statement, len);
	env = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "payloadType", DSSE_PAYLOAD_TYPE,
			"payload", payload ?: "", "signatures", "keyid", "", "sig", sig);
	*out = env ? json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(env);
	free(payload);
	free(sig);
	return *out ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/*
 * Open an envelope: payloadType in-toto, some signature valid for pk over
 * the PAE.  *statement (free it) gets the decoded payload.
 */
static int envelope_open(EVP_PKEY *pk, const void *data, size_t len, char **statement,
			 size_t *slen, char *why, size_t wlen)
{
	json_t *env = json_loadb(data, len, 0, NULL), *s;
	const char *type = json_string_value(json_object_get(env, "payloadType"));
	const char *p64 = json_string_value(json_object_get(env, "payload"));
	unsigned char *payload = NULL, *pae = NULL;
	size_t plen = 0, pae_len, i;
	bool ok = false;

	if (!type || !p64 || strcmp(type, DSSE_PAYLOAD_TYPE)) {
		snprintf(why, wlen, "not a DSSE envelope of an in-toto statement");
	} else if (sign_b64_decode(p64, &payload, &plen) ||
		   dsse_pae(type, payload, plen, &pae, &pae_len)) {
		snprintf(why, wlen, "its payload is not base64");
	} else {
		json_array_foreach(json_object_get(env, "signatures"), i, s) {
			const char *sig = json_string_value(json_object_get(s, "sig"));

			if (sig && sign_data_valid(pk, sig, pae, pae_len))
				ok = true;
		}
		if (!ok)
			snprintf(why, wlen, "no DSSE signature over it is valid for the key");
	}
	json_decref(env);
	free(pae);
	if (!ok) {
		free(payload);
		return -EKEYREJECTED;
	}
	*statement = realloc(payload, plen + 1);
	(*statement)[plen] = '\0';
	*slen = plen;
	return 0;
}

/* ---- making them -------------------------------------------------------- */

struct made {
	struct oci_descriptor layer, manifest;
	json_t *layer_ann, *ann;
};

/* The envelope the store already has for this exact statement and key, if any. */
static bool reuse(struct store *st, const json_t *old_idx, const char *type, EVP_PKEY *pk,
		  const char *statement, struct oci_descriptor *layer)
{
	const json_t *e;
	json_t *man;
	size_t i;
	bool same = false;

	json_array_foreach(json_object_get(old_idx, "manifests"), i, e) {
		const char *d = json_string_value(json_object_get(e, "digest"));
		const char *t = json_string_value(json_object_get(json_object_get(e, "annotations"),
								   ANNOTATION_PREDICATE));
		char *stmt = NULL, why[128];
		void *data;
		size_t len, slen;

		if (!d || !t || strcmp(t, type) || store_read_json(st, d, &man, NULL))
			continue;
		if (!oci_descriptor_from_json(json_array_get(json_object_get(man, "layers"), 0), layer) &&
		    !store_read_blob(st, layer->digest, &data, &len, NULL)) {
			same = !envelope_open(pk, data, len, &stmt, &slen, why, sizeof(why)) &&
			       !strcmp(stmt, statement);
			free(data);
			free(stmt);
		}
		json_decref(man);
		if (same)
			return true;
	}
	return false;
}

static int make_one(struct store *st, const json_t *old_idx, const char *type,
		    const json_t *record, const struct attest_subject *s,
		    const struct oci_descriptor *top, EVP_PKEY *pk, struct made *m,
		    struct gadget_err *err)
{
	struct referrer_layer rl;
	char *statement = NULL, *env = NULL;
	size_t len;
	int ret;

	ret = attest_statement(type, record, s, &statement, &len, err);
	if (!ret && !reuse(st, old_idx, type, pk, statement, &m->layer))
		ret = envelope_make(pk, statement, len, &env, err) ?:
		      store_put_blob_desc(st, env, strlen(env), MEDIA_TYPE_DSSE, &m->layer, err);
	free(statement);
	free(env);
	if (ret)
		return ret;
	m->layer_ann = json_pack("{s:s, s:s}", ANNOTATION_PREDICATE, type,
				 COSIGN_SIG_ANNOTATION, "");
	m->ann = json_pack("{s:s, s:s}", ANNOTATION_PREDICATE, type, ANNOT_CREATED, s->created);
	rl.desc = &m->layer;
	rl.annotations = m->layer_ann;
	return referrers_manifest(st, top, MEDIA_TYPE_DSSE, &rl, 1, m->ann, &m->manifest, err);
}

/* The store's list of them: an index as the referrers fallback tag holds. */
static int store_index(struct store *st, const char *att_ref, const struct made *m, size_t n,
		       struct gadget_err *err)
{
	struct oci_descriptor d;
	json_t *idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
				MEDIA_TYPE_OCI_INDEX, "manifests"), *e;
	int ret;

	for (size_t i = 0; i < n; i++) {
		e = oci_descriptor_to_json(&m[i].manifest);
		json_object_set_new(e, "artifactType", json_string(MEDIA_TYPE_DSSE));
		json_object_set(e, "annotations", m[i].ann);
		json_array_append_new(json_object_get(idx, "manifests"), e);
	}
	ret = store_put_json(st, idx, MEDIA_TYPE_OCI_INDEX, &d, err) ?: store_tag(st, att_ref, &d, err);
	json_decref(idx);
	return ret;
}

static int attest_all(struct store *st, const char *ref, const char *remote_ref,
		      const struct oci_descriptor *top, EVP_PKEY *pk, const json_t *record,
		      const struct attest_subject *s, const struct registry_opts *o,
		      struct gadget_err *err)
{
	struct made m[NR_TYPES] = { 0 };
	struct oci_descriptor od;
	json_t *old = NULL;
	char att[900];
	size_t i;
	int ret = att_ref_name(ref, top->digest, att, sizeof(att), err);

	if (!ret && !store_resolve(st, att, &od, NULL))
		store_read_json(st, od.digest, &old, NULL);
	for (i = 0; !ret && i < NR_TYPES; i++)
		ret = make_one(st, old, attest_types[i], record, s, top, pk, &m[i], err);
	if (!ret)
		ret = store_index(st, att, m, NR_TYPES, err);
	for (i = 0; !ret && remote_ref && i < NR_TYPES; i++) {
		struct referrer_layer rl = { &m[i].layer, m[i].layer_ann };

		ret = referrers_push(st, remote_ref, top, MEDIA_TYPE_DSSE, &rl, 1, m[i].ann, o,
				     NULL, err);
	}
	for (i = 0; i < NR_TYPES; i++) {
		json_decref(m[i].layer_ann);
		json_decref(m[i].ann);
	}
	json_decref(old);
	return ret;
}

int packager_attest(struct store *st, const char *ref, const char *remote_ref,
		    const char *key_path, const char *passphrase, const struct registry_opts *o,
		    unsigned int *nr, struct gadget_err *err)
{
	struct oci_descriptor top;
	char name[800], created[64];
	json_t *record = NULL;
	EVP_PKEY *pk = NULL;
	int ret;

	ret = store_resolve(st, ref, &top, err) ?:
	      sign_ref_identity(remote_ref ? remote_ref : ref, name, sizeof(name), err) ?:
	      read_record(st, ref, &top, &record, created, sizeof(created), err) ?:
	      sign_load_key(key_path, true, passphrase, &pk, err);
	if (!ret) {
		struct attest_subject s = { name, top.digest, created };

		ret = attest_all(st, ref, remote_ref, &top, pk, record, &s, o, err);
	}
	json_decref(record);
	EVP_PKEY_free(pk);
	if (!ret && nr)
		*nr = NR_TYPES;
	return ret ? gadget_err_prefix(err, "attesting %s", ref) : 0;
}

/* ---- checking them ------------------------------------------------------ */

/* Where the attestations are read from: the store, or ref's registry (o set). */
struct source {
	struct store *st;
	const char *ref;
	const struct registry_opts *o;
};

static int fetch(const struct source *src, const char *digest, bool manifest, void **data,
		 size_t *len, struct gadget_err *err)
{
	char mt[128];

	if (!src->o)
		return store_read_blob(src->st, digest, data, len, err);
	return manifest ? registry_get_manifest(src->ref, digest, src->o, data, len, mt, err)
			: registry_get_blob(src->ref, digest, src->o, data, len, err);
}

static int list(const struct source *src, const struct oci_descriptor *top, struct referrer **v,
		size_t *n, struct gadget_err *err)
{
	struct oci_descriptor d;
	char att[900];
	void *data;
	size_t len;
	int ret;

	if (src->o)
		return referrers_list(src->ref, top->digest, MEDIA_TYPE_DSSE, src->o, v, n, err);
	ret = att_ref_name(src->ref, top->digest, att, sizeof(att), err);
	if (!ret && store_resolve(src->st, att, &d, NULL)) {
		*v = NULL;
		*n = 0;
		return 0;
	}
	ret = ret ?: store_read_blob(src->st, d.digest, &data, &len, err);
	if (ret)
		return ret;
	ret = referrers_parse_index(data, len, MEDIA_TYPE_DSSE, v, n, err);
	free(data);
	return ret;
}

/* The statement names the image: a subject whose sha256 is its digest. */
static bool statement_check(const char *statement, const char *digest, struct attest_check *c)
{
	json_t *st = json_loads(statement, 0, NULL), *s;
	const char *type = json_string_value(json_object_get(st, "_type"));
	const char *pt = json_string_value(json_object_get(st, "predicateType"));
	const char *other = NULL;
	size_t i;
	bool ok = false;

	snprintf(c->predicate_type, sizeof(c->predicate_type), "%s", pt ? pt : "(none)");
	json_array_foreach(json_object_get(st, "subject"), i, s) {
		const char *h = json_string_value(json_object_get(json_object_get(s, "digest"),
								  "sha256"));

		if (h && !strcmp(h, strchr(digest, ':') + 1))
			ok = true;
		else if (h)
			other = h;
	}
	if (!type || strcmp(type, INTOTO_STATEMENT_V1) || !pt) {
		snprintf(c->why, sizeof(c->why), "its payload is not an in-toto statement v1");
		ok = false;
	} else if (!ok) {
		snprintf(c->why, sizeof(c->why), "its statement is about sha256:%s, not this image "
			 "(%s)", other ? other : "(no subject)", digest);
	}
	json_decref(st);
	return ok;
}

/* One referrer: its manifest's subject, its envelope's signature, its statement's subject. */
static void check_one(const struct source *src, const struct referrer *r, EVP_PKEY *pk,
		      const struct oci_descriptor *top, struct attest_check *c)
{
	struct oci_descriptor layer;
	struct gadget_err e = { 0 };
	json_t *man = NULL;
	const char *subj;
	char *statement = NULL;
	void *data = NULL;
	size_t len, slen;

	snprintf(c->digest, sizeof(c->digest), "%s", r->digest);
	snprintf(c->predicate_type, sizeof(c->predicate_type), "(unknown)");
	if (fetch(src, r->digest, true, &data, &len, &e)) {
		snprintf(c->why, sizeof(c->why), "%.500s", e.msg);
		return;
	}
	man = json_loadb(data, len, 0, NULL);
	free(data);
	data = NULL;
	/* what it claims to be, until its statement says */
	snprintf(c->predicate_type, sizeof(c->predicate_type), "%s", json_string_value(
		json_object_get(json_object_get(man, "annotations"), ANNOTATION_PREDICATE)) ?: "(unknown)");
	subj = json_string_value(json_object_get(json_object_get(man, "subject"), "digest"));
	if (!subj || strcmp(subj, top->digest))
		snprintf(c->why, sizeof(c->why), "its manifest's subject is %s, not this image (%s)",
			 subj ? subj : "(none)", top->digest);
	else if (oci_descriptor_from_json(json_array_get(json_object_get(man, "layers"), 0), &layer) ||
		 strcmp(layer.media_type, MEDIA_TYPE_DSSE))
		snprintf(c->why, sizeof(c->why), "its manifest has no %s layer", MEDIA_TYPE_DSSE);
	else if (fetch(src, layer.digest, false, &data, &len, &e))
		snprintf(c->why, sizeof(c->why), "%.500s", e.msg);
	else if (!envelope_open(pk, data, len, &statement, &slen, c->why, sizeof(c->why)))
		c->ok = statement_check(statement, top->digest, c);
	free(statement);
	free(data);
	json_decref(man);
}

int packager_attest_verify(struct store *st, const char *ref, const char *pubkey_path,
			   const struct registry_opts *o, struct oci_descriptor *top,
			   struct attest_check **out, size_t *n, struct gadget_err *err)
{
	struct source src = { st, ref, o };
	struct referrer *v = NULL;
	EVP_PKEY *pk = NULL;
	int ret;

	*out = NULL;
	*n = 0;
	ret = store_resolve(st, ref, top, err) ?: sign_load_key(pubkey_path, false, NULL, &pk, err) ?:
	      list(&src, top, &v, n, err);
	if (!ret && !*n)
		ret = gadget_err_set(err, ENOENT, "%s (%s) has no attestations%s", ref, top->digest,
				     o ? " in the registry" : " in the store (push --attest makes them)");
	if (!ret && !(*out = calloc(*n, sizeof(**out))))
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; !ret && i < *n; i++)
		check_one(&src, &v[i], pk, top, &(*out)[i]);
	free(v);
	EVP_PKEY_free(pk);
	return ret;
}
