// SPDX-License-Identifier: Apache-2.0
/* A snapshotter's rows: its iterators run once, or every --interval. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "runtime/rowsort.h"
#include "runtime/run_int.h"
#include "runtime/snapshot_text.h"

/*
 * One iterator's rows, held until its output is read whole: rows are a
 * table too (--sort, --max-rows).  Records point into the iterator's
 * buffer; text-protocol rows own a copy of their value pointers.
 */
struct snap_rows {
	struct row *v;
	size_t n;
	unsigned long long shown;	/* rows printed in this snapshot (--max-rows) */
};

static int snap_rows_add(struct gadget_run *r, struct snap_rows *rows, const struct row *row,
			 unsigned int nr_text)
{
	struct row copy = *row;

	if (row->text) {
		const char **t = malloc((nr_text ? nr_text : 1) * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memcpy(t, row->text, nr_text * sizeof(*t));
		copy.text = t;
	}
	if (array_grow(rows->v, rows->n)) {
		free((void *)copy.text);
		return -ENOMEM;
	}
	copy.seq = ++r->rows;
	rows->v[rows->n++] = copy;
	return 0;
}

/* Sorted, filtered, up to --max-rows, printed; then forgotten. */
static int snap_rows_flush(struct gadget_run *r, struct snap_rows *rows, struct gadget_err *err)
{
	struct row_order o;
	int ret = row_order_parse(r->schema, r->opts.sort, &o, err);

	if (!ret)
		rows_sort(rows->v, rows->n, &o);
	for (size_t i = 0; i < rows->n; i++) {
		if (!ret)
			run_emit_limited(r, &rows->v[i], &rows->shown);
		free((void *)rows->v[i].text);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
	return ret;
}

struct text_snapshot {
	struct gadget_run *r;
	struct snap_rows *rows;
	struct gadget_err *err;
};

/* A text-protocol record: the first one fixes the columns (--fields, -F). */
static int text_row(void *ctx, struct schema *s, const struct row *row)
{
	struct text_snapshot *t = ctx;
	struct gadget_run *r = t->r;
	int ret;

	if (!s->shown) {
		ret = schema_select(s, r->opts.fields, r->opts.output != OUTPUT_COLUMNS, t->err);
		if (ret)
			return ret;
		r->out.schema = s;
		r->schema = s;
		for (unsigned int i = 0; i < r->opts.nr_filters; i++) {
			ret = filter_add(&r->filter, s, r->opts.filters[i], t->err);
			if (ret)
				return ret;
		}
		printer_header(&r->out);
	}
	return snap_rows_add(r, t->rows, row, s->nr_cols);
}

/* One iterator's output: fixed-size records (<prog>_output), or the text protocol. */
static int snap_program(struct gadget_run *r, const struct gadget_prog *gp, const char *buf,
			size_t len, struct schema **text_schema, struct snap_rows *rows,
			bool *header_done, struct gadget_err *err)
{
	struct text_snapshot t = { .r = r, .rows = rows, .err = err };
	int ret = 0;

	if (gp->output_type && gp->output_type->size) {
		size_t sz = gp->output_type->size;

		if (!*header_done)
			printer_header(&r->out);
		*header_done = true;
		for (size_t off = 0; !ret && off + sz <= len; off += sz) {
			struct row row = { .rec = { (const uint8_t *)buf + off, NULL } };

			ret = snap_rows_add(r, rows, &row, 0);
		}
	} else {
		ret = snaptext_parse(buf, len, text_schema, text_row, &t);
	}
	if (ret == -ENOMEM)
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	/* the rows point into buf: print them before it goes */
	return snap_rows_flush(r, rows, err) ?: ret;
}

/* Every iterator once: one snapshot. */
static int snap_once(struct gadget_run *r, struct schema **text_schema, struct gadget_err *err)
{
	struct snap_rows rows = { 0 };
	bool header_done = false;
	int ret = 0;

	for (unsigned int i = 0; i < r->info->nr_progs && !ret; i++) {
		const struct gadget_prog *gp = &r->info->progs[i];
		char *buf = NULL;
		size_t len = 0;

		if (!gp->def || gp->def->target != TARGET_ITER)
			continue;
		ret = runtime_iter_run(bpf_object__find_program_by_name(r->obj, gp->name),
				       r->opts.netns, &buf, &len, err);
		if (!ret)
			ret = snap_program(r, gp, buf, len, text_schema, &rows, &header_done, err);
		free(buf);
	}
	return ret;
}

int snapshotter_run(struct gadget_run *r, struct gadget_err *err)
{
	struct schema *text_schema = NULL, *orig = r->schema;
	int ret = 0;

	do {
		ret = snap_once(r, &text_schema, err);
		printer_flush(&r->out);
		r->done++;
		if (!r->opts.interval_set || ret)
			break;
		run_nap(r, r->opts.interval);
		if (r->opts.output == OUTPUT_COLUMNS && !run_should_stop(r))
			printer_text(&r->out, "\n");
		if (text_schema) {
			free(text_schema->shown);
			text_schema->shown = NULL;
			filter_free(&r->filter);
		}
	} while (!run_should_stop(r));
	printer_flush(&r->out);
	r->schema = orig;
	r->out.schema = orig;
	schema_free(text_schema);
	return ret;
}
