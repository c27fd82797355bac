/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_PACKETFILTER_H
#define __GADGET_PACKETFILTER_H

/*
 * Inspektor Gadget's packet filter API: a pcap expression (tcpdump syntax)
 * chosen when the gadget runs decides which packets a program keeps.
 *
 *	GADGET_PF();		// the filter set with --param pf=EXPR (or --pf EXPR)
 *	GADGET_PF(dns);		// another one, set with --param pf-dns=EXPR
 *	...
 *	if (!gadget_pf_matches(skb, data, data_end))		// or (dns, skb, data, data_end)
 *		return TC_ACT_OK;
 *
 * At load time `gadget run` compiles the expression with libpcap into
 * classic BPF, translates it to eBPF (the packet from data to data_end,
 * Ethernet first, every load bounds-checked) and puts it in place of the
 * function gadget_pf_<name> below, which it finds by its symbol name.  An
 * empty expression keeps this body: every non-empty packet matches.
 *
 * The three copies of skb are no mistake: they keep R1-R3 for the
 * translated filter and put data in R4 and data_end in R5, where it reads
 * them; the comparisons stop the compiler from dropping the copies.
 */
#define GADGET_PF(name)								\
	static __attribute__((noinline)) bool					\
	gadget_pf_##name(void *_skb, void *__skb, void *___skb, void *data,	\
			 void *data_end)					\
	{									\
		return data != data_end && _skb == __skb && __skb == ___skb;	\
	}

#define __gadget_pf_call(name, skb, data, data_end)				\
	gadget_pf_##name((void *)(skb), (void *)(skb), (void *)(skb),		\
			 (void *)(data), (void *)(data_end))

/* gadget_pf_matches(skb, data, data_end) or gadget_pf_matches(name, skb, data, data_end) */
#define __gadget_pf_bad(...)							\
	({ _Static_assert(0, "gadget_pf_matches: expected ([name,] skb, data, data_end)"); false; })
#define __gadget_pf_3(skb, data, data_end) __gadget_pf_call(, skb, data, data_end)
#define __gadget_pf_4(name, skb, data, data_end) __gadget_pf_call(name, skb, data, data_end)
#define __gadget_pf_nth(_1, _2, _3, _4, _5, _6, n, ...) n
#define __gadget_pf_pick(...)							\
	__gadget_pf_nth(__VA_ARGS__, __gadget_pf_bad, __gadget_pf_bad, __gadget_pf_4,	\
			__gadget_pf_3, __gadget_pf_bad, __gadget_pf_bad, __gadget_pf_bad)
#define gadget_pf_matches(...) __gadget_pf_pick(__VA_ARGS__)(__VA_ARGS__)

#endif
