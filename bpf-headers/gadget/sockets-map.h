/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_SOCKETS_MAP_H
#define __GADGET_SOCKETS_MAP_H

/*
 * Inspektor Gadget's socket enricher API over our own socket tracker
 * (gadget/sockets.h: cgroup sock_create/post_bind/egress programs and a
 * start-up iterator keep a (netns, proto, local port) -> owner map):
 *
 *   #define GADGET_TYPE_NETWORKING            (a socket filter, tc)
 *   struct sockets_value *v = gadget_socket_lookup(skb);
 *   struct sockets_value *v = gadget_socket_lookup_with_direction(skb, ingress);
 *
 *   #define GADGET_TYPE_TRACING               (a tracepoint with a struct sock *)
 *   struct sockets_value *v = gadget_socket_lookup(sk, netns);
 *
 *   gadget_process_populate_from_socket(v, &event->proc);
 *   if (gadget_should_discard_data_by_skb(v)) return 0;
 *
 * The value has IG's member names (mntns, pid_tgid, uid_gid, task, ptask,
 * ppid, ptid, sock); `struct gadget_socket_value` is the same struct, by
 * IG's later name.  It is a per-CPU copy of the owner, valid until the
 * next lookup on this CPU: what IG's gadgets do with it (copy members into
 * the event at once) works unchanged.  What differs:
 *   - the packet's network namespace is the one the runtime attached the
 *     socket programs in (the current one, or --netns), not skb->cb[0]
 *     (IG's dispatcher program), so cb[] is left alone;
 *   - the owner is the process that created (or bound) the socket; IG
 *     keeps the last process to use it;
 *   - deletion_timestamp is 0 (a released socket is forgotten at once),
 *     ipv6only is 0 (ports are looked up for both families at once), and
 *     cwd/exepath are not recorded (4 KiB each per socket).
 */
#include "gadget/ig_api.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "gadget/types.h"
#include "gadget/sockets.h"
#include "gadget/filter.h"
#include "gadget/macros.h"

/* ours takes (proto, port): IG's takes the name here */
#undef gadget_socket_lookup

#define GADGET_SE_PACKET_HOST 0
#define GADGET_SE_ETH_HLEN 14

struct sockets_value {
	__u64 mntns;
	__u64 pid_tgid;		/* the owner's pid << 32 | tid */
	__u64 uid_gid;		/* gid << 32 | uid */
	char task[TASK_COMM_LEN];
	char ptask[TASK_COMM_LEN];
	__u64 sock;
	__u64 deletion_timestamp;
	__u32 ppid;
	__u32 ptid;
	char ipv6only;
	/*
	 * Not recorded: IG's gadgets (trace_dns) test for them with
	 * bpf_core_field_exists(), which is 0 here (no kernel type has the
	 * name), and copy nothing; they are here so that such code compiles.
	 */
	char cwd[1];
	char exepath[1];
};
#define gadget_socket_value sockets_value

GADGET_PERCPU_SLOT(struct sockets_value) gadget_sockets_ig SEC(".maps") __weak;

/* The owner, in IG's shape, in this CPU's copy; NULL if unknown. */
static __always_inline struct sockets_value *
gadget_sockets_value_of(const struct gadget_socket_owner *o)
{
	__u32 zero = 0;
	struct sockets_value *v;

	if (!o)
		return NULL;
	v = bpf_map_lookup_elem(&gadget_sockets_ig, &zero);
	if (!v)
		return NULL;
	v->mntns = o->mntns_id;
	v->pid_tgid = (__u64)o->pid << 32 | o->tid;
	v->uid_gid = (__u64)o->gid << 32 | o->uid;
	__builtin_memcpy(v->task, o->comm, sizeof(v->task));
	__builtin_memcpy(v->ptask, o->pcomm, sizeof(v->ptask));
	v->sock = o->sock;
	v->deletion_timestamp = 0;
	v->ppid = o->ppid;
	v->ptid = o->ptid;
	v->ipv6only = 0;
	return v;
}

