// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpretrans: TCP retransmissions, one event per retransmitted
 * segment (tcp:tcp_retransmit_skb) or SYN-ACK (tcp:tcp_retransmit_synack),
 * with the endpoints, the socket's state, the segment's TCP flags and the
 * result of the retransmission.
 *
 * Inspektor Gadget's tcpretrans uses the same tracepoint, plus a kprobe on
 * tcp_send_loss_probe for its LOSS type (tail loss probes); this kernel has
 * no kprobes and no tracepoint there, so tail loss probes are not reported.
 * The segment's header is built on a clone the tracepoint does not see:
 * the flags come from the skb's TCP control block (tcp_skb_cb, CO-RE).
 * Retransmissions run from timers (softirq): the process fields are
 * whoever was running, not the socket's owner.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"
#include "gadget/inet.h"
#include "gadget/tcp.h"

enum retrans_type {
	RETRANS = 1,		/* a data or FIN segment, or a SYN */
	SYNACK = 2,		/* a listener's SYN-ACK */
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	gadget_comm comm;
	__u8 ipversion;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	enum gadget_tcp_state state;
	enum gadget_tcp_flags tcpflags;
	enum retrans_type type;
	gadget_errno error;
	__u32 netns;
};

GADGET_TRACER(retrans, struct event);

static __always_inline struct event *new_event(const void *skaddr, enum retrans_type type)
{
	const struct sock_common *skc = skaddr;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	gadget_mntns_id mntns_id = gadget_get_mntns_id();
	struct event *e;

	if (gadget_should_discard_mntns_id(mntns_id))
		return NULL;
	e = gadget_reserve_buf(retrans);
	if (!e)
		return NULL;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = mntns_id;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->type = type;
	e->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	return e;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int retrans_skb(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	const struct sk_buff *skb = ctx->skbaddr;
	const struct tcp_skb_cb *tcb;
	struct event *e = new_event(ctx->skaddr, RETRANS);

	if (!e)
		return 0;
	gadget_tp_endpoints(ctx, &e->src, &e->dst);
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	e->state = ctx->state;
	tcb = (const void *)skb + bpf_core_field_offset(struct sk_buff, cb);
	e->tcpflags = BPF_CORE_READ(tcb, tcp_flags);
	e->error = bpf_core_field_exists(ctx->err) ? ctx->err : 0;
	gadget_submit_buf(ctx, retrans, e);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_synack")
int retrans_synack(struct trace_event_raw_tcp_retransmit_synack *ctx)
{
	struct event *e = new_event(ctx->skaddr, SYNACK);

	if (!e)
		return 0;
	gadget_tp_endpoints(ctx, &e->src, &e->dst);
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	/* the connection is a request socket, what /proc/net/tcp shows as SYN_RECV */
	e->state = SYN_RECV;
	e->tcpflags = SYN | ACK;
	e->error = 0;
	gadget_submit_buf(ctx, retrans, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
