// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpdrop: TCP packets the kernel drops, with the reason it gives
 * (enum skb_drop_reason, named from the running kernel's BTF), the
 * packet's endpoints and TCP flags, and the socket's state.
 *
 * Like Inspektor Gadget's tcpdrop this runs on the skb:kfree_skb
 * tracepoint (no kprobe needed).  The original only reports packets that
 * have a socket (skb->sk) and takes the endpoints from it; this one reads
 * them from the packet's own IP and TCP headers, so drops without a socket
 * (SKB_DROP_REASON_NO_SOCKET: a SYN to a closed port) are reported too, and
 * src/dst are the packet's direction.  The socket, when there is one
 * (skb->sk, or rx_sk on the receive path), gives the state; a packet whose
 * headers are not set yet falls back to the socket's endpoints.
 *
 * The process fields are the current task's: for a received packet that
 * is whoever the softirq interrupted (on loopback, usually the sender).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/kernel_enum.h"
#include "gadget/inet.h"
#include "gadget/tcp.h"

GADGET_KERNEL_ENUM(skb_drop_reason);

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_comm comm;
	__u8 ipversion;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	enum gadget_tcp_state state;		/* 0: no socket */
	enum gadget_tcp_flags tcpflags;
	gadget_kernel_enum_skb_drop_reason reason;
	__u32 netns;
};

GADGET_TRACER(tcpdrop, struct event);

/* Endpoints and flags from the packet; false if it is not TCP over IP. */
static __always_inline bool from_headers(struct sk_buff *skb, struct event *e)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	__u8 vihl, proto;
	__u16 ports[2];
	__u8 flags;

	/* (u16)~0: the header offset was never set */
	if (nh == (__u16)~0U || bpf_probe_read_kernel(&vihl, 1, head + nh))
		return false;
	if (vihl >> 4 == 4) {
		bpf_probe_read_kernel(&proto, 1, head + nh + 9);
		bpf_probe_read_kernel(&e->src.addr.v4, 4, head + nh + 12);
		bpf_probe_read_kernel(&e->dst.addr.v4, 4, head + nh + 16);
		e->src.version = e->dst.version = GADGET_IP_V4;
		if (th == (__u16)~0U || th <= nh)
			th = nh + (vihl & 0xf) * 4;
	} else if (vihl >> 4 == 6) {
		/* only a TCP header right after the fixed one: no extension headers */
		bpf_probe_read_kernel(&proto, 1, head + nh + 6);
		bpf_probe_read_kernel(e->src.addr.v6, 16, head + nh + 8);
		bpf_probe_read_kernel(e->dst.addr.v6, 16, head + nh + 24);
		e->src.version = e->dst.version = GADGET_IP_V6;
		if (th == (__u16)~0U || th <= nh)
			th = nh + 40;
	} else {
		return false;
	}
	if (proto != IPPROTO_TCP)
		return false;
	if (bpf_probe_read_kernel(ports, sizeof(ports), head + th) ||
	    bpf_probe_read_kernel(&flags, 1, head + th + 13))
		return false;
	e->src.port = bpf_ntohs(ports[0]);
	e->dst.port = bpf_ntohs(ports[1]);
	e->tcpflags = flags;
	return true;
}

SEC("tracepoint/skb/kfree_skb")
int tcpdrop(struct trace_event_raw_kfree_skb *ctx)
{
	int not_specified = bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED);
	struct sk_buff *skb = ctx->skbaddr;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id;
	struct net_device *dev;
	struct sock *sk;
	struct event *e;

	/* the original's choice: plain kfree_skb() (NOT_SPECIFIED) is too common to be news */
	if ((int)ctx->reason <= not_specified)
		return 0;
	mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;
	sk = BPF_CORE_READ(skb, sk);
	if (!sk && bpf_core_field_exists(ctx->rx_sk))
		sk = ctx->rx_sk;
	e = gadget_reserve_buf(tcpdrop);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	if (!from_headers(skb, e)) {
		if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP ||
		    gadget_sock_endpoints(&sk->__sk_common, &e->src, &e->dst))
			goto discard;
	}
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	e->reason = ctx->reason;
	if (sk)
		e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	dev = BPF_CORE_READ(skb, dev);
	e->netns = dev ? BPF_CORE_READ(dev, nd_net.net, ns.inum) :
		   sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) : 0;
	gadget_submit_buf(ctx, tcpdrop, e);
	return 0;
discard:
	/* not TCP: a ring buffer record must still be given back */
	gadget_discard_buf(tcpdrop, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
