// SPDX-License-Identifier: GPL-2.0
/*
 * traceloop: the system calls of processes or containers, one event per
 * call with its six arguments, its return value and its duration, like
 * Inspektor Gadget's traceloop (strace for containers).
 *
 * Two raw tracepoints, as the original: sys_enter keeps the arguments per
 * thread, sys_exit sends them with the return value.  Raw tracepoints
 * need no kprobes.  Arguments a call does not take are shown as 0 (the
 * counts come from the syscall tracepoints' formats, syscall_nargs.h).
 * For the calls below, one argument is also copied:
 * the path of the path-taking calls, the buffer of read/write (up to
 * DATA_LEN bytes; read's at the exit, once it is filled).  exit and
 * exit_group never return: they are sent at their entry, with ret 0.
 *
 * Every system call of the machine goes through here: use the container
 * filter (--mntns, --pid, --container) or targ_pid.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "gadget/gadget.h"

/* libbpf 1.1 stops at PARM5: the x86_64 syscall ABI's sixth is r9 */
#ifndef PT_REGS_PARM6_CORE_SYSCALL
#define PT_REGS_PARM6_CORE_SYSCALL(x) BPF_CORE_READ(x, r9)
#endif

#define DATA_LEN 128
#define NR_SYSCALLS 512

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_comm comm;
	__u32 cpu;
	gadget_syscall syscall;
	__u64 arg0;
	__u64 arg1;
	__u64 arg2;
	__u64 arg3;
	__u64 arg4;
	__u64 arg5;
	__s64 ret;
	gadget_errno error;
	__u32 data_len;		/* bytes of data copied */
	gadget_duration latency;
	char data[DATA_LEN];	/* a path argument or a read/write buffer */
};

GADGET_TRACER(traceloop, struct event);

GADGET_PARAM(__u32, targ_pid, 0);

/* What to copy of a call's arguments. */
enum copy_kind {
	COPY_NONE,
	COPY_STR0,	/* arg0 is a path */
	COPY_STR1,	/* arg1 is a path */
	COPY_BUF_IN,	/* arg1 is a buffer of arg2 bytes, filled by the caller (write) */
	COPY_BUF_OUT,	/* arg1 is a buffer filled by the call, ret bytes (read) */
};

/* x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
static const volatile __u8 copy_of[NR_SYSCALLS] = {
	[0] = COPY_BUF_OUT,	/* read */
	[1] = COPY_BUF_IN,	/* write */
	[2] = COPY_STR0,	/* open */
	[4] = COPY_STR0,	/* stat */
	[6] = COPY_STR0,	/* lstat */
	[17] = COPY_BUF_OUT,	/* pread64 */
	[18] = COPY_BUF_IN,	/* pwrite64 */
	[21] = COPY_STR0,	/* access */
	[59] = COPY_STR0,	/* execve */
	[76] = COPY_STR0,	/* truncate */
	[80] = COPY_STR0,	/* chdir */
	[82] = COPY_STR0,	/* rename */
	[83] = COPY_STR0,	/* mkdir */
	[84] = COPY_STR0,	/* rmdir */
	[85] = COPY_STR0,	/* creat */
	[86] = COPY_STR0,	/* link */
	[87] = COPY_STR0,	/* unlink */
	[88] = COPY_STR0,	/* symlink */
	[89] = COPY_STR0,	/* readlink */
	[90] = COPY_STR0,	/* chmod */
	[92] = COPY_STR0,	/* chown */
	[161] = COPY_STR0,	/* chroot */
	[165] = COPY_STR0,	/* mount */
	[166] = COPY_STR0,	/* umount2 */
	[257] = COPY_STR1,	/* openat */
	[258] = COPY_STR1,	/* mkdirat */
	[262] = COPY_STR1,	/* newfstatat */
	[263] = COPY_STR1,	/* unlinkat */
	[267] = COPY_STR1,	/* readlinkat */
	[268] = COPY_STR1,	/* fchmodat */
	[269] = COPY_STR1,	/* faccessat */
	[316] = COPY_STR1,	/* renameat2 */
	[322] = COPY_STR1,	/* execveat */
	[332] = COPY_STR1,	/* statx */
	[437] = COPY_STR1,	/* openat2 */
	[439] = COPY_STR1,	/* faccessat2 */
};

