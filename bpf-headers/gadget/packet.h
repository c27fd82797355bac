/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_PACKET_H
#define __GADGET_PACKET_H

/*
 * Reading IPv4/IPv6 + TCP/UDP headers from a struct __sk_buff with
 * bpf_skb_load_bytes(), which socket filters and cgroup_skb programs both
 * have (socket filters have no direct packet access).  Where the IP header
 * starts differs:
 *
 *   socket       a packet socket sees the link-layer header: Ethernet,
 *                veth and loopback have 14 bytes (GADGET_ETH_HLEN)
 *   cgroup_skb   the skb starts at the IP header: 0
 *
 *   struct gadget_packet pkt;
 *   if (gadget_packet_parse(skb, GADGET_ETH_HLEN, &pkt))
 *           return 0;            // not IPv4/IPv6 TCP/UDP
 *   ... pkt.src, pkt.dst (gadget_l4endpoint_t, printed "10.0.0.1:53"),
 *       pkt.payload_off, pkt.payload_len, pkt.tcp_flags
 *
 * The endpoints carry the IP version, so the runtime prints IPv4, IPv6 and
 * IPv4-mapped IPv6 addresses each in their usual form (ip_ver).  IPv6
 * extension headers are not followed: such packets are not parsed.
 * pkt_type is skb->pkt_type: enum gadget_pkt_type names it.
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/types.h"

#define GADGET_ETH_HLEN 14
#define GADGET_ETH_P_IP 0x0800
#define GADGET_ETH_P_IPV6 0x86DD

#define GADGET_TCP_FIN 0x01
#define GADGET_TCP_SYN 0x02
#define GADGET_TCP_RST 0x04
#define GADGET_TCP_PSH 0x08
#define GADGET_TCP_ACK 0x10

/* skb->pkt_type (PACKET_HOST, ... in <linux/if_packet.h>, not in BTF) */
enum gadget_pkt_type {
	gadget_pkt_type__HOST = 0,
	gadget_pkt_type__BROADCAST = 1,
	gadget_pkt_type__MULTICAST = 2,
	gadget_pkt_type__OTHERHOST = 3,
	gadget_pkt_type__OUTGOING = 4,
};

/* IP protocol numbers, for event fields */
enum gadget_ip_proto {
	gadget_ip_proto__ICMP = 1,
	gadget_ip_proto__TCP = 6,
	gadget_ip_proto__UDP = 17,
	gadget_ip_proto__ICMPV6 = 58,
};

struct gadget_packet {
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	__u32 l4_off;		/* TCP/UDP header */
	__u32 payload_off;	/* after the TCP/UDP header */
	__u32 payload_len;	/* up to the end of the IP packet */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 tcp_flags;		/* GADGET_TCP_*, TCP only */
	__u16 __pad;
};

static __always_inline int gadget_packet_parse(struct __sk_buff *skb, __u32 l3_off,
					       struct gadget_packet *p)
{
	__u16 ports[2];
	__u32 ip_len;
	__u8 b[2];

	__builtin_memset(p, 0, sizeof(*p));
	if (skb->protocol == bpf_htons(GADGET_ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, l3_off, &ip, sizeof(ip)))
			return -1;
		/* fragments past the first have no L4 header */
		if (ip.frag_off & bpf_htons(0x1fff))
			return -1;
		p->proto = ip.protocol;
		p->src.addr.v4 = ip.saddr;
		p->dst.addr.v4 = ip.daddr;
		p->src.version = p->dst.version = GADGET_IP_V4;
		p->l4_off = l3_off + ip.ihl * 4;
		ip_len = bpf_ntohs(ip.tot_len);
		if (ip_len < ip.ihl * 4)
			return -1;
		ip_len += l3_off;
	} else if (skb->protocol == bpf_htons(GADGET_ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, l3_off, &ip6, sizeof(ip6)))
			return -1;
		p->proto = ip6.nexthdr;
		__builtin_memcpy(p->src.addr.v6, &ip6.saddr, 16);
		__builtin_memcpy(p->dst.addr.v6, &ip6.daddr, 16);
		p->src.version = p->dst.version = GADGET_IP_V6;
		p->l4_off = l3_off + sizeof(ip6);
		ip_len = l3_off + sizeof(ip6) + bpf_ntohs(ip6.payload_len);
	} else {
		return -1;
	}
	if (p->proto != 6 && p->proto != 17)
		return -1;
	p->src.proto = p->dst.proto = p->proto;
	if (bpf_skb_load_bytes(skb, p->l4_off, ports, sizeof(ports)))
		return -1;
	p->src.port = bpf_ntohs(ports[0]);
	p->dst.port = bpf_ntohs(ports[1]);
	if (p->proto == 6) {
		/* data offset and flags: bytes 12 and 13 of the TCP header */
		if (bpf_skb_load_bytes(skb, p->l4_off + 12, b, 2))
			return -1;
		p->payload_off = p->l4_off + (b[0] >> 4) * 4;
		p->tcp_flags = b[1];
	} else {
		p->payload_off = p->l4_off + 8;
	}
	/* a GSO skb's IPv4 tot_len may be 0: then the skb's length counts */
	if (ip_len <= p->payload_off || ip_len > skb->len)
		ip_len = skb->len;
	p->payload_len = ip_len > p->payload_off ? ip_len - p->payload_off : 0;
	return 0;
}

#endif
