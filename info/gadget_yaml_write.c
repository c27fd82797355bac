// SPDX-License-Identifier: Apache-2.0
/* gadget.yaml writer (see gadget_yaml_write.h), on libyaml's document API and emitter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "info/gadget_yaml_write.h"

struct ywriter {
	yaml_document_t doc;
	int failed;
};

static int str_styled(struct ywriter *w, const char *s, yaml_scalar_style_t style)
{
	int id = yaml_document_add_scalar(&w->doc, NULL, (yaml_char_t *)s, -1, style);

	w->failed |= !id;
	return id;
}

static int str(struct ywriter *w, const char *s)
{
	return str_styled(w, s, YAML_ANY_SCALAR_STYLE);
}

static int map(struct ywriter *w)
{
	int id = yaml_document_add_mapping(&w->doc, NULL, YAML_BLOCK_MAPPING_STYLE);

	w->failed |= !id;
	return id;
}

static void put(struct ywriter *w, int m, const char *key, int value)
{
	if (m && value && !yaml_document_append_mapping_pair(&w->doc, m, str(w, key), value))
		w->failed = 1;
}

static void put_str(struct ywriter *w, int m, const char *key, const char *value)
{
	if (value && *value)
		put(w, m, key, str(w, value));
}

static void put_num(struct ywriter *w, int m, const char *key, unsigned int n)
{
	char buf[16];

	if (!n)
		return;
	snprintf(buf, sizeof(buf), "%u", n);
	put_str(w, m, key, buf);
}

/* The annotations IG's columns and our printer share (gadget_yaml.c reads them back). */
static int annotations(struct ywriter *w, const struct field_annotations *a)
{
	int m;

	if (!a->description && !a->width && !a->maxwidth && a->align == FIELD_ALIGN_DEFAULT &&
	    a->visibility == FIELD_VIS_DEFAULT)
		return 0;
	m = map(w);
	put_str(w, m, "description", a->description);
	put_num(w, m, "columns.width", a->width);
	put_num(w, m, "columns.maxwidth", a->maxwidth);
	if (a->align != FIELD_ALIGN_DEFAULT)
		put_str(w, m, "columns.alignment", a->align == FIELD_ALIGN_LEFT ? "left" : "right");
	if (a->visibility != FIELD_VIS_DEFAULT)
		put_str(w, m, "columns.hidden", a->visibility == FIELD_VIS_HIDDEN ? "true" : "false");
	return m;
}

static void field(struct ywriter *w, int fields, const char *name, const struct field_annotations *a)
{
	int f = map(w), ann = annotations(w, a);

	put(w, f, "annotations", ann);
	put(w, fields, name, f);
}

static bool type_has(const struct gadget_type *t, const char *name)
{
	for (unsigned int i = 0; t && i < t->nr_fields; i++)
		if (!strcmp(t->fields[i].name, name))
			return true;
	return false;
}

/* The analysis' own data source: "open" for GADGET_TRACER(open, ...), print_open. */
static const char *datasource_name(const struct gadget_info *info)
{
	if (info->datasource)
		return info->datasource;
	if (info->print_map && !strncmp(info->print_map->name, "print_", 6))
		return info->print_map->name + 6;
	return info->name;
}

