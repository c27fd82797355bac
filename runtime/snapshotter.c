// SPDX-License-Identifier: Apache-2.0
/* A snapshotter's rows: its iterators run once, or every --interval. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/libbpf.h>

#include "runtime/run_int.h"
#include "runtime/snapshot_text.h"

struct text_snapshot {
	struct gadget_run *r;
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
	run_emit(r, row);
	return 0;
}

static int print_text_snapshot(struct gadget_run *r, const char *buf, size_t len,
			       struct schema **text_schema, struct gadget_err *err)
{
	struct text_snapshot t = { .r = r, .err = err };

	return snaptext_parse(buf, len, text_schema, text_row, &t);
}

int snapshotter_run(struct gadget_run *r, struct gadget_err *err)
{
	struct schema *text_schema = NULL, *orig = r->schema;
	bool header_done = false;
	int ret = 0;

	do {
		for (unsigned int i = 0; i < r->info->nr_progs && !ret; i++) {
			const struct gadget_prog *gp = &r->info->progs[i];
			struct bpf_program *p;
			char *buf = NULL;
			size_t len = 0;

			if (!gp->def || gp->def->target != TARGET_ITER)
				continue;
			p = bpf_object__find_program_by_name(r->obj, gp->name);
			ret = runtime_iter_run(p, r->opts.netns, &buf, &len, err);
			if (ret)
				break;
			if (gp->output_type && gp->output_type->size) {
				size_t sz = gp->output_type->size;

				if (!header_done)
					printer_header(&r->out);
				header_done = true;
				for (size_t off = 0; off + sz <= len; off += sz) {
					struct row row = { .rec = { (uint8_t *)buf + off, NULL } };

					run_emit(r, &row);
				}
			} else {
				ret = print_text_snapshot(r, buf, len, &text_schema, err);
			}
			free(buf);
		}
		printer_flush(&r->out);
		if (!r->opts.interval_set || ret)
			break;
		run_nap(r, r->opts.interval);
		if (r->opts.output == OUTPUT_COLUMNS && !run_should_stop(r))
			printer_text(&r->out, "\n");
		header_done = false;
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