#ifdef GADGET_TYPE_NETWORKING
/*
 * A packet as a packet socket sees it (Ethernet first): the local port is
 * the destination of a packet coming in, the source of one going out.
 * IPv6 extension headers are not followed (the owner is then unknown).
 */
static __always_inline struct sockets_value *
gadget_socket_lookup_with_direction(const struct __sk_buff *skb, __u8 is_ingress)
{
	struct __sk_buff *s = (struct __sk_buff *)skb;
	__u32 l4 = GADGET_SE_ETH_HLEN;
	__u16 ethertype, ports[2];
	__u8 b[2], proto;

	if (bpf_skb_load_bytes(s, 12, &ethertype, sizeof(ethertype)))
		return NULL;
	if (ethertype == bpf_htons(0x0800)) {
		/* version/IHL, then the protocol 9 bytes in */
		if (bpf_skb_load_bytes(s, l4, &b[0], 1) || bpf_skb_load_bytes(s, l4 + 9, &b[1], 1))
			return NULL;
		l4 += (b[0] & 0xf) * 4;
		proto = b[1];
	} else if (ethertype == bpf_htons(0x86DD)) {
		if (bpf_skb_load_bytes(s, l4 + 6, &proto, 1))	/* next header */
			return NULL;
		l4 += 40;
	} else {
		return NULL;
	}
	if ((proto != GADGET_IPPROTO_TCP && proto != GADGET_IPPROTO_UDP) ||
	    bpf_skb_load_bytes(s, l4, ports, sizeof(ports)))
		return NULL;
	return gadget_sockets_value_of(gadget_socket_lookup_port(proto,
					bpf_ntohs(is_ingress ? ports[1] : ports[0])));
}

static __always_inline struct sockets_value *gadget_socket_lookup(const struct __sk_buff *skb)
{
	return gadget_socket_lookup_with_direction(skb, skb->pkt_type == GADGET_SE_PACKET_HOST);
}
#endif

#ifdef GADGET_TYPE_TRACING
/* A kernel socket in network namespace netns, by its protocol and local port. */
static __always_inline struct sockets_value *gadget_socket_lookup(const struct sock *sk, __u32 netns)
{
	__u16 proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	__u16 port = BPF_CORE_READ(sk, __sk_common.skc_num);

	if (proto != GADGET_IPPROTO_TCP && proto != GADGET_IPPROTO_UDP)
		return NULL;
	return gadget_sockets_value_of(gadget_socket_lookup_netns(netns, proto, port));
}
#endif

static __always_inline void gadget_process_populate_from_socket(const struct sockets_value *v,
								struct gadget_process *p)
{
	if (!v)
		return;
	__builtin_memcpy(p->comm, v->task, sizeof(p->comm));
	p->pid = v->pid_tgid >> 32;
	p->tid = (__u32)v->pid_tgid;
	p->mntns_id = v->mntns;
	p->creds.uid = (__u32)v->uid_gid;
	p->creds.gid = v->uid_gid >> 32;
	__builtin_memcpy(p->parent.comm, v->ptask, sizeof(p->parent.comm));
	p->parent.pid = v->ppid;	/* IG v0.5x's struct gadget_parent has no tid */
}

/*
 * The container and targ_* filters, applied to the socket's owner: a
 * packet with no known owner passes only when nothing is filtered on.
 */
static __always_inline bool gadget_should_discard_data_by_skb(const struct sockets_value *v)
{
	if (!v)
		return gadget_filter_by_mntns || targ_pid || targ_tid || targ_comm[0] ||
		       targ_uid != GADGET_INVALID_ID || targ_gid != GADGET_INVALID_ID;
	return gadget_should_discard_data(v->mntns, v->pid_tgid >> 32, (__u32)v->pid_tgid,
					  v->task, (__u32)v->uid_gid, v->uid_gid >> 32);
}

#endif
