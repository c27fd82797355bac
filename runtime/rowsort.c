// SPDX-License-Identifier: Apache-2.0
/* Row order for toppers and snapshotters (runtime/rowsort.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rowsort.h"

int row_order_parse(const struct schema *s, const char *spec, struct row_order *o,
		    struct gadget_err *err)
{
	char name[256], names[2048];
	const char *colon;
	int col;

	*o = (struct row_order){ .schema = s, .desc = true };
	if (!spec)
		return 0;
	colon = strchr(spec, ':');
	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - spec) : 255, spec);
	if (colon && strcmp(colon, ":asc") && strcmp(colon, ":desc"))
		return gadget_err_set(err, EINVAL, "--sort %s: use FIELD, FIELD:asc or FIELD:desc", spec);
	o->desc = !colon || !strcmp(colon, ":desc");
	col = schema_find(s, name);
	if (col < 0) {
		schema_names(s, names, sizeof(names));
		return gadget_err_set(err, EINVAL, "--sort: unknown field '%s' (fields: %s)", name, names);
	}
	o->col = &s->cols[col];
	return 0;
}

/* Text-protocol values are text: "9" < "10" when both are numbers. */
static int cmp_text_numbers(const struct row_order *o, const struct row *x, const struct row *y,
			    int *out)
{
	char ta[512], tb[512], *ea, *eb;
	long long a, b;

	column_format(o->schema, o->col, x, FMT_TEXT, ta, sizeof(ta));
	column_format(o->schema, o->col, y, FMT_TEXT, tb, sizeof(tb));
	a = strtoll(ta, &ea, 0);
	b = strtoll(tb, &eb, 0);
	if (!ta[0] || !tb[0] || *ea || *eb)
		return -1;
	*out = (a > b) - (a < b);
	return 0;
}

/* qsort_r is not stable: equal rows fall back to their place (seq holds it). */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct row_order *o = ctx;
	const struct row *x = a, *y = b;
	int c;

	if (o->col->field || cmp_text_numbers(o, x, y, &c))
		c = column_compare(o->schema, o->col, x, y);

	if (o->desc)
		c = -c;
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void rows_sort(struct row *rows, size_t n, const struct row_order *o)
{
	if (!o->col || n < 2)
		return;
	qsort_r(rows, n, sizeof(*rows), cmp_rows, (void *)o);
}
