// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_process: the processes (or threads) running now, one row each.
 * An iter/task program visits every task of the machine once per snapshot,
 * as Inspektor Gadget's snapshot process does; no probe is attached, so it
 * runs on kernels without kprobes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

struct process_row {
	gadget_mntns_id mntns_id;
	gadget_pid pid;		/* user-space pid: the kernel's tgid */
	gadget_pid tid;		/* the kernel's pid */
	gadget_pid ppid;	/* the parent process (real_parent's tgid) */
	__u32 uid;
	__u32 gid;
	__u32 nr_threads;
	gadget_comm comm;
};

GADGET_SNAPSHOTTER(processes, struct process_row);

GADGET_PARAM(bool, show_threads, false);

SEC("iter/task")
int processes(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct process_row row = {};

	if (!task)
		return 0;
	/* a thread shares its leader's tgid: by default show the leader only */
	if (!show_threads && task->pid != task->tgid)
		return 0;
	row.mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (gadget_should_discard_mntns_id(row.mntns_id))
		return 0;
	row.pid = task->tgid;
	row.tid = task->pid;
	row.ppid = BPF_CORE_READ(task, real_parent, tgid);
	row.uid = BPF_CORE_READ(task, cred, uid.val);
	row.gid = BPF_CORE_READ(task, cred, gid.val);
	row.nr_threads = BPF_CORE_READ(task, signal, nr_threads);
	bpf_probe_read_kernel_str(row.comm, sizeof(row.comm), task->comm);
	gadget_snapshot_write(ctx->meta->seq, processes, &row);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
