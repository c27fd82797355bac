// SPDX-License-Identifier: GPL-2.0
/*
 * advise_seccomp_profile: the system calls each mount namespace (each
 * container) makes, counted, so that a seccomp profile allowing exactly
 * those can be written (seccomp_profile.py in this folder does it).
 *
 * Like Inspektor Gadget's advise seccomp-profile, one raw tracepoint on
 * sys_enter sees every system call of every task; its second argument is
 * the syscall number.  A raw tracepoint needs no kprobes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"

struct syscall_key {
	gadget_mntns_id mntns_id;
	gadget_syscall syscall;
	/* 4 bytes of tail padding, zeroed: the key is hashed whole */
};

struct syscall_count {
	__u64 calls;
};

/* 1024 namespaces x ~60 syscalls each fit; a full map drops new keys */
GADGET_TOPPER(syscalls, struct syscall_key, struct syscall_count, 65536);

SEC("raw_tracepoint/sys_enter")
int seccomp_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct syscall_key key;
	static const struct syscall_count zero;
	struct syscall_count *c;

	__builtin_memset(&key, 0, sizeof(key));
	key.mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(key.mntns_id))
		return 0;
	/* sys_enter(struct pt_regs *regs, long id) */
	key.syscall = ctx->args[1];
	c = bpf_map_lookup_elem(&print_syscalls, &key);
	if (!c) {
		bpf_map_update_elem(&print_syscalls, &key, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&print_syscalls, &key);
		if (!c)
			return 0;
	}
	__sync_fetch_and_add(&c->calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
