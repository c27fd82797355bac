/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_CORE_FIXES_BPF_H
#define __GADGET_CORE_FIXES_BPF_H

/*
 * libbpf-tools' core_fixes.bpf.h API as IG ships it: kernel fields that
 * were renamed, read through CO-RE flavors so one object runs on both
 * sides of the rename.
 */
#include <bpf/bpf_core_read.h>

/* task_struct::state became __state in 5.14 */
struct task_struct___gadget_o {
	volatile long state;
} __attribute__((preserve_access_index));
struct task_struct___gadget_x {
	unsigned int __state;
} __attribute__((preserve_access_index));

static __always_inline __s64 get_task_state(void *task)
{
	struct task_struct___gadget_x *t = task;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___gadget_o *)task, state);
}

/* request::rq_disk went away in 5.17: the disk is rq->q->disk since */
struct request_queue___gadget {
	struct gendisk *disk;
} __attribute__((preserve_access_index));
struct request___gadget {
	struct request_queue___gadget *q;
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *get_disk(void *request)
{
	struct request___gadget *r = request;

	if (bpf_core_field_exists(r->rq_disk))
		return BPF_CORE_READ(r, rq_disk);
	return BPF_CORE_READ(r, q, disk);
}

/* block_rq_issue lost its request_queue argument in 5.11 */
struct trace_event_raw_block_rq___gadget_x {
	char rwbs[8];
} __attribute__((preserve_access_index));

static __always_inline bool has_block_rq_issue_single_arg(void)
{
	return bpf_core_type_exists(struct trace_event_raw_block_rq___gadget_x);
}

#endif
