/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_NAMES_H
#define GADGET_BASE_NAMES_H

/*
 * Tables of names indexed by an enum ("tracer", "topper"...): the name of a
 * value and the value of a name, for every such table (categories, field
 * kinds, program targets, kernel features).
 */
#include <stddef.h>

#include "base/array.h"

/* names[v], or fallback for a value out of the table or without a name. */
const char *names_get(const char *const *names, size_t n, unsigned int v, const char *fallback);
/* The index of name in names, -EINVAL if it is not there. */
int names_find(const char *const *names, size_t n, const char *name);

#define NAMES_GET(table, v, fallback) names_get(table, ARRAY_SIZE(table), (unsigned int)(v), fallback)
#define NAMES_FIND(table, name) names_find(table, ARRAY_SIZE(table), name)

#endif
