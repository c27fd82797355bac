// SPDX-License-Identifier: Apache-2.0
/* Filter expressions through libpcap (see pcap_expr.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "base/lazylib.h"
#include "runtime/pcap_expr.h"

static const int link_dlt[] = {
	[PCAP_LINK_ETHERNET] = DLT_EN10MB,
	[PCAP_LINK_RAW_IP] = DLT_RAW,
};

/* expr compiled, optimised, for link at PCAP_EXPR_SNAPLEN into *prog. */
static int compile(const char *what, const char *expr, enum pcap_link link,
		   struct bpf_program *prog, struct gadget_err *err)
{
	pcap_t *p;
	int ret;

	ret = lazylib_load(LAZY_PCAP, err);
	if (ret) {
		gadget_err_prefix(err, "%s", what);
		return ret;
	}
	p = pcap_open_dead(link_dlt[link], PCAP_EXPR_SNAPLEN);
	if (!p)
		return gadget_err_set(err, ENOMEM, "%s: pcap_open_dead failed", what);
	ret = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (ret)
		gadget_err_set(err, EINVAL, "%s: %s", what, pcap_geterr(p));
	pcap_close(p);
	return ret ? -EINVAL : 0;
}

int pcap_expr_compile(const char *what, const char *expr, enum pcap_link link, void **cbpf,
		      unsigned int *n, struct gadget_err *err)
{
	struct bpf_program prog = { 0 };
	int ret = compile(what, expr, link, &prog, err);

	*cbpf = NULL;
	*n = 0;
	if (ret)
		return ret;
	_Static_assert(sizeof(*prog.bf_insns) == 8, "pcap's bpf_insn is cBPF's 8 bytes");
	*cbpf = malloc((size_t)prog.bf_len * sizeof(*prog.bf_insns));
	if (!*cbpf) {
		pcap_freecode(&prog);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	memcpy(*cbpf, prog.bf_insns, (size_t)prog.bf_len * sizeof(*prog.bf_insns));
	*n = prog.bf_len;
	pcap_freecode(&prog);
	return 0;
}

int pcap_expr_match(const char *expr, const void *pkt, unsigned int len, struct gadget_err *err)
{
	struct bpf_program prog = { 0 };
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	int ret = compile(expr, expr, PCAP_LINK_ETHERNET, &prog, err);

	if (ret)
		return ret;
	ret = pcap_offline_filter(&prog, &h, pkt) != 0;
	pcap_freecode(&prog);
	return ret;
}

int pcap_cbpf_match(const void *cbpf, unsigned int n, const void *pkt, unsigned int len,
		    struct gadget_err *err)
{
	struct bpf_program prog = { .bf_len = n, .bf_insns = (struct bpf_insn *)cbpf };
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	int ret = lazylib_load(LAZY_PCAP, err);

	return ret ? ret : pcap_offline_filter(&prog, &h, pkt) != 0;
}
