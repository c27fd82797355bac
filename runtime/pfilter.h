/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PFILTER_H
#define GADGET_RUNTIME_PFILTER_H

/*
 * The packet filters of a run (<gadget/packetfilter.h>): each param of the
 * gadget that is a packet filter (info/gadget_info.h: "pf", "pf-<name>")
 * and has an expression (--param, --pf, gadget.yaml's defaultValue) is
 * compiled (pcap_expr.c), translated (cbpf.c) and put in its function's
 * place in the object (pf_splice.c), before libbpf opens it.
 */
#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"
#include "runtime/pcap_expr.h"

struct run_opts;

/* *link: what the object's packet programs see; -EINVAL for a mix of both kinds. */
int pfilter_link(const struct gadget_info *info, enum pcap_link *link, struct gadget_err *err);
/* *out: the new object (malloc'ed, *out_len bytes), or NULL when no filter has an expression. */
int pfilter_apply(const void *obj, size_t len, const struct gadget_info *info,
		  const struct run_opts *opts, void **out, size_t *out_len, struct gadget_err *err);

#endif
