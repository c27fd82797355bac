// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcp: TCP connect, accept and close events with the process and the
 * endpoints (Inspektor Gadget's "trace tcp", tcptracer).
 *
 * The original hooks kprobes (tcp_v4_connect, inet_csk_accept, tcp_close,
 * tcp_set_state); this kernel has none.  sock:inet_sock_set_state sees every
 * TCP state change, but not always in the owner's context: the handshake's
 * last step and resets run in softirq, where the current task is whoever
 * was on the CPU.  So the owner is taken where the kernel runs in process
 * context and remembered per socket:
 *   connect  CLOSE -> SYN_SENT (inside connect(2)) records the owner;
 *            SYN_SENT -> ESTABLISHED (softirq) sends the event with it
 *   accept   syscalls:sys_exit_accept/accept4: the new socket from the
 *            task's fd table (SYN_RECV -> ESTABLISHED happens in softirq
 *            before anyone accepted the connection)
 *   close    ESTABLISHED -> FIN_WAIT1 and CLOSE_WAIT -> LAST_ACK only
 *            happen in close(2)/shutdown(2): the current task; a connection
 *            that goes from ESTABLISHED/CLOSE_WAIT straight to CLOSE (reset,
 *            close with unread data) is sent with the recorded owner
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"
#include "gadget/inet.h"

enum tcp_event {
	CONNECT = 1,
	ACCEPT = 2,
	CLOSE = 3,
};

struct event {
	gadget_timestamp timestamp;
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_pid tid;
	__u32 uid;
	__u32 gid;
	gadget_comm comm;
	enum tcp_event type;
	__u8 ipversion;
	struct gadget_l4endpoint_t src;		/* local */
	struct gadget_l4endpoint_t dst;		/* remote */
	__u32 netns;
};

GADGET_TRACER(tcp, struct event);

GADGET_PARAM(__u32, targ_pid, 0);
GADGET_PARAM(__s64, targ_uid, -1);

struct owner {
	gadget_mntns_id mntns_id;
	__u32 pid, tid, uid, gid;
	gadget_comm comm;
};

/* struct sock * -> the task that connected or accepted it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner);
} owners SEC(".maps");

/* The current task as owner; false if the filters reject it. */
static __always_inline bool current_owner(struct owner *o)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), uid_gid = bpf_get_current_uid_gid();

	o->pid = pid_tgid >> 32;
	o->tid = (__u32)pid_tgid;
	o->uid = (__u32)uid_gid;
	o->gid = uid_gid >> 32;
	if (targ_pid && targ_pid != o->pid)
		return false;
	if (targ_uid >= 0 && targ_uid != o->uid)
		return false;
	o->mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(o->mntns_id))
		return false;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	return true;
}

static __always_inline struct event *new_event(enum tcp_event type, const struct owner *o,
					       const struct sock_common *skc)
{
	struct event *e = gadget_reserve_buf(tcp);

	if (!e)
		return NULL;
	e->timestamp = bpf_ktime_get_boot_ns();
	e->mntns_id = o->mntns_id;
	e->pid = o->pid;
	e->tid = o->tid;
	e->uid = o->uid;
	e->gid = o->gid;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	e->type = type;
	e->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	return e;
}

static __always_inline int emit_tp(struct trace_event_raw_inet_sock_set_state *ctx,
				   enum tcp_event type, const struct owner *o)
{
	struct event *e = new_event(type, o, ctx->skaddr);

	if (!e)
		return 0;
	gadget_tp_endpoints(ctx, &e->src, &e->dst);
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	gadget_submit_buf(ctx, tcp, e);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	int old = ctx->oldstate, new = ctx->newstate;
	struct owner o = {}, *known;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (old == TCP_CLOSE && new == TCP_SYN_SENT) {
		if (current_owner(&o))
			bpf_map_update_elem(&owners, &sk, &o, BPF_ANY);
		return 0;
	}
	if (old == TCP_SYN_SENT && new == TCP_ESTABLISHED) {
		known = bpf_map_lookup_elem(&owners, &sk);
		return known ? emit_tp(ctx, CONNECT, known) : 0;
	}
	/* the application closes (or shuts down writing): process context */
	if ((old == TCP_ESTABLISHED && new == TCP_FIN_WAIT1) ||
	    (old == TCP_CLOSE_WAIT && new == TCP_LAST_ACK)) {
		if (current_owner(&o))
			emit_tp(ctx, CLOSE, &o);
		bpf_map_delete_elem(&owners, &sk);
		return 0;
	}
	if (new != TCP_CLOSE)
		return 0;
	/* aborted (reset, or closed with unread data): maybe in softirq */
	if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT) {
		known = bpf_map_lookup_elem(&owners, &sk);
		if (known)
			emit_tp(ctx, CLOSE, known);
	}
	bpf_map_delete_elem(&owners, &sk);
	return 0;
}

static __always_inline int accepted(void *ctx, long fd)
{
	struct sock *sk;
	struct owner o = {};
	struct event *e;
	__u64 key;

	if (fd < 0)
		return 0;
	sk = gadget_sock_from_fd(fd);
	if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (!current_owner(&o))
		return 0;
	e = new_event(ACCEPT, &o, &sk->__sk_common);
	if (!e)
		return 0;
	gadget_sock_endpoints(&sk->__sk_common, &e->src, &e->dst);
	e->ipversion = e->src.version;
	e->src.proto = e->dst.proto = IPPROTO_TCP;
	gadget_submit_buf(ctx, tcp, e);
	key = (__u64)sk;
	bpf_map_update_elem(&owners, &key, &o, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tcp_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tcp_accept(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
