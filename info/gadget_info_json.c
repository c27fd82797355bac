// SPDX-License-Identifier: Apache-2.0
/*
 * gadget_info <-> JSON: the "gadget" object of an image's config.json and
 * the output of `gadget validate --json`.  Key order is fixed by the code
 * (json_dumps with JSON_SORT_KEYS by the packager), so equal analyses give
 * equal bytes and equal image digests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "base/names.h"
#include "info/gadget_info.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *const align_names[] = {
	[FIELD_ALIGN_DEFAULT] = "", [FIELD_ALIGN_LEFT] = "left", [FIELD_ALIGN_RIGHT] = "right",
};

/* Only what gadget.yaml set: objects without annotations keep their bytes. */
static void annotations_to_json(json_t *j, const struct field_annotations *a)
{
	json_t *o;

	if (!a->description && !a->width && !a->maxwidth && !a->align && !a->visibility)
		return;
	o = json_object();
	if (a->description)
		json_object_set_new(o, "description", json_string(a->description));
	if (a->width)
		json_object_set_new(o, "width", json_integer(a->width));
	if (a->maxwidth)
		json_object_set_new(o, "maxwidth", json_integer(a->maxwidth));
	if (a->align)
		json_object_set_new(o, "alignment", json_string(NAMES_GET(align_names, a->align, "")));
	if (a->visibility)
		json_object_set_new(o, "hidden", json_boolean(a->visibility == FIELD_VIS_HIDDEN));
	json_object_set_new(j, "annotations", o);
}

/*
 * Names are packed with "s?": a NULL one is written as null (and refused
 * when read back) instead of json_pack() failing and the whole array it
 * belongs to going missing from the config without a word.
 */
static json_t *field_to_json(const struct gadget_field *f)
{
	json_t *j = json_pack("{s:s?, s:I, s:I, s:s, s:s}",
			      "name", f->name, "offset", (json_int_t)f->offset,
			      "size", (json_int_t)f->size, "kind", field_kind_name(f->kind),
			      "type", f->type_name ? f->type_name : "");

	if (f->bit_size) {
		json_object_set_new(j, "bit_offset", json_integer(f->bit_offset));
		json_object_set_new(j, "bit_size", json_integer(f->bit_size));
	}
	if (f->special != SPECIAL_NONE)
		json_object_set_new(j, "special", json_string(field_special_name(f->special)));
	if (f->array_len)
		json_object_set_new(j, "array_len", json_integer(f->array_len));
	if (f->nr_enum_vals) {
		json_t *ev = json_array();

		for (unsigned int i = 0; i < f->nr_enum_vals; i++)
			json_array_append_new(ev, json_pack("{s:s?, s:I}", "name", f->enum_vals[i].name,
							    "value", (json_int_t)f->enum_vals[i].value));
		json_object_set_new(j, "enum", ev);
	}
	annotations_to_json(j, &f->ann);
	return j;
}

static json_t *type_to_json(const struct gadget_type *t)
{
	json_t *fields;

	if (!t)
		return json_null();
	fields = json_array();
	for (unsigned int i = 0; i < t->nr_fields; i++)
		json_array_append_new(fields, field_to_json(&t->fields[i]));
	return json_pack("{s:s?, s:I, s:o}", "name", t->name, "size", (json_int_t)t->size,
			 "fields", fields);
}

