// SPDX-License-Identifier: GPL-2.0
/*
 * trace_signal: one event per signal sent, from the signal:signal_generate
 * tracepoint, which fires in the sender's context for kill(2), tgkill(2),
 * kernel-generated signals (SIGSEGV, SIGCHLD, ...) alike.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

/* what the kernel did with the signal (enum trace_signal_result) */
enum signal_result {
	DELIVERED = 0,
	IGNORED = 1,
	ALREADY_PENDING = 2,
	OVERFLOW_FAIL = 3,
	LOSE_INFO = 4,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;			/* sender */
	gadget_pid tpid;		/* target */
	__u32 uid;
	gadget_signal sig;
	gadget_errno error;
	enum signal_result result;
	gadget_comm comm;		/* sender */
	gadget_comm tcomm;		/* target */
};

GADGET_TRACER(signal, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(__u32, targ_signal, 0);
GADGET_PARAM(bool, failed_only, false);
GADGET_PARAM(bool, kill_only, false);

SEC("tracepoint/signal/signal_generate")
int sig_generate(struct trace_event_raw_signal_generate *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id;
	struct event *e;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	if (targ_signal && targ_signal != (__u32)ctx->sig)
		return 0;
	if (failed_only && ctx->errno == 0 && ctx->result == DELIVERED)
		return 0;
	/* SIGKILL only, for "who killed my process" */
	if (kill_only && ctx->sig != 9)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;

	e = gadget_reserve_buf(signal);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tpid = ctx->pid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->sig = ctx->sig;
	e->error = ctx->errno;
	e->result = ctx->result;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* ctx->comm is not 8-byte aligned: no direct copy from ctx */
	bpf_probe_read_kernel(e->tcomm, sizeof(e->tcomm), ctx->comm);
	gadget_submit_buf(ctx, signal, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
