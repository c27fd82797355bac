/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_KERNEL_STACK_MAP_H
#define __GADGET_KERNEL_STACK_MAP_H

/* Inspektor Gadget's gadget_get_kernel_stack(ctx): a gadget_kernel_stack
 * id into our gadget_stacks map, printed as symbolised frames
 * (gadget/stacks.h). */
#include "gadget/ig_api.h"
#include "gadget/stacks.h"

#endif
