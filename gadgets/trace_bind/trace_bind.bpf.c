// SPDX-License-Identifier: GPL-2.0
/*
 * trace_bind: one event per bind(2) of an IPv4/IPv6 socket: the process,
 * the protocol, the address and port bound, the socket's options, the
 * interface it is bound to and the result.
 *
 * Inspektor Gadget's "trace bind" (bindsnoop) hooks kprobes on inet_bind
 * and inet6_bind; this kernel has no kprobes, so the syscall tracepoints:
 *   sys_enter_bind  keeps the fd and a copy of the sockaddr per thread
 *   sys_exit_bind   finds the socket behind the fd in the task's fd table
 *                   (CO-RE, <gadget/inet.h>) and reads what the kernel
 *                   bound (the port chosen for port 0, the address) and
 *                   the options from it; a failed bind shows the sockaddr
 * Binds through io_uring have no syscall tracepoint and are not seen.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/param_list.h"
#include "gadget/inet.h"

/* the socket options the original reports ("F", "T", "N", "R", "r") */
enum bind_flags {
	FREEBIND = 1,
	TRANSPARENT = 2,
	BIND_ADDRESS_NO_PORT = 4,
	REUSEADDR = 8,
	REUSEPORT = 16,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	__u32 gid;
	gadget_comm comm;
	enum gadget_ip_proto proto;
	struct gadget_l4endpoint_t addr;
	enum bind_flags opts;
	gadget_ifindex bound_dev_if;
	gadget_errno error;
};

GADGET_TRACER(bind, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(__u16, ports[16], {});
GADGET_PARAM(bool, ignore_errors, true);

struct bind_args {
	int fd;
	__u8 sa[28];		/* sockaddr_in or sockaddr_in6 */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);	/* tid */
	__type(value, struct bind_args);
} binds SEC(".maps");

/* Before 6.5 these were bitfields of struct inet_sock; now bits of inet_flags. */
struct inet_sock___old {
	__u8 freebind: 1;
	__u8 transparent: 1;
	__u8 bind_address_no_port: 1;
} __attribute__((preserve_access_index));

static __always_inline enum bind_flags sock_opts(struct sock *sk)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	enum bind_flags f = 0;

	if (bpf_core_field_exists(inet->inet_flags)) {
		unsigned long bits = BPF_CORE_READ(inet, inet_flags);

		if (bits & (1UL << INET_FLAGS_FREEBIND))
			f |= FREEBIND;
		if (bits & (1UL << INET_FLAGS_TRANSPARENT))
			f |= TRANSPARENT;
		if (bits & (1UL << INET_FLAGS_BIND_ADDRESS_NO_PORT))
			f |= BIND_ADDRESS_NO_PORT;
	} else {
		struct inet_sock___old *old = (void *)sk;

		if (BPF_CORE_READ_BITFIELD_PROBED(old, freebind))
			f |= FREEBIND;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, transparent))
			f |= TRANSPARENT;
		if (BPF_CORE_READ_BITFIELD_PROBED(old, bind_address_no_port))
			f |= BIND_ADDRESS_NO_PORT;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuse))
		f |= REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuseport))
		f |= REUSEPORT;
	return f;
}

/* The address asked for, from the copied sockaddr: a failed bind has no other. */
static __always_inline void from_sockaddr(const struct bind_args *a, struct gadget_l4endpoint_t *ep)
{
	__u16 family = *(const __u16 *)a->sa;

	ep->port = bpf_ntohs(*(const __u16 *)(a->sa + 2));
	if (family == GADGET_AF_INET) {
		__builtin_memcpy(&ep->addr.v4, a->sa + 4, 4);
		ep->version = GADGET_IP_V4;
	} else if (family == GADGET_AF_INET6) {
		__builtin_memcpy(ep->addr.v6, a->sa + 8, 16);
		ep->version = GADGET_IP_V6;
	}
}

SEC("tracepoint/syscalls/sys_enter_bind")
int bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct bind_args a = {};
	__u32 len = ctx->args[2];

	if (targ_pid && targ_pid != pid_tgid >> 32)
		return 0;
	if (gadget_should_discard_mntns_id(gadget_get_mntns_id()))
		return 0;
	a.fd = ctx->args[0];
	/* a short sockaddr is the kernel's EINVAL: the copy need not be whole */
	if (len > sizeof(a.sa))
		len = sizeof(a.sa);
	bpf_probe_read_user(a.sa, len, (const void *)ctx->args[1]);
	bpf_map_update_elem(&binds, &tid, &a, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), uid_gid = bpf_get_current_uid_gid();
	__u32 tid = (__u32)pid_tgid;
	struct bind_args *a = bpf_map_lookup_elem(&binds, &tid);
	struct gadget_l4endpoint_t ep = {}, remote;
	struct event *e;
	struct sock *sk;
	__u16 family;
	__u16 proto;

	if (!a)
		return 0;
	if (ignore_errors && ctx->ret)
		goto out;
	sk = gadget_sock_from_fd(a->fd);
	if (!sk)
		goto out;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != GADGET_AF_INET && family != GADGET_AF_INET6)
		goto out;
	if (ctx->ret)
		from_sockaddr(a, &ep);
	else
		gadget_sock_endpoints(&sk->__sk_common, &ep, &remote);
	if (!gadget_list_match(ports, ep.port))
		goto out;
	proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	e = gadget_reserve_buf(bind);
	if (!e)
		goto out;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = gadget_get_mntns_id();
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->proto = proto;
	e->addr = ep;
	e->addr.proto = proto;
	e->opts = sock_opts(sk);
	e->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->error = ctx->ret < 0 ? -ctx->ret : 0;
	gadget_submit_buf(ctx, bind, e);
out:
	bpf_map_delete_elem(&binds, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
