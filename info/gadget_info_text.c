// SPDX-License-Identifier: Apache-2.0
/*
 * The text views of gadget_info.  Every table is a list of rows (programs,
 * maps, a type's fields, params) and a list of columns: a cell of the row,
 * the printf format it goes through and the title of its column.
 */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "info/gadget_info_text.h"

/* Names and descriptions come from objects and images nobody here wrote (base/text.h). */
#define SAFE(s, buf) text_printable((s), false, (buf), sizeof(buf))

enum cell {
	CELL_END,
	PROG_NAME, PROG_SECTION, PROG_TYPE, PROG_TARGET, PROG_RUNNABLE,
	MAP_NAME, MAP_TYPE, MAP_ROLE, MAP_KEY, MAP_VALUE, MAP_ENTRIES,
	FIELD_NAME, FIELD_OFFSET, FIELD_BIT_OFFSET, FIELD_SIZE, FIELD_KIND, FIELD_SPECIAL,
	FIELD_TYPE, FIELD_TYPE_BITS,
	PARAM_NAME, PARAM_TYPE, PARAM_DEFAULT, PARAM_DESCRIPTION,
};

struct col {
	enum cell cell;
	const char *fmt;	/* of the value, a string: "%-16s " */
	const char *title;	/* of the column; NULL in a table without titles */
	const char *none;	/* for an empty value */
};

struct table {
	const char *intro;	/* printed before the table ("\nPrograms:\n"), may be NULL */
	struct col cols[8];	/* up to CELL_END */
};

struct view {
	bool about;		/* Name, Description and License lines */
	bool analysis;		/* the category, programs, maps and types */
	bool metric_labels;	/* the key types of counter_/gauge_/hist_ maps */
	bool key_first;		/* Key before Event; Event before Key otherwise */
	const char *type_intro;	/* "\n%s: %s (%u bytes)\n" */
	struct table progs, maps, fields, params;
	const char *no_params;	/* instead of an empty params table, NULL: nothing */
	bool enum_values;	/* a line with an enum param's names under it */
};

static const struct view views[] = {
	[GADGET_INFO_VIEW_FULL] = {
		.about = true, .analysis = true, .metric_labels = true, .key_first = true,
		.type_intro = "\n%s: %s (%u bytes)\n",
		.progs = { "\nPrograms:\n", {
			{ PROG_NAME, "  %-16s ", "NAME" }, { PROG_SECTION, "%-40s ", "SECTION" },
			{ PROG_TYPE, "%-32s ", "PROGRAM TYPE", "(unknown)" },
			{ PROG_TARGET, "%-16s ", "TARGET", "-" }, { PROG_RUNNABLE, "%s\n", "RUNNABLE" } } },
		.maps = { "\nMaps:\n", {
			{ MAP_NAME, "  %-24s ", "NAME" }, { MAP_TYPE, "%-18s ", "TYPE", "?" },
			{ MAP_ROLE, "%-10s ", "ROLE" }, { MAP_KEY, "%6s ", "KEY" },
			{ MAP_VALUE, "%6s ", "VALUE" }, { MAP_ENTRIES, "%8s\n", "ENTRIES" } } },
		.fields = { NULL, {
			{ FIELD_NAME, "  %-24s ", "FIELD" }, { FIELD_BIT_OFFSET, "%6s ", "OFFSET" },
			{ FIELD_SIZE, "%5s ", "SIZE" }, { FIELD_KIND, "%-7s ", "KIND" },
			{ FIELD_SPECIAL, "%-10s ", "SPECIAL", "-" }, { FIELD_TYPE_BITS, "%s\n", "TYPE" } } },
		.params = { "\nParams:\n", {
			{ PARAM_NAME, "  %-24s ", "NAME" }, { PARAM_TYPE, "%-20s ", "TYPE" },
			{ PARAM_DEFAULT, "%-16s ", "DEFAULT" }, { PARAM_DESCRIPTION, "%s\n", "DESCRIPTION" } } },
	},
	[GADGET_INFO_VIEW_BRIEF] = {
		.analysis = true,
		.type_intro = "%s: %s (%u bytes)\n",
		.progs = { "Programs:\n", {
			{ PROG_NAME, "  %-24s " }, { PROG_SECTION, "%s\n" } } },
		.maps = { "Maps:\n", {
			{ MAP_NAME, "  %-24s " }, { MAP_ROLE, "%-10s " }, { MAP_KEY, "key %s " },
			{ MAP_VALUE, "value %s " }, { MAP_ENTRIES, "max %s\n" } } },
		.fields = { NULL, {
			{ FIELD_NAME, "  %-24s " }, { FIELD_TYPE, "%-16s " }, { FIELD_OFFSET, "off %-4s " },
			{ FIELD_SIZE, "size %-3s " }, { FIELD_KIND, "%s " }, { FIELD_SPECIAL, "%s\n" } } },
		.params = { "Params:\n", {
			{ PARAM_NAME, "  %-24s " }, { PARAM_DEFAULT, "default %-10s ", NULL, "-" },
			{ PARAM_DESCRIPTION, "%s\n" } } },
	},
	[GADGET_INFO_VIEW_PARAMS] = {
		.params = { "Parameters of gadget %s (--param NAME=VALUE):\n", {
			{ PARAM_NAME, "  %-20s " }, { PARAM_TYPE, "%-16s " },
			{ PARAM_DEFAULT, "default %-10s ", NULL, "\"\"" }, { PARAM_DESCRIPTION, "%s\n" } } },
		.no_params = "Gadget %s has no parameters.\n",
		.enum_values = true,
	},
};

