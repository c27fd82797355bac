/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PARAM_LIST_H
#define GADGET_RUNTIME_PARAM_LIST_H

#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"

/* Set array parameter p (dst: its bytes in .rodata, size bytes) from "1,2,3". */
int param_set_list(const struct gadget_param *p, const char *v, void *dst, size_t size,
		   struct gadget_err *err);

#endif
