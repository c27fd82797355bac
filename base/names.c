// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "base/names.h"

const char *names_get(const char *const *names, size_t n, unsigned int v, const char *fallback)
{
	return v < n && names[v] ? names[v] : fallback;
}

int names_find(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -EINVAL;
}
