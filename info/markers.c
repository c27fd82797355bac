// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "base/array.h"
#include "info/markers.h"

static const struct marker_def marker_defs[] = {
	{ MARKER_TRACER, "gadget_tracer_", "GADGET_TRACER(name, map, struct)", 3, 3,
	  { MPART_NAME, MPART_MAP, MPART_STRUCT } },
	{ MARKER_TRACER_MAP, "gadget_map_tracer_", "GADGET_TRACER_MAP(map, size)", 1, 1,
	  { MPART_MAP } },
	{ MARKER_SNAPSHOTTER, "gadget_snapshotter_", "GADGET_SNAPSHOTTER(name, struct, progs...)", 3, 5,
	  { MPART_NAME, MPART_STRUCT, MPART_PROG } },
	{ MARKER_MAPITER, "gadget_mapiter_", "GADGET_MAPITER(name, map)", 2, 2,
	  { MPART_NAME, MPART_MAP } },
	{ MARKER_PARAM, "gadget_param_", "GADGET_PARAM(var)", 1, 1, { MPART_VAR } },
};

static const struct marker_def *def_of(const char *sym)
{
	for (size_t i = 0; i < ARRAY_SIZE(marker_defs); i++)
		if (!strncmp(sym, marker_defs[i].prefix, strlen(marker_defs[i].prefix)))
			return &marker_defs[i];
	return NULL;
}

int marker_parse(const char *sym, struct marker *out)
{
	const struct marker_def *def = def_of(sym);
	char *p, *sep;

	if (!def)
		return 0;
	memset(out, 0, sizeof(*out));
	out->def = def;
	if (strlen(sym) - strlen(def->prefix) >= sizeof(out->buf))
		return -EINVAL;
	strcpy(out->buf, sym + strlen(def->prefix));
	for (p = out->buf; p; p = sep) {
		sep = strstr(p, "___");
		if (sep) {
			*sep = 0;
			sep += 3;
		}
		if (!*p || out->nr_parts == def->max_parts)
			return -EINVAL;
		out->off[out->nr_parts++] = p - out->buf;
	}
	return out->nr_parts >= def->min_parts ? 1 : -EINVAL;
}

const char *marker_get(const struct marker *m, enum marker_part what, unsigned int index)
{
	unsigned int last = m->def->min_parts - 1;

	for (unsigned int i = 0; i < m->nr_parts; i++) {
		enum marker_part k = m->def->parts[i <= last ? i : last];

		if (k == what && !index--)
			return m->buf + m->off[i];
	}
	return NULL;
}
