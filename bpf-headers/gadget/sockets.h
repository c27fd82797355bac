/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_SOCKETS_H
#define __GADGET_SOCKETS_H

/*
 * The socket enricher: which process owns a socket, for programs that run
 * where the current task is not the owner (a socket filter on a packet
 * socket, cgroup_skb ingress, softirq).  Including this header adds to the
 * gadget two maps and six programs the runtime attaches like any other:
 *
 *   cgroup/sock_create    the creating task owns the socket: recorded by
 *                         socket cookie (gadget_sockets_by_cookie)
 *   cgroup/post_bind4/6   an explicit bind(2): (netns, proto, port) -> owner
 *   cgroup_skb/egress     a port the kernel picked (connect(2), the first
 *                         sendmsg(2) of UDP) is learnt from the first
 *                         packet, before it reaches any packet socket
 *   cgroup/sock_release   forgets the socket
 *   iter/task_file        at start-up, every socket of every task (the
 *                         runtime runs a tracer's or topper's iterators
 *                         once, after attaching: sockets that existed
 *                         before the gadget started are known too; the
 *                         kernel walks the tasks of the runtime's pid
 *                         namespace)
 *
 * The cgroup programs go to the cgroup2 root (or --cgroup PATH), so every
 * process of the machine is covered, whatever its network namespace.  The
 * kernel has no kprobes here, so these hooks replace the original's
 * kprobes on inet_bind/tcp_connect/udp_sendmsg/inet_release.
 *
 * Looking an owner up:
 *
 *   gadget_socket_lookup(proto, local_port)    in socket programs: the
 *       namespace is the one the runtime attached them in
 *       (gadget_sockets_netns, set by the runtime before load)
 *   gadget_socket_lookup_netns(netns, proto, port)
 *   gadget_socket_lookup_cookie(cookie)       bpf_get_socket_cookie() of
 *       cgroup_skb, sockops, sk_msg, tc, ... programs
 *   gadget_socket_lookup_skb(skb)             cgroup_skb: the skb's socket,
 *       by cookie, else (an accept(2)ed TCP socket, which cgroup/sock_create
 *       never saw, or a socket found at start-up that had no cookie yet) by
 *       its local port
 *
 * They return a struct gadget_socket_owner * (NULL if unknown) to copy from:
 * the owner's pid, tid, uid, gid, comm, mount namespace, and its parent's
 * pid, tid and comm.
 * The container filter then applies to the owner, not to the current task:
 *
 *   o = gadget_socket_lookup(IPPROTO_UDP, port);
 *   if (gadget_filter_by_mntns && (!o || gadget_should_discard_mntns_id(o->mntns_id)))
 *           return 0;
 *
 * The owner is the process that created the socket (or, for a socket found
 * at start-up, the first task holding it); a socket passed to another
 * process keeps its creator.
 * Ports are local ports in host byte order: for a packet going out the
 * source port, for one coming in the destination port.  Weak symbols: every
 * source of a multi-source gadget may include this header.
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/types.h"
#include "gadget/sockets_kernel.h"

#ifndef GADGET_SOCKETS_MAX
#define GADGET_SOCKETS_MAX 16384
#endif

#define GADGET_AF_INET 2
#define GADGET_AF_INET6 10
#define GADGET_IPPROTO_TCP 6
#define GADGET_IPPROTO_UDP 17

struct gadget_socket_key {
	__u32 netns;		/* network namespace inode */
	__u16 proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	__u16 port;		/* local port, host byte order */
};

struct gadget_socket_owner {
	gadget_mntns_id mntns_id;
	__u64 cookie;		/* the socket's cookie, 0 if unknown */
	__u32 netns;
	gadget_pid pid;		/* thread group id */
	__u32 tid;
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_LEN];	/* (gadget_comm is char[16] in ours, char in IG's API) */
	__u16 proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	__u16 port;		/* local port once known, host byte order */
	gadget_pid ppid;	/* the owner's parent: thread group id, */
	__u32 ptid;		/* thread */
	char pcomm[TASK_COMM_LEN];	/* and name */
	__u64 sock;		/* the kernel's struct sock *, for matching only */
};

/* The inode of the network namespace socket programs are attached in. */
const volatile __u32 gadget_sockets_netns __weak = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GADGET_SOCKETS_MAX);
	__type(key, struct gadget_socket_key);
	__type(value, struct gadget_socket_owner);
} gadget_sockets SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GADGET_SOCKETS_MAX);
	__type(key, __u64);
	__type(value, struct gadget_socket_owner);
} gadget_sockets_by_cookie SEC(".maps") __weak;

