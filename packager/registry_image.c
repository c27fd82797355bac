// SPDX-License-Identifier: Apache-2.0
/* Manifests and indexes as seen by the registry client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "packager/registry.h"
#include "packager/registry_client.h"
#include "packager/registry_image.h"

const char regimg_accept[] =
	"application/vnd.oci.image.index.v1+json, "
	"application/vnd.oci.image.manifest.v1+json, "
	"application/vnd.docker.distribution.manifest.list.v2+json, "
	"application/vnd.docker.distribution.manifest.v2+json";

static const char *const index_media_types[] = {
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
};

bool regimg_media_is_index(const char *mt)
{
	for (size_t i = 0; i < sizeof(index_media_types) / sizeof(index_media_types[0]); i++)
		if (!strncmp(mt, index_media_types[i], strlen(index_media_types[i])))
			return true;
	return false;
}

void regimg_sig_tag(const char *digest, char *out, size_t outlen)
{
	const char *colon = strchr(digest, ':');

	snprintf(out, outlen, "%.*s-%s.sig", colon ? (int)(colon - digest) : 0, digest,
		 colon ? colon + 1 : digest);
}

static int desc_from_json(const json_t *j, struct regimg_desc *d, struct gadget_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	json_t *size = json_object_get(j, "size");
	json_t *plat = json_object_get(j, "platform");
	const char *s;

	memset(d, 0, sizeof(*d));
	if (!dg || !oci_digest_valid(dg))
		return gadget_err_set(err, EPROTO, "descriptor with a missing or unsupported digest '%s'",
				      dg ? dg : "");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return gadget_err_set(err, EPROTO, "descriptor %s has no valid size", dg);
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = json_integer_value(size);
	if ((s = json_string_value(json_object_get(plat, "architecture"))))
		snprintf(d->arch, sizeof(d->arch), "%s", s);
	if ((s = json_string_value(json_object_get(plat, "os"))))
		snprintf(d->os, sizeof(d->os), "%s", s);
	return 0;
}

int regimg_parse(const void *data, size_t len, const char *content_type,
		 struct regimg_doc *out, struct gadget_err *err)
{
	json_t *root, *arr, *e;
	const char *mt;
	size_t i, n = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	root = json_loadb(data, len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return gadget_err_set(err, EPROTO, "manifest is not a JSON object");
	}
	mt = json_string_value(json_object_get(root, "mediaType"));
	if (!mt || !*mt)
		mt = content_type ? content_type : "";
	snprintf(out->media_type, sizeof(out->media_type), "%s", mt);
	/* an index is whatever carries "manifests" when the type is not told */
	out->is_index = regimg_media_is_index(mt) ||
			(!*mt && json_is_array(json_object_get(root, "manifests")));
	if (!*out->media_type)
		snprintf(out->media_type, sizeof(out->media_type), "%s", out->is_index
			 ? "application/vnd.oci.image.index.v1+json"
			 : "application/vnd.oci.image.manifest.v1+json");
	arr = json_object_get(root, out->is_index ? "manifests" : "layers");
	if (!json_is_array(arr) && !(arr == NULL && !out->is_index)) {
		json_decref(root);
		return gadget_err_set(err, EPROTO, "%s has no %s list", out->is_index ? "index" : "manifest",
				      out->is_index ? "manifests" : "layers");
	}
	out->descs = calloc(json_array_size(arr) + 1, sizeof(*out->descs));
	if (!out->descs) {
		json_decref(root);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	if (!out->is_index) {
		ret = desc_from_json(json_object_get(root, "config"), &out->descs[n++], err);
		if (ret)
			gadget_err_prefix(err, "manifest config");
	}
	json_array_foreach(arr, i, e) {
		if (ret)
			break;
		ret = desc_from_json(e, &out->descs[n++], err);
	}
	out->nr = n;
	json_decref(root);
	if (ret)
		regimg_doc_free(out);
	return ret;
}

void regimg_doc_free(struct regimg_doc *d)
{
	free(d->descs);
	d->descs = NULL;
	d->nr = 0;
}

void regimg_blob_done(const struct registry_opts *o, struct registry_stats *stats,
		      const struct regimg_desc *d)
{
	if (o->progress)
		o->progress(o->progress_ctx, d->digest, d->size, d->size, true);
	STAT_ADD(stats->blobs_sent, 1);
	STAT_ADD(stats->bytes, d->size);
}
