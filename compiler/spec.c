// SPDX-License-Identifier: Apache-2.0
/* The build file (gadget.json) and what is inferred without one. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/suggest.h"
#include "compiler/compiler.h"

static const char *const known_keys[] = {
	"name", "description", "sources", "cflags", "arch", "params", "annotations", "imageFormat",
};

/*
 * jansson keeps no positions for parsed values: find a key's first
 * occurrence as "key" followed by ':' in the text, so messages about a key
 * point at it like a compiler would.
 */
static void locate_key(const char *text, const char *key, int *line, int *col)
{
	size_t n = strlen(key);
	const char *p = text, *q;

	*line = 1;
	*col = 1;
	for (q = text; (q = strchr(q, '"')); q++) {
		const char *after = q + 1 + n;

		if (strncmp(q + 1, key, n) || *after != '"')
			continue;
		after++;
		while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
			after++;
		if (*after != ':')
			continue;
		for (; p < q; p++) {
			if (*p == '\n') {
				(*line)++;
				*col = 1;
			} else {
				(*col)++;
			}
		}
		return;
	}
}

static int key_error(struct gadget_err *err, const char *path, const char *text, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int key_error(struct gadget_err *err, const char *path, const char *text, const char *key,
		     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int line, col, ret;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	locate_key(text, key, &line, &col);
	ret = gadget_err_set(err, EINVAL, "%s:%d:%d: error: %s", path, line, col, msg);
	if (err)
		err->located = true;
	return ret;
}

/* "srcs" in "sources": abbreviations are the commonest slip. */
static bool is_subsequence(const char *small, const char *big)
{
	for (; *big && *small; big++)
		small += *small == *big;
	return !*small;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int str_array(const json_t *j, const char *key, char ***out, unsigned int *n,
		     const char *path, const char *text, struct gadget_err *err)
{
	const json_t *arr = json_object_get(j, key), *v;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return key_error(err, path, text, key, "\"%s\" must be an array of strings", key);
	*out = calloc(json_array_size(arr) + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return key_error(err, path, text, key, "\"%s\"[%zu] must be a string", key, i);
		(*out)[(*n)++] = strdup(json_string_value(v));
	}
	return 0;
}

/* Every name in dir ending in suffix, sorted (readdir order is the file system's). */
static int find_sources_ending(struct build_spec *spec, const char *suffix, struct gadget_err *err)
{
	size_t sl = strlen(suffix);
	struct dirent *de;
	DIR *d = opendir(spec->dir);

	if (!d)
		return gadget_err_set(err, errno, "cannot read %s: %s", spec->dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		void *p;

		if (n <= sl || strcmp(de->d_name + n - sl, suffix))
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
	if (spec->nr_sources)
		qsort(spec->sources, spec->nr_sources, sizeof(char *), cmp_str);
	return 0;
}

/* *.bpf.c, else *.c (bumblebee's examples are probe.c). */
static int find_sources(struct build_spec *spec, struct gadget_err *err)
{
	int ret = find_sources_ending(spec, ".bpf.c", err);

	if (!ret && !spec->nr_sources)
		ret = find_sources_ending(spec, ".c", err);
	if (!ret && !spec->nr_sources)
		return gadget_err_set(err, ENOENT, "%s: no *.bpf.c source (nor *.c) in this folder: name "
				      "the sources in %s's \"sources\", or create a gadget with "
				      "'gadget init NAME'", spec->dir, BUILD_FILE_NAME);
	return ret;
}

/* The build file as a JSON object; text is kept for the diagnostics' line numbers. */
static int build_file_load(const char *path, char **text, json_t **out, struct gadget_err *err)
{
	json_error_t jerr;
	size_t len;
	int ret;

	*out = NULL;
	ret = file_read_all(path, (void **)text, &len);
	if (ret)
		return gadget_err_set(err, -ret, "cannot read %s: %s", path, strerror(-ret));
	*out = json_loadb(*text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		ret = gadget_err_set(err, EINVAL, "%s:%d:%d: error: %s", path, jerr.line, jerr.column,
				     jerr.text);
	else if (!json_is_object(*out))
		ret = gadget_err_set(err, EINVAL, "%s:1:1: error: the build file must hold a JSON "
				     "object {\"name\": ...}", path);
	if (ret && err)
		err->located = true;	/* the message is in file:line:col: form */
	return ret;
}

/* A typo'd key would silently change nothing: refuse it, with the closest known one. */
static int check_keys(json_t *j, const char *path, const char *text, struct gadget_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(j, key, v) {
		const char *best = NULL;
		unsigned int best_d = 3;

		for (unsigned int i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
			unsigned int d = suggest_distance(key, strlen(key), known_keys[i],
							  strlen(known_keys[i]));

			if (d && strlen(key) > 2 && is_subsequence(key, known_keys[i]))
				d = 1;
			if (d < best_d) {
				best_d = d;
				best = known_keys[i];
			}
		}
		if (best_d == 0)
			continue;
		if (best)
			return key_error(err, path, text, key, "unknown key \"%s\"; did you mean \"%s\"?",
					 key, best);
		return key_error(err, path, text, key, "unknown key \"%s\" (known: name, description, "
				 "sources, cflags, arch, params, annotations)", key);
	}
	return 0;
}

/* key's string into *out (kept when absent); what is wrong with it otherwise. */
static int string_key(json_t *j, const char *key, bool nonempty, const char *what, char **out,
		      const char *path, const char *text, struct gadget_err *err)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || (nonempty && !json_string_length(v)))
		return key_error(err, path, text, key, "\"%s\" must be %s", key, what);
	free(*out);
	*out = strdup(json_string_value(v));
	return *out ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/* key's object into *out (a reference), NULL when absent. */
static int object_key(json_t *j, const char *key, const char *what, json_t **out,
		      const char *path, const char *text, struct gadget_err *err)
{
	json_t *v = json_object_get(j, key);

	if (v && !json_is_object(v))
		return key_error(err, path, text, key, "\"%s\" must be an object%s", key, what);
	*out = json_incref(v);
	return 0;
}

static int parse_build_file(struct build_spec *spec, const char *path, struct gadget_err *err)
{
	char *text = NULL;
	json_t *j = NULL;
	int ret;

	ret = build_file_load(path, &text, &j, err) ?:
	      check_keys(j, path, text, err) ?:
	      string_key(j, "name", true, "a non-empty string", &spec->name, path, text, err) ?:
	      string_key(j, "description", false, "a string", &spec->description, path, text, err) ?:
	      str_array(j, "sources", &spec->sources, &spec->nr_sources, path, text, err) ?:
	      str_array(j, "cflags", &spec->cflags, &spec->nr_cflags, path, text, err) ?:
	      str_array(j, "arch", &spec->archs, &spec->nr_archs, path, text, err);
	for (unsigned int i = 0; !ret && i < spec->nr_archs; i++)
		if (!compiler_arch_known(spec->archs[i]))
			ret = key_error(err, path, text, "arch", "unknown architecture \"%s\" in \"arch\" "
					"(known: amd64, arm64)", spec->archs[i]);
	ret = ret ?: object_key(j, "params", " {\"name\": {\"description\": \"...\"}}",
				&spec->params, path, text, err) ?:
	      object_key(j, "annotations", "", &spec->annotations, path, text, err) ?:
	      string_key(j, "imageFormat", false, "a string (\"gadget\" or \"ig\")",
			 &spec->image_format, path, text, err);
	json_decref(j);
	free(text);
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
	ret = compiler_read_ig_layout(spec, err);
	if (ret)
		goto fail;
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
	gadget_yaml_free(spec->yaml);
	free(spec->image_format);
	free(spec->wasm);
	free(spec);
}
