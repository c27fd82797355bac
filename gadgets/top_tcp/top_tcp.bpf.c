// SPDX-License-Identifier: GPL-2.0
/*
 * top_tcp: TCP bytes sent and received per process and connection, every
 * interval (tcptop, Inspektor Gadget's `top tcp`).
 *
 * The original counts tcp_sendmsg() sizes and tcp_cleanup_rbuf() copies
 * with kprobes, which this kernel does not have.  Here cgroup_skb/egress
 * and cgroup_skb/ingress on the cgroup2 root count the TCP payload of every
 * segment a socket sends or receives (a GSO segment once, with all its
 * bytes); the process comes from the socket enricher (gadget/sockets.h),
 * by socket cookie, since ingress runs in softirq.  Differences with the
 * original: retransmitted bytes count again, and bytes are counted when
 * they cross the IP layer rather than when the application writes or
 * reads them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/sockets.h"
#include "gadget/packet.h"

struct conn {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_comm comm;
	struct gadget_l4endpoint_t src;		/* local */
	struct gadget_l4endpoint_t dst;		/* remote */
};

struct traffic {
	__u64 sent;		/* bytes of TCP payload */
	__u64 received;
};

GADGET_TOPPER(tcp, struct conn, struct traffic, 10240);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(__u8, family, 0);

static __always_inline void count(struct __sk_buff *skb, bool egress)
{
	struct gadget_socket_owner *owner;
	struct gadget_packet pkt;
	struct traffic *t, zero = {};
	struct conn k = {};

	if (gadget_packet_parse(skb, 0, &pkt) || pkt.proto != GADGET_IPPROTO_TCP || !pkt.payload_len)
		return;
	if (family && family != pkt.src.version)
		return;
	owner = gadget_socket_lookup_skb(skb);
	if (targ_pid && (!owner || owner->pid != targ_pid))
		return;
	if (gadget_filter_by_mntns && (!owner || gadget_should_discard_mntns_id(owner->mntns_id)))
		return;
	if (owner) {
		k.mntns_id = owner->mntns_id;
		k.pid = owner->pid;
		__builtin_memcpy(k.comm, owner->comm, sizeof(k.comm));
	}
	k.src = egress ? pkt.src : pkt.dst;
	k.dst = egress ? pkt.dst : pkt.src;
	t = bpf_map_lookup_elem(&print_tcp, &k);
	if (!t) {
		bpf_map_update_elem(&print_tcp, &k, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&print_tcp, &k);
		if (!t)
			return;
	}
	if (egress)
		__sync_fetch_and_add(&t->sent, pkt.payload_len);
	else
		__sync_fetch_and_add(&t->received, pkt.payload_len);
}

SEC("cgroup_skb/egress")
int top_tcp_egress(struct __sk_buff *skb)
{
	count(skb, true);
	return 1;	/* count, never drop */
}

SEC("cgroup_skb/ingress")
int top_tcp_ingress(struct __sk_buff *skb)
{
	count(skb, false);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
