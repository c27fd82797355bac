// SPDX-License-Identifier: GPL-2.0
/*
 * trace_capabilities: one event per capability check, with the
 * capability, the verdict and the syscall that led to it.
 *
 * Inspektor Gadget's trace capabilities (and libbpf-tools' capable) put a
 * kprobe on cap_capable().  Since Linux 6.14 cap_capable() has its own
 * tracepoint, capability:cap_capable (cred, target_ns, capable_ns, cap,
 * ret), so kernels without kprobes see the same checks.  What the
 * tracepoint lacks is cap_capable()'s opts argument: the original's
 * "audit" (CAP_OPT_NOAUDIT) and "insetid" (CAP_OPT_INSETID) columns are
 * not available.  The syscall is the current task's, from its pt_regs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define PF_KTHREAD 0x00200000

/* include/uapi/linux/capability.h */
enum capability {
	CAP_CHOWN = 0,
	CAP_DAC_OVERRIDE = 1,
	CAP_DAC_READ_SEARCH = 2,
	CAP_FOWNER = 3,
	CAP_FSETID = 4,
	CAP_KILL = 5,
	CAP_SETGID = 6,
	CAP_SETUID = 7,
	CAP_SETPCAP = 8,
	CAP_LINUX_IMMUTABLE = 9,
	CAP_NET_BIND_SERVICE = 10,
	CAP_NET_BROADCAST = 11,
	CAP_NET_ADMIN = 12,
	CAP_NET_RAW = 13,
	CAP_IPC_LOCK = 14,
	CAP_IPC_OWNER = 15,
	CAP_SYS_MODULE = 16,
	CAP_SYS_RAWIO = 17,
	CAP_SYS_CHROOT = 18,
	CAP_SYS_PTRACE = 19,
	CAP_SYS_PACCT = 20,
	CAP_SYS_ADMIN = 21,
	CAP_SYS_BOOT = 22,
	CAP_SYS_NICE = 23,
	CAP_SYS_RESOURCE = 24,
	CAP_SYS_TIME = 25,
	CAP_SYS_TTY_CONFIG = 26,
	CAP_MKNOD = 27,
	CAP_LEASE = 28,
	CAP_AUDIT_WRITE = 29,
	CAP_AUDIT_CONTROL = 30,
	CAP_SETFCAP = 31,
	CAP_MAC_OVERRIDE = 32,
	CAP_MAC_ADMIN = 33,
	CAP_SYSLOG = 34,
	CAP_WAKE_ALARM = 35,
	CAP_BLOCK_SUSPEND = 36,
	CAP_AUDIT_READ = 37,
	CAP_PERFMON = 38,
	CAP_BPF = 39,
	CAP_CHECKPOINT_RESTORE = 40,
};

/*
 * The effective set as two bit sets, printed "chown|kill|...": clang 14
 * emits no 64-bit enum values in BTF (BTF_KIND_ENUM64 came with LLVM 15),
 * so capabilities 32 and up are a second field.
 */
enum cap_lo_flags {
	chown = 1U << 0,
	dac_override = 1U << 1,
	dac_read_search = 1U << 2,
	fowner = 1U << 3,
	fsetid = 1U << 4,
	kill = 1U << 5,
	setgid = 1U << 6,
	setuid = 1U << 7,
	setpcap = 1U << 8,
	linux_immutable = 1U << 9,
	net_bind_service = 1U << 10,
	net_broadcast = 1U << 11,
	net_admin = 1U << 12,
	net_raw = 1U << 13,
	ipc_lock = 1U << 14,
	ipc_owner = 1U << 15,
	sys_module = 1U << 16,
	sys_rawio = 1U << 17,
	sys_chroot = 1U << 18,
	sys_ptrace = 1U << 19,
	sys_pacct = 1U << 20,
	sys_admin = 1U << 21,
	sys_boot = 1U << 22,
	sys_nice = 1U << 23,
	sys_resource = 1U << 24,
	sys_time = 1U << 25,
	sys_tty_config = 1U << 26,
	mknod = 1U << 27,
	lease = 1U << 28,
	audit_write = 1U << 29,
	audit_control = 1U << 30,
	setfcap = 1U << 31,
};

enum cap_hi_flags {
	mac_override = 1U << 0,
	mac_admin = 1U << 1,
	syslog = 1U << 2,
	wake_alarm = 1U << 3,
	block_suspend = 1U << 4,
	audit_read = 1U << 5,
	perfmon = 1U << 6,
	bpf = 1U << 7,
	checkpoint_restore = 1U << 8,
};

enum cap_verdict {
	CAP_ALLOW,
	CAP_DENY,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;		/* of the credentials checked */
	__u32 gid;
	gadget_comm comm;
	enum capability cap;
	enum cap_verdict verdict;
	gadget_errno error;
	gadget_syscall syscall;	/* 4294967295 for kernel threads */
	__u64 current_userns;	/* the credentials' user namespace */
	__u64 target_userns;	/* the namespace the capability is needed in */
	enum cap_lo_flags cap_effective;	/* capabilities 0-31 of the credentials */
	enum cap_hi_flags cap_effective_hi;	/* 32-40 */
};

GADGET_TRACER(caps, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(bool, unique, false);

struct seen_key {
	gadget_mntns_id mntns_id;
	__u32 cap;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct seen_key);
	__type(value, __u8);
} seen SEC(".maps");

SEC("tracepoint/capability/cap_capable")
int cap_capable_tp(struct trace_event_raw_cap_capable *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	/* a trusted BTF pointer: what bpf_task_pt_regs() wants */
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = ctx->cred;
	gadget_mntns_id mntns_id;
	struct event *e;
	int cap = ctx->cap, ret = ctx->ret;
	__u64 eff;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	if (unique) {
		struct seen_key k = { .mntns_id = mntns_id, .cap = cap };
		__u8 one = 1;

		/* once per container and capability, as the original's --unique */
		if (bpf_map_update_elem(&seen, &k, &one, BPF_NOEXIST))
			return 0;
	}
	e = gadget_reserve_buf(caps);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = BPF_CORE_READ(cred, uid.val);
	e->gid = BPF_CORE_READ(cred, gid.val);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->cap = cap;
	e->verdict = ret ? CAP_DENY : CAP_ALLOW;
	e->error = ret < 0 ? -ret : ret;
	/* capable_ns is NULL when the check failed: the cred's own namespace */
	e->current_userns = BPF_CORE_READ(cred, user_ns, ns.inum);
	e->target_userns = BPF_CORE_READ(ctx, target_ns, ns.inum);
	eff = BPF_CORE_READ(cred, cap_effective.val);
	e->cap_effective = (__u32)eff;
	e->cap_effective_hi = eff >> 32;
	if (task->flags & PF_KTHREAD) {
		e->syscall = (__u32)-1;
	} else {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);

		/* x86_64: the syscall number the task entered with */
		e->syscall = regs->orig_ax;
	}
	gadget_submit_buf(ctx, caps, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
