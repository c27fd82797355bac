/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_LIBC_CALLS_H
#define GADGET_INFO_LIBC_CALLS_H

/*
 * libc functions BPF programs call by habit (or that clang emits for a
 * builtin it did not inline), and what to write instead: NULL for any
 * other name.  Read by the linker step of the build and by the validator.
 */
const char *libc_call_instead(const char *name);

#endif
