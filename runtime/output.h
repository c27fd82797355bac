/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_OUTPUT_H
#define GADGET_RUNTIME_OUTPUT_H

/*
 * Output formats, one row per format (-o columns|json|jsonpretty|yaml),
 * for every command: `run` streams records through runtime/printer.h,
 * `images`, `inspect`, `validate`, `store check` print one document built
 * as JSON (jansson).  columns is each command's own text.
 */
#include <stdio.h>
#include <jansson.h>

enum output_kind { OUTPUT_COLUMNS, OUTPUT_JSON, OUTPUT_JSONPRETTY, OUTPUT_YAML };

/* The names, comma-separated, for option tables and messages. */
#define OUTPUT_NAMES "columns,json,jsonpretty,yaml"

struct output_format {
	const char *name;
	enum output_kind kind;
	/* one document: json on one line, jsonpretty indented, yaml a mapping or sequence */
	int (*doc)(const json_t *j, FILE *f);
	/* one record of a stream: json a line, jsonpretty an indented object, yaml a "- " item */
	int (*record)(const json_t *j, FILE *f);
};

/* The row of name (NULL: unknown). */
const struct output_format *output_format_find(const char *name);
const struct output_format *output_format_of(enum output_kind kind);

/* Print j as a document in kind (columns: as jsonpretty, for callers with no text form). */
int output_doc(enum output_kind kind, const json_t *j, FILE *f);

/* YAML of j, indented by indent spaces: scalars as JSON (a subset of YAML 1.2). */
int output_yaml(const json_t *j, int indent, FILE *f);

#endif
