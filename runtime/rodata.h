/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_RODATA_H
#define GADGET_RUNTIME_RODATA_H

/*
 * The const volatile globals of an opened object (params, the switches of
 * our headers): set in the object's .rodata before it is loaded.
 */
#include <stddef.h>

struct bpf_object;

/* The bytes of global name in .rodata: 0 and *ptr, *size, or -ENOENT. */
int rodata_find(struct bpf_object *obj, const char *name, void **ptr, size_t *size);

#endif
