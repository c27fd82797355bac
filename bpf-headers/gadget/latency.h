/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_LATENCY_H
#define __GADGET_LATENCY_H

/*
 * latency_calc: the time between two events that share a key (a DNS query
 * and its response, a request and its reply).  The first event records its
 * timestamp under the key; the second gets the difference, to store in a
 * gadget_duration field (printed "1.234ms", a number of ns in JSON), and
 * removes the entry.  An LRU map: keys whose second event never comes are
 * evicted, not leaked.
 *
 *   GADGET_LATENCY(dns, struct dns_key, 1024);
 *   gadget_latency_start(dns, &key, now);             // query
 *   e->latency = gadget_latency_end(dns, &key, now);  // response; 0: no query seen
 *
 * A repeated first event (a retransmission, the second copy of a packet a
 * packet socket sees twice on loopback) keeps the earliest timestamp.
 */

#include <bpf/bpf_helpers.h>

#define GADGET_LATENCY(name, key_type, max)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);				\
		__uint(max_entries, max);					\
		__type(key, key_type);						\
		__type(value, __u64);						\
	} gadget_latency_##name SEC(".maps")

#define gadget_latency_start(name, key, ts)					\
	({									\
		__u64 __ts = (ts);						\
		bpf_map_update_elem(&gadget_latency_##name, key, &__ts, BPF_NOEXIST); \
	})

#define gadget_latency_end(name, key, ts)					\
	({									\
		__u64 __now = (ts), __d = 0;					\
		__u64 *__t = bpf_map_lookup_elem(&gadget_latency_##name, key);	\
		if (__t) {							\
			__d = __now > *__t ? __now - *__t : 0;			\
			bpf_map_delete_elem(&gadget_latency_##name, key);	\
		}								\
		__d;								\
	})

#endif
