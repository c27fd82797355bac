// SPDX-License-Identifier: Apache-2.0
/*
 * counter_/gauge_/hist_ maps in the terminal: what `gadget run` prints for
 * a metrics gadget when it ends (and every --interval).  Keys are decoded by
 * the same schema and formatters as any event; JSON objects are built with
 * jansson from the formatters' JSON values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "runtime/metrics.h"
#include "runtime/printer.h"
#include "runtime/schema.h"

#define STARS_MAX 40
#define CELL_MAX 4096

static const struct { const char *suffix; const char *unit; } hist_units[] = {
	{ "_ns", "nsecs" }, { "_us", "usecs" }, { "_ms", "msecs" }, { "_s", "secs" },
	{ "_bytes", "bytes" }, { "_kb", "kbytes" }, { "_pkts", "packets" },
};

const char *metrics_hist_unit(const char *map_name)
{
	size_t n = strlen(map_name);

	for (unsigned int i = 0; i < sizeof(hist_units) / sizeof(hist_units[0]); i++) {
		size_t k = strlen(hist_units[i].suffix);

		if (n > k && !strcmp(map_name + n - k, hist_units[i].suffix))
			return hist_units[i].unit;
	}
	return "value";
}

/* The value column of counters (u64) and gauges (s64). */
static struct gadget_field counter_field = { .name = "value", .size = 8, .kind = FIELD_UINT };
static struct gadget_field gauge_field = { .name = "value", .size = 8, .kind = FIELD_INT };
static struct gadget_type counter_type = { "__u64", 8, &counter_field, 1 };
static struct gadget_type gauge_type = { "__s64", 8, &gauge_field, 1 };

/* The key's columns (none for a one-entry array or a key without BTF). */
static const struct gadget_type *key_type(const struct gadget_map *def)
{
	if (def->type == BPF_MAP_TYPE_ARRAY && def->max_entries == 1)
		return NULL;
	return def->key;
}

