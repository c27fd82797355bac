/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_MARKERS_H
#define GADGET_INFO_MARKERS_H

/*
 * Marker variables: Inspektor Gadget's macros (ours too, in their form,
 * bpf-headers/gadget/macros.h) declare what a gadget produces with unused
 * globals whose names carry the facts, parts joined by "___":
 *
 *   gadget_tracer_<name>___<map>___<struct>           GADGET_TRACER(name, map, struct)
 *   gadget_map_tracer_<map>                          GADGET_TRACER_MAP(map, size)
 *   gadget_snapshotter_<name>___<struct>___<prog>... GADGET_SNAPSHOTTER(name, struct, progs...)
 *   gadget_mapiter_<name>___<map>                    GADGET_MAPITER(name, map)
 *   gadget_param_<var>                               GADGET_PARAM(var)
 *
 * One row per marker in marker_defs[] (info/markers.c); the validator
 * reads the BTF variables through marker_parse().
 */
#include <stdbool.h>

enum marker_kind {
	MARKER_TRACER,
	MARKER_TRACER_MAP,
	MARKER_SNAPSHOTTER,
	MARKER_MAPITER,
	MARKER_PARAM,
	MARKER__COUNT,
};

/* What each part of a marker is, in order. */
enum marker_part { MPART_NAME, MPART_MAP, MPART_STRUCT, MPART_PROG, MPART_VAR };

#define MARKER_MAX_PARTS 5
#define MARKER_NAME_MAX 256

struct marker_def {
	enum marker_kind kind;
	const char *prefix;
	const char *macro;		/* for messages: "GADGET_TRACER(name, map, struct)" */
	unsigned int min_parts, max_parts;
	enum marker_part parts[MARKER_MAX_PARTS];	/* the last one repeats up to max_parts */
};

struct marker {
	const struct marker_def *def;
	char buf[MARKER_NAME_MAX];	/* the parts, NUL-separated */
	unsigned short off[MARKER_MAX_PARTS];	/* where each starts in buf: copies stay valid */
	unsigned int nr_parts;
};

/*
 * 1 and *out filled if sym is a marker, 0 if it is not one, -EINVAL if it
 * starts like one but its parts are wrong (empty, too few or too many).
 */
int marker_parse(const char *sym, struct marker *out);
/* The first part of kind what (its index-th such part), NULL if none. */
const char *marker_get(const struct marker *m, enum marker_part what, unsigned int index);

#endif
