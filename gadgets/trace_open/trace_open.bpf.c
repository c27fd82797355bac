// SPDX-License-Identifier: GPL-2.0
/*
 * trace_open: one event per open(2)/openat(2), with the file descriptor or
 * the error.  The path and flags are kept at the syscall's entry and sent
 * at its exit, where the result is known.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

#define PATH_MAX_LEN 255

/* open(2) flags, printed "O_WRONLY|O_CREAT" (x86_64 values) */
enum openat_flags {
	O_WRONLY = 01,
	O_RDWR = 02,
	O_CREAT = 0100,
	O_EXCL = 0200,
	O_NOCTTY = 0400,
	O_TRUNC = 01000,
	O_APPEND = 02000,
	O_NONBLOCK = 04000,
	O_DSYNC = 010000,
	O_ASYNC = 020000,
	O_DIRECT = 040000,
	O_LARGEFILE = 0100000,
	O_DIRECTORY = 0200000,
	O_NOFOLLOW = 0400000,
	O_NOATIME = 01000000,
	O_CLOEXEC = 02000000,
	O_PATH = 010000000,
	O_TMPFILE_ = 020000000,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	__s32 fd;
	gadget_errno error;
	enum openat_flags flags;
	__u32 mode;
	gadget_comm comm;
	char path[PATH_MAX_LEN + 1];
};

GADGET_TRACER(open, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(bool, failed_only, false);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} opens SEC(".maps");

static __always_inline int enter(const char *path, __u64 flags, __u64 mode)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, zero = 0;
	gadget_mntns_id mntns_id;
	struct event *e;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	e = bpf_map_lookup_elem(&gadget_heap_open, &zero);
	if (!e)
		return 0;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = flags;
	e->mode = mode;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->path, sizeof(e->path), path);
	bpf_map_update_elem(&opens, &tid, e, BPF_ANY);
	return 0;
}

static __always_inline int leave(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *stored, *e;

	stored = bpf_map_lookup_elem(&opens, &tid);
	if (!stored)
		return 0;
	if (failed_only && ret >= 0)
		goto out;
	e = gadget_reserve_buf(open);
	if (!e)
		goto out;
	bpf_probe_read_kernel(e, sizeof(*e), stored);
	e->fd = ret >= 0 ? ret : -1;
	e->error = ret >= 0 ? 0 : -ret;
	gadget_submit_buf(ctx, open, e);
out:
	bpf_map_delete_elem(&opens, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int open_enter_at(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int open_exit_at(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
