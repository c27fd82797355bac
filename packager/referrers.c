// SPDX-License-Identifier: Apache-2.0
/* OCI 1.1 referrers, pushed and listed with the tag fallback (see referrers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/image_ig.h"
#include "packager/packager.h"
#include "packager/referrers.h"

void referrers_tag(const char *digest, char *out, size_t len)
{
	const char *colon = strchr(digest, ':');

	/* distribution-spec "Referrers Tag Schema": <alg>-<ref>, truncated to 128 chars */
	snprintf(out, len < 129 ? len : 129, "%.*s-%s", colon ? (int)(colon - digest) : 0, digest,
		 colon ? colon + 1 : digest);
}

int referrers_manifest(struct store *st, const struct oci_descriptor *subject,
		       const char *artifact_type, const struct referrer_layer *layers, size_t nr,
		       const json_t *annotations, struct oci_descriptor *out, struct gadget_err *err)
{
	struct oci_descriptor empty;
	json_t *man, *ls = json_array(), *cfg, *sub, *l;
	int ret;

	/* image-spec manifest.md "Guidelines for Artifact Usage": the empty config */
	ret = store_put_blob_desc(st, "{}", 2, MEDIA_TYPE_OCI_EMPTY, &empty, err);
	if (ret) {
		json_decref(ls);
		return ret;
	}
	for (size_t i = 0; i < nr; i++) {
		l = oci_descriptor_to_json(layers[i].desc);
		if (layers[i].annotations)
			json_object_set(l, "annotations", (json_t *)layers[i].annotations);
		json_array_append_new(ls, l);
	}
	cfg = oci_descriptor_to_json(&empty);
	json_object_set_new(cfg, "data", json_string("e30="));
	sub = oci_descriptor_to_json(subject);
	json_object_del(sub, "platform");
	man = json_pack("{s:i, s:s, s:s, s:o, s:o, s:o}", "schemaVersion", 2, "mediaType",
			MEDIA_TYPE_OCI_MANIFEST, "artifactType", artifact_type, "config", cfg,
			"layers", ls, "subject", sub);
	if (!man)
		return gadget_err_set(err, ENOMEM, "out of memory");
	if (annotations)
		json_object_set(man, "annotations", (json_t *)annotations);
	ret = store_put_json(st, man, MEDIA_TYPE_OCI_MANIFEST, out, err);
	json_decref(man);
	return ret;
}

/* The fallback index of subject: fetched (or a new one), d added unless listed. */
static int update_fallback(const char *repo_ref, const char *subject_digest,
			   const struct oci_descriptor *d, const char *artifact_type,
			   const json_t *annotations, const struct registry_opts *o,
			   struct gadget_err *err)
{
	char tag[130], mt[128];
	json_t *idx = NULL, *e, *list;
	void *data;
	size_t len, i;
	char *body;
	int ret;

	referrers_tag(subject_digest, tag, sizeof(tag));
	ret = registry_get_manifest(repo_ref, tag, o, &data, &len, mt, err);
	if (!ret) {
		idx = json_loadb(data, len, 0, NULL);
		free(data);
		if (!json_is_array(json_object_get(idx, "manifests"))) {
			json_decref(idx);
			return gadget_err_set(err, EPROTO, "%s:%s is not an image index: refusing to "
					      "replace it with a referrers index", repo_ref, tag);
		}
	} else if (ret == -ENOENT) {
		gadget_err_clear(err);
		idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
				MEDIA_TYPE_OCI_INDEX, "manifests");
	} else {
		return ret;
	}
	list = json_object_get(idx, "manifests");
	json_array_foreach(list, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "digest")) ?: "", d->digest)) {
			json_decref(idx);
			return 0;	/* listed already */
		}
	e = oci_descriptor_to_json(d);
	json_object_set_new(e, "artifactType", json_string(artifact_type));
	if (annotations)
		json_object_set(e, "annotations", (json_t *)annotations);
	json_array_append_new(list, e);
	body = json_dumps(idx, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(idx);
	if (!body)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = registry_put_manifest(repo_ref, tag, MEDIA_TYPE_OCI_INDEX, body, strlen(body), o, err);
	free(body);
	return ret;
}

int referrers_push(struct store *st, const char *repo_ref, const struct oci_descriptor *subject,
		   const char *artifact_type, const struct referrer_layer *layers, size_t nr_layers,
		   const json_t *annotations, const struct registry_opts *o,
		   struct oci_descriptor *out, struct gadget_err *err)
{
	char indexed[OCI_DIGEST_MAX];
	struct oci_descriptor d;
	int ret;

	ret = referrers_manifest(st, subject, artifact_type, layers, nr_layers, annotations, &d, err) ?:
	      registry_push_tree(st, &d, repo_ref, d.digest, o, indexed, err);
	if (ret)
		return ret;
	/*
	 * distribution-spec v1.1 "Pushing Manifests with Subject": a registry
	 * with the referrers API answers OCI-Subject and lists the referrer
	 * itself; without that header the client MUST update the tag's index.
	 */
	if (strcmp(indexed, subject->digest))
		ret = update_fallback(repo_ref, subject->digest, &d, artifact_type, annotations, o, err);
	if (!ret && out)
		*out = d;
	return ret;
}

int referrers_parse_index(const void *data, size_t len, const char *artifact_type,
			  struct referrer **out, size_t *n, struct gadget_err *err)
{
	json_t *idx = json_loadb(data, len, 0, NULL), *e;
	struct referrer *v;
	size_t i, k = 0;

	if (!json_is_array(json_object_get(idx, "manifests"))) {
		json_decref(idx);
		return gadget_err_set(err, EPROTO, "the referrers list is not an image index");
	}
	v = calloc(json_array_size(json_object_get(idx, "manifests")) + 1, sizeof(*v));
	if (!v) {
		json_decref(idx);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		const char *at = json_string_value(json_object_get(e, "artifactType")) ?: "";
		struct oci_descriptor d;

		if (oci_descriptor_from_json(e, &d) || (artifact_type && strcmp(at, artifact_type)))
			continue;
		snprintf(v[k].digest, sizeof(v[k].digest), "%s", d.digest);
		snprintf(v[k].media_type, sizeof(v[k].media_type), "%s", d.media_type);
		snprintf(v[k].artifact_type, sizeof(v[k].artifact_type), "%s", at);
		v[k++].size = d.size;
	}
	json_decref(idx);
	*out = v;
	*n = k;
	return 0;
}

int referrers_list(const char *repo_ref, const char *subject_digest, const char *artifact_type,
		   const struct registry_opts *o, struct referrer **out, size_t *n,
		   struct gadget_err *err)
{
	void *data;
	size_t len;
	int ret;

	*out = NULL;
	*n = 0;
	ret = registry_list_referrers(repo_ref, subject_digest, artifact_type, o, &data, &len, err);
	if (ret == -ENOENT) {
		gadget_err_clear(err);
		return 0;
	}
	if (ret)
		return ret;
	/* the API filters server-side only when it says so: filter here either way */
	ret = referrers_parse_index(data, len, artifact_type, out, n, err);
	free(data);
	return ret;
}
