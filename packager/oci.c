// SPDX-License-Identifier: Apache-2.0
/* The OCI formats' small values: digests, descriptors, platforms. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "base/arch.h"
#include "packager/oci.h"
#include "packager/store_int.h"

int oci_digest_finish(EVP_MD_CTX *md, char out[OCI_DIGEST_MAX])
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(md, h, &n) != 1)
		return -EIO;
	memcpy(out, "sha256:", 7);
	for (i = 0; i < n; i++)
		sprintf(out + 7 + 2 * i, "%02x", h[i]);
	return 0;
}

int oci_digest_compute(const void *data, size_t len, char out[OCI_DIGEST_MAX])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ret = -EIO;

	if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, data, len) == 1)
		ret = oci_digest_finish(md, out);
	EVP_MD_CTX_free(md);
	return ret;
}

bool oci_digest_valid(const char *d)
{
	size_t i;

	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return false;
	for (i = 7; d[i]; i++)
		if (!isxdigit((unsigned char)d[i]) || isupper((unsigned char)d[i]))
			return false;
	return true;
}

json_t *oci_descriptor_to_json(const struct oci_descriptor *d)
{
	json_t *j = json_pack("{s:s, s:s, s:I}", "mediaType", d->media_type, "digest", d->digest,
			      "size", (json_int_t)d->size);

	if (j && d->platform_arch[0])
		json_object_set_new(j, "platform", json_pack("{s:s, s:s}", "architecture",
							     d->platform_arch, "os", "linux"));
	return j;
}

int oci_descriptor_from_json(const json_t *j, struct oci_descriptor *d)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	const json_t *size = json_object_get(j, "size");
	const char *arch = json_string_value(json_object_get(json_object_get(j, "platform"),
							     "architecture"));

	memset(d, 0, sizeof(*d));
	if (!dg || !oci_digest_valid(dg) || !json_is_integer(size) || json_integer_value(size) < 0)
		return -EBADMSG;
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = json_integer_value(size);
	if (arch)
		snprintf(d->platform_arch, sizeof(d->platform_arch), "%s", arch);
	return 0;
}

int oci_platform_parse(const char *platform, const char **arch, struct gadget_err *err)
{
	const struct arch_def *a;
	const char *slash = strchr(platform, '/');

	if (!slash || strncmp(platform, "linux/", 6))
		return gadget_err_set(err, EINVAL, "--platform %s: expected linux/ARCH (linux/amd64, "
				      "linux/arm64)", platform);
	a = arch_find(slash + 1);
	if (!a)
		return gadget_err_set(err, EINVAL, "--platform %s: unknown architecture '%s'",
				      platform, slash + 1);
	*arch = a->oci;
	return 0;
}
