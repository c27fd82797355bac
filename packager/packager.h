/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_PACKAGER_H
#define GADGET_PACKAGER_PACKAGER_H

/*
 * Gadget images (OCI image-spec v1.1): config media type
 * application/ebpf.oci.image.config.v1+json (the bumblebee spec, extended
 * with the validator's gadget_info under "gadget"), one layer
 * application/ebpf.oci.image.program.v1+binary holding the ELF.  Several
 * architectures: an image index with one manifest per architecture.
 * Or, with pack_meta.format IMAGE_FORMAT_IG, Inspektor Gadget's layout
 * (packager/image_ig.h), which both pack and load read.
 */
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "packager/store.h"
#include "info/gadget_info.h"

#define MEDIA_TYPE_GADGET_CONFIG	"application/ebpf.oci.image.config.v1+json"
#define MEDIA_TYPE_GADGET_PROGRAM	"application/ebpf.oci.image.program.v1+binary"
#define MEDIA_TYPE_OCI_MANIFEST		"application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_INDEX		"application/vnd.oci.image.index.v1+json"

enum image_format {
	IMAGE_FORMAT_GADGET,	/* ours: bumblebee's media types, config.json with "gadget" */
	IMAGE_FORMAT_IG,	/* Inspektor Gadget's (packager/image_ig.h) */
};

const char *image_format_name(enum image_format f);

/* "gadget" or "ig" (--image-format, the build file's "imageFormat"); -EINVAL otherwise. */
int image_format_parse(const char *s, enum image_format *out, struct gadget_err *err);

struct gadget_yaml;

struct pack_object {
	const char *arch;		/* "amd64" */
	const void *obj;
	size_t len;
	const struct gadget_info *info;
};

struct pack_meta {
	const char *title;		/* org.opencontainers.image.title */
	const char *description;
	const char *source;
	const char *revision;
	const char *version;
	const json_t *annotations;	/* extra annotations from the build file */
	/* created: SOURCE_DATE_EPOCH when set, else now */
	enum image_format format;	/* the layout written (default: ours) */
	const struct gadget_yaml *yaml;	/* IG: the author's gadget.yaml, merged in; may be NULL */
	/* build --attest: the build's facts (compiler/provenance.h), recorded with the
	 * programs' sections as the annotation packager/attest.h reads; NULL: none */
	const json_t *build_facts;
};

/* Pack objects into the store and tag them as ref; out gets the top descriptor. */
int packager_pack(struct store *st, const char *ref, const struct pack_object *objs,
		  unsigned int nr_objs, const struct pack_meta *meta,
		  struct oci_descriptor *out, struct gadget_err *err);

/* A loaded image: the ELF for one architecture and its analysis. */
struct gadget_image {
	enum image_format format;
	struct oci_descriptor top;	/* what the reference resolved to: an index or the manifest */
	struct oci_descriptor manifest;
	void *obj;
	size_t len;
	struct gadget_info *info;
	json_t *config;			/* ours: config.json; IG: NULL */
	char *gadget_yaml;		/* IG: the config's gadget.yaml, NUL-terminated; NULL: none */
	size_t gadget_yaml_len;
	bool has_wasm, has_btfgen;	/* IG: its wasm (not run here) and btfgen layers */
	void *btfgen;			/* IG: the btfgen layer's bytes (a tar.gz of BTFs, picked
					 * from by the runtime: runtime/btfgen.h), NULL: none */
	size_t btfgen_len;
	char invalid[512];		/* IG: why its ELF does not validate ("": it does); it can
					 * still be inspected and exported, not run */
};

/* Resolve ref (following an index to arch, NULL: this machine) and read it. */
int packager_load(struct store *st, const char *ref, const char *arch,
		  struct gadget_image **out, struct gadget_err *err);
void gadget_image_free(struct gadget_image *img);

#endif
