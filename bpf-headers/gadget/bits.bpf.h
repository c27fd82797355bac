/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_BITS_BPF_H
#define __GADGET_BITS_BPF_H

/* libbpf-tools' bits.bpf.h API as IG ships it: READ_ONCE/WRITE_ONCE and
 * floor(log2()) for histograms (log2(0) is 0, as there). */
#include "gadget/macros.h"

#ifndef READ_ONCE
#define READ_ONCE(x)		(*(volatile typeof(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)	((*(volatile typeof(x) *)&(x)) = (val))
#endif

static __always_inline __u64 log2(__u32 v)
{
	return gadget_log2(v);
}

static __always_inline __u64 log2l(__u64 v)
{
	return gadget_log2(v);
}

#endif
