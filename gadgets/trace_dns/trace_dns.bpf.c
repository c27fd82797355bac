// SPDX-License-Identifier: GPL-2.0
/*
 * trace_dns: DNS queries and responses, from a socket filter on a packet
 * socket (the runtime opens it in the current or --netns network namespace:
 * every packet of the namespace, both directions).  UDP and TCP on port 53
 * (or --param port=N).  The process comes from the socket enricher
 * (gadget/sockets.h): a packet socket runs in whatever context the packet
 * is in, never reliably the sender's or receiver's.
 *
 * The latency is the time from a query to its response, seen from the same
 * side: a query going out and the response coming in (a client here), or a
 * query coming in and the response going out (a server here).  On loopback
 * both happen, so each packet shows twice (OUTGOING, then HOST), with the
 * sending and the receiving process.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gadget/gadget.h"
#include "gadget/sockets.h"
#include "gadget/packet.h"
#include "gadget/latency.h"

/* RFC 1035 4.1.1; enum constants "<enum>__NAME" print as NAME */
enum dns_qr {
	dns_qr__Q = 0,
	dns_qr__R = 1,
};

enum dns_opcode {
	dns_opcode__QUERY = 0,
	dns_opcode__IQUERY = 1,
	dns_opcode__STATUS = 2,
	dns_opcode__NOTIFY = 4,
	dns_opcode__UPDATE = 5,
	dns_opcode__DSO = 6,
};

enum dns_rcode {
	dns_rcode__NoError = 0,
	dns_rcode__FormErr = 1,
	dns_rcode__ServFail = 2,
	dns_rcode__NXDomain = 3,
	dns_rcode__NotImp = 4,
	dns_rcode__Refused = 5,
	dns_rcode__YXDomain = 6,
	dns_rcode__YXRRSet = 7,
	dns_rcode__NXRRSet = 8,
	dns_rcode__NotAuth = 9,
	dns_rcode__NotZone = 10,
};

/* IANA DNS parameters, RR types */
enum dns_qtype {
	dns_qtype__A = 1,
	dns_qtype__NS = 2,
	dns_qtype__CNAME = 5,
	dns_qtype__SOA = 6,
	dns_qtype__PTR = 12,
	dns_qtype__HINFO = 13,
	dns_qtype__MX = 15,
	dns_qtype__TXT = 16,
	dns_qtype__AAAA = 28,
	dns_qtype__SRV = 33,
	dns_qtype__NAPTR = 35,
	dns_qtype__OPT = 41,
	dns_qtype__DS = 43,
	dns_qtype__RRSIG = 46,
	dns_qtype__NSEC = 47,
	dns_qtype__DNSKEY = 48,
	dns_qtype__SVCB = 64,
	dns_qtype__HTTPS = 65,
	dns_qtype__AXFR = 252,
	dns_qtype__ANY = 255,
	dns_qtype__CAA = 257,
};

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
	enum gadget_ip_proto proto;
	enum gadget_pkt_type pkt_type;
	__u32 id;
	enum dns_qr qr;
	enum dns_opcode opcode;
	enum dns_rcode rcode;
	enum dns_qtype qtype;
	__u16 ancount;			/* answers in the response */
	__u16 anaddrcount;		/* of which A/AAAA */
	struct gadget_l3endpoint_t addr;	/* the first A/AAAA answer */
	gadget_duration latency;	/* response: since its query */
	gadget_dns_name name;
};

/* a query and its response, seen from one side */
struct dns_key {
	__u8 client[16];
	__u16 client_port;
	__u16 id;
	__u8 proto;
	__u8 side;			/* 0: query out, response in; 1: the reverse */
	__u16 __pad;
};

GADGET_TRACER(dns, struct event);
GADGET_LATENCY(dns, struct dns_key, 4096);

GADGET_PARAM(__u16, port, 53);

#define DNS_HDR_LEN 12
#define MAX_ANSWERS 8
#define MAX_LABELS 64

struct dns_hdr {
	__be16 id;
	__be16 flags;
	__be16 qdcount;
	__be16 ancount;
	__be16 nscount;
	__be16 arcount;
};

struct skip_ctx {
	struct __sk_buff *skb;
	__u32 off;			/* 0 once the name is malformed */
};

/* One label of a resource record's name; a compression pointer ends it.
 * bpf_loop(): the verifier checks the body once, not once per label. */
static long skip_label(__u32 i, void *data)
{
	struct skip_ctx *c = data;
	__u8 l;

	(void)i;
	if (bpf_skb_load_bytes(c->skb, c->off, &l, 1)) {
		c->off = 0;
		return 1;
	}
	if ((l & 0xc0) == 0xc0) {
		c->off += 2;
		return 1;
	}
	c->off += 1 + l;
	return !l;
}

static __always_inline __u32 skip_name(struct __sk_buff *skb, __u32 off)
{
	struct skip_ctx c = { .skb = skb, .off = off };

	if (bpf_loop(MAX_LABELS, skip_label, &c, 0) == MAX_LABELS)
		return 0;		/* more labels than a name can have */
	return c.off;
}

struct answers_ctx {
	struct __sk_buff *skb;
	__u32 off;
	__u16 left;			/* answers not yet read */
	__u16 addrs;			/* A/AAAA answers */
	struct gadget_l3endpoint_t first;
};

