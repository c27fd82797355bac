/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_CORE_FIXES_BPF_H
#define __GADGET_CORE_FIXES_BPF_H

/*
 * libbpf-tools' core_fixes.bpf.h API as IG ships it: kernel fields that
 * were renamed, read through CO-RE flavors so one object runs on both
 * sides of the rename.
 */
#include <bpf/bpf_core_read.h>

/*
 * A call the verifier refuses with libbpf's message for a failed CO-RE
 * relocation ("invalid func unknown#195896080", 0xbad2310: "bad relo"):
 * put where a CO-RE guard found nothing, so that loading fails if that
 * branch is reachable on this kernel instead of running without data.
 */
static void (*bpf_core_unreachable)(void) = (void *)0xbad2310;

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

/* bio::bi_disk became bi_bdev->bd_disk in 5.12 */
struct bio___gadget_o {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));
struct bio___gadget_x {
	struct block_device *bi_bdev;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *get_gendisk(void *bio)
{
	struct bio___gadget_x *b = bio;

	if (bpf_core_field_exists(b->bi_bdev))
		return BPF_CORE_READ(b, bi_bdev, bd_disk);
	return BPF_CORE_READ((struct bio___gadget_o *)bio, bi_disk);
}

/* block_rq_error (5.19) shares block_rq_complete's event struct, renamed */
struct trace_event_raw_block_rq_completion___gadget {
	unsigned int nr_sector;
} __attribute__((preserve_access_index));

static __always_inline bool has_block_rq_completion(void)
{
	return bpf_core_type_exists(struct trace_event_raw_block_rq_completion___gadget);
}

/* vfs_create()/vfs_unlink() took a user namespace first in 5.12 (idmapped mounts) */
struct renamedata___gadget {
	struct user_namespace *old_mnt_userns;
} __attribute__((preserve_access_index));

static __always_inline bool renamedata_has_old_mnt_userns_field(void)
{
	return bpf_core_field_exists(struct renamedata___gadget, old_mnt_userns);
}

/* kmem:kfree and kmem:kmem_cache_free got their own event structs in 6.0 */
struct trace_event_raw_kfree___gadget {
	const void *ptr;
} __attribute__((preserve_access_index));
struct trace_event_raw_kmem_cache_free___gadget {
	const void *ptr;
} __attribute__((preserve_access_index));

static __always_inline bool has_kfree(void)
{
	return bpf_core_type_exists(struct trace_event_raw_kfree___gadget);
}

static __always_inline bool has_kmem_cache_free(void)
{
	return bpf_core_type_exists(struct trace_event_raw_kmem_cache_free___gadget);
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
