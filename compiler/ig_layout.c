// SPDX-License-Identifier: Apache-2.0
/*
 * Inspektor Gadget's folder layout: program.bpf.c, build.yaml ("ebpfsource",
 * "metadata", "wasm", "cflags") and gadget.yaml (info/gadget_yaml.h).  What
 * our gadget.json already says wins: the layouts can be mixed.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compiler.h"

static int add_string(char ***arr, unsigned int *n, const char *s, size_t len)
{
	char **a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n] = strndup(s, len);
	return a[(*n)++] ? 0 : -ENOMEM;
}

static int split_cflags(struct build_spec *spec, const char *flags)
{
	for (const char *p = flags; *p;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n && add_string(&spec->cflags, &spec->nr_cflags, p, n))
			return -ENOMEM;
		p += n;
	}
	return 0;
}

static int apply_build_yaml(struct build_spec *spec, const struct gadget_build_yaml *b)
{
	if (b->ebpfsource && !spec->nr_sources &&
	    add_string(&spec->sources, &spec->nr_sources, b->ebpfsource, strlen(b->ebpfsource)))
		return -ENOMEM;
	if (b->cflags && split_cflags(spec, b->cflags))
		return -ENOMEM;
	if (b->wasm && !(spec->wasm = strdup(b->wasm)))
		return -ENOMEM;
	return 0;
}

/*
 * IG's gadgets include <gadget/types.h> and <gadget/macros.h> in any order,
 * often before (or without) a header only IG has, so the include order
 * cannot tell their types from ours (gadget/types.h).  The folder can: one
 * in IG's layout (build.yaml, gadget.yaml or IG's program.bpf.c) and
 * without our gadget.json is built with IG's API, as if -DGADGET_IG_API.
 */
static bool folder_is_ig_layout(const struct build_spec *spec, bool has_yaml)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", spec->dir, BUILD_FILE_NAME);
	if (access(path, F_OK) == 0)
		return false;
	snprintf(path, sizeof(path), "%s/program.bpf.c", spec->dir);
	return has_yaml || access(path, F_OK) == 0;
}

int compiler_read_ig_layout(struct build_spec *spec, struct gadget_err *err)
{
	struct gadget_build_yaml *b = NULL;
	char path[PATH_MAX + 64];
	const char *metadata = "gadget.yaml";
	int ret = 0;

	snprintf(path, sizeof(path), "%s/build.yaml", spec->dir);
	if (access(path, F_OK) == 0) {
		ret = gadget_build_yaml_load(path, &b, err);
		if (ret)
			return ret;
		if (apply_build_yaml(spec, b)) {
			gadget_build_yaml_free(b);
			return gadget_err_set(err, ENOMEM, "%s: out of memory", path);
		}
		if (b->metadata)
			metadata = b->metadata;
	}
	if (metadata[0] == '/' || strstr(metadata, "..")) {
		ret = gadget_err_set(err, EINVAL, "%s: metadata '%s' must be a path inside %s", path,
				     metadata, spec->dir);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", spec->dir, metadata);
	if (access(path, F_OK) == 0) {
		ret = gadget_yaml_load(path, &spec->yaml, err);
		if (!ret && !spec->description && spec->yaml->description &&
		    !(spec->description = strdup(spec->yaml->description)))
			ret = gadget_err_set(err, ENOMEM, "%s: out of memory", path);
	} else if (b && b->metadata) {
		ret = gadget_err_set(err, ENOENT, "build.yaml names metadata %s, which does not exist",
				     path);
	}
	if (!ret && folder_is_ig_layout(spec, b || spec->yaml) &&
	    add_string(&spec->cflags, &spec->nr_cflags, "-DGADGET_IG_API", strlen("-DGADGET_IG_API")))
		ret = gadget_err_set(err, ENOMEM, "%s: out of memory", spec->dir);
out:
	gadget_build_yaml_free(b);
	return ret;
}
