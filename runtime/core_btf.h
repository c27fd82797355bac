/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_CORE_BTF_H
#define GADGET_RUNTIME_CORE_BTF_H

/*
 * A small CO-RE target BTF per kernel and object (runtime/core_btf.c): what
 * the object's relocations reach of the kernel's BTF, so libbpf need not
 * read the whole of it (btf_custom_path).
 */
#include <stddef.h>

/* The cache file for this kernel and object: 0 and path, or -errno. */
int core_btf_cache_path(const void *obj, size_t len, char *path, size_t cap);
/* Write the small BTF of obj to path; -ENOENT if obj has no CO-RE relocations. */
int core_btf_build(const void *obj, size_t len, const char *path);
/*
 * After a load against the kernel's BTF (live), make the small BTF the next
 * runs of the object load against, kept only if loading against it gives
 * every program the same instructions.
 */
struct bpf_object;
void core_btf_learn(const void *obj, size_t len, struct bpf_object *live);

#endif
