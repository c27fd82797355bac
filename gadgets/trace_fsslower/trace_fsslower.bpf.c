// SPDX-License-Identifier: GPL-2.0
/*
 * trace_fsslower: file reads, writes, opens and fsyncs slower than a
 * threshold, with the file, the size, the offset and the latency.
 *
 * Inspektor Gadget's trace fsslower (like libbpf-tools' fsslower) puts
 * kprobes on one file system's operations (ext4_file_read_iter, ...).
 * Kernels without kprobes have the syscall tracepoints: the latency is
 * measured from the syscall's entry to its exit, so it includes the VFS
 * and page cache around the file system's own work, and the file system
 * is chosen by a filter on the file's superblock type instead of by the
 * functions probed.  Only regular files are traced, as the original.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define NAME_LEN 256
#define FS_LEN 16

/* operation, as the original: Read, Write, Open, Fsync */
enum fs_op {
	R,
	W,
	O,
	F,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_comm comm;
	enum fs_op op;
	gadget_errno error;
	gadget_duration latency;
	__u64 bytes;		/* read or written; 0 for open and fsync */
	__s64 offset;		/* where the read or write started */
	char fs[FS_LEN];	/* the file's file system type */
	char file[NAME_LEN];	/* the file's name */
};

GADGET_TRACER(fsslower, struct event);

GADGET_PARAM(__u32, min_latency_ms, 10);
GADGET_PARAM(__u32, targ_pid, 0);
/* a string parameter: the file system type to trace, "" for all */
const volatile char filesystem[FS_LEN] = "";

struct pending {
	__u64 ts;
	__s64 offset;
	enum fs_op op;
	__u32 pad;
	char fs[FS_LEN];
	char file[NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pendings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} scratch SEC(".maps");

static __always_inline bool fs_wanted(const char *fs)
{
	for (int i = 0; i < FS_LEN; i++) {
		if (filesystem[i] != fs[i])
			return false;
		if (!fs[i])
			break;
	}
	return true;
}

/* The pending call's file fields from file; false if it is not traced. */
static __always_inline bool fill_file(struct pending *p, struct file *file)
{
	if ((gadget_file_mode(file) & GADGET_S_IFMT) != GADGET_S_IFREG)
		return false;
	gadget_file_fs_type(file, p->fs, sizeof(p->fs));
	if (filesystem[0] && !fs_wanted(p->fs))
		return false;
	gadget_file_name(file, p->file, sizeof(p->file));
	return true;
}

static __always_inline struct pending *begin(enum fs_op op)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending *p;
	__u32 zero = 0;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return NULL;
	if (gadget_should_discard_mntns_id(gadget_get_mntns_id()))
		return NULL;
	p = bpf_map_lookup_elem(&scratch, &zero);
	if (!p)
		return NULL;
	p->op = op;
	p->offset = 0;
	p->fs[0] = 0;
	p->file[0] = 0;
	return p;
}

static __always_inline int keep(struct pending *p)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	p->ts = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&pendings, &tid, p, BPF_ANY);
	return 0;
}

/* read, write, fsync by fd; offset < 0: the file's own position */
static __always_inline int enter_fd(enum fs_op op, long fd, __s64 offset)
{
	struct pending *p = begin(op);
	struct file *file;

	if (!p)
		return 0;
	file = gadget_get_file(fd);
	if (!file || !fill_file(p, file))
		return 0;
	p->offset = offset >= 0 ? offset : gadget_file_pos(file);
	return keep(p);
}

static __always_inline int leave(void *ctx, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct pending *p;
	struct event *e;
	__u64 delta;

	p = bpf_map_lookup_elem(&pendings, &tid);
	if (!p)
		return 0;
	delta = bpf_ktime_get_boot_ns() - p->ts;
	if (delta < (__u64)min_latency_ms * 1000000)
		goto out;
	/* an open's file is known once the fd exists */
	if (p->op == O && (ret < 0 || !fill_file(p, gadget_get_file(ret))))
		goto out;
	e = gadget_reserve_buf(fsslower);
	if (!e)
		goto out;
	e->timestamp = p->ts;
	e->mntns_id = gadget_get_mntns_id();
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->op = p->op;
	e->error = ret < 0 ? -ret : 0;
	e->latency = delta;
	e->bytes = (p->op == R || p->op == W) && ret > 0 ? ret : 0;
	e->offset = p->op == R || p->op == W ? p->offset : 0;
	__builtin_memcpy(e->fs, p->fs, sizeof(e->fs));
	__builtin_memcpy(e->file, p->file, sizeof(e->file));
	gadget_submit_buf(ctx, fsslower, e);
out:
	bpf_map_delete_elem(&pendings, &tid);
	return 0;
}

#define FD_TRACEPOINTS(call, op, offset)					\
	SEC("tracepoint/syscalls/sys_enter_" #call)				\
	int enter_##call(struct trace_event_raw_sys_enter *ctx)		\
	{									\
		return enter_fd(op, ctx->args[0], offset);			\
	}									\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int exit_##call(struct trace_event_raw_sys_exit *ctx)			\
	{									\
		return leave(ctx, ctx->ret);					\
	}

FD_TRACEPOINTS(read, R, -1)
FD_TRACEPOINTS(write, W, -1)
FD_TRACEPOINTS(readv, R, -1)
FD_TRACEPOINTS(writev, W, -1)
FD_TRACEPOINTS(pread64, R, (__s64)ctx->args[3])
FD_TRACEPOINTS(pwrite64, W, (__s64)ctx->args[3])
FD_TRACEPOINTS(fsync, F, -1)
FD_TRACEPOINTS(fdatasync, F, -1)

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct pending *p = begin(O);

	(void)ctx;
	return p ? keep(p) : 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
