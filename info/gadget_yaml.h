/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_GADGET_YAML_H
#define GADGET_INFO_GADGET_YAML_H

/*
 * gadget.yaml: Inspektor Gadget's metadata file, beside program.bpf.c in
 * their gadget folders and in their images.  What we read of it:
 *
 *   name, description, homepageURL, documentationURL, sourceURL
 *   datasources.<ds>.fields.<field>.annotations:
 *       description, columns.hidden, columns.width, columns.maxwidth,
 *       columns.alignment (left|right)
 *   params.ebpf.<var>: key (the name users set it by), defaultValue, description
 *
 * Every other key (operators' settings, "version", annotations we do not
 * act on) is kept out without an error: the format grows with each IG
 * release and a gadget.yaml written for a newer one must still build.  A
 * key we do read with a value of the wrong shape is an error located in
 * the file ("gadget.yaml:12:21: error: columns.width must be a number").
 *
 * gadget_yaml_apply() folds it into a gadget's analysis: the description,
 * each param's description, key and defaultValue (which the runtime sets
 * before load, unless --param gives another) and each field's annotations (a
 * field "error_raw" is also named "error" there: IG's raw/decoded
 * convention).  The writer (info/gadget_yaml_write.c) reads the same struct.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"

struct gadget_yaml_field {
	char *name;			/* as written: "comm", "proc.comm", "error" */
	struct field_annotations ann;
};

struct gadget_yaml_datasource {
	char *name;
	struct gadget_yaml_field *fields;
	unsigned int nr_fields;
};

struct gadget_yaml_param {
	char *name;			/* the eBPF variable ("targ_pid") */
	char *key;			/* what users set ("pid"), may be NULL */
	char *default_value;		/* as text, may be NULL */
	char *description;		/* may be NULL */
};

struct gadget_yaml {
	char *name;
	char *description;
	char *homepage_url;
	char *documentation_url;
	char *source_url;
	struct gadget_yaml_datasource *datasources;
	unsigned int nr_datasources;
	struct gadget_yaml_param *params;
	unsigned int nr_params;
};

/* Parse text (len bytes; path names it in messages).  *out is NULL on error. */
int gadget_yaml_parse(const char *text, size_t len, const char *path, struct gadget_yaml **out,
		      struct gadget_err *err);
/* Read and parse the file path. */
int gadget_yaml_load(const char *path, struct gadget_yaml **out, struct gadget_err *err);
void gadget_yaml_free(struct gadget_yaml *y);

/* The datasource of that name, else the only one there is, else NULL. */
const struct gadget_yaml_datasource *gadget_yaml_datasource(const struct gadget_yaml *y,
							    const char *name);
/*
 * Fold y into info: description (and name when info has none), params,
 * and the annotations of the fields of info->event and info->key, from the
 * datasource named ds_name (NULL: the only one).  Fields and params that
 * the object does not have are left alone: IG's gadget.yaml also describes
 * fields its operators add.  0 or -ENOMEM.
 */
int gadget_yaml_apply(const struct gadget_yaml *y, const char *ds_name, struct gadget_info *info,
		      struct gadget_err *err);

/*
 * build.yaml, IG's build file beside gadget.yaml: which source is the
 * eBPF program, which file is the metadata, the wasm module (which we do
 * not build: there is no wasm toolchain or runtime here) and extra cflags.
 */
struct gadget_build_yaml {
	char *ebpfsource;	/* default: program.bpf.c */
	char *metadata;		/* default: gadget.yaml */
	char *wasm;		/* NULL: none */
	char *cflags;		/* one string, split on blanks; NULL: none */
};

int gadget_build_yaml_load(const char *path, struct gadget_build_yaml **out, struct gadget_err *err);
void gadget_build_yaml_free(struct gadget_build_yaml *b);

#endif
