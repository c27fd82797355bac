/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_MACROS_H
#define __GADGET_MACROS_H

/*
 * Declaring what a gadget produces.  The runtime finds the gadget's
 * category from these declarations (the seed's algorithm):
 *
 *   a "print_" ring buffer or perf event array  -> tracer
 *   a "print_" hash or array map                -> topper
 *   no "print_" map and an iter/ program        -> snapshotter
 *
 * The seed's conventions are what these macros expand to, so gadgets that
 * write the maps by hand work the same.
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/*
 * 1 MB: ~3400 events of 300 bytes, 6.7 ms at 500 k events/s, while the
 * runtime reads in batches 1 ms apart.  256 KB (850 such events) lost a
 * fifth of the events at 200 k/s on a shared 2-CPU VM (bench/run.sh).  The
 * reader maps the ring twice (for wrap-around) and the kernel maps every
 * page up front, so this costs twice its size in the reader's RSS.  A
 * gadget can set its own with -DGADGET_TRACER_BUF_SIZE.
 */
#ifndef GADGET_TRACER_BUF_SIZE
#define GADGET_TRACER_BUF_SIZE (1024 * 1024)
#endif

/*
 * GADGET_TRACER(name, struct event): a ring buffer "print_<name>" whose BTF
 * value type is the event (the seed's convention; the runtime removes the
 * value type before creating the map, which libbpf 1.1 would refuse), plus a
 * per-CPU scratch buffer so the same code runs on kernels without ring
 * buffers, where the runtime turns "print_<name>" into a perf event array.
 * A full ring buffer drops the event in the kernel, where no reader can see
 * it: gadget_reserve_buf() counts those in "gadget_lost_<name>" (per CPU),
 * and `gadget run` reports them ("gadget: lost N events") at the end.
 *
 *   struct event *e = gadget_reserve_buf(name);
 *   if (!e) return 0;
 *   ...
 *   gadget_submit_buf(ctx, name, e);
 *
 * A gadget that writes its print_ map by hand (the seed's convention) can
 * declare GADGET_LOST_COUNTER(name) and call gadget_count_lost(name) when
 * bpf_ringbuf_reserve() fails; without it nothing is counted, as before.
 */
/* A one-slot per-CPU array: room the 512-byte stack does not have. */
#define GADGET_PERCPU_SLOT(value_type)						\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);			\
		__uint(max_entries, 1);						\
		__type(key, __u32);						\
		__type(value, value_type);					\
	}

#define GADGET_LOST_COUNTER(name)						\
	GADGET_PERCPU_SLOT(__u64) gadget_lost_##name SEC(".maps")

#define gadget_count_lost(name)							\
	({									\
		__u32 __lk = 0;							\
		__u64 *__lost = bpf_map_lookup_elem(&gadget_lost_##name, &__lk); \
		if (__lost)							\
			(*__lost)++;	/* per CPU: no atomic needed */		\
	})

#define __GADGET_TRACER_2(name, event_type)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_RINGBUF);				\
		__uint(max_entries, GADGET_TRACER_BUF_SIZE);			\
		__type(value, event_type);					\
	} print_##name SEC(".maps");						\
	GADGET_PERCPU_SLOT(event_type) gadget_heap_##name SEC(".maps");		\
	GADGET_LOST_COUNTER(name)

/*
 * Whether the kernel has BPF ring buffers.  Only the type's existence is
 * asked, so a flavor with no members does (libbpf matches it to the
 * kernel's struct bpf_ringbuf by name); vmlinux.h's bpf_ringbuf would make
 * clang build debug info for all it reaches (irq_work, task_struct and
 * most of the kernel's types) in every tracer.
 */
struct bpf_ringbuf___gadget {
};
#define gadget_has_ringbuf() bpf_core_type_exists(struct bpf_ringbuf___gadget)

