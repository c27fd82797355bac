/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_BUILTINS_H
#define __GADGET_BUILTINS_H

/*
 * clang 14's BPF backend does not expand __builtin_memcmp(): it emits a
 * call to memcmp, which nothing defines, and the object cannot be linked
 * (LLVM expands it from 15 on; IG's trace_tcp compares IPv6 addresses so).
 * Compare byte by byte instead: with the constant size such calls have,
 * the loop unrolls into the loads clang 15 would emit.
 */
#if defined(__clang__) && __clang_major__ < 15 && !defined(__builtin_memcmp)
static inline __attribute__((always_inline)) int __gadget_memcmp(const void *a, const void *b, unsigned long n)
{
	const unsigned char *x = a, *y = b;

#pragma unroll
	for (unsigned long i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
#define __builtin_memcmp(a, b, n) __gadget_memcmp((a), (b), (n))
#endif

/*
 * bpf_core_type_matches() emits a BPF_TYPE_MATCHES relocation, which LLVM
 * learnt in 15: clang 14 dies with "fatal error: error in backend:
 * Incorrect flag for llvm.bpf.preserve.type.info intrinsic" and a stack
 * dump.  Make that a compile error at the line that uses it, saying why
 * (IG's profile_blockio tells the block tracepoints' prototypes apart so).
 */
#if defined(__clang__) && __clang_major__ < 15
#include <bpf/bpf_core_read.h>
#undef bpf_core_type_matches
#define bpf_core_type_matches(type)						\
	({ _Static_assert(0, "bpf_core_type_matches() needs clang 15 or later: clang 14 "	\
			  "cannot emit its BPF_TYPE_MATCHES relocation (LLVM 15 added it); "	\
			  "use bpf_core_type_exists() or bpf_core_field_exists() here"); 0; })
#endif

#endif