static int map_schema(const struct metric_map *mm, bool json, struct schema **out)
{
	struct schema *s = schema_new();
	int ret;

	if (!s)
		return -ENOMEM;
	ret = schema_add_type(s, key_type(mm->def), ROW_KEY);
	if (!ret && mm->role != MAP_ROLE_HISTOGRAM)
		ret = schema_add_type(s, mm->role == MAP_ROLE_GAUGE ? &gauge_type : &counter_type,
				      ROW_EVENT);
	if (!ret)
		ret = schema_select(s, NULL, json, NULL);
	if (ret) {
		schema_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int print_json(struct printer *p, json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	int ret;

	json_decref(obj);
	if (!text)
		return -ENOMEM;
	printer_text(p, text);
	ret = printer_text(p, "\n");
	free(text);
	return ret;
}

/* {"metric":..,"type":..} then every column, each value from the JSON formatter. */
static json_t *series_json(const struct metric_map *mm, const struct schema *s, const struct row *r)
{
	json_t *obj = json_object();
	char *val = malloc(CELL_MAX);

	if (!obj || !val) {
		json_decref(obj);
		free(val);
		return NULL;
	}
	json_object_set_new(obj, "metric", json_string(metrics_short_name(mm)));
	json_object_set_new(obj, "type", json_string(map_role_def(mm->role)->metric));
	for (unsigned int i = 0; i < s->nr_shown; i++) {
		const struct column *c = &s->cols[s->shown[i]];
		json_t *v;

		column_format(s, c, r, FMT_JSON, val, CELL_MAX);
		v = json_loads(val, JSON_DECODE_ANY, NULL);
		json_object_set_new(obj, c->name, v ? v : json_string(val));
	}
	free(val);
	return obj;
}

static void print_stars(struct printer *p, uint64_t v, uint64_t max)
{
	char bar[STARS_MAX + 3];
	unsigned int n = max ? (unsigned int)(v * STARS_MAX / max) : 0;

	bar[0] = '|';
	memset(bar + 1, ' ', STARS_MAX);
	memset(bar + 1, '*', n);
	bar[STARS_MAX + 1] = '|';
	bar[STARS_MAX + 2] = 0;
	printer_text(p, bar);
}

/* Slot i holds floor(log2(v)) == i, 0 and 1 in slot 0 (gadget_hist_observe). */
static void slot_range(int i, uint64_t *low, uint64_t *high)
{
	*low = i ? (uint64_t)1 << i : 0;
	*high = ((uint64_t)2 << i) - 1;
}

static int last_slot(const struct gadget_hist *h, uint64_t *max)
{
	int last = -1;

	*max = 0;
	for (int i = 0; i < GADGET_HIST_SLOTS; i++) {
		if (h->slots[i])
			last = i;
		if (h->slots[i] > *max)
			*max = h->slots[i];
	}
	return last;
}

static int print_hist_text(struct printer *p, const struct metric_map *mm, const struct schema *s,
			   const struct row *r, const struct gadget_hist *h)
{
	const char *unit = metrics_hist_unit(mm->def->name);
	char line[256], *val = malloc(CELL_MAX);
	uint64_t max, low, high;
	int last = last_slot(h, &max);

	if (!val)
		return -ENOMEM;
	/* the key's members, "disk = vda", as biolatency -D prints them */
	if (s->nr_shown && !all_zero(r->rec[ROW_KEY], mm->def->key_size)) {
		for (unsigned int i = 0; i < s->nr_shown; i++) {
			const struct column *c = &s->cols[s->shown[i]];

			column_format(s, c, r, FMT_TEXT, val, CELL_MAX);
			snprintf(line, sizeof(line), "%s%s = ", i ? ", " : "", c->name);
			printer_text(p, line);
			printer_text(p, val);
		}
		printer_text(p, "\n");
	}
	free(val);
	snprintf(line, sizeof(line), "%5s%-19s : count    distribution\n", "", unit);
	printer_text(p, line);
	for (int i = 0; i <= last; i++) {
		slot_range(i, &low, &high);
		snprintf(line, sizeof(line), "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64 " ",
			 low, high, h->slots[i]);
		printer_text(p, line);
		print_stars(p, h->slots[i], max);
		printer_text(p, "\n");
	}
	if (h->count > 0) {
		snprintf(line, sizeof(line), "%5scount %" PRIu64 ", average %.1f %s\n", "", h->count,
			 (double)h->sum / h->count, unit);
		printer_text(p, line);
	}
	return printer_text(p, "\n");
}

static json_t *hist_json(const struct metric_map *mm, const struct gadget_hist *h)
{
	json_t *buckets = json_array(), *obj = json_object();
	uint64_t max, low, high;
	int last = last_slot(h, &max);

	if (!buckets || !obj) {
		json_decref(buckets);
		json_decref(obj);
		return NULL;
	}
	for (int i = 0; i <= last; i++) {
		slot_range(i, &low, &high);
		json_array_append_new(buckets, json_pack("{sIsIsI}", "low", (json_int_t)low,
							 "high", (json_int_t)high,
							 "count", (json_int_t)h->slots[i]));
	}
	json_object_set_new(obj, "unit", json_string(metrics_hist_unit(mm->def->name)));
	json_object_set_new(obj, "count", json_integer((json_int_t)h->count));
	json_object_set_new(obj, "sum", json_integer((json_int_t)h->sum));
	json_object_set_new(obj, "buckets", buckets);
	return obj;
}

static int print_map(struct printer *p, const struct metrics *m, const struct metric_map *mm)
{
	bool json = p->kind != OUTPUT_COLUMNS;
	const struct schema *saved = p->schema;
	struct sample *smp = NULL;
	struct schema *s = NULL;
	size_t n = 0;
	char title[300];
	int ret;

	ret = metrics_read_samples(m->enrich, mm, &smp, &n);
	if (!ret)
		ret = map_schema(mm, json, &s);
	if (ret || !n)
		goto out;
	if (!json && mm->role != MAP_ROLE_HISTOGRAM) {
		snprintf(title, sizeof(title), "%s (%s)\n", metrics_short_name(mm),
			 map_role_def(mm->role)->metric);
		printer_text(p, title);
		p->schema = s;
		printer_header(p);
	}
	for (size_t i = 0; i < n && !ret; i++) {
		struct row r = { .rec = { smp[i].value, smp[i].key } };
		struct gadget_hist h;

		if (mm->role != MAP_ROLE_HISTOGRAM) {
			ret = json ? print_json(p, series_json(mm, s, &r)) : printer_row(p, &r);
			continue;
		}
		memcpy(&h, smp[i].value, sizeof(h));
		if (json) {
			json_t *obj = series_json(mm, s, &r), *hj = hist_json(mm, &h);

			if (!obj || !hj) {
				json_decref(obj);
				json_decref(hj);
				ret = -ENOMEM;
				break;
			}
			json_object_update(obj, hj);
			json_decref(hj);
			ret = print_json(p, obj);
		} else {
			ret = print_hist_text(p, mm, s, &r, &h);
		}
	}
	if (!json && mm->role != MAP_ROLE_HISTOGRAM)
		printer_text(p, "\n");
out:
	p->schema = saved;
	schema_free(s);
	metrics_samples_free(smp, n);
	return ret;
}

int metrics_print(struct metrics *m, struct printer *p, struct gadget_err *err)
{
	int ret = 0;

	for (unsigned int i = 0; i < m->nr_maps && !ret; i++) {
		ret = print_map(p, m, &m->maps[i]);
		if (ret && ret != -EPIPE)
			gadget_err_set(err, -ret, "metrics: printing map %s: %s", m->maps[i].def->name,
				       strerror(-ret));
	}
	if (!ret)
		ret = printer_flush(p);
	return ret == -EPIPE ? 0 : ret;
}
