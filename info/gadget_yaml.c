// SPDX-License-Identifier: Apache-2.0
/*
 * gadget.yaml reader (see gadget_yaml.h), on libyaml's document API: the
 * whole file is loaded into a node tree, then walked by the tables below.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/file.h"
#include "info/gadget_yaml.h"

struct yreader {
	yaml_document_t *doc;
	const char *path;
	struct gadget_err *err;
	int ret;
};

/* A located error, the first one only: "gadget.yaml:12:21: error: ..." */
static int yfail(struct yreader *r, const yaml_node_t *n, const char *fmt, const char *what)
	__attribute__((format(printf, 3, 0)));
static int yfail(struct yreader *r, const yaml_node_t *n, const char *fmt, const char *what)
{
	char msg[256];

	if (!r->ret) {
		snprintf(msg, sizeof(msg), fmt, what);
		r->ret = gadget_err_set(r->err, EINVAL, "%s:%zu:%zu: error: %s", r->path,
					n->start_mark.line + 1, n->start_mark.column + 1, msg);
		if (r->err)
			r->err->located = true;
	}
	return r->ret;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(struct yreader *r, int id)
{
	return yaml_document_get_node(r->doc, id);
}

/* A string value: a scalar, anything else is an error naming the key. */
static void get_string(struct yreader *r, const yaml_node_t *v, const char *key, char **out)
{
	const char *s = scalar(v);

	if (!s) {
		yfail(r, v, "\"%s\" must be a string", key);
		return;
	}
	free(*out);
	*out = strdup(s);
	if (!*out && !r->ret)
		r->ret = gadget_err_set(r->err, ENOMEM, "%s: out of memory", r->path);
}

static void get_u16(struct yreader *r, const yaml_node_t *v, const char *key, uint16_t *out)
{
	const char *s = scalar(v);
	char *end;
	long n;

	errno = 0;
	n = s ? strtol(s, &end, 10) : -1;
	if (!s || !*s || *end || errno || n < 0 || n > UINT16_MAX) {
		yfail(r, v, "\"%s\" must be a number from 0 to 65535", key);
		return;
	}
	*out = n;
}

static void get_bool(struct yreader *r, const yaml_node_t *v, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "off" };
	const char *s = scalar(v);

	for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return;
		}
	}
	yfail(r, v, "\"%s\" must be true or false", key);
}

/* Visit every key/value of a mapping (anything else: an error naming what). */
typedef void (*pair_fn)(struct yreader *r, const char *key, yaml_node_t *value, void *ctx);

static void each_pair(struct yreader *r, yaml_node_t *map, const char *what, pair_fn fn, void *ctx)
{
	if (!map)
		return;
	if (map->type != YAML_MAPPING_NODE) {
		yfail(r, map, "\"%s\" must be a mapping", what);
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !r->ret && p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(r, p->key);
		const char *key = scalar(k);

		if (!key) {
			yfail(r, k, "a key of \"%s\" is not a string", what);
			return;
		}
		fn(r, key, node(r, p->value), ctx);
	}
}

/* Grow *arr by one zeroed element of size; NULL (and r->ret) when out of memory. */
static void *append(struct yreader *r, void **arr, unsigned int *nr, size_t size)
{
	void *a = realloc(*arr, (*nr + 1) * size);

	if (!a) {
		r->ret = r->ret ? r->ret : gadget_err_set(r->err, ENOMEM, "%s: out of memory", r->path);
		return NULL;
	}
	*arr = a;
	memset((char *)a + *nr * size, 0, size);
	return (char *)a + (*nr)++ * size;
}

/*
 * A new element named key (structs whose first member is "char *name"),
 * then its mapping walked with fn; NULL when out of memory.
 */