static __always_inline struct gadget_socket_owner *
gadget_socket_lookup_netns(__u32 netns, __u16 proto, __u16 port)
{
	struct gadget_socket_key k = { .netns = netns, .proto = proto, .port = port };

	return bpf_map_lookup_elem(&gadget_sockets, &k);
}

static __always_inline struct gadget_socket_owner *gadget_socket_lookup_port(__u16 proto, __u16 port)
{
	return gadget_socket_lookup_netns(gadget_sockets_netns, proto, port);
}

/* Inspektor Gadget's gadget_socket_lookup() differs (gadget/sockets-map.h takes the name). */
#define gadget_socket_lookup(proto, port) gadget_socket_lookup_port(proto, port)

static __always_inline struct gadget_socket_owner *gadget_socket_lookup_cookie(__u64 cookie)
{
	return bpf_map_lookup_elem(&gadget_sockets_by_cookie, &cookie);
}

/* The owner's parent, from the task (the current one, or the iterator's). */
static __always_inline void gadget_socket_owner_parent(struct gadget_socket_owner *o,
							struct task_struct *task)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	if (!parent)
		return;
	o->ppid = BPF_CORE_READ(parent, tgid);
	o->ptid = BPF_CORE_READ(parent, pid);
	bpf_probe_read_kernel_str(o->pcomm, sizeof(o->pcomm), parent->comm);
}

static __always_inline void gadget_socket_owner_current(struct gadget_socket_owner *o, __u64 cookie)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	o->mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	o->netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	o->cookie = cookie;
	o->pid = pid_tgid >> 32;
	o->tid = (__u32)pid_tgid;
	o->uid = (__u32)uid_gid;
	o->gid = uid_gid >> 32;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	gadget_socket_owner_parent(o, task);
}

/*
 * The kernel's socket behind a struct bpf_sock.  There is no BTF cast for
 * an IPv4 UDP socket (bpf_skc_to_tcp_sock() covers TCP only), so its
 * address is read back from the stack, which a privileged program may do,
 * to be followed with CO-RE reads.
 */
static __always_inline struct sock *gadget_sk_kernel(struct bpf_sock *sk)
{
	struct bpf_sock *spilled = sk;
	struct sock *ksk = NULL;

	bpf_probe_read_kernel(&ksk, sizeof(ksk), &spilled);
	return ksk;
}

/* The network namespace of a socket a cgroup_skb program sees. */
static __always_inline __u32 gadget_sk_netns(struct bpf_sock *sk)
{
	struct sock *ksk = gadget_sk_kernel(sk);

	return ksk ? BPF_CORE_READ(ksk, __sk_common.skc_net.net, ns.inum) : 0;
}

static __always_inline struct gadget_socket_owner *gadget_socket_lookup_skb(struct __sk_buff *skb)
{
	struct gadget_socket_owner *o, copy;
	struct bpf_sock *sk = skb->sk;
	__u64 cookie = bpf_get_socket_cookie(skb);
	__u32 netns;

	o = gadget_socket_lookup_cookie(cookie);
	if (o || !sk)
		return o;
	sk = bpf_sk_fullsock(sk);
	if (!sk || (sk->protocol != GADGET_IPPROTO_TCP && sk->protocol != GADGET_IPPROTO_UDP))
		return NULL;
	netns = gadget_sk_netns(sk);
	if (!netns)
		return NULL;
	o = gadget_socket_lookup_netns(netns, sk->protocol, sk->src_port);
	if (!o)
		return NULL;
	/* remember the accepted socket by its own cookie from now on */
	copy = *o;
	copy.cookie = cookie;
	bpf_map_update_elem(&gadget_sockets_by_cookie, &cookie, &copy, BPF_NOEXIST);
	return o;
}

static __always_inline bool gadget_socket_is_inet(__u32 family, __u32 proto)
{
	return (family == GADGET_AF_INET || family == GADGET_AF_INET6) &&
	       (proto == GADGET_IPPROTO_TCP || proto == GADGET_IPPROTO_UDP);
}

SEC("cgroup/sock_create")
__weak int sockets_create(struct bpf_sock *ctx)
{
	struct gadget_socket_owner o = {};
	__u64 cookie;

	if (!gadget_socket_is_inet(ctx->family, ctx->protocol))
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	gadget_socket_owner_current(&o, cookie);
	o.proto = ctx->protocol;
	o.sock = (__u64)gadget_sk_kernel(ctx);
	bpf_map_update_elem(&gadget_sockets_by_cookie, &cookie, &o, BPF_ANY);
	return 1;
}

