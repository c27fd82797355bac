/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_SCAFFOLD_H
#define GADGET_COMPILER_SCAFFOLD_H

/*
 * gadget init: a new gadget folder from templates/<type>/.  File contents
 * get "{{name}}" and file names "__name__" replaced by the gadget's name.
 */
#include "base/err.h"

/* The template types, comma-separated (for option tables and messages). */
#define SCAFFOLD_TYPES "tracer,topper,snapshotter"

/* Is name usable as a gadget (and image) name? */
bool scaffold_name_valid(const char *name);

/*
 * Copy the template type into dir (created; an existing folder must be
 * empty: nothing is ever overwritten).
 */
int scaffold_create(const char *type, const char *name, const char *dir, struct gadget_err *err);

#endif
