// SPDX-License-Identifier: GPL-2.0
/*
 * advise_network_policy: the connections each container (mount namespace)
 * opens and accepts: direction, protocol, peer address and port, i.e. the
 * rules a Kubernetes NetworkPolicy needs (README.md shows the mapping).
 *
 * cgroup_skb/egress and cgroup_skb/ingress on the cgroup2 root see every
 * packet of every socket on the machine, with the socket itself, so the
 * owner comes from the socket enricher (gadget/sockets.h) by socket cookie
 * whatever the context (softirq for ingress).  The original gets the same
 * from a socket filter per pod network namespace plus kprobes; this works
 * for every namespace at once and needs no kprobes.
 *
 * A new flow is
 *   TCP  a SYN without ACK: going out, a connection this side opens
 *        (egress); coming in, one it accepts (ingress)
 *   UDP  the first packet between a socket and a peer address/port: the
 *        replies that follow are not new flows
 * and each (container, direction, protocol, peer, port) is reported once.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/sockets.h"
#include "gadget/packet.h"

enum netpol_direction {
	netpol_direction__egress = 1,
	netpol_direction__ingress = 2,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	__u32 netns;
	gadget_pid pid;
	__u32 uid;
	gadget_comm comm;
	enum netpol_direction direction;
	enum gadget_ip_proto proto;
	struct gadget_l3endpoint_t peer;	/* the other side's address */
	__u16 port;			/* egress: the peer's port; ingress: ours */
	struct gadget_l4endpoint_t local;
	struct gadget_l4endpoint_t remote;
};

GADGET_TRACER(netpol, struct event);

/* UDP: a socket's peers seen so far */
struct udp_flow {
	__u64 cookie;
	__u8 peer[16];
	__u16 peer_port;
	__u16 __pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct udp_flow);
	__type(value, __u8);
} udp_flows SEC(".maps");

/* what was reported already */
struct rule {
	gadget_mntns_id mntns_id;
	__u8 peer[16];
	__u16 port;
	__u8 proto;
	__u8 direction;
	__u32 __pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct rule);
	__type(value, __u8);
} rules SEC(".maps");

static __always_inline void observe(struct __sk_buff *skb, enum netpol_direction dir)
{
	bool egress = dir == netpol_direction__egress;
	struct gadget_socket_owner *owner;
	struct gadget_l4endpoint_t *local, *remote;
	struct gadget_packet pkt;
	struct rule r = {};
	struct event *e;
	__u8 one = 1;

	if (gadget_packet_parse(skb, 0, &pkt))
		return;
	local = egress ? &pkt.src : &pkt.dst;
	remote = egress ? &pkt.dst : &pkt.src;
	if (pkt.proto == GADGET_IPPROTO_TCP) {
		if ((pkt.tcp_flags & (GADGET_TCP_SYN | GADGET_TCP_ACK)) != GADGET_TCP_SYN)
			return;
	} else {
		struct udp_flow f = { .cookie = bpf_get_socket_cookie(skb), .peer_port = remote->port };

		__builtin_memcpy(f.peer, remote->addr.v6, 16);
		if (bpf_map_update_elem(&udp_flows, &f, &one, BPF_NOEXIST))
			return;		/* not the first packet */
	}
	owner = gadget_socket_lookup_skb(skb);
	if (gadget_filter_by_mntns && (!owner || gadget_should_discard_mntns_id(owner->mntns_id)))
		return;
	r.mntns_id = owner ? owner->mntns_id : 0;
	__builtin_memcpy(r.peer, remote->addr.v6, 16);
	r.port = egress ? remote->port : local->port;
	r.proto = pkt.proto;
	r.direction = dir;
	if (bpf_map_update_elem(&rules, &r, &one, BPF_NOEXIST))
		return;		/* reported already */

	e = gadget_reserve_buf(netpol);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->timestamp = bpf_ktime_get_boot_ns();
	e->direction = dir;
	e->proto = pkt.proto;
	__builtin_memcpy(e->peer.addr.v6, remote->addr.v6, 16);
	e->peer.version = remote->version;
	e->port = r.port;
	e->local = *local;
	e->remote = *remote;
	if (owner) {
		e->mntns_id = owner->mntns_id;
		e->netns = owner->netns;
		e->pid = owner->pid;
		e->uid = owner->uid;
		__builtin_memcpy(e->comm, owner->comm, sizeof(e->comm));
	}
	gadget_submit_buf(skb, netpol, e);
}

SEC("cgroup_skb/egress")
int netpol_egress(struct __sk_buff *skb)
{
	observe(skb, netpol_direction__egress);
	return 1;	/* observe, never drop */
}

SEC("cgroup_skb/ingress")
int netpol_ingress(struct __sk_buff *skb)
{
	observe(skb, netpol_direction__ingress);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
