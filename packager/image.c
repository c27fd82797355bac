// SPDX-License-Identifier: Apache-2.0
/*
 * Gadget images.  One manifest per architecture (image-spec manifest.md):
 *   config  application/ebpf.oci.image.config.v1+json, titled "config.json"
 *   layers  [application/ebpf.oci.image.program.v1+binary], titled "program.o"
 * as bumblebee's spec (spec/README.md#format) lays them out.  Bumblebee's
 * config object has no fields of its own (description and authors are
 * manifest annotations), so ours carries the platform and "gadget": the
 * validator's analysis, which run and inspect read instead of the ELF.
 * and, for several architectures, an image index over them (image-index.md)
 * whose entries carry "platform".
 *
 * Rebuilding from the same source must give the same digests: every JSON
 * document is dumped compact with sorted keys, and "created" comes from
 * SOURCE_DATE_EPOCH when set (reproducible-builds.org/specs/source-date-epoch).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arch.h"
#include "packager/attest.h"
#include "packager/image_ig.h"
#include "packager/packager.h"

#define ANNOT_PREFIX "org.opencontainers.image."

/* annotations.md: org.opencontainers.image.created is RFC 3339. */
static int created_now(char *buf, size_t len, struct gadget_err *err)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;
	char *end;

	if (sde && *sde) {
		errno = 0;
		t = (time_t)strtoll(sde, &end, 10);
		if (errno || *end || t < 0)
			return gadget_err_set(err, EINVAL,
					      "SOURCE_DATE_EPOCH='%s' is not a number of seconds", sde);
	}
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

static json_t *image_annotations(const struct pack_meta *meta, struct gadget_err *err)
{
	const struct {
		const char *key, *val;
	} std[] = {
		{ ANNOT_PREFIX "title", meta->title },
		{ ANNOT_PREFIX "description", meta->description },
		{ ANNOT_PREFIX "source", meta->source },
		{ ANNOT_PREFIX "revision", meta->revision },
		{ ANNOT_PREFIX "version", meta->version },
	};
	char created[32];
	const char *k;
	json_t *a, *v;
	size_t i;

	if (created_now(created, sizeof(created), err))
		return NULL;
	a = json_object();
	/* Extra annotations first so that the standard ones win. */
	if (meta->annotations)
		json_object_foreach((json_t *)meta->annotations, k, v)
			if (json_is_string(v))
				json_object_set(a, k, v);
	json_object_set_new(a, ANNOT_PREFIX "created", json_string(created));
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (std[i].val && *std[i].val)
			json_object_set_new(a, std[i].key, json_string(std[i].val));
	return a;
}

static json_t *gadget_config(const struct pack_object *o, const struct pack_meta *meta)
{
	const struct gadget_info *info = o->info;
	json_t *cfg = json_object();

	json_object_set_new(cfg, "architecture", json_string(o->arch));
	json_object_set_new(cfg, "os", json_string("linux"));
	if (meta->version)
		json_object_set_new(cfg, "version", json_string(meta->version));
	if (info && info->name)
		json_object_set_new(cfg, "entryPoint", json_string(info->name));
	if (meta->description || (info && info->description))
		json_object_set_new(cfg, "description",
				    json_string(meta->description ? meta->description : info->description));
	if (info && info->license)
		json_object_set_new(cfg, "license", json_string(info->license));
	if (info)
		json_object_set_new(cfg, "gadget", gadget_info_to_json(info));
	return cfg;
}