/* One answer: count A/AAAA records and keep the first address. */
static long parse_answer(__u32 i, void *data)
{
	struct { __be16 type, class; __be32 ttl; __be16 rdlen; } __attribute__((packed)) rr;
	struct answers_ctx *c = data;
	__u16 type, rdlen;
	__u32 off;

	(void)i;
	if (!c->left)
		return 1;
	c->left--;
	off = skip_name(c->skb, c->off);
	if (!off || bpf_skb_load_bytes(c->skb, off, &rr, sizeof(rr)))
		return 1;
	off += sizeof(rr);
	type = bpf_ntohs(rr.type);
	rdlen = bpf_ntohs(rr.rdlen);
	if (type == dns_qtype__A && rdlen == 4) {
		if (!c->addrs++ && !bpf_skb_load_bytes(c->skb, off, &c->first.addr.v4, 4))
			c->first.version = GADGET_IP_V4;
	} else if (type == dns_qtype__AAAA && rdlen == 16) {
		if (!c->addrs++ && !bpf_skb_load_bytes(c->skb, off, c->first.addr.v6, 16))
			c->first.version = GADGET_IP_V6;
	}
	c->off = off + rdlen;
	return 0;
}

static __always_inline void parse_answers(struct __sk_buff *skb, __u32 off, struct event *e)
{
	struct answers_ctx c = { .skb = skb, .off = off, .left = e->ancount };

	bpf_loop(MAX_ANSWERS, parse_answer, &c, 0);
	e->anaddrcount = c.addrs;
	e->addr = c.first;
}

SEC("socket")
int trace_dns(struct __sk_buff *skb)
{
	struct gadget_socket_owner *owner;
	struct gadget_packet pkt;
	struct dns_key key = {};
	struct dns_hdr h;
	struct event *e;
	__u32 dns_off, end, n, pos = 0;
	__u16 flags, qtype;
	__u64 now;
	bool out;

	if (skb->pkt_type != gadget_pkt_type__HOST && skb->pkt_type != gadget_pkt_type__OUTGOING)
		return 0;
	if (gadget_packet_parse(skb, GADGET_ETH_HLEN, &pkt))
		return 0;
	if (pkt.src.port != port && pkt.dst.port != port)
		return 0;
	dns_off = pkt.payload_off;
	/* DNS over TCP: a 2-byte length first (RFC 1035 4.2.2); only a
	 * segment that starts a message is parsed */
	if (pkt.proto == GADGET_IPPROTO_TCP)
		dns_off += 2;
	end = pkt.payload_off + pkt.payload_len;
	if (dns_off + DNS_HDR_LEN + 5 > end)
		return 0;
	if (bpf_skb_load_bytes(skb, dns_off, &h, sizeof(h)) || bpf_ntohs(h.qdcount) != 1)
		return 0;
	out = skb->pkt_type == gadget_pkt_type__OUTGOING;
	owner = gadget_socket_lookup(pkt.proto, out ? pkt.src.port : pkt.dst.port);
	if (gadget_filter_by_mntns && (!owner || gadget_should_discard_mntns_id(owner->mntns_id)))
		return 0;

	e = gadget_reserve_buf(dns);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	/* 1..256 bytes, in a form the verifier can bound (clang drops a plain
	 * mask after the clamp): the header check above left at least 5 */
	n = end - (dns_off + DNS_HDR_LEN);
	if (n > GADGET_DNS_NAME_LEN)
		n = GADGET_DNS_NAME_LEN;
	n -= 1;
	asm volatile("%0 &= 0xff" : "+r"(n));
	if (bpf_skb_load_bytes(skb, dns_off + DNS_HDR_LEN, e->name, n + 1))
		goto drop;
	n += 1;
	/* the question's name is a label sequence ending in a zero length */
	for (int i = 0; i < MAX_LABELS; i++) {
		__u8 l = e->name[pos & (GADGET_DNS_NAME_LEN - 1)];

		if (!l)
			break;
		if (l > 63)
			goto drop;
		pos += l + 1;
		if (pos >= n)
			goto drop;
	}
	if (e->name[pos & (GADGET_DNS_NAME_LEN - 1)])
		goto drop;
	/* what follows the name (qtype, answers) was loaded too: the runtime
	 * reads gadget_dns_name only up to its zero label */
	if (bpf_skb_load_bytes(skb, dns_off + DNS_HDR_LEN + pos + 1, &qtype, 2))
		goto drop;

	now = bpf_ktime_get_boot_ns();
	flags = bpf_ntohs(h.flags);
	e->timestamp = now;
	e->src = pkt.src;
	e->dst = pkt.dst;
	e->proto = pkt.proto;
	e->pkt_type = skb->pkt_type;
	e->netns = gadget_sockets_netns;
	e->id = bpf_ntohs(h.id);
	e->qr = flags >> 15;
	e->opcode = (flags >> 11) & 0xf;
	e->rcode = flags & 0xf;
	e->qtype = bpf_ntohs(qtype);
	if (owner) {
		e->mntns_id = owner->mntns_id;
		e->pid = owner->pid;
		e->tid = owner->tid;
		e->uid = owner->uid;
		e->gid = owner->gid;
		__builtin_memcpy(e->comm, owner->comm, sizeof(e->comm));
	}

	/* the client is the query's source and the response's destination */
	__builtin_memcpy(key.client, e->qr ? pkt.dst.addr.v6 : pkt.src.addr.v6, 16);
	key.client_port = e->qr ? pkt.dst.port : pkt.src.port;
	key.id = e->id;
	key.proto = pkt.proto;
	key.side = e->qr ? out : !out;
	if (!e->qr) {
		gadget_latency_start(dns, &key, now);
	} else {
		e->latency = gadget_latency_end(dns, &key, now);
		e->ancount = bpf_ntohs(h.ancount);
		parse_answers(skb, dns_off + DNS_HDR_LEN + pos + 1 + 4, e);
	}
	gadget_submit_buf(skb, dns, e);
	return 0;
drop:
	gadget_discard_buf(dns, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
