// SPDX-License-Identifier: GPL-2.0
/*
 * trace_mount: one event per mount(2) and umount2(2) call, and per call
 * of the new mount API (fsopen, fsconfig, fsmount, move_mount), with its
 * arguments, result and latency.
 *
 * The syscall enter/exit tracepoints, like Inspektor Gadget's trace mount
 * and libbpf-tools' mountsnoop it comes from: no kprobes needed.  The
 * strings are read at the entry (the user's memory is as the caller left
 * it), kept per thread and sent at the exit with the result.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

#define FS_LEN 32
#define PATH_LEN 256
#define DATA_LEN 256

enum mount_call {
	MOUNT,
	UMOUNT,
	FSOPEN,
	FSCONFIG,
	FSMOUNT,
	MOVE_MOUNT,
};

/* mount(2) flags (include/uapi/linux/mount.h) */
enum ms_flags {
	MS_RDONLY = 1 << 0,
	MS_NOSUID = 1 << 1,
	MS_NODEV = 1 << 2,
	MS_NOEXEC = 1 << 3,
	MS_SYNCHRONOUS = 1 << 4,
	MS_REMOUNT = 1 << 5,
	MS_MANDLOCK = 1 << 6,
	MS_DIRSYNC = 1 << 7,
	MS_NOSYMFOLLOW = 1 << 8,
	MS_NOATIME = 1 << 10,
	MS_NODIRATIME = 1 << 11,
	MS_BIND = 1 << 12,
	MS_MOVE = 1 << 13,
	MS_REC = 1 << 14,
	MS_SILENT = 1 << 15,
	MS_POSIXACL = 1 << 16,
	MS_UNBINDABLE = 1 << 17,
	MS_PRIVATE = 1 << 18,
	MS_SLAVE = 1 << 19,
	MS_SHARED = 1 << 20,
	MS_RELATIME = 1 << 21,
	MS_KERNMOUNT = 1 << 22,
	MS_I_VERSION = 1 << 23,
	MS_STRICTATIME = 1 << 24,
	MS_LAZYTIME = 1 << 25,
};

/* umount2(2) flags */
enum umount2_flags {
	MNT_FORCE = 1,
	MNT_DETACH = 2,
	MNT_EXPIRE = 4,
	UMOUNT_NOFOLLOW = 8,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	gadget_comm comm;
	enum mount_call call;
	__s32 ret;		/* 0, a file descriptor (fsopen, fsmount) or -1 */
	gadget_errno error;
	gadget_duration latency;
	enum ms_flags flags;	/* mount(2) */
	enum umount2_flags umount_flags;
	char fs[FS_LEN];	/* mount(2) type, fsopen(2) name */
	char source[PATH_LEN];	/* mount(2) source, move_mount(2) from_path */
	char target[PATH_LEN];	/* mount(2)/umount2(2) target, move_mount(2) to_path */
	char data[DATA_LEN];	/* mount(2) options, fsconfig(2) "key=value" */
};

GADGET_TRACER(mount, struct event);

GADGET_PARAM(__u32, targ_pid, 0);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} calls SEC(".maps");

/* The scratch event for this call, or NULL when it is filtered out. */
static __always_inline struct event *begin(enum mount_call call)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id;
	struct event *e;
	__u32 zero = 0;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return NULL;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return NULL;
	/* too big for the stack: built in the per-CPU scratch buffer */
	e = bpf_map_lookup_elem(&gadget_heap_mount, &zero);
	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->call = call;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline int keep(struct event *e)
{
	bpf_map_update_elem(&calls, &e->tid, e, BPF_ANY);
	return 0;
}

static __always_inline void read_str(char *dst, __u32 size, const void *user)
{
	if (user)
		bpf_probe_read_user_str(dst, size, user);
}

static __always_inline int finish(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *stored, *e;

	stored = bpf_map_lookup_elem(&calls, &tid);
	if (!stored)
		return 0;
	e = gadget_reserve_buf(mount);
	if (e) {
		bpf_probe_read_kernel(e, sizeof(*e), stored);
		e->latency = bpf_ktime_get_boot_ns() - e->timestamp;
		e->ret = ret >= 0 ? ret : -1;
		e->error = ret >= 0 ? 0 : -ret;
		gadget_submit_buf(ctx, mount, e);
	}
	bpf_map_delete_elem(&calls, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mount")
int mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e = begin(MOUNT);
	__u64 flags = ctx->args[3];

	if (!e)
		return 0;
	/* the old magic number in the upper half means nothing today */
	if ((flags & 0xffff0000) == 0xc0ed0000)
		flags &= 0xffff;
	e->flags = flags;
	read_str(e->source, sizeof(e->source), (const void *)ctx->args[0]);
	read_str(e->target, sizeof(e->target), (const void *)ctx->args[1]);
	read_str(e->fs, sizeof(e->fs), (const void *)ctx->args[2]);
	read_str(e->data, sizeof(e->data), (const void *)ctx->args[4]);
	return keep(e);
}

SEC("tracepoint/syscalls/sys_enter_umount")
int umount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e = begin(UMOUNT);

	if (!e)
		return 0;
	read_str(e->target, sizeof(e->target), (const void *)ctx->args[0]);
	e->umount_flags = ctx->args[1];
	return keep(e);
}

SEC("tracepoint/syscalls/sys_enter_fsopen")
int fsopen_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e = begin(FSOPEN);

	if (!e)
		return 0;
	read_str(e->fs, sizeof(e->fs), (const void *)ctx->args[0]);
	return keep(e);
}

SEC("tracepoint/syscalls/sys_enter_fsconfig")
int fsconfig_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e = begin(FSCONFIG);
	long n = 0;

	if (!e)
		return 0;
	/* "key=value"; the value only for the string commands */
	if (ctx->args[2])
		n = bpf_probe_read_user_str(e->data, DATA_LEN / 2, (const void *)ctx->args[2]);
	if (n > 0 && n <= DATA_LEN / 2 && ctx->args[3] &&
	    (ctx->args[1] == 1 /* FSCONFIG_SET_STRING */ || ctx->args[1] == 4 /* _SET_PATH */ ||
	     ctx->args[1] == 5 /* _SET_PATH_EMPTY */)) {
		e->data[n - 1] = '=';
		bpf_probe_read_user_str(&e->data[n], DATA_LEN / 2, (const void *)ctx->args[3]);
	}
	return keep(e);
}

SEC("tracepoint/syscalls/sys_enter_fsmount")
int fsmount_enter(struct trace_event_raw_sys_enter *ctx)
{
	(void)ctx;
	struct event *e = begin(FSMOUNT);

	return e ? keep(e) : 0;
}

SEC("tracepoint/syscalls/sys_enter_move_mount")
int movemount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e = begin(MOVE_MOUNT);

	if (!e)
		return 0;
	read_str(e->source, sizeof(e->source), (const void *)ctx->args[1]);
	read_str(e->target, sizeof(e->target), (const void *)ctx->args[3]);
	return keep(e);
}

SEC("tracepoint/syscalls/sys_exit_mount")
int mount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_umount")
int umount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fsopen")
int fsopen_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fsconfig")
int fsconfig_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fsmount")
int fsmount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_move_mount")
int movemount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
