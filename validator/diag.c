// SPDX-License-Identifier: Apache-2.0
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/text.h"
#include "validator/analysis.h"
#include "validator/srcloc.h"

static const char *const level_names[] = {
	[DIAG_NOTE] = "note", [DIAG_WARNING] = "warning", [DIAG_ERROR] = "error",
};

void diag_list_free(struct diag_list *d)
{
	for (unsigned int i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

int diag_list_count(const struct diag_list *d, enum diag_level level)
{
	int n = 0;

	for (unsigned int i = 0; i < d->n; i++)
		n += d->v[i].level == level;
	return n;
}

/* Compiler form, so editors and CI annotate the line: file:line:col: level: msg */
void diag_list_print(const struct diag_list *d, FILE *f)
{
	char file[1024], msg[4096];

	/* an object's section names and line info are anyone's bytes (base/text.h) */
	for (unsigned int i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		text_printable(g->file, false, file, sizeof(file));
		text_printable(g->msg, true, msg, sizeof(msg));
		if (g->line)
			fprintf(f, "%s:%u:%u: %s: %s\n", file, g->line, g->col ? g->col : 1,
				level_names[g->level], msg);
		else
			fprintf(f, "%s: %s: %s\n", file, level_names[g->level], msg);
	}
}

json_t *diag_list_to_json(const struct diag_list *d)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i, s:s}",
			"level", level_names[g->level], "file", g->file ? g->file : "",
			"line", (int)g->line, "column", (int)g->col, "message", g->msg));
	}
	return arr;
}

/* ---- producing diagnostics during an analysis ---- */

void diag_vadd(struct analysis *a, enum diag_level level, const char *file,
	       unsigned int line, unsigned int col, const char *fmt, va_list ap)
{
	struct diag *d;
	char path[PATH_MAX];

	if (level == DIAG_WARNING && a->opts->werror)
		level = DIAG_ERROR;
	if (array_grow(a->diags->v, a->diags->n))
		return;
	d = &a->diags->v[a->diags->n++];
	if (!file)
		file = a->opts->obj_path ? a->opts->obj_path : "<object>";
	/* Show source paths as the user knows them: relative to where they ran us. */
	if (line)
		srcloc_display_path(file, a->opts->src_dir, path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", file);
	d->level = level;
	d->file = strdup(path);
	d->line = line;
	d->col = col;
	if (vasprintf(&d->msg, fmt, ap) < 0)
		d->msg = NULL;
}

void diag_add(struct analysis *a, enum diag_level level, const char *file,
	      unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(a, level, file, line, col, fmt, ap);
	va_end(ap);
}

void diag_src_path(struct analysis *a, const char *src, char *buf, size_t len)
{
	if (a->opts->src_dir && src[0] != '/')
		snprintf(buf, len, "%s/%s", a->opts->src_dir, src);
	else
		snprintf(buf, len, "%s", src);
}

/*
 * BTF has no line info for types and maps: find the first of needles in
 * the program sources named by line info, so the message still points at
 * the line.
 */
bool diag_find_decl(struct analysis *a, const char *const *needles, const char **file,
		    unsigned int *line, unsigned int *col)
{
	for (; *needles; needles++) {
		for (unsigned int i = 0; i < a->elf.nr_progs; i++) {
			const char *src = a->elf.progs[i].file;
			char path[PATH_MAX];

			if (!src)
				continue;
			diag_src_path(a, src, path, sizeof(path));
			if (!srcloc_find(path, *needles, 0, 0, false, line, col)) {
				*file = src;
				return true;
			}
		}
	}
	return false;
}

void diag_at_decl(struct analysis *a, enum diag_level level, const char *const *needles,
		  const char *fmt, ...)
{
	const char *file = NULL;
	unsigned int line = 0, col = 0;
	va_list ap;

	if (needles)
		diag_find_decl(a, needles, &file, &line, &col);
	va_start(ap, fmt);
	diag_vadd(a, level, file, line, col, fmt, ap);
	va_end(ap);
}
