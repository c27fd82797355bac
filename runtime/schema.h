/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_SCHEMA_H
#define GADGET_RUNTIME_SCHEMA_H

/*
 * The decoder: the columns of what a gadget prints, built once at start-up
 * from the BTF-derived gadget_type(s) (a topper: key fields then value
 * fields), from the names of a text-protocol snapshot, plus computed
 * columns from any number of providers (enrichment: containers, user
 * names).  Per record, formatting walks this flat array.
 */
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "runtime/format.h"

enum row_src { ROW_EVENT, ROW_KEY };

/* One record: raw event (or topper value) and key bytes, or text values. */
struct row {
	const uint8_t *rec[2];		/* [ROW_EVENT], [ROW_KEY] */
	const char *const *text;	/* text protocol values, by column text_idx */
	uint64_t seq;			/* nonzero: one per row, so computed columns
					 * of the same row share one lookup */
};

/* A provider of computed columns (enrichment): the text of its column idx for a row. */
typedef const char *(*schema_extra_fn)(void *ctx, const struct row *row, unsigned int idx);
struct schema_provider {
	schema_extra_fn fn;
	void *ctx;
};

struct column;
/*
 * A column whose text needs more than its record (a stack id printed as its
 * symbolised frames): set fmt to format the whole cell, in either mode.
 */
typedef size_t (*column_fmt_fn)(void *ctx, const struct column *c, const struct row *r,
				enum fmt_mode mode, char *out, size_t cap);

struct column {
	char *name;
	const struct gadget_field *field;	/* NULL for text and extra columns */
	enum row_src src;
	int text_idx;			/* >= 0 for text-protocol columns */
	int extra_idx;			/* >= 0 for computed columns: the provider's index */
	unsigned int provider;		/* computed columns: index into schema.providers */
	unsigned int width;
	bool right;			/* numbers align right */
	bool hidden_by_default;		/* shown in columns output only when asked */
	column_fmt_fn fmt;		/* NULL: the field's or text's own format */
	void *fmt_ctx;
	struct field_op op;		/* the field's formatters, when field */
	char *json_key;			/* ,"name": escaped once for -o json */
	unsigned int json_key_len;
};

struct schema {
	struct column *cols;
	unsigned int nr_cols;
	unsigned int *shown;		/* indexes of the columns printed, in order */
	unsigned int nr_shown;
	struct schema_provider *providers;
	unsigned int nr_providers;
};

struct schema *schema_new(void);
void schema_free(struct schema *s);
/* Columns of every field of type (prefix "key." only on a name clash). */
int schema_add_type(struct schema *s, const struct gadget_type *type, enum row_src src);
int schema_add_text(struct schema *s, const char *name);
/* A provider of computed columns: its id for schema_add_extra(), or -ENOMEM. */
int schema_add_provider(struct schema *s, schema_extra_fn fn, void *ctx);
/* Computed column idx of provider (0 or -ENOMEM). */
int schema_add_extra(struct schema *s, int provider, const char *name, unsigned int width, int idx,
		     bool hidden_by_default);
int schema_find(const struct schema *s, const char *name);
/* Pick shown columns: fields "a,b" or NULL for the defaults; json shows all. */
int schema_select(struct schema *s, const char *fields, bool json, struct gadget_err *err);
/* Text or JSON value of column c for row r (truncated to cap - 1 bytes). */
size_t column_format(const struct schema *s, const struct column *c, const struct row *r,
		     enum fmt_mode mode, char *out, size_t cap);
/* Compare two rows on column c (numbers numerically); for sorting toppers. */
int column_compare(const struct schema *s, const struct column *c, const struct row *a,
		   const struct row *b);
/* "a, b, c": the names, for error messages. */
void schema_names(const struct schema *s, char *out, size_t cap);

#endif
