/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_IMAGE_IG_H
#define GADGET_PACKAGER_IMAGE_IG_H

/*
 * Inspektor Gadget's image format (its docs/spec/oci.md and pkg/oci): an
 * image index with one manifest per platform (linux/amd64, linux/arm64);
 * each manifest has artifactType application/vnd.gadget.v1+binary, as
 * config the gadget.yaml bytes (application/vnd.gadget.config.v1+yaml) or
 * the OCI empty descriptor when the gadget has none, and layers of at most
 * one of each media type: the ELF (exactly one, not empty), a wasm module,
 * a btfgen tarball.  The manifest's annotations are the config's
 * (org.opencontainers.image.title/description/source/created ...).
 */
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "packager/store.h"

#define MEDIA_TYPE_IG_ARTIFACT	"application/vnd.gadget.v1+binary"
#define MEDIA_TYPE_IG_CONFIG	"application/vnd.gadget.config.v1+yaml"
#define MEDIA_TYPE_IG_EBPF	"application/vnd.gadget.ebpf.program.v1+binary"
#define MEDIA_TYPE_IG_WASM	"application/vnd.gadget.wasm.program.v1+binary"
#define MEDIA_TYPE_IG_BTFGEN	"application/vnd.gadget.btfgen.v1+binary"
/* image-spec manifest.md "Guidance for an Empty Descriptor": the 2 bytes "{}". */
#define MEDIA_TYPE_OCI_EMPTY	"application/vnd.oci.empty.v1+json"
#define OCI_EMPTY_DIGEST \
	"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

struct gadget_image;

/* Is this manifest one of IG's (its artifactType, config or layer media types)? */
bool image_ig_manifest_is(const json_t *man);

/*
 * Read an IG manifest into img (obj, gadget_yaml, has_wasm, the btfgen layer) and
 * analyse its ELF with the validator, its gadget.yaml folded in; with no
 * gadget.yaml the name is the repository's last part.
 */
int image_ig_read(struct store *st, const char *ref, const json_t *man, struct gadget_image *img,
		  struct gadget_err *err);

/*
 * Write objs in IG's layout (always an index, as IG's builder does): the
 * config is the gadget.yaml written from objs[0]'s analysis with
 * meta->yaml merged in (info/gadget_yaml_write.h), annotated like the
 * manifests and the index with annotations (title, description, source,
 * created ...) plus url and documentation from the author's gadget.yaml.
 * out gets the index's descriptor.
 */
struct pack_object;
struct pack_meta;
int image_ig_pack(struct store *st, const struct pack_object *objs, unsigned int nr_objs,
	    const struct pack_meta *meta, const json_t *annotations, struct oci_descriptor *out,
	    struct gadget_err *err);

#endif
