/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_KERNEL_ENUM_H
#define GADGET_RUNTIME_KERNEL_ENUM_H

/*
 * enum_convert for kernel enums: fields typed gadget_kernel_enum_<name>
 * (<gadget/kernel_enum.h>) take their value names from the running kernel's
 * BTF, whose numbering of enums like skb_drop_reason is the one the
 * programs read.  Where the kernel has no such enum (or no BTF) the names
 * compiled into the gadget stay.
 */
#include "base/err.h"
#include "info/gadget_info.h"

#define KERNEL_ENUM_PREFIX "gadget_kernel_enum_"

/* Replace the value names of t's kernel-enum fields (t may be NULL). */
int kernel_enum_resolve(struct gadget_type *t, struct gadget_err *err);

#endif
