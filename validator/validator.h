/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_VALIDATOR_H
#define GADGET_VALIDATOR_VALIDATOR_H

/*
 * The validator: ELF/BTF analysis of a gadget object.  Produces the
 * gadget_info and a list of diagnostics in compiler form
 * ("file:line:col: error: ...") that the CLI prints as they are.
 */
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "base/err.h"
#include "info/gadget_info.h"
#include "info/gadget_yaml.h"

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag {
	enum diag_level level;
	char *file;		/* source file (from BTF line info) or the object path */
	unsigned int line, col;	/* 0 when unknown */
	char *msg;
};

struct diag_list {
	struct diag *v;
	unsigned int n;
};

struct validate_opts {
	const char *obj_path;		/* for messages when no line info */
	const char *src_dir;		/* prefix for relative source paths in messages */
	const char *name;		/* gadget name (build file or file name) */
	const char *description;
	const json_t *params_doc;	/* build file "params": {name: {description}} */
	bool werror;			/* warnings count as errors */
	const struct gadget_yaml *yaml;	/* IG's gadget.yaml: descriptions, params, annotations */
	const char *wasm;		/* IG's build.yaml wasm module: a note that it was not built */
};

/*
 * Analyse an object.  Returns 0 if there is no error diagnostic (warnings
 * allowed unless werror), -EINVAL if there are error diagnostics (info is
 * still filled as far as possible), other -errno if the object cannot be
 * read at all (err filled).  *out is always set on 0 and -EINVAL.
 */
int validator_analyze(const void *obj, size_t len, const struct validate_opts *opts,
		      struct gadget_info **out, struct diag_list *diags,
		      struct gadget_err *err);

void diag_list_free(struct diag_list *d);
int diag_list_count(const struct diag_list *d, enum diag_level level);
/* "file:line:col: error: msg" lines, one per diagnostic. */
void diag_list_print(const struct diag_list *d, FILE *f);
json_t *diag_list_to_json(const struct diag_list *d);



/* The seed's category algorithm over an analysed gadget; on GADGET_CAT_UNKNOWN
 * why says what the author must add. */
enum gadget_category validator_category(const struct gadget_info *info, char *why, size_t len);
#endif