static void *append_named(struct yreader *r, void **arr, unsigned int *nr, size_t size,
			  const char *key, yaml_node_t *v, pair_fn fn)
{
	char **name = append(r, arr, nr, size);

	if (!name || !(*name = strdup(key))) {
		r->ret = r->ret ? r->ret : gadget_err_set(r->err, ENOMEM, "%s: out of memory", r->path);
		return NULL;
	}
	if (fn && v && v->type == YAML_MAPPING_NODE)
		each_pair(r, v, key, fn, name);
	return name;
}

/* A string member of a struct by its key, from a table of (key, offset). */
struct string_key {
	const char *key;
	size_t off;
};

static bool set_string_key(struct yreader *r, const struct string_key *t, size_t n,
			   const char *key, yaml_node_t *v, void *obj)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(key, t[i].key)) {
			get_string(r, v, key, (char **)((char *)obj + t[i].off));
			return true;
		}
	}
	return false;
}

/* ---- datasources.<ds>.fields.<field>.annotations ---- */

static void on_annotation(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct field_annotations *a = ctx;
	bool hidden = false;

	if (!strcmp(key, "description")) {
		get_string(r, v, key, &a->description);
	} else if (!strcmp(key, "columns.width")) {
		get_u16(r, v, key, &a->width);
	} else if (!strcmp(key, "columns.maxwidth")) {
		get_u16(r, v, key, &a->maxwidth);
	} else if (!strcmp(key, "columns.hidden")) {
		get_bool(r, v, key, &hidden);
		a->visibility = hidden ? FIELD_VIS_HIDDEN : FIELD_VIS_SHOWN;
	} else if (!strcmp(key, "columns.alignment")) {
		const char *s = scalar(v);

		if (s && !strcmp(s, "left"))
			a->align = FIELD_ALIGN_LEFT;
		else if (s && !strcmp(s, "right"))
			a->align = FIELD_ALIGN_RIGHT;
		else
			yfail(r, v, "\"%s\" must be left or right", key);
	}
}

static void on_field_key(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct gadget_yaml_field *f = ctx;

	if (!strcmp(key, "annotations"))
		each_pair(r, v, key, on_annotation, &f->ann);
}

static void on_field(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct gadget_yaml_datasource *ds = ctx;

	append_named(r, (void **)&ds->fields, &ds->nr_fields, sizeof(*ds->fields), key, v,
		     on_field_key);
}

static void on_datasource_key(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	if (!strcmp(key, "fields"))
		each_pair(r, v, key, on_field, ctx);
}

static void on_datasource(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct gadget_yaml *y = ctx;

	append_named(r, (void **)&y->datasources, &y->nr_datasources, sizeof(*y->datasources),
		     key, v, on_datasource_key);
}

/* ---- params.ebpf.<var> ---- */

static const struct string_key param_strings[] = {
	{ "key", offsetof(struct gadget_yaml_param, key) },
	{ "defaultValue", offsetof(struct gadget_yaml_param, default_value) },
	{ "description", offsetof(struct gadget_yaml_param, description) },
};

static void on_param_key(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	set_string_key(r, param_strings, sizeof(param_strings) / sizeof(param_strings[0]), key, v, ctx);
}

static void on_param(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct gadget_yaml *y = ctx;

	if (v && v->type != YAML_MAPPING_NODE) {
		yfail(r, v, "\"%s\" must be a mapping", key);
		return;
	}
	append_named(r, (void **)&y->params, &y->nr_params, sizeof(*y->params), key, v,
		     on_param_key);
}

/* Only the eBPF operator's params are the object's variables. */
static void on_param_group(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	if (!strcmp(key, "ebpf"))
		each_pair(r, v, key, on_param, ctx);
}

/* ---- top level ---- */

static const struct string_key top_strings[] = {
	{ "name", offsetof(struct gadget_yaml, name) },
	{ "description", offsetof(struct gadget_yaml, description) },
	{ "homepageURL", offsetof(struct gadget_yaml, homepage_url) },
	{ "documentationURL", offsetof(struct gadget_yaml, documentation_url) },
	{ "sourceURL", offsetof(struct gadget_yaml, source_url) },
};

