/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_COMMON_H
#define __GADGET_COMMON_H

/*
 * Inspektor Gadget's gadget_process_populate(): the current process, its
 * credentials and its parent, into a struct gadget_process member of an
 * event ("proc": printed as proc.comm, proc.pid, proc.parent.comm ...).
 * CO-RE flavors hold just the members read, as gadget/filter.h does.
 */
#include "gadget/ig_api.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gadget/types.h"
#include "gadget/mntns.h"

struct task_struct___gadget_proc {
	int pid;
	int tgid;
	char comm[16];
	struct task_struct___gadget_proc *real_parent;
} __attribute__((preserve_access_index));

static __always_inline void gadget_process_populate(struct gadget_process *p)
{
	struct task_struct___gadget_proc *task = (void *)bpf_get_current_task();
	struct task_struct___gadget_proc *parent;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	p->pid = pid_tgid >> 32;
	p->tid = (__u32)pid_tgid;
	p->creds.uid = (__u32)uid_gid;
	p->creds.gid = uid_gid >> 32;
	p->mntns_id = gadget_get_mntns_id();
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	parent = BPF_CORE_READ(task, real_parent);
	if (!parent)
		return;
	p->parent.pid = BPF_CORE_READ(parent, tgid);
	bpf_probe_read_kernel_str(p->parent.comm, sizeof(p->parent.comm), parent->comm);
}

/*
 * The name IG's gadgets used before gadget_process_populate() (v0.2x:
 * trace_exec, trace_bind, trace_malloc, top_file call it on a struct
 * gadget_process).  Without it clang 14 only warns of an implicit
 * declaration, and the object cannot be linked.
 */
static __always_inline void gadget_fill_current_process(struct gadget_process *p)
{
	gadget_process_populate(p);
}

#endif
