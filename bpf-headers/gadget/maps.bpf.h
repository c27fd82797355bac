/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_MAPS_BPF_H
#define __GADGET_MAPS_BPF_H

/* libbpf-tools' maps.bpf.h API as IG ships it: the value of key, inserted
 * from init first when missing (a concurrent insert wins: EEXIST is fine). */
#include <bpf/bpf_helpers.h>
#include <asm-generic/errno.h>

static __always_inline void *bpf_map_lookup_or_try_init(void *map, const void *key,
							 const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);
	long err;

	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return NULL;
	return bpf_map_lookup_elem(map, key);
}

#endif
