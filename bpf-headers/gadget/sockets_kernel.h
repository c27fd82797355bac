/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_SOCKETS_KERNEL_H
#define __GADGET_SOCKETS_KERNEL_H

/*
 * The kernel structs the socket tracker (gadget/sockets.h) reads, for
 * programs built on UAPI headers (<linux/bpf.h>, <linux/ip.h> ...) rather
 * than vmlinux.h, as IG's networking gadgets are (trace_dns, trace_sni,
 * tcpdump): only the members read, under the kernel's names, so that CO-RE
 * finds them in the running kernel's BTF whatever their offsets.  Anonymous
 * unions the kernel wraps some members in (skc_num, the iterator's
 * pointers) need not be repeated: libbpf looks members up through them.
 */
#ifndef __VMLINUX_H__
#include <stdbool.h>	/* vmlinux.h has bool; <linux/types.h> has not */

typedef struct {
	__u32 val;
} kuid_t;
typedef struct {
	__u32 val;
} kgid_t;
typedef struct {
	__s64 counter;
} atomic64_t;

struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));
struct mnt_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));
struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));
struct nsproxy {
	struct mnt_namespace *mnt_ns;
	struct net *net_ns;
} __attribute__((preserve_access_index));
struct cred {
	kuid_t uid;
	kgid_t gid;
} __attribute__((preserve_access_index));
struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	const struct cred *cred;
	char comm[16];
	struct nsproxy *nsproxy;
} __attribute__((preserve_access_index));

struct sock_common {
	unsigned short skc_family;
	__u16 skc_num;
	struct {
		struct net *net;
	} skc_net;
	atomic64_t skc_cookie;
} __attribute__((preserve_access_index));
struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));
struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));
struct file;
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));
struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

#endif /* !__VMLINUX_H__ */

#endif
