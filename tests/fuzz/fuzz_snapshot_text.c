// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the snapshotter text protocol ("[event]\n" then
 * "name=value\0" per field), what an iterator program hands the runtime,
 * through the same parser, column selection and both printers as
 * `gadget run`.  Invariant: every row has as many cells as shown columns.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/printer.h"
#include "runtime/snapshot_text.h"

struct sink {
	struct printer out[2];
	int fd;
};

static int on_row(void *ctx, struct schema *s, const struct row *row)
{
	struct sink *k = ctx;
	struct gadget_err err;

	if (!s->shown) {
		if (schema_select(s, NULL, true, &err))
			abort();	/* no --fields: selecting all cannot fail */
		printer_init(&k->out[0], OUTPUT_COLUMNS, s, k->fd);
		printer_init(&k->out[1], OUTPUT_JSON, s, k->fd);
		printer_header(&k->out[0]);
	}
	if (s->nr_shown != s->nr_cols)
		abort();
	printer_row(&k->out[0], row);
	printer_row(&k->out[1], row);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink k = { .fd = open("/dev/null", O_WRONLY | O_CLOEXEC) };
	struct schema *s = NULL;
	char *copy = malloc(size ? size : 1);

	/* an exact-size copy: reading past the iterator's bytes is a bug */
	memcpy(copy, data, size);
	snaptext_parse(copy, size, &s, on_row, &k);
	if (s && s->nr_cols > SNAPTEXT_MAX_COLS)
		abort();
	if (k.out[0].buf) {
		printer_fini(&k.out[0]);
		printer_fini(&k.out[1]);
	}
	schema_free(s);
	free(copy);
	close(k.fd);
	return 0;
}