static void on_top(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	struct gadget_yaml *y = ctx;

	if (set_string_key(r, top_strings, sizeof(top_strings) / sizeof(top_strings[0]), key, v, y))
		return;
	if (!strcmp(key, "datasources"))
		each_pair(r, v, key, on_datasource, y);
	else if (!strcmp(key, "params"))
		each_pair(r, v, key, on_param_group, y);
}

/* Load text as one document and walk its top-level mapping with on_top. */
static int parse_doc(const char *text, size_t len, const char *path, pair_fn on_top, void *ctx,
		     struct gadget_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct yreader r = { .doc = &doc, .path = path, .err = err };
	yaml_node_t *root;

	if (!yaml_parser_initialize(&parser))
		return gadget_err_set(err, ENOMEM, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		int ret = gadget_err_set(err, EINVAL, "%s:%zu:%zu: error: %s", path,
					 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
					 parser.problem ? parser.problem : "not YAML");

		if (err)
			err->located = true;
		yaml_parser_delete(&parser);
		return ret;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&doc);
	if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length))
		each_pair(&r, root, "the document", on_top, ctx);
	yaml_document_delete(&doc);
	return r.ret;
}

int gadget_yaml_parse(const char *text, size_t len, const char *path, struct gadget_yaml **out,
		      struct gadget_err *err)
{
	struct gadget_yaml *y = calloc(1, sizeof(*y));
	int ret;

	*out = NULL;
	if (!y)
		return gadget_err_set(err, ENOMEM, "%s: out of memory", path);
	ret = parse_doc(text, len, path, on_top, y, err);
	if (ret) {
		gadget_yaml_free(y);
		return ret;
	}
	*out = y;
	return 0;
}

int gadget_yaml_load(const char *path, struct gadget_yaml **out, struct gadget_err *err)
{
	void *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = file_read(path, &buf, &len, err);
	if (ret)
		return ret;
	ret = gadget_yaml_parse(buf, len, path, out, err);
	free(buf);
	return ret;
}

void gadget_yaml_free(struct gadget_yaml *y)
{
	if (!y)
		return;
	for (unsigned int i = 0; i < y->nr_datasources; i++) {
		struct gadget_yaml_datasource *ds = &y->datasources[i];

		for (unsigned int j = 0; j < ds->nr_fields; j++) {
			free(ds->fields[j].name);
			free(ds->fields[j].ann.description);
		}
		free(ds->fields);
		free(ds->name);
	}
	for (unsigned int i = 0; i < y->nr_params; i++) {
		free(y->params[i].name);
		free(y->params[i].key);
		free(y->params[i].default_value);
		free(y->params[i].description);
	}
	free(y->datasources);
	free(y->params);
	free(y->name);
	free(y->description);
	free(y->homepage_url);
	free(y->documentation_url);
	free(y->source_url);
	free(y);
}

/* ---- applying it to an analysis ---- */

const struct gadget_yaml_datasource *gadget_yaml_datasource(const struct gadget_yaml *y,
							    const char *name)
{
	for (unsigned int i = 0; name && i < y->nr_datasources; i++)
		if (!strcmp(y->datasources[i].name, name))
			return &y->datasources[i];
	return y->nr_datasources == 1 ? &y->datasources[0] : NULL;
}

/* Does the yaml's name stand for the field: the same, or its "_raw" form decoded. */
static bool names_field(const char *yname, const char *fname)
{
	size_t n = strlen(yname);

	if (!strcmp(yname, fname))
		return true;
	return !strncmp(yname, fname, n) && !strcmp(fname + n, "_raw");
}

