// SPDX-License-Identifier: Apache-2.0
/*
 * Where the data the compiler needs lives (bpf-headers/, templates/): the
 * same binary must work from the source tree, from a relocated install
 * (make install DESTDIR=...) and from its configured prefix.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/compiler.h"

#ifndef GADGET_DATADIR
#define GADGET_DATADIR "/usr/local/share/gadget"
#endif

struct data_dir_def {
	const char *name;	/* folder name */
	const char *env;	/* override */
	const char *marker;	/* a file that proves it is the right folder */
};

static const struct data_dir_def data_dirs[] = {
	{ "bpf-headers", "GADGET_BPF_HEADERS", "gadget/gadget.h" },
	{ "templates",   "GADGET_TEMPLATES",   "tracer/gadget.json" },
};

/* Candidates after the environment, relative to the binary's folder. */
static const char *const exe_relative[] = {
	"..",			/* source tree: build/gadget next to bpf-headers/ */
	"../share/gadget",	/* installed under any prefix, DESTDIR included */
};

static bool has_marker(const char *dir, const char *marker)
{
	char p[PATH_MAX];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/%s", dir, marker) >= (int)sizeof(p))
		return false;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int compiler_find_data(const char *what, char *buf, size_t len, struct gadget_err *err)
{
	const struct data_dir_def *d = NULL;
	char exe[PATH_MAX], cand[PATH_MAX];
	const char *env;
	ssize_t n;

	for (size_t i = 0; i < sizeof(data_dirs) / sizeof(data_dirs[0]); i++)
		if (!strcmp(data_dirs[i].name, what))
			d = &data_dirs[i];
	if (!d)
		return gadget_err_set(err, EINVAL, "unknown data folder '%s'", what);

	env = getenv(d->env);
	if (env && *env) {
		if (!has_marker(env, d->marker))
			return gadget_err_set(err, ENOENT, "%s=%s: no %s there", d->env, env, d->marker);
		if (!realpath(env, cand))
			return gadget_err_set(err, errno, "%s: %s", env, strerror(errno));
		goto found;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		for (size_t i = 0; i < sizeof(exe_relative) / sizeof(exe_relative[0]); i++) {
			char p[PATH_MAX];

			if (snprintf(p, sizeof(p), "%s/%s/%s", exe, exe_relative[i], what) >= (int)sizeof(p))
				continue;
			if (has_marker(p, d->marker) && realpath(p, cand))
				goto found;
		}
	}
	snprintf(cand, sizeof(cand), "%s/%s", GADGET_DATADIR, what);
	if (has_marker(cand, d->marker))
		goto found;
	return gadget_err_set(err, ENOENT, "cannot find %s/ (looked next to the gadget binary and "
			      "in %s; set %s to its path)", what, GADGET_DATADIR, d->env);
found:
	if (strlen(cand) >= len)
		return gadget_err_set(err, ENAMETOOLONG, "%s: path too long", cand);
	strcpy(buf, cand);
	return 0;
}
