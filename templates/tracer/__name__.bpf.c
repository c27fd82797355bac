// SPDX-License-Identifier: GPL-2.0
/* {{name}}: a tracer, one event per openat(2) call. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "gadget/gadget.h"

#define NAME_MAX 255

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	__u32 uid;
	gadget_comm comm;
	__s32 flags;
	char fname[NAME_MAX + 1];
};

GADGET_TRACER(open, struct event);

GADGET_PARAM(__u32, targ_pid, 0);

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id = gadget_get_mntns_id();
	struct event *e;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;

	e = gadget_reserve_buf(open);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->flags = (__s32)ctx->args[2];
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), (const char *)ctx->args[1]);
	gadget_submit_buf(ctx, open, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
