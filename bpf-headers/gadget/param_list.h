/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_PARAM_LIST_H
#define __GADGET_PARAM_LIST_H

/*
 * List parameters, for in-kernel filtering (the seed's field_filter): an
 * array parameter is set with a comma-separated list of integers,
 * "--param ports=80,443"; the elements after the list stay 0.
 *
 *   GADGET_PARAM(__u16, ports[16], {});
 *   ...
 *   if (!gadget_list_match(ports, port))
 *           return 0;
 *
 * gadget_list_match(list, v): true when the list is empty (its first
 * element is 0) or holds v before its first 0.
 */
#define gadget_list_match(list, v)						\
	({									\
		bool __match = !(list)[0];					\
		for (unsigned int __i = 0;					\
		     __i < sizeof(list) / sizeof((list)[0]) && !__match; __i++) { \
			if (!(list)[__i])					\
				break;						\
			if ((list)[__i] == (v))					\
				__match = true;					\
		}								\
		__match;							\
	})

#endif