json_t *gadget_info_to_json(const struct gadget_info *info)
{
	json_t *progs = json_array(), *maps = json_array(), *params = json_array(), *j;

	for (unsigned int i = 0; i < info->nr_progs; i++) {
		const struct gadget_prog *p = &info->progs[i];
		json_t *jp = json_pack("{s:s, s:s, s:b}", "name", p->name, "section", p->section,
				       "runnable", p->runnable);

		if (p->def) {
			json_object_set_new(jp, "program_type", json_string(p->def->prog_type_name));
			json_object_set_new(jp, "target", json_string(prog_target_name(p->def->target)));
		}
		if (p->why_not)
			json_object_set_new(jp, "why_not", json_string(p->why_not));
		if (p->src_file) {
			json_object_set_new(jp, "source", json_pack("{s:s, s:I, s:I}", "file", p->src_file,
				"line", (json_int_t)p->src_line, "column", (json_int_t)p->src_col));
		}
		if (p->output) {
			json_object_set_new(jp, "output", json_string(p->output));
			json_object_set_new(jp, "output_type", type_to_json(p->output_type));
		}
		json_array_append_new(progs, jp);
	}
	for (unsigned int i = 0; i < info->nr_maps; i++) {
		const struct gadget_map *m = &info->maps[i];
		const char *tname = libbpf_bpf_map_type_str(m->type);
		json_t *jm = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I}",
			"name", m->name, "type", tname ? tname : "unknown", "type_id", (json_int_t)m->type,
			"role", map_role_name(m->role), "key_size", (json_int_t)m->key_size,
			"value_size", (json_int_t)m->value_size, "max_entries", (json_int_t)m->max_entries);

		if (m->key)
			json_object_set_new(jm, "key", type_to_json(m->key));
		if (m->value)
			json_object_set_new(jm, "value", type_to_json(m->value));
		json_array_append_new(maps, jm);
	}
	for (unsigned int i = 0; i < info->nr_params; i++) {
		const struct gadget_param *p = &info->params[i];

		json_t *jp = json_pack("{s:s?, s:o, s:o, s:o}", "name", p->name,
			"field", field_to_json(&p->field), "default", str_or_null(p->default_value),
			"description", str_or_null(p->description));

		if (p->key)
			json_object_set_new(jp, "key", json_string(p->key));
		if (p->default_set)
			json_object_set_new(jp, "default_set", json_true());
		if (p->packet_filter)
			json_object_set_new(jp, "packet_filter", json_true());
		json_array_append_new(params, jp);
	}
	j = json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:o}",
		      "name", info->name ? info->name : "",
		      "description", str_or_null(info->description),
		      "license", str_or_null(info->license),
		      "category", gadget_category_name(info->category),
		      "programs", progs, "maps", maps, "params", params);
	if (info->print_map)
		json_object_set_new(j, "print_map", json_string(info->print_map->name));
	if (info->datasource)
		json_object_set_new(j, "datasource", json_string(info->datasource));
	return j;
}

/* ---- back from JSON: every read is checked, the input may be hostile ---- */

struct reader {
	struct gadget_err *err;
	int ret;
};

static char *get_str(struct reader *r, const json_t *o, const char *key, bool required)
{
	const json_t *v = json_object_get(o, key);
	char *s;

	if (json_is_string(v)) {
		s = strdup(json_string_value(v));
		if (!s && !r->ret)
			r->ret = gadget_err_set(r->err, ENOMEM, "gadget metadata: out of memory");
		return s;
	}
	if ((!v || json_is_null(v)) && !required)
		return NULL;
	if (!r->ret)
		r->ret = gadget_err_set(r->err, EINVAL, "gadget metadata: '%s' must be a string", key);
	return NULL;
}

static long long get_int(struct reader *r, const json_t *o, const char *key, long long max)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		if (!r->ret)
			r->ret = gadget_err_set(r->err, EINVAL,
						"gadget metadata: '%s' must be an integer in 0..%lld", key, max);
		return 0;
	}
	return json_integer_value(v);
}


/* An array of n elements of size bytes for a JSON array (NULL, and r->ret, if out of memory). */
static void *array_for(struct reader *r, const json_t *a, size_t size)
{
	void *v = calloc(json_array_size(a), size);

	if (!v && !r->ret)
		r->ret = gadget_err_set(r->err, ENOMEM, "gadget metadata: out of memory");
	return v;
}

static void annotations_from_json(struct reader *r, const json_t *j, struct field_annotations *a)
{
	const json_t *hidden = json_object_get(j, "hidden");
	char *align;
	int ai;

	if (!json_is_object(j))
		return;
	a->description = get_str(r, j, "description", false);
	a->width = get_int(r, j, "width", UINT16_MAX);
	a->maxwidth = get_int(r, j, "maxwidth", UINT16_MAX);
	if (json_is_boolean(hidden))
		a->visibility = json_is_true(hidden) ? FIELD_VIS_HIDDEN : FIELD_VIS_SHOWN;
	align = get_str(r, j, "alignment", false);
	ai = align && *align ? NAMES_FIND(align_names, align) : FIELD_ALIGN_DEFAULT;
	a->align = ai < 0 ? FIELD_ALIGN_DEFAULT : ai;
	free(align);
}