#define __gadget_reserve_buf_1(name)						\
	({									\
		__u32 __zero = 0;						\
		void *__buf;							\
		if (gadget_has_ringbuf())					\
			__buf = bpf_ringbuf_reserve(&print_##name,		\
				sizeof(*gadget_heap_##name.value), 0); \
		else								\
			__buf = bpf_map_lookup_elem(&gadget_heap_##name, &__zero); \
		if (!__buf)							\
			gadget_count_lost(name);				\
		__buf;								\
	})

#define __gadget_submit_buf_3(ctx, name, buf)					\
	({									\
		if (gadget_has_ringbuf())					\
			bpf_ringbuf_submit(buf, 0);				\
		else								\
			bpf_perf_event_output(ctx, &print_##name,		\
				BPF_F_CURRENT_CPU, buf, sizeof(*(buf)));	\
	})

/* Give up an event reserved with gadget_reserve_buf() (a packet that turned
 * out not to be one to report). */
#define __gadget_discard_buf_2(name, buf)					\
	({									\
		if (gadget_has_ringbuf())					\
			bpf_ringbuf_discard(buf, 0);				\
	})

/* The same, when only a ring buffer is wanted (bpf_ringbuf_output style). */
#define GADGET_TRACER_RINGBUF(name, event_type)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_RINGBUF);				\
		__uint(max_entries, GADGET_TRACER_BUF_SIZE);			\
		__type(value, event_type);					\
	} print_##name SEC(".maps");						\
	GADGET_LOST_COUNTER(name)

/* A perf event array tracer: emit with bpf_perf_event_output(). */
#define GADGET_TRACER_PERF(name, event_type)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);			\
		__uint(key_size, sizeof(__u32));				\
		__type(value, event_type);					\
	} print_##name SEC(".maps")

/*
 * GADGET_TOPPER(name, struct key, struct value, max): a hash map
 * "print_<name>" the runtime reads, sorts, prints and clears every interval.
 */
#define GADGET_TOPPER(name, key_type, value_type, max)				\
	struct {								\
		__uint(type, BPF_MAP_TYPE_HASH);				\
		__uint(max_entries, max);					\
		__type(key, key_type);						\
		__type(value, value_type);					\
	} print_##name SEC(".maps")

/*
 * GADGET_SNAPSHOTTER(iter, struct row): the "<iter>_output" variable whose
 * BTF type describes the records the iterator program "iter" writes with
 * gadget_snapshot_write().  The variable must be referenced by the program
 * (the loader rejects an unreferenced one): gadget_snapshot_write() does it.
 *
 *   GADGET_SNAPSHOTTER(procs, struct proc_row);
 *   SEC("iter/task") int procs(struct bpf_iter__task *ctx) {
 *           struct proc_row r = {};
 *           ...
 *           gadget_snapshot_write(ctx->meta->seq, procs, &r);
 *   }
 *
 * The seed's text protocol (BPF_SEQ_PRINTF of "[event]\n" then
 * "name=value\0" per field) needs no declaration at all.
 */
#define __GADGET_SNAPSHOTTER_2(iter, row_type)					\
	const volatile row_type iter##_output = {}

#define gadget_snapshot_write(seq, iter, row)					\
	({									\
		asm volatile("" :: "r"(&iter##_output));			\
		bpf_seq_write(seq, row, sizeof(iter##_output));			\
	})

/*
 * GADGET_PARAM(type, name, default): a gadget parameter.  Every
 * "const volatile" global (other than *_output) is a parameter; the runtime
 * sets it before load from --param name=value, typed from BTF.  Describe it
 * in the build file: "params": {"name": {"description": "..."}}.
 */
#define __GADGET_PARAM_3(type, name, def)	const volatile type name = def

/*
 * GADGET_BPF_STATS: the gadget reads BPF programs' run counts and run times
 * (struct bpf_prog_stats), which the kernel keeps only while statistics are
 * on.  The runtime turns them on for the run with BPF_ENABLE_STATS: a
 * reference held by the run, dropped by the kernel when it ends (even on a
 * crash); kernel.bpf_stats_enabled is never written.
 */
#define GADGET_BPF_STATS	const volatile bool gadget_bpf_stats __weak = true

/*
 * A topper may also have iter/ programs: the runtime runs them (their
 * output is discarded) every interval before it reads the print_ table, so
 * an iterator can fill the table (top_ebpf walks iter/bpf_prog).
 */

/* Metrics: the key struct's members become labels, the value the sample. */
#define GADGET_COUNTER(name, key_type, max)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_HASH);				\
		__uint(max_entries, max);					\
		__type(key, key_type);						\
		__type(value, __u64);						\
	} counter_##name SEC(".maps")

#define GADGET_GAUGE(name, key_type, max)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_HASH);				\
		__uint(max_entries, max);					\
		__type(key, key_type);						\
		__type(value, __s64);						\
	} gauge_##name SEC(".maps")

/*
 * Histogram with log2 buckets: value is struct gadget_hist (see metrics.h).
 * End the name with the unit of the recorded values (hist_latency_us,
 * hist_rtt_ms, hist_size_bytes; also _ns, _s, _kb, _pkts): `gadget run`
 * prints the distribution in that unit ("usecs"), else as "value".
 */
#define GADGET_HIST_SLOTS 32
struct gadget_hist {
	__u64 slots[GADGET_HIST_SLOTS];
	__u64 sum;
	__u64 count;
};
#define GADGET_HISTOGRAM(name, key_type, max)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_HASH);				\
		__uint(max_entries, max);					\
		__type(key, key_type);						\
		__type(value, struct gadget_hist);				\
	} hist_##name SEC(".maps")

/*
 * Updating metrics from a program.  Slot i of a histogram counts the values
 * v with floor(log2(v)) == i (0 and 1 go to slot 0); the runtime exports slot
 * i as the bucket le="2^(i+1)-1".  Values of 2^32 and more are only in sum and
 * count, so Prometheus sees them in the +Inf bucket.
 *
 *   gadget_counter_add(calls, &key, 1);
 *   gadget_gauge_set(queue_len, &key, len);
 *   gadget_hist_record(latency, &key, delta_ns);
 */
static __always_inline __u32 gadget_log2(__u64 v)
{
	__u32 r, shift;

	r = (v > 0xFFFFFFFFULL) << 5; v >>= r;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	return r | (__u32)(v >> 1);
}

static __always_inline void gadget_hist_observe(struct gadget_hist *h, __u64 v)
{
	__u32 slot = gadget_log2(v);

	if (slot < GADGET_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, v);
	__sync_fetch_and_add(&h->count, 1);
}

/* Look the key up, creating a zero entry the first time. */
#define gadget_metric_entry(map, key, value_type)				\
	({									\
		value_type *__e = bpf_map_lookup_elem(&(map), key);		\
		if (!__e) {							\
			static const value_type __zero;				\
			bpf_map_update_elem(&(map), key, &__zero, BPF_NOEXIST);	\
			__e = bpf_map_lookup_elem(&(map), key);			\
		}								\
		__e;								\
	})

#define gadget_counter_add(name, key, n)					\
	({									\
		__u64 *__c = gadget_metric_entry(counter_##name, key, __u64);	\
		if (__c)							\
			__sync_fetch_and_add(__c, n);				\
	})

#define gadget_gauge_set(name, key, v)						\
	({									\
		__s64 __v = (v);						\
		bpf_map_update_elem(&gauge_##name, key, &__v, BPF_ANY);	\
	})

#define gadget_hist_record(name, key, v)					\
	({									\
		struct gadget_hist *__h =					\
			gadget_metric_entry(hist_##name, key, struct gadget_hist); \
		if (__h)							\
			gadget_hist_observe(__h, v);				\
	})

/*
 * Inspektor Gadget's API beside ours.  Where a name is both theirs and
 * ours, the number of arguments tells which is meant:
 *
 *   GADGET_TRACER(name, struct event)          ours: print_<name> ring buffer
 *   GADGET_TRACER(name, map, event)            IG: marks map as the output of
 *                                               data source name, its records
 *                                               struct event
 *   GADGET_SNAPSHOTTER(iter, struct row)       ours: <iter>_output
 *   GADGET_SNAPSHOTTER(name, row, progs...)    IG: iterators progs write rows
 *                                               of struct row (also GADGET_ITER)
 *   GADGET_PARAM(type, name, default)          ours: declares the param
 *   GADGET_PARAM(var)                          IG: marks var as a param
 *   gadget_reserve_buf(name) / (&map, size), gadget_submit_buf(ctx, name, e) /
 *   (ctx, &map, e, size), gadget_discard_buf(name, e) / (e): ours / IG's
 *   (gadget/buffer.h)
 *
 * IG's macros emit marker variables that the validator reads
 * (info/markers.h): gadget_tracer_<name>___<map>___<struct>,
 * gadget_snapshotter_<name>___<struct>___<prog>..., gadget_mapiter_<name>___<map>,
 * gadget_param_<var>, gadget_map_tracer_<map>.  Names must not contain "___".
 */
#define __GADGET_CAT_(a, b) a##b
#define __GADGET_CAT(a, b) __GADGET_CAT_(a, b)
#define __GADGET_NARGS_(_1, _2, _3, _4, _5, _6, n, ...) n
#define __GADGET_NARGS(...) __GADGET_NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define __GADGET_BY_NARGS(macro, ...) __GADGET_CAT(macro, __GADGET_NARGS(__VA_ARGS__))(__VA_ARGS__)

#define GADGET_TRACER(...)		__GADGET_BY_NARGS(__GADGET_TRACER_, __VA_ARGS__)
#define GADGET_SNAPSHOTTER(...)		__GADGET_BY_NARGS(__GADGET_SNAPSHOTTER_, __VA_ARGS__)
#define GADGET_PARAM(...)		__GADGET_BY_NARGS(__GADGET_PARAM_, __VA_ARGS__)
#define gadget_reserve_buf(...)		__GADGET_BY_NARGS(__gadget_reserve_buf_, __VA_ARGS__)
#define gadget_submit_buf(...)		__GADGET_BY_NARGS(__gadget_submit_buf_, __VA_ARGS__)
#define gadget_discard_buf(...)		__GADGET_BY_NARGS(__gadget_discard_buf_, __VA_ARGS__)

#define __GADGET_MARKER(name)	const void *name __attribute__((unused))

#define __GADGET_TRACER_3(name, map, event_type)				\
	__GADGET_MARKER(gadget_tracer_##name##___##map##___##event_type);	\
	const struct event_type *__gadget_tracer_type_##name __attribute__((unused))

#define __GADGET_PARAM_1(var)	__GADGET_MARKER(gadget_param_##var)

#define __GADGET_SNAPSHOTTER_3(name, type, p1)					\
	__GADGET_MARKER(gadget_snapshotter_##name##___##type##___##p1);	\
	const struct type *__gadget_snapshotter_type_##name __attribute__((unused))
#define __GADGET_SNAPSHOTTER_4(name, type, p1, p2)				\
	__GADGET_MARKER(gadget_snapshotter_##name##___##type##___##p1##___##p2); \
	const struct type *__gadget_snapshotter_type_##name __attribute__((unused))
#define __GADGET_SNAPSHOTTER_5(name, type, p1, p2, p3)				\
	__GADGET_MARKER(gadget_snapshotter_##name##___##type##___##p1##___##p2##___##p3); \
	const struct type *__gadget_snapshotter_type_##name __attribute__((unused))
#define GADGET_ITER(name, type, ...)	GADGET_SNAPSHOTTER(name, type, __VA_ARGS__)

/* A hash map the runtime reads every interval as a table (a topper). */
#define GADGET_MAPITER(name, map)	__GADGET_MARKER(gadget_mapiter_##name##___##map)

/* IG's buffer API (gadget/buffer.h defines the functions and gadget_heap). */
#define __gadget_reserve_buf_2(map, size)	__gadget_ig_reserve_buf(map, size)
#define __gadget_submit_buf_4(ctx, map, buf, size) __gadget_ig_submit_buf(ctx, map, buf, size)
#define __gadget_discard_buf_1(buf)		__gadget_ig_discard_buf(buf)

#endif