static int pack_one(struct store *st, const struct pack_object *o, const struct pack_meta *meta,
		    json_t *annotations, struct oci_descriptor *out, struct gadget_err *err)
{
	struct oci_descriptor cfg_desc, layer;
	json_t *cfg, *man, *ldesc, *cdesc;
	int ret;

	cfg = gadget_config(o, meta);
	ret = store_put_json(st, cfg, MEDIA_TYPE_GADGET_CONFIG, &cfg_desc, err);
	json_decref(cfg);
	if (ret)
		return ret;
	ret = store_put_blob_desc(st, o->obj, o->len, MEDIA_TYPE_GADGET_PROGRAM, &layer, err);
	if (ret)
		return ret;
	ldesc = oci_descriptor_to_json(&layer);
	json_object_set_new(ldesc, "annotations",
			    json_pack("{s:s}", ANNOT_PREFIX "title", "program.o"));
	cdesc = oci_descriptor_to_json(&cfg_desc);
	json_object_set_new(cdesc, "annotations",
			    json_pack("{s:s}", ANNOT_PREFIX "title", "config.json"));
	man = json_pack("{s:i, s:s, s:o, s:[o], s:O}", "schemaVersion", 2, "mediaType",
			MEDIA_TYPE_OCI_MANIFEST, "config", cdesc, "layers", ldesc,
			"annotations", annotations);
	if (!man)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = store_put_json(st, man, MEDIA_TYPE_OCI_MANIFEST, out, err);
	json_decref(man);
	snprintf(out->platform_arch, sizeof(out->platform_arch), "%s", o->arch);
	return ret;
}

int packager_pack(struct store *st, const char *ref, const struct pack_object *objs,
		  unsigned int nr_objs, const struct pack_meta *meta,
		  struct oci_descriptor *out, struct gadget_err *err)
{
	static const struct pack_meta no_meta;
	struct oci_descriptor d;
	json_t *annotations, *idx = NULL;
	unsigned int i, j;
	int ret = 0;

	if (!nr_objs)
		return gadget_err_set(err, EINVAL, "nothing to pack");
	if (!meta)
		meta = &no_meta;
	for (i = 0; i < nr_objs; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(objs[i].arch, objs[j].arch))
				return gadget_err_set(err, EINVAL, "architecture %s given twice",
						      objs[i].arch);
	annotations = image_annotations(meta, err);
	if (!annotations)
		return -EINVAL;
	if (meta->build_facts) {
		char *rec;

		ret = attest_record(meta->build_facts, meta->title, objs, nr_objs, &rec, err);
		if (ret) {
			json_decref(annotations);
			return ret;
		}
		json_object_set_new(annotations, ATTEST_ANNOTATION, json_string(rec));
		free(rec);
	}
	if (meta->format == IMAGE_FORMAT_IG) {
		ret = image_ig_pack(st, objs, nr_objs, meta, annotations, &d, err);
		json_decref(annotations);
		if (!ret && ref)
			ret = store_tag(st, ref, &d, err);
		if (!ret && out)
			*out = d;
		return ret;
	}
	if (nr_objs > 1)
		idx = json_pack("{s:i, s:s, s:[], s:O}", "schemaVersion", 2, "mediaType",
				MEDIA_TYPE_OCI_INDEX, "manifests", "annotations", annotations);
	for (i = 0; !ret && i < nr_objs; i++) {
		ret = pack_one(st, &objs[i], meta, annotations, &d, err);
		if (!ret && idx)
			json_array_append_new(json_object_get(idx, "manifests"),
					      oci_descriptor_to_json(&d));
	}
	if (!ret && idx)
		ret = store_put_json(st, idx, MEDIA_TYPE_OCI_INDEX, &d, err);
	json_decref(idx);
	json_decref(annotations);
	if (ret)
		return ret;
	if (!idx)
		d.platform_arch[0] = '\0';	/* index.json entries need no platform */
	if (ref) {
		ret = store_tag(st, ref, &d, err);
		if (ret)
			return ret;
	}
	if (out)
		*out = d;
	return 0;
}

/* image-index.md: pick the manifest whose platform.architecture matches. */
static int pick_arch(struct store *st, const char *ref, struct oci_descriptor *d,
		     const char *arch, struct gadget_err *err)
{
	struct oci_descriptor c;
	json_t *idx, *e;
	size_t i;
	int ret;

	ret = store_read_json(st, d->digest, &idx, err);
	if (ret)
		return ret;
	ret = gadget_err_set(err, ENOENT, "%s has no image for architecture %s", ref, arch);
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		if (oci_descriptor_from_json(e, &c) || strcmp(c.platform_arch, arch))
			continue;
		*d = c;
		gadget_err_clear(err);
		ret = 0;
		break;
	}
	json_decref(idx);
	return ret;
}

