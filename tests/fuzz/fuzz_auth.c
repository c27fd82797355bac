// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz what a registry (or anything on the wire) hands the auth layer:
 * WWW-Authenticate challenges, token server answers, OCI error bodies and
 * manifests/indexes.  The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packager/auth.h"
#include "packager/registry_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gadget_err err;
	char *s, *tok = NULL, buf[256];
	struct auth_challenge ch;
	struct regimg_doc doc;

	if (!size)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		if (!auth_parse_challenge(s, &ch) && strlen(ch.realm) >= sizeof(ch.realm))
			abort();
		break;
	case 1:
		if (!auth_parse_token(s, size - 1, &tok, &err) && !tok)
			abort();
		free(tok);
		break;
	case 2:
		/* a small buffer: the formatter must cut, never overflow */
		if (auth_format_oci_error(s, size - 1, buf, 16) >= 16)
			abort();
		break;
	case 3:
		if (!regimg_parse(s, size - 1, NULL, &doc, &err)) {
			for (size_t i = 0; i < doc.nr; i++)
				if (!oci_digest_valid(doc.descs[i].digest))
					abort();
			regimg_doc_free(&doc);
		}
		break;
	}
	free(s);
	return 0;
}
