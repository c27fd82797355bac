// SPDX-License-Identifier: GPL-2.0
/*
 * trace_sni: the server name (SNI) of every TLS ClientHello, from a socket
 * filter on a packet socket in the current or --netns network namespace,
 * with the process from the socket enricher (gadget/sockets.h): the filter
 * runs in whatever context the packet is in.  As the original, a
 * ClientHello is recognised on any TCP port; one that does not start a
 * TCP segment (split records) is not parsed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/sockets.h"
#include "gadget/packet.h"

#define SNI_LEN 128

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	__u32 netns;
	gadget_pid pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	gadget_comm comm;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	enum gadget_pkt_type pkt_type;
	char name[SNI_LEN];
};

GADGET_TRACER(sni, struct event);

/* RFC 8446 4.1.2 / RFC 5246 7.4.1.2: ClientHello; RFC 6066 3: server_name */
#define TLS_HANDSHAKE 0x16
#define TLS_CLIENT_HELLO 0x01
#define TLS_EXT_SERVER_NAME 0
#define TLS_HOST_NAME 0
#define MAX_EXTENSIONS 32

struct ext_ctx {
	struct __sk_buff *skb;
	__u32 off, end;
	__u32 name_off;		/* the host_name, 0 if none yet */
	__u16 name_len;
};

/* One extension; the server_name one ends the walk. */
static long walk_extension(__u32 i, void *data)
{
	struct ext_ctx *c = data;
	__u8 h[9];
	__u16 type, len;

	(void)i;
	if (c->off + 4 > c->end || bpf_skb_load_bytes(c->skb, c->off, h, 4))
		return 1;
	type = (h[0] << 8) | h[1];
	len = (h[2] << 8) | h[3];
	if (type != TLS_EXT_SERVER_NAME) {
		c->off += 4 + len;
		return 0;
	}
	/* list length (2), name type (1), name length (2), name */
	if (bpf_skb_load_bytes(c->skb, c->off + 4, h, 5) || h[2] != TLS_HOST_NAME)
		return 1;
	c->name_len = (h[3] << 8) | h[4];
	c->name_off = c->off + 9;
	return 1;
}

SEC("socket")
int trace_sni(struct __sk_buff *skb)
{
	struct gadget_socket_owner *owner;
	struct gadget_packet pkt;
	struct ext_ctx c = { .skb = skb };
	struct event *e;
	__u32 off, n;
	__u8 b[6];
	__u16 len;
	bool out;

	if (skb->pkt_type != gadget_pkt_type__HOST && skb->pkt_type != gadget_pkt_type__OUTGOING)
		return 0;
	if (gadget_packet_parse(skb, GADGET_ETH_HLEN, &pkt) || pkt.proto != GADGET_IPPROTO_TCP ||
	    pkt.payload_len < 5 + 4 + 2 + 32 + 1)
		return 0;
	off = pkt.payload_off;
	c.end = off + pkt.payload_len;
	/* record header (5) and handshake header (4) */
	if (bpf_skb_load_bytes(skb, off, b, 6) || b[0] != TLS_HANDSHAKE || b[1] != 3 ||
	    b[5] != TLS_CLIENT_HELLO)
		return 0;
	/* legacy_version (2), random (32), then the session id */
	off += 5 + 4 + 2 + 32;
	if (bpf_skb_load_bytes(skb, off, b, 1))
		return 0;
	off += 1 + b[0];
	if (bpf_skb_load_bytes(skb, off, b, 2))	/* cipher suites */
		return 0;
	off += 2 + ((b[0] << 8) | b[1]);
	if (bpf_skb_load_bytes(skb, off, b, 1))	/* compression methods */
		return 0;
	off += 1 + b[0];
	if (bpf_skb_load_bytes(skb, off, b, 2))	/* extensions length */
		return 0;
	c.off = off + 2;
	len = (b[0] << 8) | b[1];
	if (c.off + len < c.end)
		c.end = c.off + len;
	bpf_loop(MAX_EXTENSIONS, walk_extension, &c, 0);
	if (!c.name_off || !c.name_len)
		return 0;

	out = skb->pkt_type == gadget_pkt_type__OUTGOING;
	owner = gadget_socket_lookup(pkt.proto, out ? pkt.src.port : pkt.dst.port);
	if (gadget_filter_by_mntns && (!owner || gadget_should_discard_mntns_id(owner->mntns_id)))
		return 0;
	e = gadget_reserve_buf(sni);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	/* 1..SNI_LEN-1 bytes, bounded where the verifier sees it */
	n = c.name_len < SNI_LEN - 1 ? c.name_len : SNI_LEN - 1;
	n -= 1;
	asm volatile("%0 &= 0x7f" : "+r"(n));
	if (n > SNI_LEN - 2 || bpf_skb_load_bytes(skb, c.name_off, e->name, n + 1)) {
		gadget_discard_buf(sni, e);
		return 0;
	}
	e->timestamp = bpf_ktime_get_boot_ns();
	e->netns = gadget_sockets_netns;
	e->src = pkt.src;
	e->dst = pkt.dst;
	e->pkt_type = skb->pkt_type;
	if (owner) {
		e->mntns_id = owner->mntns_id;
		e->pid = owner->pid;
		e->tid = owner->tid;
		e->uid = owner->uid;
		e->gid = owner->gid;
		__builtin_memcpy(e->comm, owner->comm, sizeof(e->comm));
	}
	gadget_submit_buf(skb, sni, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
