// SPDX-License-Identifier: Apache-2.0
/*
 * The seed's category algorithm ("Categories of gadgets"): what a gadget
 * produces follows from its maps and programs, not from a declaration.
 */
#include <stdio.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "validator/validator.h"

enum gadget_category validator_category(const struct gadget_info *info, char *why, size_t len)
{
	bool iter = false, metrics = false;

	for (unsigned int i = 0; i < info->nr_maps; i++) {
		const struct gadget_map *m = &info->maps[i];

		metrics |= map_role_is_metric(m->role);
		if (m->role != MAP_ROLE_PRINT)
			continue;
		switch (m->type) {
		case BPF_MAP_TYPE_RINGBUF:
		case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
			return GADGET_CAT_TRACER;
		case BPF_MAP_TYPE_HASH:
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_HASH:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
		case BPF_MAP_TYPE_LRU_HASH:
			return GADGET_CAT_TOPPER;
		default:
			snprintf(why, len, "map '%s' has the print_ prefix but its type (%s) is neither "
				 "a ring buffer / perf event array (tracer) nor a hash / array (topper)",
				 m->name, libbpf_bpf_map_type_str(m->type));
			return GADGET_CAT_UNKNOWN;
		}
	}
	for (unsigned int i = 0; i < info->nr_progs; i++)
		if (info->progs[i].def && info->progs[i].def->target == TARGET_ITER)
			iter = true;
	if (iter)
		return GADGET_CAT_SNAPSHOTTER;
	if (metrics)
		return GADGET_CAT_METRICS;
	snprintf(why, len, "cannot tell what this gadget produces: it has no print_ map and no iter/ "
		 "program; declare GADGET_TRACER(name, struct event) for a stream of events, "
		 "GADGET_TOPPER(name, key, value, max) for a table, or an iter/ program with "
		 "GADGET_SNAPSHOTTER(iter, struct row) (bpf-headers/gadget/macros.h)");
	return GADGET_CAT_UNKNOWN;
}
