/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_SNAPSHOT_TEXT_H
#define GADGET_RUNTIME_SNAPSHOT_TEXT_H

/*
 * The seed's snapshotter text protocol, what an iterator writes with
 * BPF_SEQ_PRINTF: "[event]\n" then "name=value\0" per field.  Values may
 * hold newlines, so only the markers and the NULs delimit.  The bytes come
 * from a gadget (untrusted), so the parser is a pure function, fuzzed
 * (tests/fuzz/fuzz_snapshot_text.c).
 */
#include <stddef.h>

#include "runtime/schema.h"

#define SNAPTEXT_MAX_COLS 256

/* One record: row.text holds its values by column (missing ones ""). */
typedef int (*snaptext_row_fn)(void *ctx, struct schema *s, const struct row *row);

/*
 * Parse buf: columns are added to *schema (created on first use) from the
 * field names, in order of appearance, until its columns are selected
 * (schema->shown); fn is called for every record with at least one field.
 * Returns 0, -ENOMEM, or the first non-zero fn() result.
 */
int snaptext_parse(const char *buf, size_t len, struct schema **schema, snaptext_row_fn fn,
		   void *ctx);

#endif
