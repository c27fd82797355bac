// SPDX-License-Identifier: GPL-2.0
/*
 * profile_tcprtt: a log2 histogram of TCP round-trip times (smoothed RTT),
 * like IG's profile tcprtt and libbpf-tools' tcprtt, optionally one per
 * local or remote address, filtered by addresses and ports.
 *
 * Hook: the tcp:tcp_probe tracepoint.  The original hooks tcp_rcv_established
 * with fentry (or a kprobe), which this kernel has neither of; tcp_probe is
 * fired at the start of that same function, on every segment received on an
 * established socket, with the socket's addresses, ports and srtt (already
 * in microseconds: tp->srtt_us >> 3, what tcprtt reads).  Received segments
 * run in softirq context: there is no process to filter containers on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

#define AF_INET 2
#define AF_INET6 10

struct rtt_key {
	struct gadget_l3endpoint_t laddr;	/* set with by_local_addr */
	struct gadget_l3endpoint_t raddr;	/* set with by_remote_addr */
};

GADGET_PARAM(struct gadget_l3endpoint_t, local_addr, {});
GADGET_PARAM(struct gadget_l3endpoint_t, remote_addr, {});
GADGET_PARAM(__u16, local_port, 0);
GADGET_PARAM(__u16, remote_port, 0);
GADGET_PARAM(bool, by_local_addr, false);
GADGET_PARAM(bool, by_remote_addr, false);

GADGET_HISTOGRAM(rtt_us, struct rtt_key, 1024);

/*
 * The address of a sockaddr_in / sockaddr_in6 as the tracepoint stores it.
 * Read with a helper: the verifier refuses loads through a ctx pointer plus
 * an offset, which is what byte copies out of ctx->saddr compile to.
 */
static __always_inline void to_endpoint(const __u8 *sa, __u16 family, struct gadget_l3endpoint_t *ep)
{
	if (family == AF_INET) {
		bpf_probe_read_kernel(&ep->addr.v4, 4, sa + 4);
		ep->version = GADGET_IP_V4;
	} else {
		bpf_probe_read_kernel(ep->addr.v6, 16, sa + 8);
		ep->version = GADGET_IP_V6;
	}
}

static __always_inline bool addr_differs(const volatile struct gadget_l3endpoint_t *want,
					 const struct gadget_l3endpoint_t *got)
{
	if (!want->version)
		return false;
	if (want->version != got->version)
		return true;
	if (got->version == GADGET_IP_V4)
		return want->addr.v4 != got->addr.v4;
	for (int i = 0; i < 16; i++)
		if (want->addr.v6[i] != got->addr.v6[i])
			return true;
	return false;
}

SEC("tracepoint/tcp/tcp_probe")
int tcp_probe(struct trace_event_raw_tcp_probe *ctx)
{
	struct gadget_l3endpoint_t l = {}, r = {};
	struct rtt_key key = {};
	__u16 family = ctx->family;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if ((local_port && ctx->sport != local_port) || (remote_port && ctx->dport != remote_port))
		return 0;
	to_endpoint(ctx->saddr, family, &l);
	to_endpoint(ctx->daddr, family, &r);
	if (addr_differs(&local_addr, &l) || addr_differs(&remote_addr, &r))
		return 0;
	if (by_local_addr)
		key.laddr = l;
	if (by_remote_addr)
		key.raddr = r;
	gadget_hist_record(rtt_us, &key, ctx->srtt);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
