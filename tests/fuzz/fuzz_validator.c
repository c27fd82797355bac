// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the ELF/BTF validator on arbitrary objects, and the
 * decoder on whatever event types it derives from their BTF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/decode.h"
#include "validator/validator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct validate_opts opts = { .obj_path = "fuzz.o" };
	struct diag_list diags = {};
	struct gadget_info *info = NULL;
	struct gadget_err err;
	void *copy = malloc(size ? size : 1);

	/* libelf may keep pointers into the buffer: give it its own copy. */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	validator_analyze(copy, size, &opts, &info, &diags, &err);
	if (info) {
		json_t *j = gadget_info_to_json(info);

		fuzz_decode_info(info, data, size);

		json_decref(j);
		gadget_info_free(info);
	}
	diag_list_free(&diags);
	free(copy);
	return 0;
}
