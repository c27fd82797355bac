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

/*
 * Just the members gadget_get_mntns_id() reads, as CO-RE flavors: libbpf
 * matches task_struct___gadget to the kernel's task_struct by the name
 * before "___", and each member by its name.  Reading through vmlinux.h's
 * task_struct instead made clang build debug info for every type that
 * task_struct reaches (most of the kernel's), in every gadget that
 * includes this header: about half of an edit-rebuild with the
 * precompiled header, for types the object's BTF does not keep.
 */
struct ns_common___gadget {
	unsigned int inum;
} __attribute__((preserve_access_index));
struct mnt_namespace___gadget {
	struct ns_common___gadget ns;
} __attribute__((preserve_access_index));
struct nsproxy___gadget {
	struct mnt_namespace___gadget *mnt_ns;
} __attribute__((preserve_access_index));
struct task_struct___gadget {
	struct nsproxy___gadget *nsproxy;
} __attribute__((preserve_access_index));

static __always_inline gadget_mntns_id gadget_get_mntns_id(void)
{
	struct task_struct___gadget *task = (void *)bpf_get_current_task();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

static __always_inline bool gadget_should_discard_mntns_id(gadget_mntns_id id)
{
	return gadget_filter_by_mntns && !bpf_map_lookup_elem(&gadget_mntns_filter, &id);
}

#endif

/* Inspektor Gadget's filter params (targ_pid ...), in their API only. */
#if defined(GADGET_IG_API) && !defined(__GADGET_MNTNS_ONLY)
#include "gadget/ig_filter.h"
#endif
