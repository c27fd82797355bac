// SPDX-License-Identifier: GPL-2.0
/*
 * {{name}}: a topper, read(2)/write(2) calls and bytes per process.  The
 * runtime prints the print_ map sorted every interval, then clears it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

struct rw_key {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_comm comm;
};

struct rw_value {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
};

GADGET_TOPPER(rw, struct rw_key, struct rw_value, 10240);

GADGET_PARAM(__u32, targ_pid, 0);

/* Counted at exit, where the byte count is known. */
static __always_inline int count(long ret, bool write)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rw_key key = {};
	struct rw_value *v, zero = {};

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	key.mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(key.mntns_id))
		return 0;
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));

	v = bpf_map_lookup_elem(&print_rw, &key);
	if (!v) {
		bpf_map_update_elem(&print_rw, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&print_rw, &key);
		if (!v)
			return 0;
	}
	if (write) {
		__sync_fetch_and_add(&v->writes, 1);
		if (ret > 0)
			__sync_fetch_and_add(&v->wbytes, ret);
	} else {
		__sync_fetch_and_add(&v->reads, 1);
		if (ret > 0)
			__sync_fetch_and_add(&v->rbytes, ret);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_read")
int rw_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return count(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_write")
int rw_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return count(ctx->ret, true);
}

char LICENSE[] SEC("license") = "GPL";