static __always_inline int gadget_sockets_bound(struct bpf_sock *ctx)
{
	struct gadget_socket_key k = { .proto = ctx->protocol, .port = ctx->src_port };
	struct gadget_socket_owner o = {}, *known;
	__u64 cookie;

	if (!gadget_socket_is_inet(ctx->family, ctx->protocol) || !k.port)
		return 1;
	/* bind(2) runs in the owner's context */
	cookie = bpf_get_socket_cookie(ctx);
	gadget_socket_owner_current(&o, cookie);
	o.proto = k.proto;
	o.port = k.port;
	o.sock = (__u64)gadget_sk_kernel(ctx);
	k.netns = o.netns;
	bpf_map_update_elem(&gadget_sockets, &k, &o, BPF_ANY);
	/* sock_release cannot read the port: it finds it here */
	known = gadget_socket_lookup_cookie(cookie);
	if (known)
		known->port = k.port;
	else
		bpf_map_update_elem(&gadget_sockets_by_cookie, &cookie, &o, BPF_ANY);
	return 1;
}

SEC("cgroup/post_bind4")
__weak int sockets_bind4(struct bpf_sock *ctx)
{
	return gadget_sockets_bound(ctx);
}

SEC("cgroup/post_bind6")
__weak int sockets_bind6(struct bpf_sock *ctx)
{
	return gadget_sockets_bound(ctx);
}

SEC("cgroup_skb/egress")
__weak int sockets_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct gadget_socket_owner *o;
	struct gadget_socket_key k = {};

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk || !gadget_socket_is_inet(sk->family, sk->protocol) || !sk->src_port)
		return 1;
	o = gadget_socket_lookup_cookie(bpf_get_socket_cookie(skb));
	if (!o)
		return 1;
	if (o->port == sk->src_port)
		return 1;
	o->port = sk->src_port;
	k.netns = o->netns;
	k.proto = sk->protocol;
	k.port = sk->src_port;
	/* a port already known (bind, an earlier packet) keeps its owner */
	bpf_map_update_elem(&gadget_sockets, &k, o, BPF_NOEXIST);
	return 1;
}

SEC("cgroup/sock_release")
__weak int sockets_release(struct bpf_sock *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct gadget_socket_owner *o = gadget_socket_lookup_cookie(cookie);
	struct gadget_socket_key k = {};
	struct gadget_socket_owner *bound;

	if (!o)
		return 1;
	/* the port is not readable here (only post_bind sees src_port) */
	k.netns = o->netns;
	k.proto = o->proto;
	k.port = o->port;
	bpf_map_delete_elem(&gadget_sockets_by_cookie, &cookie);
	/* SO_REUSEPORT siblings share the port: only the socket's own entry goes */
	bound = k.port ? bpf_map_lookup_elem(&gadget_sockets, &k) : NULL;
	if (bound && bound->cookie == cookie)
		bpf_map_delete_elem(&gadget_sockets, &k);
	return 1;
}

SEC("iter/task_file")
__weak int sockets_iter(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct gadget_socket_owner o = {};
	struct gadget_socket_key k = {};
	struct socket *sock;
	struct sock *sk;
	__u16 family;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = sock->sk;
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	if (!gadget_socket_is_inet(family, sk->sk_protocol))
		return 0;
	/*
	 * The cookie the socket already has, read rather than made: since
	 * 6.18.44 the verifier marks sock->sk as untrusted, and
	 * bpf_get_socket_cookie() refuses an untrusted socket.  A socket that
	 * never had one (0) is still found by its port below.
	 */
	o.cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	o.mntns_id = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	o.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	o.pid = task->tgid;
	o.tid = task->pid;
	o.uid = BPF_CORE_READ(task, cred, uid.val);
	o.gid = BPF_CORE_READ(task, cred, gid.val);
	bpf_probe_read_kernel_str(o.comm, sizeof(o.comm), task->comm);
	gadget_socket_owner_parent(&o, task);
	o.sock = (__u64)sk;
	o.proto = k.proto = sk->sk_protocol;
	o.port = k.port = sk->__sk_common.skc_num;
	k.netns = o.netns;
	/* threads share the fd table: the first task seen (the leader) wins */
	if (o.cookie)
		bpf_map_update_elem(&gadget_sockets_by_cookie, &o.cookie, &o, BPF_NOEXIST);
	if (k.port)
		bpf_map_update_elem(&gadget_sockets, &k, &o, BPF_NOEXIST);
	return 0;
}

#endif
