// SPDX-License-Identifier: Apache-2.0
/* A tracer's events as they come, from its ring buffer or perf event array. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/run_int.h"

/* 1 ms of events at 500 k/s is ~150 KB, well inside a 1 MB ring buffer */
#define RUN_BATCH_NS 1000000

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	struct gadget_run *r = ctx;
	struct row row = { .rec = { data, NULL }, .seq = ++r->rows };

	/*
	 * libbpf's ring_buffer__poll() keeps consuming while the producer
	 * keeps producing: a callback error is the only way out of it, so a
	 * stop (signal, deadline) must not wait for a quiet moment.
	 */
	if (run_count_reached(r) || (r->draining ? !r->drain_budget-- : run_should_stop(r)))
		return -EINTR;
	/*
	 * Variable-length records (execsnoop's EVENT_SIZE, IG's trace_exec:
	 * the args array cut to what was read) are shorter than the struct:
	 * decoded zero-padded, as if the rest were empty.
	 */
	if (size < r->info->event->size) {
		memcpy(r->pad, data, size);
		memset(r->pad + size, 0, r->info->event->size - size);
		row.rec[ROW_EVENT] = r->pad;
	}
	return run_emit(r, &row);
}

static void on_perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	on_ringbuf(ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	(void)cpu;
	((struct gadget_run *)ctx)->lost += n;
}

/*
 * Events a full ring buffer dropped in the kernel, counted per CPU by
 * gadget_reserve_buf() in "gadget_lost_<name>" for "print_<name>".
 */
static unsigned long long kernel_lost(struct gadget_run *r)
{
	const char *print = r->info->print_map->name;
	unsigned long long sum = 0, *v;
	int ncpu = libbpf_num_possible_cpus();
	struct bpf_map *m;
	char name[BPF_OBJ_NAME_LEN + 16];
	__u32 zero = 0;

	snprintf(name, sizeof(name), GADGET_LOST_PREFIX "%s", map_role_short_name(MAP_ROLE_PRINT, print));
	m = bpf_object__find_map_by_name(r->obj, name);
	if (!m || ncpu <= 0 || bpf_map__value_size(m) != sizeof(*v) || !(v = calloc(ncpu, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(m), &zero, v))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

int tracer_run(struct gadget_run *r, struct gadget_err *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(r->obj, r->info->print_map->name);
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	int ret = 0;

	if (!m)
		return gadget_err_set(err, ENOENT, "map %s not found", r->info->print_map->name);
	r->pad = calloc(1, r->info->event->size ? r->info->event->size : 1);
	if (!r->pad)
		return gadget_err_set(err, ENOMEM, "out of memory");
	if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
		rb = ring_buffer__new(bpf_map__fd(m), on_ringbuf, r, NULL);
	else
		pb = perf_buffer__new(bpf_map__fd(m), r->opts.buffer_size ? r->opts.buffer_size / getpagesize() : 64,
				      on_perf_sample, on_perf_lost, r, NULL);
	if (!rb && !pb)
		return gadget_err_set(err, errno, "reading %s: %s", bpf_map__name(m), strerror(errno));
	printer_header(&r->out);
	printer_flush(&r->out);
	while (!run_should_stop(r)) {
		ret = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (ret == -EINTR)
			ret = 0;
		if (ret < 0)
			break;
		/*
		 * The kernel wakes a reader that has caught up for every
		 * event: under load that is most of the reader's CPU (and a
		 * wake-up IPI per event for the traced process).  After a poll
		 * that found events, let the next ones pile up for a moment,
		 * without wake-ups, and take them as one batch; an idle gadget
		 * still shows its first event at once.
		 */
		if (ret > 0) {
			struct timespec batch = { .tv_nsec = RUN_BATCH_NS };

			nanosleep(&batch, NULL);
		}
		ret = printer_flush(&r->out);
	}
	/* what the kernel had written when we stopped is still shown, no more */
	if (rb && !r->out.error) {
		r->draining = true;
		r->drain_budget = bpf_map__max_entries(m) / ((r->info->event->size + 8 + 7) / 8 * 8) + 1;
		ring_buffer__consume(rb);
	}
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	free(r->pad);
	r->pad = NULL;
	r->lost += kernel_lost(r);
	/* output errors are reported by runtime_run() */
	if (ret < 0 && ret != r->out.error)
		return gadget_err_set(err, -ret, "reading events: %s", strerror(-ret));
	return 0;
}
