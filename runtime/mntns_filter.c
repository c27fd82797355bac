// SPDX-License-Identifier: Apache-2.0
/*
 * The in-kernel container filter of bpf-headers/gadget/filter.h: before
 * load its const volatile switch is set, after load its map gets the mount
 * namespaces to keep (--mntns, --pid, --container).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rodata.h"
#include "runtime/run.h"

int mntns_filter_enable(struct bpf_object *obj, struct gadget_err *err)
{
	void *dst;
	size_t size;

	if (rodata_find(obj, GADGET_MNTNS_FILTER_FLAG, &dst, &size) || !size)
		return gadget_err_set(err, EINVAL, "this gadget does not support in-kernel container "
				      "filtering (--mntns/--pid/--container): it does not use "
				      "gadget_should_discard_mntns_id() from <gadget/filter.h>");
	memset(dst, 0, size);
	*(uint8_t *)dst = 1;
	return 0;
}

int mntns_filter_fill(struct bpf_object *obj, const uint64_t *ids, unsigned int n,
		      struct gadget_err *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, GADGET_MNTNS_FILTER_MAP);
	uint32_t one = 1;

	if (!m || bpf_map__fd(m) < 0)
		return gadget_err_set(err, EINVAL, "the gadget has no " GADGET_MNTNS_FILTER_MAP " map");
	for (unsigned int i = 0; i < n; i++)
		if (bpf_map_update_elem(bpf_map__fd(m), &ids[i], &one, BPF_ANY))
			return gadget_err_set(err, errno, "filling the mount-namespace filter: %s",
					      strerror(errno));
	return 0;
}
