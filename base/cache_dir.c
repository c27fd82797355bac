// SPDX-License-Identifier: Apache-2.0
/* The cache folder (see cache_dir.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/cache_dir.h"
#include "base/err.h"

int cache_dir_default(char *buf, size_t len, struct gadget_err *err)
{
	const char *env = getenv("GADGET_CACHE_DIR");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_CACHE_HOME")) && *env)
		n = snprintf(buf, len, "%s/gadget", env);
	else if ((env = getenv("HOME")) && *env)
		n = snprintf(buf, len, "%s/.cache/gadget", env);
	else
		return gadget_err_set(err, ENOENT, "no cache folder: set GADGET_CACHE_DIR or HOME");
	if (n < 0 || (size_t)n >= len)
		return gadget_err_set(err, ENAMETOOLONG, "cache folder path too long");
	return 0;
}
