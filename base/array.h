/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_ARRAY_H
#define GADGET_BASE_ARRAY_H

/*
 * Arrays that grow one element at a time, as most of ours do (diagnostics,
 * columns, attachments, symbols).  The capacity is not stored: an array of
 * n elements has room for array_capacity(n), the smallest power of two (at
 * least 8) that holds n, so it is reallocated log2(n) times, not n times.
 * That holds for every array grown only by array_grow() and freed whole.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* Elements of an array whose size the compiler knows. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The capacity of an array of n elements. */
size_t array_capacity(size_t n);
/* The capacity to reallocate to before adding element n, 0 if there is room. */
size_t array_grow_to(size_t n);

/*
 * Room for element n of array v (a pointer to its first element, NULL when
 * empty): 0, or -ENOMEM with v unchanged.  The caller then stores v[n++].
 */
#define array_grow(v, n)								\
	({										\
		size_t array_want = array_grow_to(n);					\
		__typeof__(v) array_p = array_want ?					\
			reallocarray((v), array_want, sizeof(*(v))) : (v);		\
		int array_ret = array_p ? 0 : -ENOMEM;					\
											\
		if (array_p)								\
			(v) = array_p;							\
		array_ret;								\
	})

#endif