static void field_from_json(struct reader *r, const json_t *j, struct gadget_field *f)
{
	char *kind, *special;
	const json_t *ev;
	int k;

	if (!json_is_object(j)) {
		r->ret = r->ret ? r->ret : gadget_err_set(r->err, EINVAL, "gadget metadata: field is not an object");
		return;
	}
	f->name = get_str(r, j, "name", true);
	f->type_name = get_str(r, j, "type", false);
	f->offset = get_int(r, j, "offset", 1 << 24);
	f->size = get_int(r, j, "size", 1 << 24);
	f->bit_offset = get_int(r, j, "bit_offset", 7);
	f->bit_size = get_int(r, j, "bit_size", 64);
	f->array_len = get_int(r, j, "array_len", 1 << 24);
	kind = get_str(r, j, "kind", true);
	special = get_str(r, j, "special", false);
	k = field_kind_from_name(kind);
	if (k < 0 && !r->ret)
		r->ret = gadget_err_set(r->err, EINVAL, "gadget metadata: field '%s': unknown kind '%s'",
					f->name ? f->name : "?", kind ? kind : "");
	f->kind = k < 0 ? FIELD_BYTES : k;
	k = special ? special_type_from_name(special) : SPECIAL_NONE;
	f->special = k < 0 ? SPECIAL_NONE : k;
	free(kind);
	free(special);
	/* A bitfield must fit the bytes it claims; decoders rely on it. */
	if (f->bit_size && f->bit_offset + f->bit_size > f->size * 8 && !r->ret)
		r->ret = gadget_err_set(r->err, EINVAL, "gadget metadata: field '%s': bitfield "
					"does not fit its %u bytes", f->name ? f->name : "?", f->size);
	annotations_from_json(r, json_object_get(j, "annotations"), &f->ann);
	ev = json_object_get(j, "enum");
	if (json_is_array(ev) && json_array_size(ev)) {
		size_t n = json_array_size(ev);

		f->enum_vals = array_for(r, ev, sizeof(*f->enum_vals));
		for (size_t i = 0; f->enum_vals && i < n; i++) {
			const json_t *e = json_array_get(ev, i);
			const json_t *v = json_object_get(e, "value");

			f->enum_vals[i].name = get_str(r, e, "name", true);
			f->enum_vals[i].value = json_is_integer(v) ? json_integer_value(v) : 0;
			f->nr_enum_vals++;
		}
	}
}

static struct gadget_type *type_from_json(struct reader *r, const json_t *j)
{
	struct gadget_type *t;
	const json_t *fields;

	if (!json_is_object(j))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		if (!r->ret)
			r->ret = gadget_err_set(r->err, ENOMEM, "gadget metadata: out of memory");
		return NULL;
	}
	t->name = get_str(r, j, "name", true);
	t->size = get_int(r, j, "size", 1 << 24);
	fields = json_object_get(j, "fields");
	if (json_is_array(fields) && json_array_size(fields)) {
		t->fields = array_for(r, fields, sizeof(*t->fields));
		for (size_t i = 0; t->fields && i < json_array_size(fields); i++) {
			struct gadget_field *f = &t->fields[t->nr_fields++];

			field_from_json(r, json_array_get(fields, i), f);
			if (!r->ret && (uint64_t)f->offset + f->size > t->size)
				r->ret = gadget_err_set(r->err, EINVAL, "gadget metadata: field '%s' lies "
							"outside its %u-byte type", f->name, t->size);
		}
	}
	return t;
}

static void progs_from_json(struct reader *r, const json_t *progs, struct gadget_info *info)
{
	if (!json_is_array(progs) || !json_array_size(progs) ||
	    !(info->progs = array_for(r, progs, sizeof(*info->progs))))
		return;
	for (size_t i = 0; i < json_array_size(progs); i++) {
		const json_t *jp = json_array_get(progs, i), *src = json_object_get(jp, "source");
		struct gadget_prog *p = &info->progs[info->nr_progs++];

		p->name = get_str(r, jp, "name", true);
		p->section = get_str(r, jp, "section", true);
		p->def = p->section ? progtype_find(p->section) : NULL;
		p->runnable = json_is_true(json_object_get(jp, "runnable"));
		p->why_not = get_str(r, jp, "why_not", false);
		p->output = get_str(r, jp, "output", false);
		p->output_type = type_from_json(r, json_object_get(jp, "output_type"));
		if (json_is_object(src)) {
			p->src_file = get_str(r, src, "file", false);
			p->src_line = get_int(r, src, "line", 1 << 30);
			p->src_col = get_int(r, src, "column", 1 << 20);
		}
	}
}

