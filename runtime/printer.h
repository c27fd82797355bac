/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PRINTER_H
#define GADGET_RUNTIME_PRINTER_H

/*
 * Printers: -o columns (aligned, header from the field names), -o json
 * (one object per line), jsonpretty and yaml (each record reformatted
 * from its JSON by the output table, runtime/output.h): views over the
 * same schema.  Output collects
 * in a large buffer written with write(2); a closed pipe is -EPIPE.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "runtime/output.h"
#include "runtime/schema.h"

struct printer {
	enum output_kind kind;
	const struct schema *schema;
	int fd;
	int error;		/* sticky negative errno of the first failed write */
	/* set by a signal handler: a write blocked on a full pipe gives up
	 * (-EINTR) instead of retrying, so a stop is never stuck behind a
	 * reader that stopped reading */
	const volatile sig_atomic_t *stop;
	char *buf;
	size_t len, cap;
	unsigned long long rows;
	unsigned long long flushes;
	/* columns: the widths used, fitted to term_cols (0: the schema's) */
	unsigned int term_cols;
	bool no_trunc;			/* never cut a value (it pushes the line) */
	unsigned int *widths, nr_widths;
	const struct schema *widths_for;
	/* json: members written first in every record ("\"time\":\"...\"", no comma) */
	char json_prefix[64];
};

int printer_kind_parse(const char *s, enum output_kind *out);
int printer_init(struct printer *p, enum output_kind kind, const struct schema *s, int fd);
void printer_fini(struct printer *p);
/* Fit columns to a line of term_cols (0: no fitting); no_trunc: never cut a value. */
void printer_layout(struct printer *p, unsigned int term_cols, bool no_trunc);
void printer_header(struct printer *p);
/* Append one row; flushes when the buffer fills.  Returns 0 or p->error. */
int printer_row(struct printer *p, const struct row *r);
/* A line of text as is (separators between topper intervals, snapshot titles). */
int printer_text(struct printer *p, const char *s);
int printer_flush(struct printer *p);

#endif
