/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_OCI_H
#define GADGET_PACKAGER_OCI_H

/*
 * The OCI formats' small values every part of the packager passes around:
 * digests and descriptors (image-spec descriptor.md) and platforms.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"

#define OCI_DIGEST_MAX 72	/* "sha256:" + 64 hex + NUL */

struct oci_descriptor {
	char media_type[128];
	char digest[OCI_DIGEST_MAX];
	int64_t size;
	char platform_arch[32];	/* "amd64", empty if none */
};

/* sha256 of data as "sha256:<hex>"; digest syntax check (image-spec descriptor.md). */
int oci_digest_compute(const void *data, size_t len, char out[OCI_DIGEST_MAX]);
bool oci_digest_valid(const char *digest);

/* Descriptor <-> JSON (platform only when platform_arch is set). */
json_t *oci_descriptor_to_json(const struct oci_descriptor *d);
int oci_descriptor_from_json(const json_t *j, struct oci_descriptor *d);

/*
 * --platform OS/ARCH (docker's and oras' convention for --arch): "linux/arm64"
 * gives "arm64" (a static string); gadgets are Linux only.
 */
int oci_platform_parse(const char *platform, const char **arch, struct gadget_err *err);

#endif
