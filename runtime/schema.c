// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/schema.h"

/* Column widths from the type, so a live stream prints without buffering. */
static unsigned int width_of(const struct gadget_field *f)
{
	static const unsigned int int_w[9] = { 0, 4, 6, 8, 10, 10, 10, 10, 12 };

	if (special_type(f->special)->width)
		return special_type(f->special)->width;
	switch (f->kind) {
	case FIELD_INT:		/* room for the sign */
		return f->bit_size ? 5 : int_w[f->size > 8 ? 8 : f->size] + 1;
	case FIELD_UINT:
		return f->bit_size ? 5 : int_w[f->size > 8 ? 8 : f->size];
	case FIELD_BOOL: return 5;
	case FIELD_ENUM: {
		/* 12, or as wide as the longest name (kernel enums have long ones), up to 32 */
		size_t w = 12;

		for (unsigned int i = 0; i < f->nr_enum_vals; i++)
			if (strlen(f->enum_vals[i].name) > w)
				w = strlen(f->enum_vals[i].name);
		return w < 32 ? w : 32;
	}
	case FIELD_FLAGS: return 12;
	case FIELD_STRING: return f->size < 32 ? (f->size > 4 ? f->size : 4) : 32;
	case FIELD_FLOAT: return 10;
	default: return f->size * 2 < 32 ? f->size * 2 : 32;
	}
}

struct schema *schema_new(void)
{
	return calloc(1, sizeof(struct schema));
}

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->nr_cols; i++) {
		free(s->cols[i].name);
		free(s->cols[i].json_key);
	}
	free(s->cols);
	free(s->shown);
	free(s->providers);
	free(s);
}

int schema_find(const struct schema *s, const char *name)
{
	for (unsigned int i = 0; i < s->nr_cols; i++)
		if (!strcmp(s->cols[i].name, name))
			return i;
	return -1;
}

static struct column *add_col(struct schema *s, const char *name)
{
	struct column *c;

	if (array_grow(s->cols, s->nr_cols))
		return NULL;
	c = &s->cols[s->nr_cols++];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->text_idx = -1;
	c->extra_idx = -1;
	c->json_key = malloc(6 * strlen(name) + 5);
	if (!c->name || !c->json_key)
		return NULL;	/* schema_free() frees what was made */
	c->json_key[0] = ',';
	c->json_key_len = 1 + format_json_string(name, strlen(name), false, c->json_key + 1,
						 6 * strlen(name) + 3);
	c->json_key[c->json_key_len++] = ':';
	c->json_key[c->json_key_len] = 0;
	return c;
}

/*
 * Inspektor Gadget's convention: a member "x_raw" holds the raw value and
 * "x" is its decoded form.  We decode in place, so a decoded member (a
 * special type with text of its own, an enum) is shown as "x" unless the
 * struct also has a member "x".  Ids named from the host's files (uid, gid)
 * keep their name: their name column is "x" already.
 */
static bool shown_decoded(const struct gadget_field *f)
{
	if (f->kind == FIELD_ENUM || f->kind == FIELD_FLAGS)
		return true;
	return f->special != SPECIAL_NONE && !special_type_has(f->special, SPECIAL_F_UID) &&
	       !special_type_has(f->special, SPECIAL_F_GID);
}

static void column_name(const struct gadget_type *type, const struct gadget_field *f,
			char *name, size_t cap)
{
	size_t n = strlen(f->name);

	snprintf(name, cap, "%s", f->name);
	if (n <= 4 || strcmp(f->name + n - 4, "_raw") || !shown_decoded(f))
		return;
	name[n - 4] = 0;
	for (unsigned int i = 0; i < type->nr_fields; i++)
		if (!strcmp(type->fields[i].name, name)) {
			name[n - 4] = '_';
			return;
		}
}

/* gadget.yaml's columns.* annotations (info/gadget_yaml.h) over the defaults. */
static void apply_annotations(struct column *c, const struct field_annotations *a)
{
	if (a->width)
		c->width = a->width;
	if (a->maxwidth && c->width > a->maxwidth)
		c->width = a->maxwidth;
	if (a->align)
		c->right = a->align == FIELD_ALIGN_RIGHT;
	if (a->visibility)
		c->hidden_by_default = a->visibility == FIELD_VIS_HIDDEN;
}

