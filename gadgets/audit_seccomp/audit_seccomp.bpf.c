// SPDX-License-Identifier: GPL-2.0
/*
 * audit_seccomp: one event per seccomp decision the kernel audits (an
 * action other than ALLOW from a filter with SECCOMP_FILTER_FLAG_LOG, or
 * the LOG and KILL actions), with the syscall and the action.
 *
 * A kprobe on audit_seccomp(), as Inspektor Gadget's audit seccomp: no
 * tracepoint or raw tracepoint carries this.  The kernel has no seccomp
 * tracepoint; what other hooks see (sys_exit without sys_enter for a
 * skipped syscall, SIGSYS at signal:signal_generate, the "audit:
 * type=1326" line at printk:console when no audit daemon runs) misses the
 * LOG action and the exact action code, so it is not the same
 * information: on kernels without kprobes this gadget builds and
 * validates, and `gadget run` says kprobes are missing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "gadget/gadget.h"

/* include/uapi/linux/seccomp.h: the action part of a filter's result */
enum seccomp_action {
	SECCOMP_RET_KILL_THREAD = 0x00000000,
	SECCOMP_RET_TRAP = 0x00030000,
	SECCOMP_RET_ERRNO = 0x00050000,
	SECCOMP_RET_USER_NOTIF = 0x7fc00000,
	SECCOMP_RET_TRACE = 0x7ff00000,
	SECCOMP_RET_LOG = 0x7ffc0000,
	SECCOMP_RET_ALLOW = 0x7fff0000,
	SECCOMP_RET_KILL_PROCESS = 0x80000000,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	gadget_comm comm;
	gadget_syscall syscall;
	gadget_signal sig;		/* the signal the action sends, 0 if none */
	enum seccomp_action code;
};

GADGET_TRACER(seccomp, struct event);

SEC("kprobe/audit_seccomp")
int BPF_KPROBE(audit_seccomp_k, unsigned long syscall, long signr, int code)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id = gadget_get_mntns_id();
	struct event *e;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	e = gadget_reserve_buf(seccomp);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->syscall = syscall;
	e->sig = signr;
	/* SECCOMP_RET_ACTION_FULL: the low 16 bits are the action's data */
	e->code = (__u32)code & 0xffff0000;
	gadget_submit_buf(ctx, seccomp, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
