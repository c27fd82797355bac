// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "info/map_roles.h"

static const struct map_role_def map_role_defs[MAP_ROLE__COUNT] = {
	[MAP_ROLE_NONE] = { MAP_ROLE_NONE, "none" },
	[MAP_ROLE_PRINT] = {
		MAP_ROLE_PRINT, "print", "print_", false,
		{ "GADGET_TRACER", "GADGET_TRACER_RINGBUF", "GADGET_TRACER_PERF", "GADGET_TOPPER" },
	},
	[MAP_ROLE_COUNTER] = {
		MAP_ROLE_COUNTER, "counter", "counter_", false, { "GADGET_COUNTER" },
		"counter", "_total", sizeof(uint64_t), "__u64",
	},
	[MAP_ROLE_GAUGE] = {
		MAP_ROLE_GAUGE, "gauge", "gauge_", false, { "GADGET_GAUGE" },
		"gauge", "", sizeof(int64_t), "__s64",
	},
	[MAP_ROLE_HISTOGRAM] = {
		MAP_ROLE_HISTOGRAM, "histogram", "hist_", false, { "GADGET_HISTOGRAM" },
		"histogram", "", sizeof(struct gadget_hist), "struct gadget_hist",
	},
	[MAP_ROLE_FILTER] = { MAP_ROLE_FILTER, "filter", GADGET_MNTNS_FILTER_MAP, true },
	/* .rodata and friends are internal by libbpf's word, not by a name */
	[MAP_ROLE_INTERNAL] = { MAP_ROLE_INTERNAL, "internal", GADGET_RESERVED_PREFIX, true },
};

const struct map_role_def *map_role_def(enum map_role role)
{
	return &map_role_defs[(unsigned int)role < MAP_ROLE__COUNT ? role : MAP_ROLE_NONE];
}

enum map_role map_role_of_name(const char *name)
{
	enum map_role best = MAP_ROLE_NONE;
	size_t best_len = 0;

	for (unsigned int i = 0; i < MAP_ROLE__COUNT; i++) {
		const char *p = map_role_defs[i].prefix;
		size_t n = p ? strlen(p) : 0;

		if (n > best_len && !strncmp(name, p, n)) {
			best = map_role_defs[i].role;
			best_len = n;
		}
	}
	return best;
}

const char *map_role_short_name(enum map_role role, const char *name)
{
	const char *p = map_role_def(role)->prefix;

	return p && !strncmp(name, p, strlen(p)) ? name + strlen(p) : name;
}

bool map_role_is_metric(enum map_role role)
{
	return map_role_def(role)->metric != NULL;
}

const char *map_role_name(enum map_role role)
{
	return (unsigned int)role < MAP_ROLE__COUNT ? map_role_defs[role].name : "unknown";
}

int map_role_from_name(const char *name)
{
	for (unsigned int i = 0; name && i < MAP_ROLE__COUNT; i++)
		if (!strcmp(map_role_defs[i].name, name))
			return i;
	return -EINVAL;
}
