// SPDX-License-Identifier: GPL-2.0
/*
 * {{name}}: a snapshotter.  An iter/task program walks every task once
 * per run and writes one row per process with gadget_snapshot_write().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

struct proc_row {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_pid ppid;
	__u32 uid;
	__u32 nr_threads;
	gadget_comm comm;
};

GADGET_SNAPSHOTTER(procs, struct proc_row);

GADGET_PARAM(bool, show_threads, false);

SEC("iter/task")
int procs(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct proc_row row = {};

	if (!task)
		return 0;
	/* Threads share their leader's tgid: keep the leader only. */
	if (!show_threads && task->pid != task->tgid)
		return 0;
	row.mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (gadget_should_discard_mntns_id(row.mntns_id))
		return 0;
	row.pid = task->tgid;
	row.tid = task->pid;
	row.ppid = BPF_CORE_READ(task, real_parent, tgid);
	row.uid = BPF_CORE_READ(task, cred, uid.val);
	row.nr_threads = BPF_CORE_READ(task, signal, nr_threads);
	bpf_probe_read_kernel_str(row.comm, sizeof(row.comm), task->comm);
	gadget_snapshot_write(ctx->meta->seq, procs, &row);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
