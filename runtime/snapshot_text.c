// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "runtime/snapshot_text.h"

#define FIELD_NAME_MAX 128

static const char marker[] = "[event]\n";
#define MARKER_LEN (sizeof(marker) - 1)

/* Fields of one record, rec..end; returns how many had a value. */
static int parse_record(const char *rec, const char *end, struct schema **schema,
			const char *vals[SNAPTEXT_MAX_COLS])
{
	char name[FIELD_NAME_MAX];
	const char *q = rec;
	int nv = 0;

	for (unsigned int i = 0; i < SNAPTEXT_MAX_COLS; i++)
		vals[i] = "";
	while (q < end) {
		const char *field = q, *nul = memchr(q, 0, end - q), *eq;
		size_t flen = (nul ? nul : end) - q;
		int idx;

		q = nul ? nul + 1 : end;
		eq = memchr(field, '=', flen);
		/* a field is "name=value\0"; a record cut short has no value */
		if (!eq || !nul || (size_t)(eq - field) >= sizeof(name))
			continue;
		memcpy(name, field, eq - field);
		name[eq - field] = 0;
		if (!*schema) {
			*schema = schema_new();
			if (!*schema)
				return -ENOMEM;
		}
		idx = schema_find(*schema, name);
		/* columns come from the records; later new names are appended */
		if (idx < 0 && (*schema)->nr_cols < SNAPTEXT_MAX_COLS && !(*schema)->shown) {
			if (schema_add_text(*schema, name))
				return -ENOMEM;
			idx = (*schema)->nr_cols - 1;
		}
		if (idx >= 0 && idx < SNAPTEXT_MAX_COLS) {
			vals[idx] = eq + 1;
			nv++;
		}
	}
	return nv;
}

int snaptext_parse(const char *buf, size_t len, struct schema **schema, snaptext_row_fn fn,
		   void *ctx)
{
	const char *p = buf, *end = buf + len;
	const char *vals[SNAPTEXT_MAX_COLS];

	while (p < end) {
		const char *rec = memmem(p, end - p, marker, MARKER_LEN), *next;
		int nv, ret;

		if (!rec)
			break;
		rec += MARKER_LEN;
		next = memmem(rec, end - rec, marker, MARKER_LEN);
		if (!next)
			next = end;
		nv = parse_record(rec, next, schema, vals);
		if (nv < 0)
			return nv;
		if (nv) {
			struct row row = { .text = vals };

			ret = fn(ctx, *schema, &row);
			if (ret)
				return ret;
		}
		p = next;
	}
	return 0;
}
