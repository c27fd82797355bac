// SPDX-License-Identifier: GPL-2.0
/*
 * top_file: reads and writes, calls and bytes, per process and file.
 *
 * Inspektor Gadget's top file (and libbpf-tools' filetop) count in
 * kprobes on vfs_read()/vfs_write(), which get the struct file.  Kernels
 * without kprobes have the syscall tracepoints: read, write, pread64,
 * pwrite64, readv and writev.  The entry sees only the fd: the file is
 * found in the task's file table (gadget/file.h) and remembered per thread
 * until the exit, where the byte count is known.  What the syscalls do
 * not see is not counted: in-kernel reads (exec, sendfile, splice),
 * io_uring and mmap'ed access.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define NAME_LEN 256

/* file type, as the original: Regular, Socket, Other */
enum file_type {
	R,
	S,
	O,
};

struct file_key {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_comm comm;
	__u64 inode;
	enum file_type type;
	char file[NAME_LEN];
};

struct file_stats {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
};

GADGET_TOPPER(files, struct file_key, struct file_stats, 10240);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(bool, all_files, false);

struct pending {
	struct file_key key;
	__u8 write;	/* not bool: clang turns a 0/1 into an offset the verifier cannot bound */
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

static __always_inline int enter(long fd, bool write)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, zero = 0, fmt;
	struct pending *p;
	struct file *file;
	gadget_mntns_id mntns_id;

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	file = gadget_get_file(fd);
	if (!file)
		return 0;
	fmt = gadget_file_mode(file) & GADGET_S_IFMT;
	if (!all_files && fmt != GADGET_S_IFREG)
		return 0;
	p = bpf_map_lookup_elem(&scratch, &zero);
	if (!p)
		return 0;
	/* a key: every byte counts, padding and the name's tail too */
	__builtin_memset(p, 0, sizeof(*p));
	p->key.mntns_id = mntns_id;
	p->key.pid = pid_tgid >> 32;
	p->key.tid = tid;
	bpf_get_current_comm(p->key.comm, sizeof(p->key.comm));
	p->key.inode = BPF_CORE_READ(file, f_inode, i_ino);
	p->key.type = fmt == GADGET_S_IFREG ? R : fmt == GADGET_S_IFSOCK ? S : O;
	gadget_file_name(file, p->key.file, sizeof(p->key.file));
	p->write = write;
	bpf_map_update_elem(&pendings, &tid, p, BPF_ANY);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	static const struct file_stats zero;
	struct file_stats *s;
	struct pending *p;

	p = bpf_map_lookup_elem(&pendings, &tid);
	if (!p)
		return 0;
	if (ret < 0)
		goto out;
	s = bpf_map_lookup_elem(&print_files, &p->key);
	if (!s) {
		bpf_map_update_elem(&print_files, &p->key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&print_files, &p->key);
		if (!s)
			goto out;
	}
	if (p->write) {
		__sync_fetch_and_add(&s->writes, 1);
		__sync_fetch_and_add(&s->wbytes, ret);
	} else {
		__sync_fetch_and_add(&s->reads, 1);
		__sync_fetch_and_add(&s->rbytes, ret);
	}
out:
	bpf_map_delete_elem(&pendings, &tid);
	return 0;
}

#define RW_TRACEPOINTS(call, write)						\
	SEC("tracepoint/syscalls/sys_enter_" #call)				\
	int enter_##call(struct trace_event_raw_sys_enter *ctx)		\
	{									\
		return enter(ctx->args[0], write);				\
	}									\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int exit_##call(struct trace_event_raw_sys_exit *ctx)			\
	{									\
		return leave(ctx->ret);						\
	}

RW_TRACEPOINTS(read, false)
RW_TRACEPOINTS(write, true)
RW_TRACEPOINTS(pread64, false)
RW_TRACEPOINTS(pwrite64, true)
RW_TRACEPOINTS(readv, false)
RW_TRACEPOINTS(writev, true)

char LICENSE[] SEC("license") = "GPL";
