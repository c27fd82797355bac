// SPDX-License-Identifier: GPL-2.0
/*
 * profile_cpu: sample what runs on every CPU, and count the samples per
 * process and stack (user and kernel), like IG's profile cpu / profile(8).
 *
 * Hook: a perf_event program; the runtime opens a CPU-clock software event
 * on every CPU at --sample-freq HZ (default 49) and attaches it there.  The
 * stacks go to the gadget_stacks map of <gadget/stacks.h>; the runtime
 * prints them symbolised.  User stacks need frame pointers in the profiled
 * code.  Samples of the idle task (pid 0) are not counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gadget/gadget.h"
#include "gadget/stacks.h"

struct sample_key {
	gadget_mntns_id mntns_id;
	gadget_pid pid;
	gadget_comm comm;
	gadget_user_stack user_stack;
	gadget_kernel_stack kernel_stack;
};

struct value {
	__u64 samples;
};

GADGET_TOPPER(samples, struct sample_key, struct value, 10240);

GADGET_PARAM(bool, user_stacks_only, false);
GADGET_PARAM(bool, kernel_stacks_only, false);

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sample_key key = {};
	struct value *v, zero = {};

	if (!(__u32)pid_tgid)
		return 0;	/* idle */
	key.mntns_id = gadget_get_mntns_id();
	if (gadget_should_discard_mntns_id(key.mntns_id))
		return 0;
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.user_stack = kernel_stacks_only ? -14 /* -EFAULT: printed "[none]" */ : gadget_get_user_stack(ctx);
	key.kernel_stack = user_stacks_only ? -14 /* -EFAULT: printed "[none]" */ : gadget_get_kernel_stack(ctx);
	v = bpf_map_lookup_elem(&print_samples, &key);
	if (!v) {
		bpf_map_update_elem(&print_samples, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&print_samples, &key);
		if (!v)
			return 0;
	}
	__sync_fetch_and_add(&v->samples, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