static int dup_into(char **dst, const char *src)
{
	char *s;

	if (!src)
		return 0;
	s = strdup(src);
	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int apply_fields(const struct gadget_yaml_datasource *ds, struct gadget_type *t)
{
	for (unsigned int i = 0; t && i < t->nr_fields; i++) {
		struct gadget_field *f = &t->fields[i];

		for (unsigned int j = 0; j < ds->nr_fields; j++) {
			const struct field_annotations *a = &ds->fields[j].ann;

			if (!names_field(ds->fields[j].name, f->name))
				continue;
			if (dup_into(&f->ann.description, a->description))
				return -ENOMEM;
			f->ann.width = a->width ? a->width : f->ann.width;
			f->ann.maxwidth = a->maxwidth ? a->maxwidth : f->ann.maxwidth;
			f->ann.align = a->align ? a->align : f->ann.align;
			f->ann.visibility = a->visibility ? a->visibility : f->ann.visibility;
		}
	}
	return 0;
}

static int apply_params(const struct gadget_yaml *y, struct gadget_info *info)
{
	for (unsigned int i = 0; i < y->nr_params; i++) {
		const struct gadget_yaml_param *yp = &y->params[i];

		for (unsigned int j = 0; j < info->nr_params; j++) {
			struct gadget_param *p = &info->params[j];

			if (strcmp(p->name, yp->name))
				continue;
			if (dup_into(&p->description, yp->description) ||
			    (yp->key && strcmp(yp->key, p->name) && dup_into(&p->key, yp->key)))
				return -ENOMEM;
			/*
			 * The default shown is the one that runs: the runtime sets
			 * one that is not the object's own initial value (IG's
			 * metadata, ours written back, repeats those).
			 */
			if (yp->default_value &&
			    (!p->default_value || strcmp(p->default_value, yp->default_value))) {
				free(p->default_value);
				p->default_value = NULL;
				if (dup_into(&p->default_value, yp->default_value))
					return -ENOMEM;
				p->default_set = true;
			}
		}
	}
	return 0;
}

int gadget_yaml_apply(const struct gadget_yaml *y, const char *ds_name, struct gadget_info *info,
		      struct gadget_err *err)
{
	const struct gadget_yaml_datasource *ds = gadget_yaml_datasource(y, ds_name);
	int ret = dup_into(&info->description, y->description);

	if (!ret && y->name && (!info->name || !*info->name))
		ret = dup_into(&info->name, y->name);
	if (!ret)
		ret = apply_params(y, info);
	if (!ret && ds)
		ret = apply_fields(ds, info->event);
	if (!ret && ds && info->key != info->event)
		ret = apply_fields(ds, info->key);
	return ret ? gadget_err_set(err, ENOMEM, "gadget.yaml: out of memory") : 0;
}

/* ---- build.yaml ---- */

static const struct string_key build_strings[] = {
	{ "ebpfsource", offsetof(struct gadget_build_yaml, ebpfsource) },
	{ "metadata", offsetof(struct gadget_build_yaml, metadata) },
	{ "wasm", offsetof(struct gadget_build_yaml, wasm) },
	{ "cflags", offsetof(struct gadget_build_yaml, cflags) },
};

static void on_build_key(struct yreader *r, const char *key, yaml_node_t *v, void *ctx)
{
	set_string_key(r, build_strings, sizeof(build_strings) / sizeof(build_strings[0]), key, v, ctx);
}

int gadget_build_yaml_load(const char *path, struct gadget_build_yaml **out, struct gadget_err *err)
{
	struct gadget_build_yaml *b;
	void *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = file_read(path, &buf, &len, err);
	if (ret)
		return ret;
	b = calloc(1, sizeof(*b));
	ret = b ? parse_doc(buf, len, path, on_build_key, b, err)
		: gadget_err_set(err, ENOMEM, "%s: out of memory", path);
	free(buf);
	if (ret) {
		gadget_build_yaml_free(b);
		return ret;
	}
	*out = b;
	return 0;
}

void gadget_build_yaml_free(struct gadget_build_yaml *b)
{
	if (!b)
		return;
	free(b->ebpfsource);
	free(b->metadata);
	free(b->wasm);
	free(b->cflags);
	free(b);
}