/* argument count + 1 per syscall, 0: not known (gen_syscall_nargs.py) */
static const volatile __u8 nargs_of[NR_SYSCALLS] = {
#include "syscall_nargs.h"
};

#define NR_EXIT 60
#define NR_EXIT_GROUP 231

struct {
	/* LRU: a thread killed in a call leaves its entry behind */
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} calls SEC(".maps");

static __always_inline __u32 copy_kind(__u32 nr)
{
	return nr < NR_SYSCALLS ? copy_of[nr] : COPY_NONE;
}

static __always_inline void copy_buf(struct event *e, __u64 user, __u64 len)
{
	if (len > DATA_LEN)
		len = DATA_LEN;
	e->data_len = len;
	if (len)
		bpf_probe_read_user(e->data, len & (DATA_LEN - 1) ? len & (DATA_LEN - 1) : DATA_LEN,
				    (const void *)user);
	/* the scratch event held an older call's data: end this one's */
	if (len < DATA_LEN)
		e->data[len & (DATA_LEN - 1)] = 0;
}

SEC("raw_tracepoint/sys_enter")
int traceloop_enter(struct bpf_raw_tracepoint_args *ctx)
{
	/* sys_enter(struct pt_regs *regs, long id) */
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, nr = ctx->args[1], zero = 0, kind, n;
	gadget_mntns_id mntns_id;
	struct event *e;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	e = bpf_map_lookup_elem(&gadget_heap_traceloop, &zero);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->cpu = bpf_get_smp_processor_id();
	e->syscall = nr;
	e->arg0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	e->arg1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
	e->arg2 = PT_REGS_PARM3_CORE_SYSCALL(regs);
	e->arg3 = PT_REGS_PARM4_CORE_SYSCALL(regs);
	e->arg4 = PT_REGS_PARM5_CORE_SYSCALL(regs);
	e->arg5 = PT_REGS_PARM6_CORE_SYSCALL(regs);
	/* registers the call does not take hold whatever the caller left */
	n = nr < NR_SYSCALLS ? nargs_of[nr] : 0;
	if (n) {
		__u64 *args = &e->arg0;	/* arg0..arg5 are consecutive */

#pragma unroll
		for (int i = 0; i < 6; i++)
			if (i >= n - 1)
				args[i] = 0;
	}
	e->ret = 0;
	e->error = 0;
	e->latency = 0;
	e->data_len = 0;
	e->data[0] = 0;
	kind = copy_kind(nr);
	if (kind == COPY_STR0 || kind == COPY_STR1) {
		long n = bpf_probe_read_user_str(e->data, sizeof(e->data),
						 (const void *)(kind == COPY_STR0 ? e->arg0 : e->arg1));

		e->data_len = n > 0 ? n - 1 : 0;
	} else if (kind == COPY_BUF_IN) {
		copy_buf(e, e->arg1, e->arg2);
	}
	if (nr == NR_EXIT || nr == NR_EXIT_GROUP) {
		struct event *out = gadget_reserve_buf(traceloop);

		if (out) {
			bpf_probe_read_kernel(out, sizeof(*out), e);
			gadget_submit_buf(ctx, traceloop, out);
		}
		return 0;
	}
	bpf_map_update_elem(&calls, &tid, e, BPF_ANY);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int traceloop_exit(struct bpf_raw_tracepoint_args *ctx)
{
	/* sys_exit(struct pt_regs *regs, long ret) */
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	long ret = ctx->args[1];
	struct event *stored, *e;

	stored = bpf_map_lookup_elem(&calls, &tid);
	if (!stored)
		return 0;
	e = gadget_reserve_buf(traceloop);
	if (!e)
		goto out;
	bpf_probe_read_kernel(e, sizeof(*e), stored);
	e->ret = ret;
	e->error = ret < 0 && ret >= -4095 ? -ret : 0;
	e->latency = bpf_ktime_get_boot_ns() - e->timestamp;
	/* execve's comm is the new program's once it returned */
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (copy_kind(e->syscall) == COPY_BUF_OUT && ret > 0)
		copy_buf(e, e->arg1, ret);
	gadget_submit_buf(ctx, traceloop, e);
out:
	bpf_map_delete_elem(&calls, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
