/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_USER_STACK_MAP_H
#define __GADGET_USER_STACK_MAP_H

/*
 * Inspektor Gadget's gadget_get_user_stack(ctx, &ustack): the user stack
 * into our gadget_stacks map and struct gadget_user_stack (its stack_id
 * and the pid).  exe_inode/mtime_* and the pid namespace levels are left
 * 0: our runtime symbolises through /proc/PID/maps instead of IG's
 * executable cache.
 */
#include "gadget/ig_api.h"
#include "gadget/stacks.h"

#undef gadget_get_user_stack
static __always_inline void gadget_get_user_stack(void *ctx, struct gadget_user_stack *ustack)
{
	long id = bpf_get_stackid(ctx, &gadget_stacks, BPF_F_USER_STACK);

	__builtin_memset(ustack, 0, sizeof(*ustack));
	if (id < 0)
		return;
	ustack->stack_id = id;
	ustack->pid_level0 = bpf_get_current_pid_tgid() >> 32;
}

#endif
