/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_FILTER_H
#define __GADGET_FILTER_H

/*
 * In-kernel container filter (the seed's `--podname` idea, by mount
 * namespace).  The runtime fills gadget_mntns_filter from --mntns ID,
 * --pid PID or --container NAME and sets gadget_filter_by_mntns; without
 * those flags every event passes.
 *
 *   if (gadget_should_discard_mntns_id(gadget_get_mntns_id()))
 *           return 0;
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/types.h"

/* weak: several sources of one gadget may include this header and be linked */
const volatile bool gadget_filter_by_mntns __weak = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, gadget_mntns_id);
	__type(value, __u32);
} gadget_mntns_filter SEC(".maps") __weak;

static __always_inline gadget_mntns_id gadget_get_mntns_id(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

static __always_inline bool gadget_should_discard_mntns_id(gadget_mntns_id id)
{
	return gadget_filter_by_mntns && !bpf_map_lookup_elem(&gadget_mntns_filter, &id);
}

#endif
