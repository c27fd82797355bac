/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PARAM_H
#define GADGET_RUNTIME_PARAM_H

/*
 * --param NAME=VALUE: a gadget's parameters (gadget_info's params, its const
 * volatile globals) set in an opened object's .rodata before load.
 */
#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"

struct bpf_object;

/* Set "NAME=VALUE" in obj: integers, bools, enums by name, strings, addresses, lists. */
int param_set(struct bpf_object *obj, const struct gadget_info *info, const char *kv,
	      struct gadget_err *err);
/* Set array parameter p (dst: its bytes in .rodata, size bytes) from "1,2,3". */
int param_set_list(const struct gadget_param *p, const char *v, void *dst, size_t size,
		   struct gadget_err *err);

#endif
