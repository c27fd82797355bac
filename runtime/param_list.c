// SPDX-License-Identifier: Apache-2.0
/*
 * List parameters: an array of integers set from "80,443" (the seed's
 * field_filter: a gadget filters in the kernel on a list of values, see
 * <gadget/param_list.h>).  Elements past the list are zeroed, which the
 * header's gadget_list_match() reads as the end of the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/param_list.h"

int param_set_list(const struct gadget_param *p, const char *v, void *dst, size_t size,
		   struct gadget_err *err)
{
	const struct gadget_field *f = &p->field;
	unsigned int elem = f->array_len ? f->size / f->array_len : 0;
	unsigned long long hi;
	unsigned int n = 0;
	const char *s = v;

	if (!elem || elem > 8 || (elem & (elem - 1)) || f->size > size)
		return gadget_err_set(err, EINVAL, "--param %s: parameters of type %s cannot be set",
				      p->name, f->type_name ? f->type_name : "?");
	hi = elem == 8 ? ~0ULL : (1ULL << (elem * 8)) - 1;
	memset(dst, 0, f->size);
	while (*s) {
		unsigned long long x;
		char *end;

		errno = 0;
		x = strtoull(s, &end, 0);
		if (errno || end == s || *s == '-' || x > hi || x == 0 || (*end && *end != ','))
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected a comma-separated "
					      "list of integers from 1 to %llu", p->name, v, hi);
		if (n == f->array_len)
			return gadget_err_set(err, EINVAL, "--param %s: at most %u values", p->name,
					      f->array_len);
		memcpy((char *)dst + n++ * elem, &x, elem);	/* little endian target */
		s = *end ? end + 1 : end;
	}
	return 0;
}
