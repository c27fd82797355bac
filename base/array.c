// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>

#include "base/array.h"

#define ARRAY_MIN_CAPACITY 8

size_t array_capacity(size_t n)
{
	size_t cap = ARRAY_MIN_CAPACITY;

	while (cap < n && cap <= SIZE_MAX / 2)
		cap *= 2;
	return cap;
}

size_t array_grow_to(size_t n)
{
	size_t cap = array_capacity(n);

	if (n == 0)
		return cap;
	if (n < cap)
		return 0;
	return cap <= SIZE_MAX / 2 ? cap * 2 : 0;
}
