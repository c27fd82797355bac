/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_BUFFER_H
#define __GADGET_BUFFER_H

/*
 * Inspektor Gadget's event buffer API, our implementation:
 *
 *   GADGET_TRACER_MAP(events, 1024 * 256);
 *   GADGET_TRACER(open, events, event);
 *   struct event *e = gadget_reserve_buf(&events, sizeof(*e));
 *   ...
 *   gadget_submit_buf(ctx, &events, e, sizeof(*e));   (or gadget_discard_buf(e))
 *   gadget_output_buf(ctx, &events, &ev, sizeof(ev));  (an event on the stack)
 *
 * The map is a ring buffer; the runtime turns it into a perf event array on
 * a kernel without ring buffers (it is the gadget's output map, named by the
 * gadget_map_tracer_<map> marker), and these then take the per-CPU
 * gadget_heap and bpf_perf_event_output().  Our own GADGET_TRACER(name,
 * struct event) and gadget_reserve_buf(name) stay as they were: the macros
 * of gadget/macros.h tell the two forms apart by their number of arguments.
 */
#include "gadget/ig_api.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gadget/macros.h"

#ifndef MAX_EVENT_SIZE
#define MAX_EVENT_SIZE 10240
#endif

#define GADGET_TRACER_MAP(name, size)						\
	struct {								\
		__uint(type, BPF_MAP_TYPE_RINGBUF);				\
		__uint(max_entries, size);					\
	} name SEC(".maps");							\
	const void *gadget_map_tracer_##name __attribute__((unused))

#ifndef GADGET_NO_BUF_RESERVE
/* weak: several sources of one gadget may include this header */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_EVENT_SIZE);
} gadget_heap SEC(".maps") __weak;

static __always_inline void *__gadget_ig_reserve_buf(void *map, __u64 size)
{
	__u32 zero = 0;

	if (gadget_has_ringbuf())
		return bpf_ringbuf_reserve(map, size, 0);
	return size <= MAX_EVENT_SIZE ? bpf_map_lookup_elem(&gadget_heap, &zero) : NULL;
}

static __always_inline void __gadget_ig_discard_buf(void *buf)
{
	if (gadget_has_ringbuf())
		bpf_ringbuf_discard(buf, 0);
}

static __always_inline long __gadget_ig_submit_buf(void *ctx, void *map, void *buf, __u64 size)
{
	if (gadget_has_ringbuf()) {
		bpf_ringbuf_submit(buf, 0);
		return 0;
	}
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
}
#endif

static __always_inline long gadget_output_buf(void *ctx, void *map, void *buf, __u64 size)
{
	if (gadget_has_ringbuf())
		return bpf_ringbuf_output(map, buf, size, 0);
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, buf, size);
}

#endif
