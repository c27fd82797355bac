/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_KERNEL_FEATURE_H
#define GADGET_VALIDATOR_KERNEL_FEATURE_H

/*
 * What this kernel can attach: the probes behind the program-type table's
 * feature column (info/progtypes.h).  The validator asks them to mark a
 * program runnable or not, the runtime before it loads anything.
 */
#include <stdbool.h>

#include "info/progtypes.h"

/*
 * The kernel's own BTF (CONFIG_DEBUG_INFO_BTF).  Without it libbpf has no
 * target for CO-RE relocations (unless given one: IG's btfgen layer,
 * runtime/btfgen.h) and cannot attach program types that name a kernel
 * type or function by its BTF id, which no other file stands in for.
 */
#define KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"
bool kernel_btf_present(void);
/* tp_btf, fentry/fexit, iter, lsm, struct_ops, freplace: attached by kernel BTF ids. */
bool prog_type_needs_kernel_btf(enum bpf_prog_type type);

/*
 * Is a kernel feature available on this machine?  Returns 1 if yes, 0 if
 * no (and fills why with e.g. "this kernel has no kprobe support
 * (CONFIG_KPROBE_EVENTS)"), negative errno if it could not be probed.
 * Results are cached per process.
 */
int kernel_feature_probe(enum kernel_feature f, char *why, unsigned int why_len);
/* Probe f again next time: the machine changed (the runtime mounted tracefs). */
void kernel_feature_forget(enum kernel_feature f);

#endif
