/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_INET_H
#define __GADGET_INET_H

/*
 * IPv4/IPv6 sockets to endpoints, with CO-RE, for gadgets on tracepoints
 * (no kprobe hands them a struct sock):
 *
 *   gadget_sock_endpoints(skc, src, dst)  local and remote address/port of
 *        any socket kind (full, request, time-wait: all start with
 *        struct sock_common)
 *   gadget_tp_endpoints(ctx, src, dst)    the same from the arguments of
 *        the sock/inet_sock_set_state and tcp/tcp_* tracepoints (family,
 *        sport, dport, saddr, daddr, saddr_v6, daddr_v6)
 *   gadget_sock_from_fd(fd)               the struct sock behind a file
 *        descriptor of the current task (its fd table), NULL if fd is not
 *        a socket: for syscall tracepoints (bind, accept, ...)
 *   gadget_ip_proto                       "TCP", "UDP", ... for an
 *        IPPROTO_* value
 *
 * Ports in a gadget_l4endpoint_t are in host byte order; addresses in
 * network byte order.
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "gadget/types.h"

/* the same definitions as <gadget/sockets.h>: both may be included */
#define GADGET_AF_INET 2
#define GADGET_AF_INET6 10

/* IP protocol numbers (IANA), printed by name */
enum gadget_ip_proto {
	ICMP = 1,
	TCP = 6,
	UDP = 17,
	ICMPV6 = 58,
	SCTP = 132,
	UDPLITE = 136,
	MPTCP = 262,
};

/* Returns 0, or -1 when the socket is neither IPv4 nor IPv6. */
static __always_inline int gadget_sock_endpoints(const struct sock_common *skc,
						 struct gadget_l4endpoint_t *src,
						 struct gadget_l4endpoint_t *dst)
{
	__u16 family = BPF_CORE_READ(skc, skc_family);

	/* skc_num is the local port in host order for every socket kind */
	src->port = BPF_CORE_READ(skc, skc_num);
	dst->port = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	if (family == GADGET_AF_INET) {
		src->addr.v4 = BPF_CORE_READ(skc, skc_rcv_saddr);
		dst->addr.v4 = BPF_CORE_READ(skc, skc_daddr);
		src->version = dst->version = GADGET_IP_V4;
	} else if (family == GADGET_AF_INET6) {
		BPF_CORE_READ_INTO(&src->addr.v6, skc, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&dst->addr.v6, skc, skc_v6_daddr);
		src->version = dst->version = GADGET_IP_V6;
	} else {
		return -1;
	}
	return 0;
}

/*
 * Tracepoint arguments: the kernel copies the addresses into byte arrays
 * (IPv4 ones also v4-mapped into saddr_v6) and the ports already in host
 * order.  The arrays are read with bpf_probe_read_kernel(): a tracepoint's
 * context may only be loaded at offsets aligned to the load's size.
 */
#define gadget_tp_endpoints(ctx, src, dst)					\
	({									\
		int __ret = 0;							\
		(src)->port = (ctx)->sport;					\
		(dst)->port = (ctx)->dport;					\
		if ((ctx)->family == GADGET_AF_INET) {				\
			bpf_probe_read_kernel(&(src)->addr.v4, 4, (ctx)->saddr); \
			bpf_probe_read_kernel(&(dst)->addr.v4, 4, (ctx)->daddr); \
			(src)->version = (dst)->version = GADGET_IP_V4;	\
		} else if ((ctx)->family == GADGET_AF_INET6) {			\
			bpf_probe_read_kernel((src)->addr.v6, 16, (ctx)->saddr_v6); \
			bpf_probe_read_kernel((dst)->addr.v6, 16, (ctx)->daddr_v6); \
			(src)->version = (dst)->version = GADGET_IP_V6;	\
		} else {							\
			__ret = -1;						\
		}								\
		__ret;								\
	})

#define GADGET_S_IFMT 0170000
#define GADGET_S_IFSOCK 0140000

static __always_inline struct sock *gadget_sock_from_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;
	struct socket *sock;

	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & GADGET_S_IFMT) != GADGET_S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

#endif
