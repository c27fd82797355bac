// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpconnect: one event per TCP connect(2), with its endpoints and,
 * with --param latency=true, the time the handshake took (tcpconnlat).
 *
 * Inspektor Gadget's tcpconnect uses kprobes on tcp_v4_connect and
 * tcp_v6_connect (and tcp_rcv_state_process for the latency); this kernel
 * has no kprobes, so:
 *   - sock:inet_sock_set_state CLOSE -> SYN_SENT runs inside connect(2), in
 *     the connecting task: the owner (pid, comm, uid, mount ns) is taken
 *     there.  The source port is not chosen yet at that point
 *     (tcp_v4_connect() sets SYN_SENT before inet_hash_connect()), so
 *   - syscalls:sys_exit_connect sends the event, reading the endpoints
 *     from the socket, when the port is known, with connect's result;
 *   - for the latency, SYN_SENT -> ESTABLISHED (in softirq, where the
 *     current task is not the owner) sends it instead, with the time since
 *     SYN_SENT.
 * A connect through io_uring has no sys_exit_connect: it is only seen
 * with latency=true.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"
#include "gadget/param_list.h"
#include "gadget/inet.h"

#define EINPROGRESS 115

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	__u32 gid;
	gadget_comm comm;
	__u8 ipversion;
	struct gadget_l4endpoint_t src;
	struct gadget_l4endpoint_t dst;
	gadget_duration latency;
	gadget_errno error;		/* connect(2)'s: 0, EINPROGRESS, ECONNREFUSED... */
};

GADGET_TRACER(connect, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(__s64, targ_uid, -1);
GADGET_PARAM(__u16, ports[16], {});
GADGET_PARAM(bool, latency, false);
GADGET_PARAM(__u64, min_latency_ns, 0);

/* the connecting task, from CLOSE -> SYN_SENT until the event is sent */
struct owner {
	__u64 ts;
	gadget_mntns_id mntns_id;
	__u32 pid, tid, uid, gid;
	gadget_comm comm;
	/* as SYN_SENT was left: a failed connect(2) clears them in the socket */
	bool done;
	struct gadget_l4endpoint_t src, dst;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);	/* struct sock * */
	__type(value, struct owner);
} connecting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);	/* tid in connect(2) */
	__type(value, __u64);	/* its struct sock * */
} connect_sk SEC(".maps");

static __always_inline void fill_owner(struct event *e, const struct owner *o)
{
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = o->mntns_id;
	e->pid = o->pid;
	e->tid = o->tid;
	e->uid = o->uid;
	e->gid = o->gid;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
}

static __always_inline int syn_sent(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), uid_gid = bpf_get_current_uid_gid();
	__u64 sk = (__u64)ctx->skaddr;
	struct owner o = {};

	o.pid = pid_tgid >> 32;
	o.tid = (__u32)pid_tgid;
	o.uid = (__u32)uid_gid;
	o.gid = uid_gid >> 32;
	if (targ_pid && targ_pid != o.pid)
		return 0;
	if (targ_uid >= 0 && targ_uid != o.uid)
		return 0;
	if (!gadget_list_match(ports, ctx->dport))
		return 0;
	o.mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(o.mntns_id))
		return 0;
	o.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(o.comm, sizeof(o.comm));
	bpf_map_update_elem(&connecting, &sk, &o, BPF_ANY);
	bpf_map_update_elem(&connect_sk, &o.tid, &sk, BPF_ANY);
	return 0;
}

/* Leaving SYN_SENT: the handshake is over, one way or the other. */
static __always_inline int syn_done(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr, delta;
	struct owner *o = bpf_map_lookup_elem(&connecting, &sk);
	struct event *e;

	if (!o)
		return 0;
	if (!latency) {
		gadget_tp_endpoints(ctx, &o->src, &o->dst);
		o->done = true;
		return 0;
	}
	delta = bpf_ktime_get_ns() - o->ts;
	if (ctx->newstate != TCP_ESTABLISHED || delta < min_latency_ns)
		goto out;
	e = gadget_reserve_buf(connect);
	if (!e)
		goto out;
	fill_owner(e, o);
	gadget_tp_endpoints(ctx, &e->src, &e->dst);
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	e->latency = delta;
	e->error = 0;
	gadget_submit_buf(ctx, connect, e);
out:
	bpf_map_delete_elem(&connecting, &sk);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcpc_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->oldstate == TCP_CLOSE && ctx->newstate == TCP_SYN_SENT)
		return syn_sent(ctx);
	if (ctx->oldstate == TCP_SYN_SENT)
		return syn_done(ctx);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tcpc_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *skp = bpf_map_lookup_elem(&connect_sk, &tid), sk;
	struct owner *o;
	struct event *e;

	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&connect_sk, &tid);
	if (latency)
		return 0;
	o = bpf_map_lookup_elem(&connecting, &sk);
	if (!o)
		return 0;
	e = gadget_reserve_buf(connect);
	if (!e)
		goto out;
	fill_owner(e, o);
	if (o->done) {
		e->src = o->src;
		e->dst = o->dst;
	} else {
		/* inet_sock_set_state only fires for IPv4/IPv6 sockets */
		gadget_sock_endpoints((const struct sock_common *)sk, &e->src, &e->dst);
	}
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	e->latency = 0;
	e->error = ctx->ret < 0 ? -ctx->ret : 0;
	gadget_submit_buf(ctx, connect, e);
out:
	bpf_map_delete_elem(&connecting, &sk);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
