/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_TESTS_FUZZ_DECODE_H
#define GADGET_TESTS_FUZZ_DECODE_H

/*
 * For the targets whose output is gadget metadata (the validator, image
 * configs): decode every field of a type from a record of exactly the
 * type's size, in both output modes, as `gadget run` would.  A field that
 * makes the decoder read past the record is an ASan report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "info/gadget_info.h"

static inline void fuzz_decode_type(const struct gadget_type *t, const uint8_t *fill, size_t n)
{
	char out[4096];
	uint8_t *rec;

	if (!t || t->size > (1 << 20))
		return;
	rec = malloc(t->size ? t->size : 1);
	for (size_t i = 0; i < t->size; i++)
		rec[i] = n ? fill[i % n] : 0;
	for (unsigned int i = 0; i < t->nr_fields; i++) {
		format_field(&t->fields[i], rec, FMT_TEXT, out, sizeof(out));
		format_field(&t->fields[i], rec, FMT_JSON, out, sizeof(out));
		if (strnlen(out, sizeof(out)) >= sizeof(out))
			abort();	/* always terminated */
	}
	free(rec);
}

static inline void fuzz_decode_info(const struct gadget_info *info, const uint8_t *fill, size_t n)
{
	fuzz_decode_type(info->event, fill, n);
	fuzz_decode_type(info->key, fill, n);
	for (unsigned int i = 0; i < info->nr_maps; i++) {
		fuzz_decode_type(info->maps[i].key, fill, n);
		fuzz_decode_type(info->maps[i].value, fill, n);
	}
	for (unsigned int i = 0; i < info->nr_progs; i++)
		fuzz_decode_type(info->progs[i].output_type, fill, n);
}

#endif
