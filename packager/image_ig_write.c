// SPDX-License-Identifier: Apache-2.0
/*
 * Writing Inspektor Gadget images (image_ig.h), shaped as IG's pkg/oci
 * builder shapes them: per architecture a manifest with artifactType
 * application/vnd.gadget.v1+binary, the gadget.yaml as config (its
 * descriptor annotated), the ELF as the only layer, the config's
 * annotations on the manifest and on its index entry with the platform;
 * the index carries the first manifest's annotations.  Unlike IG we also
 * set each manifest's mediaType (image-spec manifest.md: SHOULD).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info/gadget_yaml.h"
#include "info/gadget_yaml_write.h"
#include "packager/image_ig.h"
#include "packager/packager.h"

#define ANNOT "org.opencontainers.image."

static json_t *ig_annotations(const json_t *base, const struct gadget_yaml *y)
{
	json_t *a = json_deep_copy(base);

	/* annotationsFromMetadata: title, url, documentation come from the gadget.yaml */
	if (a && y && y->name && *y->name)
		json_object_set_new(a, ANNOT "title", json_string(y->name));
	if (a && y && y->homepage_url && *y->homepage_url)
		json_object_set_new(a, ANNOT "url", json_string(y->homepage_url));
	if (a && y && y->documentation_url && *y->documentation_url)
		json_object_set_new(a, ANNOT "documentation", json_string(y->documentation_url));
	if (a && y && y->source_url && *y->source_url && !json_object_get(a, ANNOT "source"))
		json_object_set_new(a, ANNOT "source", json_string(y->source_url));
	return a;
}

static int ig_config(struct store *st, const struct pack_object *o, const struct pack_meta *meta,
		     const json_t *annotations, json_t **cdesc, struct gadget_err *err)
{
	struct oci_descriptor d;
	char *yaml;
	size_t len;
	int ret;

	if (!o->info)
		return gadget_err_set(err, EINVAL, "%s: no analysis to write a gadget.yaml from", o->arch);
	ret = gadget_yaml_write(o->info, meta->yaml, &yaml, &len, err);
	if (ret)
		return ret;
	ret = store_put_blob_desc(st, yaml, len, MEDIA_TYPE_IG_CONFIG, &d, err);
	free(yaml);
	if (ret)
		return ret;
	*cdesc = oci_descriptor_to_json(&d);
	json_object_set(*cdesc, "annotations", (json_t *)annotations);
	return 0;
}

static int ig_manifest(struct store *st, const struct pack_object *o, const json_t *cdesc,
		       const json_t *annotations, json_t **mdesc, struct gadget_err *err)
{
	struct oci_descriptor layer, md;
	json_t *man;
	int ret;

	ret = store_put_blob_desc(st, o->obj, o->len, MEDIA_TYPE_IG_EBPF, &layer, err);
	if (ret)
		return ret;
	man = json_pack("{s:i, s:s, s:s, s:O, s:[o], s:O}", "schemaVersion", 2, "mediaType",
			MEDIA_TYPE_OCI_MANIFEST, "artifactType", MEDIA_TYPE_IG_ARTIFACT, "config",
			cdesc, "layers", oci_descriptor_to_json(&layer), "annotations", annotations);
	if (!man)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = store_put_json(st, man, MEDIA_TYPE_OCI_MANIFEST, &md, err);
	json_decref(man);
	if (ret)
		return ret;
	snprintf(md.platform_arch, sizeof(md.platform_arch), "%s", o->arch);
	*mdesc = oci_descriptor_to_json(&md);
	json_object_set(*mdesc, "annotations", (json_t *)annotations);
	return 0;
}

int image_ig_pack(struct store *st, const struct pack_object *objs, unsigned int nr_objs,
	    const struct pack_meta *meta, const json_t *annotations, struct oci_descriptor *out,
	    struct gadget_err *err)
{
	json_t *ann = ig_annotations(annotations, meta->yaml), *cdesc = NULL, *mdesc, *idx;
	unsigned int i;
	int ret;

	if (!ann)
		return gadget_err_set(err, ENOMEM, "out of memory");
	/* one gadget.yaml for every architecture, as IG's builder takes one metadata file */
	ret = ig_config(st, &objs[0], meta, ann, &cdesc, err);
	idx = json_pack("{s:i, s:s, s:[], s:O}", "schemaVersion", 2, "mediaType",
			MEDIA_TYPE_OCI_INDEX, "manifests", "annotations", ann);
	if (!idx && !ret)
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	for (i = 0; !ret && i < nr_objs; i++) {
		ret = ig_manifest(st, &objs[i], cdesc, ann, &mdesc, err);
		if (!ret)
			json_array_append_new(json_object_get(idx, "manifests"), mdesc);
	}
	if (!ret)
		ret = store_put_json(st, idx, MEDIA_TYPE_OCI_INDEX, out, err);
	json_decref(idx);
	json_decref(cdesc);
	json_decref(ann);
	return ret;
}
