// SPDX-License-Identifier: Apache-2.0
/*
 * Reading Inspektor Gadget images (see image_ig.h).  IG keeps the gadget's
 * analysis nowhere in the image: its runtime reads the ELF at load time.
 * So do we, with the validator, and fold its gadget.yaml in (name,
 * description, params, field annotations: info/gadget_yaml.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info/gadget_yaml.h"
#include "packager/image_ig.h"
#include "packager/packager.h"
#include "validator/validator.h"

enum ig_layer { IG_LAYER_EBPF, IG_LAYER_WASM, IG_LAYER_BTFGEN, IG_NR_LAYERS };

/* docs/spec/oci.md "Image layers and media types": at most one of each. */
static const char *const ig_layer_types[IG_NR_LAYERS] = {
	[IG_LAYER_EBPF] = MEDIA_TYPE_IG_EBPF,
	[IG_LAYER_WASM] = MEDIA_TYPE_IG_WASM,
	[IG_LAYER_BTFGEN] = MEDIA_TYPE_IG_BTFGEN,
};

static int ig_layer_of(const char *media_type)
{
	for (int i = 0; i < IG_NR_LAYERS; i++)
		if (!strcmp(media_type, ig_layer_types[i]))
			return i;
	return -1;
}

bool image_ig_manifest_is(const json_t *man)
{
	const char *at = json_string_value(json_object_get(man, "artifactType"));
	const char *cfg = json_string_value(json_object_get(json_object_get(man, "config"),
							     "mediaType"));
	const json_t *l;
	size_t i;

	if ((at && !strcmp(at, MEDIA_TYPE_IG_ARTIFACT)) || (cfg && !strcmp(cfg, MEDIA_TYPE_IG_CONFIG)))
		return true;
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		const char *mt = json_string_value(json_object_get(l, "mediaType"));

		if (mt && ig_layer_of(mt) >= 0)
			return true;
	}
	return false;
}

/* The layers of an IG manifest: their descriptors by kind, each kind once. */
static int ig_layers(const char *ref, const json_t *man, const char *man_digest,
		     struct oci_descriptor layers[IG_NR_LAYERS], struct gadget_err *err)
{
	struct oci_descriptor d;
	const json_t *l;
	size_t i;
	int k;

	memset(layers, 0, IG_NR_LAYERS * sizeof(*layers));
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		if (oci_descriptor_from_json(l, &d))
			return gadget_err_set(err, EBADMSG, "%s: manifest %s: layer %zu is not a "
					      "valid descriptor", ref, man_digest, i);
		k = ig_layer_of(d.media_type);
		if (k < 0)
			return gadget_err_set(err, EBADMSG, "%s: manifest %s: layer %zu has media type "
					      "'%s', not one of Inspektor Gadget's (%s, %s, %s)", ref,
					      man_digest, i, d.media_type, MEDIA_TYPE_IG_EBPF,
					      MEDIA_TYPE_IG_WASM, MEDIA_TYPE_IG_BTFGEN);
		if (layers[k].digest[0])
			return gadget_err_set(err, EBADMSG, "%s: manifest %s has two %s layers", ref,
					      man_digest, d.media_type);
		layers[k] = d;
	}
	if (!layers[IG_LAYER_EBPF].digest[0] || !layers[IG_LAYER_EBPF].size)
		return gadget_err_set(err, EBADMSG, "%s: manifest %s has no%s %s layer", ref,
				      man_digest, layers[IG_LAYER_EBPF].digest[0] ? " non-empty" : "",
				      MEDIA_TYPE_IG_EBPF);
	return 0;
}

static int ig_config(struct store *st, const char *ref, const json_t *man, const char *man_digest,
		     struct gadget_image *img, struct gadget_err *err)
{
	struct oci_descriptor c;
	void *data;
	size_t len;
	int ret;