/* The maps; the one named print_map (NULL: none) is returned. */
static struct gadget_map *maps_from_json(struct reader *r, const json_t *maps,
					 struct gadget_info *info, const char *print_map)
{
	struct gadget_map *print = NULL;

	if (!json_is_array(maps) || !json_array_size(maps) ||
	    !(info->maps = array_for(r, maps, sizeof(*info->maps))))
		return NULL;
	for (size_t i = 0; i < json_array_size(maps); i++) {
		const json_t *jm = json_array_get(maps, i);
		struct gadget_map *m = &info->maps[info->nr_maps++];
		char *role = get_str(r, jm, "role", false);
		int ri = role ? map_role_from_name(role) : MAP_ROLE_NONE;

		m->name = get_str(r, jm, "name", true);
		m->type = get_int(r, jm, "type_id", 1 << 16);
		m->role = ri < 0 ? MAP_ROLE_NONE : ri;
		m->key_size = get_int(r, jm, "key_size", 1 << 24);
		m->value_size = get_int(r, jm, "value_size", 1 << 24);
		m->max_entries = get_int(r, jm, "max_entries", 1LL << 32);
		m->key = type_from_json(r, json_object_get(jm, "key"));
		m->value = type_from_json(r, json_object_get(jm, "value"));
		free(role);
		if (print_map && m->name && !strcmp(m->name, print_map) && !print)
			print = m;
	}
	return print;
}

static void params_from_json(struct reader *r, const json_t *params, struct gadget_info *info)
{
	if (!json_is_array(params) || !json_array_size(params) ||
	    !(info->params = array_for(r, params, sizeof(*info->params))))
		return;
	for (size_t i = 0; i < json_array_size(params); i++) {
		const json_t *jp = json_array_get(params, i);
		struct gadget_param *p = &info->params[info->nr_params++];

		p->name = get_str(r, jp, "name", true);
		field_from_json(r, json_object_get(jp, "field"), &p->field);
		p->default_value = get_str(r, jp, "default", false);
		p->description = get_str(r, jp, "description", false);
		p->key = get_str(r, jp, "key", false);
		p->default_set = json_is_true(json_object_get(jp, "default_set"));
		p->packet_filter = json_is_true(json_object_get(jp, "packet_filter"));
	}
}

int gadget_info_from_json(const json_t *j, struct gadget_info **out, struct gadget_err *err)
{
	struct reader r = { .err = err };
	struct gadget_info *info;
	char *cat, *print_map;
	int c;

	*out = NULL;
	if (!json_is_object(j))
		return gadget_err_set(err, EINVAL, "gadget metadata is not a JSON object");
	info = calloc(1, sizeof(*info));
	if (!info)
		return gadget_err_set(err, ENOMEM, "gadget metadata: out of memory");
	info->name = get_str(&r, j, "name", true);
	info->description = get_str(&r, j, "description", false);
	info->license = get_str(&r, j, "license", false);
	info->datasource = get_str(&r, j, "datasource", false);
	cat = get_str(&r, j, "category", true);
	c = cat ? gadget_category_from_name(cat) : -EINVAL;
	if (c < 0 && !r.ret)
		r.ret = gadget_err_set(err, EINVAL, "gadget metadata: unknown category '%s'", cat ? cat : "");
	info->category = c < 0 ? GADGET_CAT_UNKNOWN : c;
	free(cat);
	progs_from_json(&r, json_object_get(j, "programs"), info);
	print_map = get_str(&r, j, "print_map", false);
	gadget_info_set_print_map(info, maps_from_json(&r, json_object_get(j, "maps"), info, print_map));
	free(print_map);
	params_from_json(&r, json_object_get(j, "params"), info);
	if (r.ret) {
		gadget_info_free(info);
		return r.ret;
	}
	*out = info;
	return 0;
}
