// SPDX-License-Identifier: GPL-2.0
/*
 * top_blockio: block I/O per process and device, like IG's top block-io
 * and biotop(8): operations, bytes and time on the device, every interval.
 *
 * Hooks (tp_btf, no kprobes: biotop's kprobe on blk_account_io_start cannot
 * run here):
 *   block:block_io_start    called from blk_account_io_start() in the
 *                           submitter's context: who (pid, comm, mntns)
 *   block:block_rq_issue    the request goes to the device: start time, size
 *   block:block_rq_complete done: add ops, bytes, time to the table
 * Requests are matched by their address.  I/O nobody submitted from a
 * process (writeback started before the gadget, the kernel's own) is shown
 * with pid 0, and dropped when a container filter is active.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "gadget/gadget.h"

#define MINORBITS 20
#define REQ_OP_MASK 0xff	/* (1 << REQ_OP_BITS) - 1, a macro vmlinux.h lacks */

/* enum req_op's values, our own names (printed by name) */
enum blockio_op {
	READ = 0,
	WRITE = 1,
	FLUSH = 2,
	DISCARD = 3,
	SECURE_ERASE = 5,
	ZONE_APPEND = 7,
	WRITE_ZEROES = 9,
};

struct io_key {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_comm comm;
	enum blockio_op op;
	__u32 major;
	__u32 minor;
};

struct io_stats {
	__u64 bytes;
	gadget_duration time;	/* on the device, summed */
	__u32 ios;
};

struct who {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_comm comm;
};

struct start {
	__u64 ts;
	__u32 len;
};

GADGET_TOPPER(blockio, struct io_key, struct io_stats, 10240);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* request address */
	__type(value, struct who);
} who_by_rq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct start);
} start_by_rq SEC(".maps");

SEC("tp_btf/block_io_start")
int BPF_PROG(io_start, struct request *rq)
{
	__u64 id = (__u64)rq;
	struct who w = {};

	w.mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(w.mntns_id))
		return 0;
	w.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(w.comm, sizeof(w.comm));
	bpf_map_update_elem(&who_by_rq, &id, &w, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue, struct request *rq)
{
	__u64 id = (__u64)rq;
	struct start s = {
		.ts = bpf_ktime_get_ns(),
		.len = BPF_CORE_READ(rq, __data_len),
	};

	bpf_map_update_elem(&start_by_rq, &id, &s, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 id = (__u64)rq, delta;
	struct io_stats *st, zero = {};
	struct io_key key = {};
	struct start *s;
	struct who *w;
	dev_t dev;

	s = bpf_map_lookup_elem(&start_by_rq, &id);
	if (!s)
		return 0;
	delta = bpf_ktime_get_ns() - s->ts;
	w = bpf_map_lookup_elem(&who_by_rq, &id);
	if (w) {
		key.mntns_id = w->mntns_id;
		key.pid = w->pid;
		__builtin_memcpy(key.comm, w->comm, sizeof(key.comm));
	} else if (gadget_filter_by_mntns) {
		goto out;
	}
	dev = BPF_CORE_READ(rq, part, bd_dev);
	if (!dev)
		dev = BPF_CORE_READ(rq, q, disk, major) << MINORBITS |
		      BPF_CORE_READ(rq, q, disk, first_minor);
	key.major = dev >> MINORBITS;
	key.minor = dev & ((1U << MINORBITS) - 1);
	key.op = BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK;

	st = bpf_map_lookup_elem(&print_blockio, &key);
	if (!st) {
		bpf_map_update_elem(&print_blockio, &key, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&print_blockio, &key);
		if (!st)
			goto out;
	}
	__sync_fetch_and_add(&st->bytes, s->len);
	__sync_fetch_and_add(&st->time, delta);
	__sync_fetch_and_add(&st->ios, 1);
out:
	bpf_map_delete_elem(&start_by_rq, &id);
	bpf_map_delete_elem(&who_by_rq, &id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
