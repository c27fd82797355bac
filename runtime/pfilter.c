// SPDX-License-Identifier: Apache-2.0
/* A run's packet filters, compiled and spliced in (see pfilter.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cbpf.h"
#include "runtime/pcap_expr.h"
#include "runtime/pf_splice.h"
#include "runtime/pfilter.h"
#include "runtime/run.h"

/*
 * Where the packet data of each program type starts: what a filter's
 * expression is compiled for.  Types not listed cannot hand packet data
 * to gadget_pf_matches() (a socket filter has no direct packet access).
 */
static const struct {
	enum bpf_prog_type type;
	enum pcap_link link;
	const char *what;
} prog_links[] = {
	{ BPF_PROG_TYPE_SCHED_CLS,	PCAP_LINK_ETHERNET,	"tc" },
	{ BPF_PROG_TYPE_SCHED_ACT,	PCAP_LINK_ETHERNET,	"tc action" },
	{ BPF_PROG_TYPE_XDP,		PCAP_LINK_ETHERNET,	"XDP" },
	{ BPF_PROG_TYPE_CGROUP_SKB,	PCAP_LINK_RAW_IP,	"cgroup_skb" },
	{ BPF_PROG_TYPE_LWT_IN,		PCAP_LINK_RAW_IP,	"lwt_in" },
	{ BPF_PROG_TYPE_LWT_OUT,	PCAP_LINK_RAW_IP,	"lwt_out" },
	{ BPF_PROG_TYPE_LWT_XMIT,	PCAP_LINK_RAW_IP,	"lwt_xmit" },
	{ BPF_PROG_TYPE_LWT_SEG6LOCAL,	PCAP_LINK_RAW_IP,	"lwt_seg6local" },
};

/*
 * What the object's packet programs see: Ethernet frames or IP packets.
 * One expression serves the whole object, so a mix is refused rather
 * than compiled for one kind and misread by the other.
 */
int pfilter_link(const struct gadget_info *info, enum pcap_link *link, struct gadget_err *err)
{
	const char *seen[2] = { NULL, NULL };

	for (unsigned int i = 0; i < info->nr_progs; i++) {
		const struct gadget_prog *p = &info->progs[i];

		for (size_t k = 0; p->def && k < sizeof(prog_links) / sizeof(prog_links[0]); k++)
			if (prog_links[k].type == p->def->prog_type)
				seen[prog_links[k].link] = p->name;
	}
	if (seen[PCAP_LINK_ETHERNET] && seen[PCAP_LINK_RAW_IP])
		return gadget_err_set(err, EINVAL, "packet filter: program '%s' sees Ethernet "
				      "frames and '%s' bare IP packets; one pcap expression "
				      "cannot be compiled for both: put them in two gadgets",
				      seen[PCAP_LINK_ETHERNET], seen[PCAP_LINK_RAW_IP]);
	*link = seen[PCAP_LINK_RAW_IP] ? PCAP_LINK_RAW_IP : PCAP_LINK_ETHERNET;
	return 0;
}

/*
 * The expression of filter param p: the last --param p=, else --pf (for
 * "pf"), else gadget.yaml's; how says where it came from, for messages.
 */
static const char *expression(const struct gadget_param *p, const struct run_opts *opts,
			      char *how, size_t len)
{
	size_t n = strlen(p->name);

	for (unsigned int i = opts->nr_params; i-- > 0;) {
		if (strncmp(opts->params[i], p->name, n) || opts->params[i][n] != '=')
			continue;
		snprintf(how, len, "--param %s='%s'", p->name, opts->params[i] + n + 1);
		return opts->params[i] + n + 1;
	}
	if (opts->pf && !strcmp(p->name, GADGET_PF_PARAM)) {
		snprintf(how, len, "--pf '%s'", opts->pf);
		return opts->pf;
	}
	snprintf(how, len, "gadget.yaml's params.ebpf.%s.defaultValue '%s'", p->name,
		 p->default_value ? p->default_value : "");
	return p->default_set ? p->default_value : NULL;
}

/* One filter: expr compiled, translated and spliced into *obj (replaced, the old one freed if owned). */
static int apply_one(const struct gadget_param *p, const char *expr, const char *how,
		     enum pcap_link link, const struct run_opts *opts, void **obj, size_t *len,
		     bool owned, struct gadget_err *err)
{
	struct bpf_insn *insns = NULL;
	unsigned int n = 0, nc = 0;
	char sym[160], what[1200];
	void *cbpf, *out = NULL;
	size_t out_len;
	int ret;

	if (gadget_pf_symbol(p->name, sym, sizeof(sym)))
		return gadget_err_set(err, EINVAL, "packet filter param '%s' names no function",
				      p->name);
	snprintf(what, sizeof(what), "packet filter %s (%s)", sym, how);
	ret = pcap_expr_compile(what, expr, link, &cbpf, &nc, err);
	if (!ret) {
		ret = cbpf_to_ebpf(cbpf, nc, &insns, &n, err);
		if (ret)
			gadget_err_prefix(err, "%s", what);
		free(cbpf);
	}
	if (!ret)
		ret = pf_splice(*obj, *len, sym, insns, n, &out, &out_len, err);
	free(insns);
	if (ret)
		return ret;
	if (opts->verbose && opts->status)
		fprintf(opts->status, "gadget: %s: %u cBPF instructions, %u eBPF%s\n", what, nc,
			n, link == PCAP_LINK_RAW_IP ? " (IP packets, no link header)" : "");
	if (owned)
		free(*obj);
	*obj = out;
	*len = out_len;
	return 0;
}

int pfilter_apply(const void *obj, size_t len, const struct gadget_info *info,
		  const struct run_opts *opts, void **out, size_t *out_len, struct gadget_err *err)
{
	enum pcap_link link = PCAP_LINK_ETHERNET;
	bool any = false, linked = false;
	void *cur = (void *)obj;
	int ret = 0;

	*out = NULL;
	*out_len = len;
	for (unsigned int i = 0; !ret && i < info->nr_params; i++) {
		const struct gadget_param *p = &info->params[i];
		char how[1024];
		const char *expr;

		if (!p->packet_filter)
			continue;
		any = true;
		expr = expression(p, opts, how, sizeof(how));
		if (!expr || !*expr) {
			if (opts->verbose && opts->status)
				fprintf(opts->status, "gadget: packet filter of param %s: no expression, "
					"every non-empty packet matches\n", p->name);
			continue;
		}
		if (!linked && (ret = pfilter_link(info, &link, err)))
			break;
		linked = true;
		ret = apply_one(p, expr, how, link, opts, &cur, out_len, cur != obj, err);
	}
	if (!ret && opts->pf && !any)
		ret = gadget_err_set(err, EINVAL, "--pf: gadget %s has no packet filter (it would "
				     "use GADGET_PF() of <gadget/packetfilter.h>)",
				     info->name ? info->name : "?");
	if (ret) {
		if (cur != obj)
			free(cur);
		return ret;
	}
	*out = cur != obj ? cur : NULL;
	return 0;
}
