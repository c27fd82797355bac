/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_ROWSORT_H
#define GADGET_RUNTIME_ROWSORT_H

/*
 * --sort FIELD[:asc|:desc] and --max-rows for the categories that print
 * tables: a topper's interval and a snapshotter's snapshot.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "runtime/schema.h"

struct row_order {
	const struct schema *schema;
	const struct column *col;	/* NULL: as they came */
	bool desc;
};

/* spec NULL: no order (o->col NULL).  An unknown field is an error naming the fields. */
int row_order_parse(const struct schema *s, const char *spec, struct row_order *o,
		    struct gadget_err *err);
/* Stable for equal keys: rows keep the order they came in. */
void rows_sort(struct row *rows, size_t n, const struct row_order *o);

#endif
