// SPDX-License-Identifier: GPL-2.0
/*
 * trace_exec: one event per execve(2), with its arguments and result.
 * The arguments are read at sys_enter_execve (the old image's memory is
 * gone by the exit), kept per thread and sent at sys_exit_execve with the
 * return value, so failed execs are shown too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define ARGS_SIZE 256
#define ARG_MAX_LEN 128
#define MAX_ARGS 16

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid ppid;
	__u32 uid;
	gadget_errno retval;
	__u32 args_count;
	gadget_comm comm;
	/* argv joined with spaces, truncated to ARGS_SIZE - 1 bytes */
	char args[ARGS_SIZE];
};

GADGET_TRACER(exec, struct event);

GADGET_PARAM(bool, ignore_failed, false);
GADGET_PARAM(__u32, targ_uid, (__u32)-1);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} execs SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int exec_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, uid = (__u32)bpf_get_current_uid_gid();
	const char *const *argv = (const char *const *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	gadget_mntns_id mntns_id = gadget_get_mntns_id();
	struct event *e;
	__u32 off = 0;
	__u32 zero = 0;

	if (targ_uid != (__u32)-1 && targ_uid != uid)
		return 0;
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;

	/* Build the event in the scratch buffer: it is too big for the stack. */
	e = bpf_map_lookup_elem(&gadget_heap_exec, &zero);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = uid;
	e->retval = 0;
	e->args_count = 0;
	e->args[0] = 0;

	for (int i = 0; i < MAX_ARGS; i++) {
		const char *arg = NULL;
		long n;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		if (off > ARGS_SIZE - ARG_MAX_LEN)
			break;
		n = bpf_probe_read_user_str(&e->args[off], ARG_MAX_LEN, arg);
		if (n <= 0)
			break;
		e->args_count++;
		off += n;
		/* the terminating NUL becomes the separator */
		if (off - 1 < ARGS_SIZE)
			e->args[off - 1] = ' ';
	}
	if (off > 0 && off - 1 < ARGS_SIZE)
		e->args[off - 1] = 0;
	else
		e->args[0] = 0;
	bpf_map_update_elem(&execs, &tid, e, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exec_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *stored, *e;
	long ret = ctx->ret;

	stored = bpf_map_lookup_elem(&execs, &tid);
	if (!stored)
		return 0;
	if (ignore_failed && ret < 0)
		goto out;
	e = gadget_reserve_buf(exec);
	if (!e)
		goto out;
	bpf_probe_read_kernel(e, sizeof(*e), stored);
	e->retval = ret;
	/* after a successful exec, comm is the new program's name */
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	gadget_submit_buf(ctx, exec, e);
out:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
