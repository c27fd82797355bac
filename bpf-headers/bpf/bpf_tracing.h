/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf's bpf_tracing.h (Debian's libbpf 1.1, from /usr/include), plus
 * what later libbpf releases added that programs written against them use
 * (libbpf-bootstrap, libbpf-tools): BPF_UPROBE/BPF_URETPROBE and the sixth
 * argument.  Each is defined only where the system header has none, so a
 * newer libbpf's own definitions win.
 */
#ifndef __GADGET_BPF_TRACING_COMPAT_H
#define __GADGET_BPF_TRACING_COMPAT_H

#include_next <bpf/bpf_tracing.h>

/* A uprobe's context is a struct pt_regs like a kprobe's (libbpf 1.2). */
#ifndef BPF_UPROBE
#define BPF_UPROBE(name, args...)	BPF_KPROBE(name, ##args)
#endif
#ifndef BPF_URETPROBE
#define BPF_URETPROBE(name, args...)	BPF_KRETPROBE(name, ##args)
#endif

/* The sixth argument register, for functions and syscalls alike (libbpf 1.2). */
#ifndef __PT_PARM6_REG
#if defined(bpf_target_x86)
#define __PT_PARM6_REG r9
#elif defined(bpf_target_arm64)
#define __PT_PARM6_REG regs[5]
#endif
#endif

#ifdef __PT_PARM6_REG
#ifndef PT_REGS_PARM6
#define PT_REGS_PARM6(x)		(__PT_REGS_CAST(x)->__PT_PARM6_REG)
#endif
#ifndef PT_REGS_PARM6_CORE
#define PT_REGS_PARM6_CORE(x)		BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM6_REG)
#endif
#ifndef PT_REGS_PARM6_SYSCALL
#define PT_REGS_PARM6_SYSCALL(x)	PT_REGS_PARM6(x)
#endif
#ifndef PT_REGS_PARM6_CORE_SYSCALL
#define PT_REGS_PARM6_CORE_SYSCALL(x)	PT_REGS_PARM6_CORE(x)
#endif
/*
 * BPF_KPROBE() with a sixth argument (IG's fsnotify probes
 * inotify_handle_inode_event(mark, mask, inode, dir, name, cookie)):
 * libbpf 1.1 stops at five, and the sixth became an implicitly declared
 * ___bpf_kprobe_args6 that could not be linked.
 */
#ifndef ___bpf_kprobe_args6
#define ___bpf_kprobe_args6(x, args...) ___bpf_kprobe_args5(args), (void *)PT_REGS_PARM6(ctx)
#endif
#endif

#endif