int schema_add_type(struct schema *s, const struct gadget_type *type, enum row_src src)
{
	for (unsigned int i = 0; type && i < type->nr_fields; i++) {
		const struct gadget_field *f = &type->fields[i];
		char name[300];
		struct column *c;

		column_name(type, f, name, sizeof(name));
		if (schema_find(s, name) >= 0)
			snprintf(name, sizeof(name), "%s.%s", src == ROW_KEY ? "key" : "value", f->name);
		c = add_col(s, name);
		if (!c)
			return -ENOMEM;
		c->field = f;
		field_op_init(&c->op, f);
		c->src = src;
		c->width = width_of(f);
		c->right = field_is_numeric(f);
		if (c->width < strlen(name))
			c->width = strlen(name);
		apply_annotations(c, &f->ann);
	}
	return 0;
}

int schema_add_text(struct schema *s, const char *name)
{
	struct column *c = add_col(s, name);

	if (!c)
		return -ENOMEM;
	c->text_idx = s->nr_cols - 1;
	c->width = strlen(name) > 8 ? strlen(name) : 8;
	return 0;
}

int schema_add_provider(struct schema *s, schema_extra_fn fn, void *ctx)
{
	if (array_grow(s->providers, s->nr_providers))
		return -ENOMEM;
	s->providers[s->nr_providers] = (struct schema_provider){ fn, ctx };
	return s->nr_providers++;
}

int schema_add_extra(struct schema *s, int provider, const char *name, unsigned int width, int idx,
		     bool hidden_by_default)
{
	struct column *c = add_col(s, name);

	if (!c)
		return -ENOMEM;
	c->provider = provider;
	c->extra_idx = idx;
	c->width = width > strlen(name) ? width : strlen(name);
	c->hidden_by_default = hidden_by_default;
	return 0;
}

void schema_names(const struct schema *s, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < s->nr_cols && len < cap; i++)
		len += snprintf(out + len, cap - len, "%s%s", i ? ", " : "", s->cols[i].name);
}

int schema_select(struct schema *s, const char *fields, bool json, struct gadget_err *err)
{
	char names[2048], *copy, *tok, *save = NULL;

	free(s->shown);
	s->nr_shown = 0;
	s->shown = calloc(s->nr_cols + 1, sizeof(*s->shown));
	if (!s->shown)
		return -ENOMEM;
	if (!fields) {
		for (unsigned int i = 0; i < s->nr_cols; i++)
			if (json || !s->cols[i].hidden_by_default)
				s->shown[s->nr_shown++] = i;
		return 0;
	}
	copy = strdup(fields);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int idx = schema_find(s, tok);

		if (idx < 0) {
			schema_names(s, names, sizeof(names));
			gadget_err_set(err, EINVAL, "--fields: unknown field '%s' (fields: %s)", tok, names);
			free(copy);
			return -EINVAL;
		}
		if (s->nr_shown < s->nr_cols)
			s->shown[s->nr_shown++] = idx;
	}
	free(copy);
	return 0;
}

size_t column_format(const struct schema *s, const struct column *c, const struct row *r,
		     enum fmt_mode mode, char *out, size_t cap)
{
	const char *txt;
	size_t n;

	if (c->fmt)
		return c->fmt(c->fmt_ctx, c, r, mode, out, cap);
	if (c->field && cap > c->op.max[mode])
		return c->op.fn[mode](&c->op, r->rec[c->src], out);
	if (c->field)
		return format_field(c->field, r->rec[c->src], mode, out, cap);
	if (c->text_idx >= 0)
		txt = r->text ? r->text[c->text_idx] : NULL;
	else
		txt = s->providers[c->provider].fn(s->providers[c->provider].ctx, r, c->extra_idx);
	if (!txt)
		txt = "";
	n = strlen(txt);
	if (mode == FMT_JSON)
		return format_json_string(txt, n, false, out, cap);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, txt, n);
	out[n] = 0;
	return n;
}

int column_compare(const struct schema *s, const struct column *c, const struct row *a,
		   const struct row *b)
{
	char ta[512], tb[512];

	if (c->field && field_is_numeric(c->field)) {
		if (c->field->kind == FIELD_INT) {
			int64_t x = field_raw_s64(c->field, a->rec[c->src]);
			int64_t y = field_raw_s64(c->field, b->rec[c->src]);

			return (x > y) - (x < y);
		} else {
			uint64_t x = field_raw_u64(c->field, a->rec[c->src]);
			uint64_t y = field_raw_u64(c->field, b->rec[c->src]);

			return (x > y) - (x < y);
		}
	}
	column_format(s, c, a, FMT_TEXT, ta, sizeof(ta));
	column_format(s, c, b, FMT_TEXT, tb, sizeof(tb));
	return strcmp(ta, tb);
}