static const char *prog_cell(const void *row, enum cell c, char *buf, size_t len)
{
	const struct gadget_prog *p = row;

	(void)buf;
	(void)len;
	switch (c) {
	case PROG_NAME: return p->name;
	case PROG_SECTION: return p->section;
	case PROG_TYPE: return p->def ? p->def->prog_type_name : NULL;
	case PROG_TARGET: return p->def ? prog_target_name(p->def->target) : NULL;
	case PROG_RUNNABLE: return p->runnable ? "yes" : "no";
	default: return NULL;
	}
}

static const char *map_cell(const void *row, enum cell c, char *buf, size_t len)
{
	const struct gadget_map *m = row;
	uint32_t n;

	switch (c) {
	case MAP_NAME: return m->name;
	case MAP_TYPE: return libbpf_bpf_map_type_str(m->type);
	case MAP_ROLE: return map_role_name(m->role);
	case MAP_KEY: n = m->key_size; break;
	case MAP_VALUE: n = m->value_size; break;
	case MAP_ENTRIES: n = m->max_entries; break;
	default: return NULL;
	}
	snprintf(buf, len, "%u", n);
	return buf;
}

static const char *field_cell(const void *row, enum cell c, char *buf, size_t len)
{
	const struct gadget_field *f = row;

	switch (c) {
	case FIELD_NAME: return f->name;
	case FIELD_OFFSET: snprintf(buf, len, "%u", f->offset); return buf;
	case FIELD_BIT_OFFSET:
		snprintf(buf, len, f->bit_size ? "%u:%u" : "%u", f->offset, f->bit_offset);
		return buf;
	case FIELD_SIZE: snprintf(buf, len, "%u", f->size); return buf;
	case FIELD_KIND: return field_kind_name(f->kind);
	case FIELD_SPECIAL: return f->special ? field_special_name(f->special) : NULL;
	case FIELD_TYPE: return f->type_name;
	case FIELD_TYPE_BITS:
		snprintf(buf, len, f->bit_size ? "%s :%u" : "%s", f->type_name ? f->type_name : "",
			 f->bit_size);
		return buf;
	default: return NULL;
	}
}

static const char *param_cell(const void *row, enum cell c, char *buf, size_t len)
{
	const struct gadget_param *p = row;

	(void)buf;
	(void)len;
	switch (c) {
	case PARAM_NAME: return p->name;
	case PARAM_TYPE: return p->field.type_name ? p->field.type_name : field_kind_name(p->field.kind);
	case PARAM_DEFAULT: return p->default_value;
	case PARAM_DESCRIPTION: return p->description;
	default: return NULL;
	}
}

