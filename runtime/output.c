// SPDX-License-Identifier: Apache-2.0
/* The output table (runtime/output.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/output.h"

/* A scalar, or an empty container, in JSON: valid YAML 1.2 (a flow scalar). */
static int yaml_scalar(const json_t *j, FILE *f)
{
	char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

	if (!s)
		return -ENOMEM;
	fputs(s, f);
	free(s);
	return 0;
}

static bool yaml_is_block(const json_t *j)
{
	return (json_is_object(j) && json_object_size(j)) || (json_is_array(j) && json_array_size(j));
}

/* The value after "key:" or "- ": a scalar on the line, a block below it. */
static int yaml_value(const json_t *v, int indent, bool after_dash, FILE *f)
{
	if (!yaml_is_block(v)) {
		fputc(' ', f);
		yaml_scalar(v, f);
		fputc('\n', f);
		return 0;
	}
	/* a mapping in a sequence item starts on the dash's line */
	if (after_dash && json_is_object(v)) {
		fputc(' ', f);
		return output_yaml(v, -(indent + 2), f);
	}
	fputc('\n', f);
	return output_yaml(v, indent + 2, f);
}

/*
 * A negative indent: the first line continues the current one (after
 * "- "), the next ones are indented by -indent.
 */
int output_yaml(const json_t *j, int indent, FILE *f)
{
	bool first = true;
	int ind = indent < 0 ? -indent : indent, ret = 0;
	const char *k;
	json_t *v;
	size_t i;

	if (!yaml_is_block(j)) {
		ret = yaml_scalar(j, f);
		fputc('\n', f);
		return ret;
	}
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v) {
			json_t *key = json_string(k);

			fprintf(f, "%*s", first && indent < 0 ? 0 : ind, "");
			first = false;
			yaml_scalar(key, f);
			json_decref(key);
			fputc(':', f);
			ret = yaml_value(v, ind, false, f);
			if (ret)
				return ret;
		}
		return 0;
	}
	json_array_foreach(j, i, v) {
		fprintf(f, "%*s-", first && indent < 0 ? 0 : ind, "");
		first = false;
		ret = yaml_value(v, ind, true, f);
		if (ret)
			return ret;
	}
	return 0;
}

static int doc_json(const json_t *j, FILE *f)
{
	int ret = json_dumpf(j, f, JSON_COMPACT | JSON_ENCODE_ANY);

	fputc('\n', f);
	return ret ? -EIO : 0;
}

static int doc_jsonpretty(const json_t *j, FILE *f)
{
	int ret = json_dumpf(j, f, JSON_INDENT(2) | JSON_ENCODE_ANY);

	fputc('\n', f);
	return ret ? -EIO : 0;
}

static int doc_yaml(const json_t *j, FILE *f)
{
	return output_yaml(j, 0, f);
}

/* A stream of records in YAML is one sequence: each record an item. */
static int record_yaml(const json_t *j, FILE *f)
{
	fputc('-', f);
	return yaml_value(j, 0, true, f);
}

static const struct output_format formats[] = {
	{ "columns",	OUTPUT_COLUMNS,		doc_jsonpretty,	doc_json },
	{ "json",	OUTPUT_JSON,		doc_json,	doc_json },
	{ "jsonpretty",	OUTPUT_JSONPRETTY,	doc_jsonpretty,	doc_jsonpretty },
	{ "yaml",	OUTPUT_YAML,		doc_yaml,	record_yaml },
};

const struct output_format *output_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct output_format *output_format_of(enum output_kind kind)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].kind == kind)
			return &formats[i];
	return &formats[0];
}

int output_doc(enum output_kind kind, const json_t *j, FILE *f)
{
	return output_format_of(kind)->doc(j, f);
}
