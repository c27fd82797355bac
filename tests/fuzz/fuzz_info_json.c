// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: gadget metadata from an image config (hostile input:
 * it comes from registries and tar files, and `gadget run IMAGE` decodes
 * events with it without re-validating the object).  Whatever parses must
 * serialise and parse again to the same thing, and every field of its
 * event and key types must decode from a record of exactly the type's
 * size, in both output formats.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gadget_info *info = NULL, *again = NULL;
	struct gadget_err err;
	json_t *j, *out, *out2;
	char *a, *b;

	j = json_loadb((const char *)data, size, 0, NULL);
	if (!j)
		return 0;
	if (gadget_info_from_json(j, &info, &err) == 0) {
		out = gadget_info_to_json(info);
		if (gadget_info_from_json(out, &again, &err))
			abort();	/* our own output must parse */
		out2 = gadget_info_to_json(again);
		a = json_dumps(out, JSON_SORT_KEYS);
		b = json_dumps(out2, JSON_SORT_KEYS);
		if (strcmp(a, b))
			abort();	/* and round-trip exactly */
		free(a);
		free(b);
		json_decref(out);
		json_decref(out2);
		fuzz_decode_info(info, data, size);
		gadget_info_free(again);
		gadget_info_free(info);
	}
	json_decref(j);
	return 0;
}
