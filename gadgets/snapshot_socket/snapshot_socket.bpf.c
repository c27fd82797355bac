// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_socket: the TCP and UDP sockets of a network namespace (the one
 * the runtime runs in, or --netns PATH), IPv4 and IPv6: protocol, local and
 * remote endpoints, status, inode, network namespace.
 *
 * Inspektor Gadget's "snapshot socket" with the same hooks: iter/tcp and
 * iter/udp.  Each iterator writes one struct socket_row per socket; the
 * runtime decodes them from the <iter>_output variables' BTF.  The TCP
 * iterator also walks request sockets (a handshake in progress, shown as
 * SYN_RECV like /proc/net/tcp and ss do) and time-wait sockets (no inode:
 * they have no file).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"
#include "gadget/inet.h"

/* TCP states, and UDP's like the original: connected or not */
enum socket_status {
	ESTABLISHED = 1,
	SYN_SENT = 2,
	SYN_RECV = 3,
	FIN_WAIT1 = 4,
	FIN_WAIT2 = 5,
	TIME_WAIT = 6,
	CLOSE = 7,
	CLOSE_WAIT = 8,
	LAST_ACK = 9,
	LISTEN = 10,
	CLOSING = 11,
	NEW_SYN_RECV = 12,
	BOUND_INACTIVE = 13,
	ACTIVE = 0x101,		/* UDP, connected (TCP_ESTABLISHED) */
	INACTIVE = 0x107,	/* UDP, not connected (TCP_CLOSE): ss says UNCONN */
};

struct socket_row {
	enum gadget_ip_proto protocol;
	struct gadget_l4endpoint_t local;
	struct gadget_l4endpoint_t remote;
	enum socket_status status;
	__u64 inode;
	__u32 netns;
};

GADGET_SNAPSHOTTER(tcp_sockets, struct socket_row);
GADGET_SNAPSHOTTER(udp_sockets, struct socket_row);

/* 0: both; TCP or UDP: only that protocol */
GADGET_PARAM(enum gadget_ip_proto, proto, 0);

static __always_inline __u64 sock_inode(const struct sock *sk)
{
	struct socket *sock = BPF_CORE_READ(sk, sk_socket);
	struct socket_alloc *sa;

	if (!sock)
		return 0;
	/* SOCK_INODE(): the inode sits next to the socket in struct socket_alloc */
	sa = (void *)sock - bpf_core_field_offset(struct socket_alloc, socket);
	return BPF_CORE_READ(sa, vfs_inode.i_ino);
}

static __always_inline void fill(struct socket_row *r, const struct sock_common *skc,
				 enum gadget_ip_proto p)
{
	gadget_sock_endpoints(skc, &r->local, &r->remote);
	r->protocol = p;
	r->local.proto = r->remote.proto = p;
	r->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
}

SEC("iter/tcp")
int tcp_sockets(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct socket_row r = {};
	struct tcp_timewait_sock *tw;
	struct tcp_sock *tp;

	if (!skc || (proto && proto != TCP))
		return 0;
	fill(&r, skc, TCP);
	r.status = BPF_CORE_READ(skc, skc_state);
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp) {
		r.inode = sock_inode((struct sock *)tp);
	} else if ((tw = bpf_skc_to_tcp_timewait_sock(skc))) {
		/* FIN_WAIT2 or TIME_WAIT: the time-wait socket's substate */
		r.status = BPF_CORE_READ(tw, tw_sk.tw_substate);
	} else if (r.status == NEW_SYN_RECV) {
		r.status = SYN_RECV;
	}
	gadget_snapshot_write(ctx->meta->seq, tcp_sockets, &r);
	return 0;
}

SEC("iter/udp")
int udp_sockets(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;
	struct socket_row r = {};
	struct sock *sk;

	if (!udp || (proto && proto != UDP))
		return 0;
	sk = (struct sock *)udp;
	fill(&r, &sk->__sk_common, UDP);
	r.status = BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED ? ACTIVE : INACTIVE;
	r.inode = sock_inode(sk);
	gadget_snapshot_write(ctx->meta->seq, udp_sockets, &r);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
