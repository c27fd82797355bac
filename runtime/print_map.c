// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include <stdbool.h>
#include <bpf/libbpf.h>

#include "info/progtypes.h"
#include "runtime/run.h"

/*
 * The seed declares the event type on the print_ map itself.  The kernel
 * wants key/value size 0 for a ring buffer and 4/4 (fds) for a perf event
 * array, and libbpf 1.1 passes the declared sizes through: fix the sizes
 * here; libbpf then retries the creation without BTF.  Without ring
 * buffers (kernels before 5.8) the same map becomes a perf event array,
 * which gadget_submit_buf() in the gadget headers writes to instead.
 */
static void print_maps_fixup(struct bpf_object *obj, const char *print_map, uint64_t ring_size)
{
	bool have_ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		enum bpf_map_type t = bpf_map__type(m);

		if (t == BPF_MAP_TYPE_RINGBUF && !have_ringbuf) {
			bpf_map__set_type(m, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
			bpf_map__set_max_entries(m, 0);
			t = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
		}
		if (t == BPF_MAP_TYPE_RINGBUF) {
			bpf_map__set_key_size(m, 0);
			bpf_map__set_value_size(m, 0);
			/* the output map: print_<name>, or the one an IG marker names */
			if (ring_size && (map_role_of_name(bpf_map__name(m)) == MAP_ROLE_PRINT ||
					  (print_map && !strcmp(bpf_map__name(m), print_map))))
				bpf_map__set_max_entries(m, ring_size);
		} else if (t == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
			bpf_map__set_key_size(m, 4);
			bpf_map__set_value_size(m, 4);
		}
	}
}

/*
 * A section libbpf 1.1 has no type for, but our table has (IG's "socket1",
 * see info/progtypes.c): libbpf would refuse to load it ("missing BPF prog
 * type"), so it is given the row's types.
 */
static void program_types_fixup(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const struct prog_type_def *d;

		if (bpf_program__type(p) != BPF_PROG_TYPE_UNSPEC ||
		    !(d = progtype_find(bpf_program__section_name(p))))
			continue;
		bpf_program__set_type(p, d->prog_type);
		if (d->attach_type)
			bpf_program__set_expected_attach_type(p, d->attach_type);
	}
}

void runtime_object_fixup(struct bpf_object *obj, const char *print_map, uint64_t ring_size)
{
	print_maps_fixup(obj, print_map, ring_size);
	program_types_fixup(obj);
}