	if (oci_descriptor_from_json(json_object_get(man, "config"), &c))
		return gadget_err_set(err, EBADMSG, "%s: manifest %s has no valid config descriptor",
				      ref, man_digest);
	if (!strcmp(c.media_type, MEDIA_TYPE_OCI_EMPTY))
		return 0;	/* a gadget without a gadget.yaml */
	if (strcmp(c.media_type, MEDIA_TYPE_IG_CONFIG))
		return gadget_err_set(err, EBADMSG, "%s: manifest %s: config is '%s', not %s or %s",
				      ref, man_digest, c.media_type, MEDIA_TYPE_IG_CONFIG,
				      MEDIA_TYPE_OCI_EMPTY);
	ret = store_read_blob(st, c.digest, &data, &len, err);
	if (ret)
		return ret;
	img->gadget_yaml = malloc(len + 1);	/* NUL-terminated: it is text */
	if (img->gadget_yaml) {
		memcpy(img->gadget_yaml, data, len);
		img->gadget_yaml[len] = '\0';
		img->gadget_yaml_len = len;
	}
	free(data);
	return img->gadget_yaml ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/* The gadget's name when its gadget.yaml gives none: the repository's last part. */
static void name_from_ref(const char *ref, char *buf, size_t len)
{
	struct oci_ref r;
	const char *slash;

	if (ref_parse(ref, &r, NULL) || !r.repo[0]) {
		snprintf(buf, len, "%s", ref);
		return;
	}
	slash = strrchr(r.repo, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : r.repo);
}

static int ig_analyze(const char *ref, struct gadget_image *img, struct gadget_err *err)
{
	struct validate_opts vo = { .obj_path = ref };
	struct gadget_yaml *y = NULL;
	struct diag_list diags = {};
	char fallback[256], where[900];
	int ret = 0;

	if (img->gadget_yaml) {
		snprintf(where, sizeof(where), "%s:gadget.yaml", ref);
		ret = gadget_yaml_parse(img->gadget_yaml, img->gadget_yaml_len, where, &y, err);
		if (ret)
			return ret;
	}
	name_from_ref(ref, fallback, sizeof(fallback));
	vo.name = y && y->name && *y->name ? y->name : fallback;
	vo.description = y ? y->description : NULL;
	vo.yaml = y;
	ret = validator_analyze(img->obj, img->len, &vo, &img->info, &diags, err);
	/*
	 * An IG gadget may lean on its wasm module or on IG's operators for
	 * what our validator requires (an output map): keep what was found
	 * so inspect and export work, and say why it cannot run.
	 */
	if (ret == -EINVAL && img->info) {
		unsigned int i;

		for (i = 0; i < diags.n && diags.v[i].level != DIAG_ERROR; i++)
			;
		snprintf(img->invalid, sizeof(img->invalid), "its eBPF program does not validate: %s%s",
			 i < diags.n ? diags.v[i].msg : "errors",
			 diag_list_count(&diags, DIAG_ERROR) > 1 ? " (and more errors)" : "");
		gadget_err_clear(err);
		ret = 0;
	}
	diag_list_free(&diags);
	gadget_yaml_free(y);
	return ret;
}

int image_ig_read(struct store *st, const char *ref, const json_t *man, struct gadget_image *img,
		  struct gadget_err *err)
{
	struct oci_descriptor layers[IG_NR_LAYERS];
	const char *md = img->manifest.digest;
	int ret;

	img->format = IMAGE_FORMAT_IG;
	ret = ig_layers(ref, man, md, layers, err) ?: ig_config(st, ref, man, md, img, err) ?:
	      store_read_blob(st, layers[IG_LAYER_EBPF].digest, &img->obj, &img->len, err);
	if (ret)
		return ret;
	if (img->len < 4 || memcmp(img->obj, "\177ELF", 4))
		return gadget_err_set(err, EBADMSG, "%s: the %s layer %s is not an ELF file", ref,
				      MEDIA_TYPE_IG_EBPF, layers[IG_LAYER_EBPF].digest);
	img->has_wasm = layers[IG_LAYER_WASM].digest[0] != '\0';
	img->has_btfgen = layers[IG_LAYER_BTFGEN].digest[0] != '\0';
	/* read (digest-checked) here; which entry, if any, is the runtime's choice */
	if (img->has_btfgen) {
		ret = store_read_blob(st, layers[IG_LAYER_BTFGEN].digest, &img->btfgen,
				      &img->btfgen_len, err);
		if (ret)
			return ret;
	}
	return ig_analyze(ref, img, err);
}
