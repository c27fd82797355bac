/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PCAP_EXPR_H
#define GADGET_RUNTIME_PCAP_EXPR_H

/*
 * A pcap filter expression ("udp dst port 53", tcpdump's syntax) compiled by
 * libpcap (loaded on first use, base/lazylib.c) for the packets a program
 * sees: Ethernet frames (tc, XDP) or bare IP packets (cgroup_skb, lwt).
 * Kept apart from cbpf.c: pcap.h's struct bpf_insn is not linux/bpf.h's.
 */
#include "base/err.h"

/* Where a program's packet data starts. */
enum pcap_link {
	PCAP_LINK_ETHERNET,	/* the Ethernet header: DLT_EN10MB */
	PCAP_LINK_RAW_IP,	/* the IPv4 or IPv6 header: DLT_RAW */
};

/* Snap length the filters are compiled for: tcpdump's default, so "accept" is never 0. */
#define PCAP_EXPR_SNAPLEN	262144

/*
 * *cbpf (malloc'ed): *n classic BPF instructions, struct sock_filter's
 * layout; what heads messages ("packet filter gadget_pf_ (--pf 'udp')").  A
 * syntax error is -EINVAL with pcap's words.
 */
int pcap_expr_compile(const char *what, const char *expr, enum pcap_link link, void **cbpf,
		      unsigned int *n, struct gadget_err *err);
/* What pcap_offline_filter() says of pkt for the cBPF program cbpf (n instructions): 1, 0, or -errno. */
int pcap_cbpf_match(const void *cbpf, unsigned int n, const void *pkt, unsigned int len,
		    struct gadget_err *err);
/* What pcap_offline_filter() says of Ethernet frame pkt (len bytes) for expr: 1 kept, 0 not, or -errno. */
int pcap_expr_match(const char *expr, const void *pkt, unsigned int len, struct gadget_err *err);

#endif
