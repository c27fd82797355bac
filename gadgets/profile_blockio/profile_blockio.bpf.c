// SPDX-License-Identifier: GPL-2.0
/*
 * profile_blockio: a log2 histogram of block I/O latency (biolatency),
 * optionally one per disk.
 *
 * Hooks: the block:block_rq_insert, block:block_rq_issue and
 * block:block_rq_complete tracepoints as tp_btf programs (typed
 * struct request *, no kprobes needed): the latency is complete - issue
 * (time on the device), or complete - insert with queued=true (the OS
 * queue too).  Requests are matched by their address, like biolatency.
 * Completions run in interrupt context: there is no process to filter on,
 * so the gadget has no container filter.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "gadget/gadget.h"

#define DISK_NAME_LEN 32

struct hist_key {
	char disk[DISK_NAME_LEN];	/* empty unless per_disk */
};

GADGET_PARAM(bool, per_disk, false);
GADGET_PARAM(bool, queued, false);

/* microseconds: the _us suffix names the unit the runtime prints */
GADGET_HISTOGRAM(latency_us, struct hist_key, 64);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* the request's address */
	__type(value, __u64);
} start SEC(".maps");

static __always_inline int mark_start(struct request *rq, bool is_insert)
{
	__u64 ts, id = (__u64)rq;

	if (is_insert != queued)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &id, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(rq_insert, struct request *rq)
{
	return mark_start(rq, true);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue, struct request *rq)
{
	return mark_start(rq, false);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct hist_key key = {};
	__u64 *tsp, delta, id = (__u64)rq;

	tsp = bpf_map_lookup_elem(&start, &id);
	if (!tsp)
		return 0;
	delta = (bpf_ktime_get_ns() - *tsp) / 1000;
	bpf_map_delete_elem(&start, &id);
	if (per_disk)
		BPF_CORE_READ_STR_INTO(&key.disk, rq, q, disk, disk_name);
	gadget_hist_record(latency_us, &key, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
