// SPDX-License-Identifier: Apache-2.0
/*
 * bumblebee's map sections (SEC(".maps.print"), ".maps.counter",
 * ".maps.gauge"): maps_fold() has moved their maps into ".maps" for
 * libbpf; here each section names the role its maps have, one row per
 * section bee knows.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "validator/analysis.h"

static const struct bee_section {
	const char *section;
	enum map_role role;
} bee_sections[] = {
	{ ".maps.print", MAP_ROLE_PRINT },	/* a ring buffer's events, or a table */
	{ ".maps.counter", MAP_ROLE_COUNTER },
	{ ".maps.gauge", MAP_ROLE_GAUGE },
};

static const struct bee_section *bee_section(const char *section)
{
	for (size_t i = 0; section && i < sizeof(bee_sections) / sizeof(bee_sections[0]); i++)
		if (!strcmp(bee_sections[i].section, section))
			return &bee_sections[i];
	return NULL;
}

enum map_role validator_section_role(const struct analysis *a, const char *map)
{
	const struct bee_section *s = bee_section(maps_fold_section(&a->fold, map));

	return s ? s->role : MAP_ROLE_NONE;
}

/* A section bee does not know either: an error at its SEC(). */
static int unknown_section(struct analysis *a, const char *sec, struct gadget_err *err)
{
	char needle[300], path[PATH_MAX], where[PATH_MAX + 32] = "";
	const char *needles[] = { needle, NULL }, *file;
	unsigned int line, col;
	int ret;

	snprintf(needle, sizeof(needle), "SEC(\"%s\")", sec);
	if (diag_find_decl(a, needles, &file, &line, &col)) {
		diag_src_path(a, str_has_prefix(file, "./") ? file + 2 : file, path, sizeof(path));
		snprintf(where, sizeof(where), "%s:%u:%u: error: ", path, line, col);
	}
	ret = gadget_err_set(err, ENOEXEC, "%smap section \"%s\" gives its maps no role "
			     "(bumblebee's sections are \".maps.print\", \".maps.counter\" and "
			     "\".maps.gauge\"): use one of those, or declare the map in "
			     "SEC(\".maps\")", where, sec);
	if (err)
		err->located = where[0];
	return ret;
}

int validator_check_map_sections(struct analysis *a, struct gadget_err *err)
{
	for (unsigned int i = 0; i < a->fold.nr_maps; i++)
		if (!bee_section(a->fold.maps[i].section))
			return unknown_section(a, a->fold.maps[i].section, err);
	return 0;
}
