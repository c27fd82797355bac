/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf's bpf_core_read.h (Debian's libbpf 1.1, from /usr/include), plus
 * bpf_core_cast() (libbpf 1.3), which programs written against newer
 * libbpf use to read kernel memory through a plain pointer dereference.
 * Defined only where the system header has none.
 */
#ifndef __GADGET_BPF_CORE_READ_COMPAT_H
#define __GADGET_BPF_CORE_READ_COMPAT_H

#include_next <bpf/bpf_core_read.h>

#ifndef bpf_core_cast
/*
 * The kernel (6.2+) turns ptr into a read-only pointer to the kernel's
 * type of that name: loads through it are checked probe reads, so
 * bpf_core_cast(task, struct task_struct)->tgid needs no BPF_CORE_READ().
 */
/* __ksym __weak spelled out: this header may come before bpf_helpers.h */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id)
	__attribute__((section(".ksyms"))) __attribute__((weak));
#define bpf_core_cast(ptr, type) \
	((typeof(type) *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))
#endif

#endif
