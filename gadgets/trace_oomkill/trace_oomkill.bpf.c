// SPDX-License-Identifier: GPL-2.0
/*
 * trace_oomkill: one event per process the OOM killer picks, from the
 * oom:mark_victim tracepoint.
 *
 * Inspektor Gadget's trace oomkill (like libbpf-tools' oomkill) puts a
 * kprobe on oom_kill_process() to read the struct oom_control.  Kernels
 * without kprobes still have the oom:mark_victim tracepoint, which fires
 * in __oom_kill_process(), in the context of the task whose allocation
 * ran out of memory: the current task is the trigger, the tracepoint's
 * record names the victim with its memory use (in kB, since Linux 6.5
 * also uid, pgtables and oom_score_adj).  What no tracepoint gives is
 * oom_control's totalpages (the size of the constrained memory): "pages"
 * here is the victim's resident set (anon + file + shmem) in pages.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define KB_PER_PAGE 4	/* x86_64 4 KiB pages */

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;	/* the trigger's */
	gadget_pid fpid;		/* trigger: whose allocation failed */
	gadget_pid ftid;
	__u32 fuid;
	gadget_comm fcomm;
	gadget_pid tpid;		/* target: the victim */
	__u32 tuid;
	gadget_comm tcomm;
	__u64 pages;			/* victim's resident pages */
	__u64 total_vm_kb;
	__u64 anon_rss_kb;
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u64 pgtables_kb;
	__s16 oom_score_adj;
};

GADGET_TRACER(oomkill, struct event);

SEC("tracepoint/oom/mark_victim")
int oom_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id = gadget_get_mntns_id();
	__u32 comm_off;
	struct event *e;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	e = gadget_reserve_buf(oomkill);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->fpid = pid_tgid >> 32;
	e->ftid = (__u32)pid_tgid;
	e->fuid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->fcomm, sizeof(e->fcomm));
	e->tpid = ctx->pid;
	/* comm is a __data_loc string: offset in the low 16 bits */
	comm_off = ctx->__data_loc_comm & 0xffff;
	bpf_probe_read_kernel_str(e->tcomm, sizeof(e->tcomm), (void *)ctx + comm_off);
	e->total_vm_kb = ctx->total_vm;
	e->anon_rss_kb = ctx->anon_rss;
	e->file_rss_kb = ctx->file_rss;
	e->shmem_rss_kb = ctx->shmem_rss;
	e->pages = (ctx->anon_rss + ctx->file_rss + ctx->shmem_rss) / KB_PER_PAGE;
	/* uid, pgtables and oom_score_adj came with Linux 6.5 */
	if (bpf_core_field_exists(ctx->uid)) {
		e->tuid = BPF_CORE_READ(ctx, uid);
		e->pgtables_kb = BPF_CORE_READ(ctx, pgtables);
		e->oom_score_adj = BPF_CORE_READ(ctx, oom_score_adj);
	}
	gadget_submit_buf(ctx, oomkill, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