static const struct {
	const char *name, *shown;
} image_formats[] = {
	[IMAGE_FORMAT_GADGET] = { "gadget", "gadget (bumblebee layout)" },
	[IMAGE_FORMAT_IG] = { "ig", "ig (Inspektor Gadget)" },
};

const char *image_format_name(enum image_format f)
{
	return image_formats[f].shown;
}

int image_format_parse(const char *s, enum image_format *out, struct gadget_err *err)
{
	for (size_t i = 0; i < sizeof(image_formats) / sizeof(image_formats[0]); i++)
		if (!strcmp(s, image_formats[i].name)) {
			*out = i;
			return 0;
		}
	return gadget_err_set(err, EINVAL, "image format '%s': use gadget or ig", s);
}

/* Ours: config.json (with the analysis under "gadget") and the program layer. */
static int gadget_image_read(struct store *st, const char *ref, const json_t *man,
			     struct gadget_image *img, struct gadget_err *err)
{
	const char *md = img->manifest.digest;
	struct oci_descriptor cfg_d, layer;
	json_t *layers;
	size_t i;
	int ret;

	if (oci_descriptor_from_json(json_object_get(man, "config"), &cfg_d) ||
	    strcmp(cfg_d.media_type, MEDIA_TYPE_GADGET_CONFIG))
		return gadget_err_set(err, EBADMSG, "%s: manifest %s is not a gadget image (config "
				      "is not %s, and it is not an Inspektor Gadget image either)",
				      ref, md, MEDIA_TYPE_GADGET_CONFIG);
	layers = json_object_get(man, "layers");
	memset(&layer, 0, sizeof(layer));
	for (i = 0; i < json_array_size(layers); i++) {
		if (!oci_descriptor_from_json(json_array_get(layers, i), &layer) &&
		    !strcmp(layer.media_type, MEDIA_TYPE_GADGET_PROGRAM))
			break;
		layer.digest[0] = '\0';
	}
	if (!layer.digest[0])
		return gadget_err_set(err, EBADMSG, "%s: manifest %s has no %s layer", ref, md,
				      MEDIA_TYPE_GADGET_PROGRAM);
	ret = store_read_json(st, cfg_d.digest, &img->config, err);
	if (!ret)
		ret = store_read_blob(st, layer.digest, &img->obj, &img->len, err);
	if (!ret && json_object_get(img->config, "gadget")) {
		ret = gadget_info_from_json(json_object_get(img->config, "gadget"), &img->info, err);
		if (ret)
			gadget_err_prefix(err, "%s: config %s", ref, cfg_d.digest);
	}
	return ret;
}

int packager_load(struct store *st, const char *ref, const char *arch,
		  struct gadget_image **out, struct gadget_err *err)
{
	struct oci_descriptor d, top;
	struct gadget_image *img;
	json_t *man = NULL;
	int ret;

	if (!arch)
		arch = arch_host();
	ret = store_resolve(st, ref, &d, err);
	if (ret)
		return ret;
	top = d;
	if (!strcmp(d.media_type, MEDIA_TYPE_OCI_INDEX)) {
		ret = pick_arch(st, ref, &d, arch, err);
		if (ret)
			return ret;
	}
	ret = store_read_json(st, d.digest, &man, err);
	if (ret)
		return ret;
	img = calloc(1, sizeof(*img));
	if (!img) {
		json_decref(man);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	img->top = top;
	img->manifest = d;
	if (image_ig_manifest_is(man))
		ret = image_ig_read(st, ref, man, img, err);
	else
		ret = gadget_image_read(st, ref, man, img, err);
	json_decref(man);
	if (ret) {
		gadget_image_free(img);
		return ret;
	}
	*out = img;
	return 0;
}

void gadget_image_free(struct gadget_image *img)
{
	if (!img)
		return;
	free(img->obj);
	if (img->info)
		gadget_info_free(img->info);
	json_decref(img->config);
	free(img->gadget_yaml);
	free(img->btfgen);
	free(img);
}
