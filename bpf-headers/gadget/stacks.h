/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_STACKS_H
#define __GADGET_STACKS_H

/*
 * Stack traces.  Include after gadget/gadget.h; it declares the stack map
 * the runtime reads, "gadget_stacks" (BPF_MAP_TYPE_STACK_TRACE), and two
 * helpers that store the current stack there and return its id:
 *
 *   struct key {
 *           gadget_pid pid;
 *           gadget_user_stack ustack;
 *           gadget_kernel_stack kstack;
 *   };
 *   k.kstack = gadget_get_kernel_stack(ctx);
 *   k.ustack = gadget_get_user_stack(ctx);
 *
 * The runtime prints a member of type gadget_kernel_stack / gadget_user_stack
 * as the frames' function names, innermost first ("f1;f2;main"): kernel
 * addresses through /proc/kallsyms, user addresses through the process's
 * /proc/PID/maps and the ELF symbol tables of the mapped files, else
 * "file+0xoffset".  User stacks need a gadget_pid member in the same
 * record (the process whose addresses they are) and frame pointers in the
 * profiled code (-fno-omit-frame-pointer); the process must still run when
 * the stack is printed.  A negative id prints as "[none]" (-EFAULT: no
 * user stack, e.g. a kernel thread) or "[lost]" (-EEXIST/-ENOMEM: the map
 * was full or two stacks collided: raise GADGET_STACKS_MAX).
 *
 * The kernel preallocates the map: GADGET_STACKS_MAX * ~1 KiB (16 MiB by
 * default).  Entries are never removed during a run, also when a topper
 * clears its table, so distinct stacks accumulate over a long run.
 */

#include <bpf/bpf_helpers.h>

#include "gadget/types.h"

#ifndef GADGET_STACKS_MAX
#define GADGET_STACKS_MAX 16384
#endif
#define GADGET_STACK_DEPTH 127	/* PERF_MAX_STACK_DEPTH */

/* weak: several sources of one gadget may include this header */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, GADGET_STACKS_MAX);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, GADGET_STACK_DEPTH * sizeof(__u64));
} gadget_stacks SEC(".maps") __weak;

#define gadget_get_kernel_stack(ctx)						\
	((gadget_kernel_stack)bpf_get_stackid(ctx, &gadget_stacks, 0))
#define gadget_get_user_stack(ctx)						\
	((gadget_user_stack)bpf_get_stackid(ctx, &gadget_stacks, BPF_F_USER_STACK))

#endif
