/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_STR_H
#define GADGET_BASE_STR_H

#include <stdbool.h>
#include <string.h>

static inline bool str_has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static inline bool str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

#endif
