/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_MAP_ROLES_H
#define GADGET_INFO_MAP_ROLES_H

/*
 * Map roles: what a gadget's map is for, told by its name, which the
 * macros of bpf-headers/gadget/macros.h give it ("print_<name>" for
 * GADGET_TRACER).  One row per role carries everything the stages need:
 * the validator (a map's role, which macros declare it, for diagnostics),
 * the runtime (the print_ map, which maps are metrics, their Prometheus
 * type and value layout) and the JSON form of gadget_info.  Adding a role
 * is adding a row to map_role_defs[] (info/map_roles.c).
 */
#include <stdbool.h>
#include <stdint.h>

enum map_role {
	MAP_ROLE_NONE,
	MAP_ROLE_PRINT,		/* print_*: the tracer/topper output */
	MAP_ROLE_COUNTER,	/* counter_* */
	MAP_ROLE_GAUGE,		/* gauge_* */
	MAP_ROLE_HISTOGRAM,	/* hist_*: log2 buckets */
	MAP_ROLE_FILTER,	/* gadget_mntns_filter: filled by the runtime */
	MAP_ROLE_INTERNAL,	/* .rodata, .bss, heaps, our own gadget_* maps */
	MAP_ROLE__COUNT,
};

/* The value of a hist_ map: struct gadget_hist of bpf-headers/gadget/macros.h. */
#define GADGET_HIST_SLOTS 32
struct gadget_hist {
	uint64_t slots[GADGET_HIST_SLOTS];	/* slot i: floor(log2(v)) == i (0 and 1 in 0) */
	uint64_t sum;
	uint64_t count;
};

/* What our headers declare (maps, globals) is named so: never a gadget's param. */
#define GADGET_RESERVED_PREFIX	"gadget_"
/* Maps and globals of our headers that the runtime finds by name. */
#define GADGET_MNTNS_FILTER_MAP	"gadget_mntns_filter"	/* gadget/filter.h */
#define GADGET_MNTNS_FILTER_FLAG "gadget_filter_by_mntns"	/* its const volatile switch */
#define GADGET_LOST_PREFIX	"gadget_lost_"		/* per-CPU drops of print_<name> */
#define GADGET_STACKS_MAP	"gadget_stacks"		/* gadget/stacks.h */
#define GADGET_SOCKETS_NETNS	"gadget_sockets_netns"	/* gadget/sockets.h */
#define GADGET_BPF_STATS_FLAG	"gadget_bpf_stats"	/* GADGET_BPF_STATS */

struct map_role_def {
	enum map_role role;
	const char *name;		/* "print": the JSON "role" */
	const char *prefix;		/* the map name starts with it; NULL: told otherwise */
	bool ours;			/* declared by our headers and found by its full name:
					 * not held to the kernel's 15-character names */
	const char *macros[5];		/* the macros.h macros declaring "<prefix><name>", NULL-ended */
	/* metric roles (counter_, gauge_, hist_); metric is NULL for the others */
	const char *metric;		/* the exposition format's TYPE */
	const char *metric_suffix;	/* appended to the metric name */
	uint32_t value_size;		/* the value the program keeps per key */
	const char *value_type;		/* its C type, for messages */
};

/* The row of a role (MAP_ROLE_NONE's row for a value out of range). */
const struct map_role_def *map_role_def(enum map_role role);
/* The role a map name gives (longest prefix wins), MAP_ROLE_NONE if none. */
enum map_role map_role_of_name(const char *name);
/* "events" for "print_events": name without the prefix of role, if it has it. */
const char *map_role_short_name(enum map_role role, const char *name);
bool map_role_is_metric(enum map_role role);
const char *map_role_name(enum map_role role);
/* From the JSON name back; -EINVAL if unknown. */
int map_role_from_name(const char *name);

#endif
