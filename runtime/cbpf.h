/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_CBPF_H
#define GADGET_RUNTIME_CBPF_H

/*
 * Classic BPF (what libpcap compiles a filter expression to) translated to
 * the body of an eBPF subprogram with IG's packet-filter calling convention
 * (<gadget/packetfilter.h>): the packet from R4 (data) to R5 (data_end),
 * Ethernet first; R0 is 1 when the filter keeps the packet, 0 otherwise.
 *
 * A is w6, X is w7 (32-bit, as in cBPF), the scratch words M[0..15] are on
 * the subprogram's stack at fp-64.  Every packet load is checked against
 * data_end and, like cBPF, an out-of-range load returns 0 (no match);
 * indirect loads (X + k) are first bounded to the 64K a packet can have,
 * so the verifier can prove the access.  R1-R3 are scratch.
 */
#include <linux/bpf.h>
#include <linux/filter.h>

#include "base/err.h"

/* Translate n cBPF instructions: *out (malloc'ed, *nout instructions), or -errno. */
int cbpf_to_ebpf(const struct sock_filter *prog, unsigned int n, struct bpf_insn **out,
		 unsigned int *nout, struct gadget_err *err);

#endif
