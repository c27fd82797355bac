// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "validator/validator.h"

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
	for (unsigned int i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		if (g->line)
			fprintf(f, "%s:%u:%u: %s: %s\n", g->file, g->line, g->col ? g->col : 1,
				level_names[g->level], g->msg);
		else
			fprintf(f, "%s: %s: %s\n", g->file, level_names[g->level], g->msg);
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
