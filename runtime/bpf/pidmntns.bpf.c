// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The runtime's pid -> mount-ns tracker (the seed's "global ebpf map linking
 * processes to mount_ns_id"): gadgets that only report a gadget_pid are
 * enriched through this map.  Entries are not removed when a process exits,
 * only stamped, so events read after the exit still resolve; userspace
 * (runtime/enrich_pid.c) drops them once they are older than its ttl.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct pidmntns_val {
	__u64 mntns;
	__u64 exit_ns;		/* bpf_ktime_get_boot_ns() at exit, 0 while alive */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);	/* tgid */
	__type(value, struct pidmntns_val);
} gadget_pid_mntns SEC(".maps");

static __always_inline void record(struct task_struct *task)
{
	struct pidmntns_val v = {
		.mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum),
	};
	__u32 tgid = BPF_CORE_READ(task, tgid);

	bpf_map_update_elem(&gadget_pid_mntns, &tgid, &v, BPF_ANY);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pidmntns_fork, struct task_struct *parent, struct task_struct *child)
{
	/* a new thread shares its process's entry */
	if (child->pid == child->tgid)
		record(child);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pidmntns_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	record(p);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pidmntns_exit, struct task_struct *p)
{
	struct pidmntns_val *v;
	__u32 tgid = p->tgid;

	if (p->pid != p->tgid)
		return 0;
	v = bpf_map_lookup_elem(&gadget_pid_mntns, &tgid);
	if (v)
		v->exit_ns = bpf_ktime_get_boot_ns();
	return 0;
}

/* unshare(CLONE_NEWNS) and setns() move the caller to another namespace. */
SEC("tracepoint/syscalls/sys_exit_unshare")
int pidmntns_unshr(void *ctx)
{
	record((struct task_struct *)bpf_get_current_task_btf());
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setns")
int pidmntns_setns(void *ctx)
{
	record((struct task_struct *)bpf_get_current_task_btf());
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