static void datasources(struct ywriter *w, int root, const struct gadget_info *info,
			const struct gadget_yaml *y)
{
	const char *own = datasource_name(info);
	const struct gadget_yaml_datasource *ayd = y ? gadget_yaml_datasource(y, own) : NULL;
	const struct gadget_type *types[] = { info->key, info->event };
	int dss = map(w), ds, fields;
	unsigned int i, t, n = 0;

	if (info->event) {
		ds = map(w);
		fields = map(w);
		for (t = 0; t < 2; t++)
			for (i = 0; types[t] && i < types[t]->nr_fields; i++)
				field(w, fields, types[t]->fields[i].name, &types[t]->fields[i].ann);
		for (i = 0; ayd && i < ayd->nr_fields; i++)
			if (!type_has(info->key, ayd->fields[i].name) &&
			    !type_has(info->event, ayd->fields[i].name))
				field(w, fields, ayd->fields[i].name, &ayd->fields[i].ann);
		put(w, ds, "fields", fields);
		put(w, dss, own, ds);
		n++;
	}
	for (i = 0; y && i < y->nr_datasources; i++) {
		const struct gadget_yaml_datasource *d = &y->datasources[i];

		if (d == ayd && info->event)
			continue;
		ds = map(w);
		fields = map(w);
		for (t = 0; t < d->nr_fields; t++)
			field(w, fields, d->fields[t].name, &d->fields[t].ann);
		put(w, ds, "fields", fields);
		put(w, dss, d->name, ds);
		n++;
	}
	put(w, root, "datasources", n ? dss : 0);
}

static void params(struct ywriter *w, int root, const struct gadget_info *info)
{
	int ps, ebpf, p;

	if (!info->nr_params)
		return;
	ps = map(w);
	ebpf = map(w);
	for (unsigned int i = 0; i < info->nr_params; i++) {
		const struct gadget_param *gp = &info->params[i];

		p = map(w);
		put_str(w, p, "key", gp->key ? gp->key : gp->name);
		/* IG's metadata holds defaultValue as a string: "0", not 0 */
		if (gp->default_value)
			put(w, p, "defaultValue", str_styled(w, gp->default_value,
							     YAML_DOUBLE_QUOTED_SCALAR_STYLE));
		put_str(w, p, "description", gp->description);
		put(w, ebpf, gp->name, p);
	}
	put(w, ps, "ebpf", ebpf);
	put(w, root, "params", ps);
}

struct ybuf {
	char *p;
	size_t len, cap;
};

static int ybuf_write(void *data, unsigned char *buf, size_t size)
{
	struct ybuf *b = data;

	if (b->len + size + 1 > b->cap) {
		size_t cap = (b->len + size + 1) * 2;
		char *np = realloc(b->p, cap);

		if (!np)
			return 0;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, buf, size);
	b->len += size;
	b->p[b->len] = '\0';
	return 1;
}

int gadget_yaml_write(const struct gadget_info *info, const struct gadget_yaml *y,
		      char **out, size_t *len, struct gadget_err *err)
{
	struct ywriter w = { 0 };
	struct ybuf b = { 0 };
	yaml_emitter_t e;
	int root, ok;

	if (!yaml_document_initialize(&w.doc, NULL, NULL, NULL, 1, 1))
		return gadget_err_set(err, ENOMEM, "out of memory");
	root = map(&w);
	put_str(&w, root, "name", y && y->name ? y->name : info->name);
	put_str(&w, root, "description", info->description ? info->description
				   : y ? y->description : NULL);
	if (y) {
		put_str(&w, root, "homepageURL", y->homepage_url);
		put_str(&w, root, "documentationURL", y->documentation_url);
		put_str(&w, root, "sourceURL", y->source_url);
	}
	datasources(&w, root, info, y);
	params(&w, root, info);
	if (w.failed) {
		yaml_document_delete(&w.doc);
		return gadget_err_set(err, ENOMEM, "writing gadget.yaml: out of memory");
	}
	if (!yaml_emitter_initialize(&e)) {
		yaml_document_delete(&w.doc);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	yaml_emitter_set_output(&e, ybuf_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);	/* no folding: a long description stays one line */
	/* yaml_emitter_dump() takes the document over and deletes it */
	ok = yaml_emitter_open(&e) && yaml_emitter_dump(&e, &w.doc) && yaml_emitter_close(&e) &&
	     yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	if (!ok || !b.p) {
		free(b.p);
		return gadget_err_set(err, EIO, "writing gadget.yaml: libyaml's emitter failed");
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
