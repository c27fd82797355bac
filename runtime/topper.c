// SPDX-License-Identifier: Apache-2.0
/* A topper's table every interval: read, cleared, sorted, printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rowsort.h"
#include "runtime/run_int.h"

/* The topper's order: --sort, else the first number of the value, biggest first. */
static int parse_sort(struct gadget_run *r, struct row_order *o, struct gadget_err *err)
{
	int ret = row_order_parse(r->schema, r->opts.sort, o, err);

	for (unsigned int i = 0; !ret && !r->opts.sort && !o->col && i < r->schema->nr_cols; i++) {
		const struct column *c = &r->schema->cols[i];

		if (c->field && c->src == ROW_EVENT && field_is_numeric(c->field))
			o->col = c;
	}
	return ret;
}

/* A topper's iter/ programs fill its table: run each once, output unused. */
static int run_fill_iterators(struct gadget_run *r, struct gadget_err *err)
{
	for (unsigned int i = 0; i < r->info->nr_progs; i++) {
		const struct gadget_prog *gp = &r->info->progs[i];
		int ret;

		if (!gp->def || gp->def->target != TARGET_ITER)
			continue;
		ret = runtime_iter_run(bpf_object__find_program_by_name(r->obj, gp->name), NULL, NULL, NULL, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* A topper's table, read whole into memory each interval. */
struct top_table {
	int fd;
	size_t ksz, vsz, cap, n;
	uint8_t *keys, *vals;
	struct row *ents;	/* rec: { value, key } */
};

/*
 * Read everything, then delete what was read: counts made while we print
 * belong to the next interval.  A key deleted meanwhile by the gadget is
 * skipped, and so is its failed delete here.
 */
static void top_read_and_clear(struct top_table *t)
{
	void *prev = NULL;

	t->n = 0;
	while (t->n < t->cap && !bpf_map_get_next_key(t->fd, prev, t->keys + t->n * t->ksz)) {
		uint8_t *key = t->keys + t->n * t->ksz, *val = t->vals + t->n * t->vsz;

		prev = key;
		if (bpf_map_lookup_elem(t->fd, key, val))
			continue;
		t->ents[t->n] = (struct row){ .rec = { val, key } };
		t->n++;
	}
	for (size_t i = 0; i < t->n; i++)
		(void)bpf_map_delete_elem(t->fd, t->ents[i].rec[ROW_KEY]);
}

/*
 * Each interval is stamped: a "time" member in every JSON record, a
 * timestamp line above the columns; on a terminal the table is redrawn
 * in place (ig's clear-screen-before), in a pipe appended.
 */
static void top_stamp(struct gadget_run *r)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (r->opts.output != OUTPUT_COLUMNS) {
		snprintf(r->out.json_prefix, sizeof(r->out.json_prefix), "\"time\":\"%s\"", when);
		return;
	}
	if (isatty(r->out.fd))
		printer_text(&r->out, "\033[H\033[2J");
	printer_text(&r->out, when);
	printer_text(&r->out, "\n");
}

static void top_print(struct gadget_run *r, struct top_table *t, struct row_order *o)
{
	unsigned long long shown = 0;

	top_stamp(r);
	/* a row's seq: what enrichment caches by, and the tie-break of the sort */
	for (size_t i = 0; i < t->n; i++)
		t->ents[i].seq = ++r->rows;
	rows_sort(t->ents, t->n, o);
	if (r->opts.output == OUTPUT_COLUMNS)
		printer_header(&r->out);
	for (size_t i = 0; i < t->n && !r->out.error; i++)
		run_emit_limited(r, &t->ents[i], &shown);
	if (r->opts.output == OUTPUT_COLUMNS)
		printer_text(&r->out, "\n");
	printer_flush(&r->out);
}

static int top_table_new(struct gadget_run *r, struct bpf_map *m, struct top_table *t,
			 struct gadget_err *err)
{
	*t = (struct top_table){ .fd = bpf_map__fd(m), .ksz = bpf_map__key_size(m),
				 .vsz = bpf_map__value_size(m), .cap = bpf_map__max_entries(m) };
	if (t->vsz < r->info->event->size || (r->info->key && t->ksz < r->info->key->size))
		return gadget_err_set(err, EINVAL, "map %s: key/value sizes do not match their types",
				      bpf_map__name(m));
	t->keys = calloc(t->cap + 1, t->ksz);
	t->vals = calloc(t->cap + 1, t->vsz);
	t->ents = calloc(t->cap + 1, sizeof(*t->ents));
	if (!t->keys || !t->vals || !t->ents)
		return gadget_err_set(err, ENOMEM, "map %s: out of memory for %zu entries",
				      bpf_map__name(m), t->cap);
	return 0;
}

static void top_table_free(struct top_table *t)
{
	free(t->keys);
	free(t->vals);
	free(t->ents);
}

int topper_run(struct gadget_run *r, struct gadget_err *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(r->obj, r->info->print_map->name);
	double interval = r->opts.interval_set ? r->opts.interval : 1.0;
	struct top_table t = { 0 };
	struct row_order order;
	int ret;

	if (!m)
		return gadget_err_set(err, ENOENT, "map %s not found", r->info->print_map->name);
	ret = parse_sort(r, &order, err);
	if (!ret)
		ret = top_table_new(r, m, &t, err);
	while (!ret && !run_should_stop(r)) {
		run_nap(r, interval);
		if (run_stopped_by_signal() && !r->opts.timeout)
			break;
		ret = run_fill_iterators(r, err);
		if (ret)
			break;
		top_read_and_clear(&t);
		top_print(r, &t, &order);
		r->done++;
	}
	top_table_free(&t);
	return ret;
}
