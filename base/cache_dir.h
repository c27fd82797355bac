/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_CACHE_DIR_H
#define GADGET_BASE_CACHE_DIR_H

/*
 * This user's cache folder, shared by the stages that keep derived files:
 * the compiler's build cache (objects/, builds/, pch/, clang/) and the
 * runtime's CO-RE BTF (core-btf/).  $GADGET_CACHE_DIR, else
 * $XDG_CACHE_HOME/gadget, else ~/.cache/gadget.
 */
#include <stddef.h>

struct gadget_err;

int cache_dir_default(char *buf, size_t len, struct gadget_err *err);

#endif