typedef const char *cell_fn(const void *row, enum cell c, char *buf, size_t len);

/* A row of t: every cell through its column's format (titles for row NULL). */
static void print_row(FILE *f, const struct table *t, cell_fn *cell, const void *row)
{
	for (const struct col *c = t->cols; c->cell != CELL_END; c++) {
		char buf[256], safe[4096];
		const char *text = row ? cell(row, c->cell, buf, sizeof(buf)) : c->title;

		fprintf(f, c->fmt, text && *text ? SAFE(text, safe) : c->none ? c->none : "");
	}
}

/* Rows are n elements of stride bytes from first. */
static void print_table(FILE *f, const struct table *t, cell_fn *cell, const void *first,
			size_t n, size_t stride)
{
	if (t->intro)
		fputs(t->intro, f);
	if (t->cols[0].title)
		print_row(f, t, cell, NULL);
	for (size_t i = 0; i < n; i++)
		print_row(f, t, cell, (const char *)first + i * stride);
}

static void print_type(FILE *f, const struct view *v, const char *what, const struct gadget_type *t)
{
	char w[512], name[256];

	if (!t)
		return;
	fprintf(f, v->type_intro, SAFE(what, w), t->name ? SAFE(t->name, name) : "?", t->size);
	print_table(f, &v->fields, field_cell, t->fields, t->nr_fields, sizeof(*t->fields));
}

static void print_types(FILE *f, const struct view *v, const struct gadget_info *info)
{
	const char *event = info->category == GADGET_CAT_TOPPER && v->key_first ? "Value" : "Event";

	/* metrics: each counter/gauge/histogram's key members are its labels */
	for (unsigned int i = 0; v->metric_labels && i < info->nr_maps; i++) {
		const struct gadget_map *m = &info->maps[i];
		char what[300];

		if (!map_role_is_metric(m->role) || !m->key)
			continue;
		snprintf(what, sizeof(what), "Labels of %s", m->name);
		print_type(f, v, what, m->key);
	}
	if (v->key_first)
		print_type(f, v, "Key", info->key);
	print_type(f, v, event, info->event);
	if (!v->key_first)
		print_type(f, v, "Key", info->key);
}

static void print_params(FILE *f, const struct view *v, const struct gadget_info *info)
{
	const struct table *t = &v->params;
	char name[256];

	if (!info->nr_params) {
		if (v->no_params)
			fprintf(f, v->no_params, SAFE(info->name, name));
		return;
	}
	fprintf(f, t->intro, SAFE(info->name, name));
	if (t->cols[0].title)
		print_row(f, t, param_cell, NULL);
	for (unsigned int i = 0; i < info->nr_params; i++) {
		const struct gadget_field *fl = &info->params[i].field;

		print_row(f, t, param_cell, &info->params[i]);
		if (!v->enum_values || fl->kind != FIELD_ENUM)
			continue;
		fprintf(f, "  %-20s one of:", "");
		for (unsigned int k = 0; k < fl->nr_enum_vals; k++)
			fprintf(f, " %s", SAFE(fl->enum_vals[k].name, name));
		fputc('\n', f);
	}
}

void gadget_info_print(const struct gadget_info *info, enum gadget_info_view view, FILE *f)
{
	const struct view *v = &views[view];
	char buf[4096];

	if (v->about) {
		fprintf(f, "Name:        %s\n", SAFE(info->name, buf));
		if (info->description)
			fprintf(f, "Description: %s\n", SAFE(info->description, buf));
		fprintf(f, "License:     %s\n", info->license ? SAFE(info->license, buf) : "(none)");
	}
	if (v->analysis) {
		fprintf(f, "Category:    %s\n", gadget_category_name(info->category));
		print_table(f, &v->progs, prog_cell, info->progs, info->nr_progs, sizeof(*info->progs));
		print_table(f, &v->maps, map_cell, info->maps, info->nr_maps, sizeof(*info->maps));
		print_types(f, v, info);
	}
	print_params(f, v, info);
}
