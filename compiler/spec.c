// SPDX-License-Identifier: Apache-2.0
/* The build file (gadget.json) and what is inferred without one. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compiler.h"

static const char *const known_keys[] = {
	"name", "description", "sources", "cflags", "arch", "params", "annotations",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int str_array(const json_t *j, const char *key, char ***out, unsigned int *n,
		     const char *path, struct gadget_err *err)
{
	const json_t *arr = json_object_get(j, key), *v;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return gadget_err_set(err, EINVAL, "%s: error: \"%s\" must be an array of strings", path, key);
	*out = calloc(json_array_size(arr) + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return gadget_err_set(err, EINVAL, "%s: error: \"%s\"[%zu] must be a string",
					      path, key, i);
		(*out)[(*n)++] = strdup(json_string_value(v));
	}
	return 0;
}

static int find_sources(struct build_spec *spec, struct gadget_err *err)
{
	struct dirent *de;
	DIR *d = opendir(spec->dir);

	if (!d)
		return gadget_err_set(err, errno, "cannot read %s: %s", spec->dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		void *p;

		if (n <= 6 || strcmp(de->d_name + n - 6, ".bpf.c"))
			continue;
		p = realloc(spec->sources, (spec->nr_sources + 1) * sizeof(char *));
		if (!p) {
			closedir(d);
			return -ENOMEM;
		}
		spec->sources = p;
		spec->sources[spec->nr_sources++] = strdup(de->d_name);
	}
	closedir(d);
	/* readdir order is the file system's: sort for reproducible links. */
	qsort(spec->sources, spec->nr_sources, sizeof(char *), cmp_str);
	if (!spec->nr_sources)
		return gadget_err_set(err, ENOENT, "%s: no *.bpf.c source in this folder "
				      "(create one with 'gadget init NAME')", spec->dir);
	return 0;
}

static int parse_build_file(struct build_spec *spec, const char *path, struct gadget_err *err)
{
	json_error_t jerr;
	const char *key;
	json_t *j, *v;
	int ret = 0;

	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		struct gadget_err *e = err;

		ret = gadget_err_set(e, EINVAL, "%s:%d:%d: error: %s", path, jerr.line, jerr.column, jerr.text);
		if (e)
			e->located = true;
		return ret;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return gadget_err_set(err, EINVAL, "%s: error: the build file must hold a JSON object", path);
	}
	json_object_foreach(j, key, v) {
		bool known = false;

		for (unsigned int i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			known |= !strcmp(key, known_keys[i]);
		/* A typo'd key would silently change nothing: refuse it. */
		if (!known) {
			ret = gadget_err_set(err, EINVAL, "%s: error: unknown key \"%s\" (known: name, "
					     "description, sources, cflags, arch, params, annotations)", path, key);
			goto out;
		}
	}
	v = json_object_get(j, "name");
	if (v && (!json_is_string(v) || !json_string_length(v))) {
		ret = gadget_err_set(err, EINVAL, "%s: error: \"name\" must be a non-empty string", path);
		goto out;
	}
	if (v) {
		free(spec->name);
		spec->name = strdup(json_string_value(v));
	}
	v = json_object_get(j, "description");
	if (json_is_string(v))
		spec->description = strdup(json_string_value(v));
	if ((ret = str_array(j, "sources", &spec->sources, &spec->nr_sources, path, err)) ||
	    (ret = str_array(j, "cflags", &spec->cflags, &spec->nr_cflags, path, err)) ||
	    (ret = str_array(j, "arch", &spec->archs, &spec->nr_archs, path, err)))
		goto out;
	v = json_object_get(j, "params");
	if (v && !json_is_object(v)) {
		ret = gadget_err_set(err, EINVAL, "%s: error: \"params\" must be an object "
				     "{\"name\": {\"description\": \"...\"}}", path);
		goto out;
	}
	spec->params = json_incref(v);
	v = json_object_get(j, "annotations");
	if (v && !json_is_object(v)) {
		ret = gadget_err_set(err, EINVAL, "%s: error: \"annotations\" must be an object", path);
		goto out;
	}
	spec->annotations = json_incref(v);
out:
	json_decref(j);
	return ret;
}

int compiler_load_spec(const char *dir, struct build_spec **out, struct gadget_err *err)
{
	char path[PATH_MAX + 64], real[PATH_MAX];
	struct build_spec *spec;
	const char *base;
	int ret;

	*out = NULL;
	if (!realpath(dir, real))
		return gadget_err_set(err, errno, "%s: %s", dir, strerror(errno));
	spec = calloc(1, sizeof(*spec));
	if (!spec)
		return -ENOMEM;
	spec->dir = strdup(real);
	base = strrchr(real, '/');
	spec->name = strdup(base && base[1] ? base + 1 : "gadget");
	snprintf(path, sizeof(path), "%s/%s", real, BUILD_FILE_NAME);
	if (access(path, F_OK) == 0) {
		ret = parse_build_file(spec, path, err);
		if (ret)
			goto fail;
	}
	if (!spec->nr_sources) {
		ret = find_sources(spec, err);
		if (ret)
			goto fail;
	}
	for (unsigned int i = 0; i < spec->nr_sources; i++) {
		snprintf(path, sizeof(path), "%s/%s", real, spec->sources[i]);
		if (spec->sources[i][0] == '/' || strstr(spec->sources[i], "..")) {
			ret = gadget_err_set(err, EINVAL, "source '%s' must be a path inside %s",
					     spec->sources[i], real);
			goto fail;
		}
		if (access(path, R_OK)) {
			ret = gadget_err_set(err, errno, "source %s: %s", path, strerror(errno));
			goto fail;
		}
	}
	*out = spec;
	return 0;
fail:
	build_spec_free(spec);
	return ret;
}

void build_spec_free(struct build_spec *spec)
{
	if (!spec)
		return;
	for (unsigned int i = 0; i < spec->nr_sources; i++)
		free(spec->sources[i]);
	for (unsigned int i = 0; i < spec->nr_cflags; i++)
		free(spec->cflags[i]);
	for (unsigned int i = 0; i < spec->nr_archs; i++)
		free(spec->archs[i]);
	free(spec->sources);
	free(spec->cflags);
	free(spec->archs);
	json_decref(spec->params);
	json_decref(spec->annotations);
	free(spec->dir);
	free(spec->name);
	free(spec->description);
	free(spec);
}
