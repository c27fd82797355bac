/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_KERNEL_BTF_H
#define GADGET_BASE_KERNEL_BTF_H

/*
 * The kernel's BTF as libbpf and we read it (base/kernel_btf.c provides
 * btf__load_vmlinux_btf() for the process: mapped, not read 4 KiB at a time).
 */
#include <stdbool.h>

/*
 * While on, memory freed stays in the heap, so that each read of the
 * kernel's BTF in a run (kernel enums, libbpf's CO-RE and attach ids, the
 * small BTF) reuses the pages of the one before; off gives it back.
 */
void kernel_btf_reuse_heap(bool on);

#endif
