/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_PF_SPLICE_H
#define GADGET_RUNTIME_PF_SPLICE_H

/*
 * Put a translated packet filter in place of its stub function
 * (<gadget/packetfilter.h>'s gadget_pf_<name>) in a BPF ELF object, before
 * libbpf opens it.  The stub's section grows; everything after the stub
 * moves with it: the symbols, the relocations' offsets, the calls and
 * function addresses that point past it (pc-relative calls inside the
 * section, section-relative ones from other sections), the .BTF.ext
 * func_info/line_info/CO-RE records, and the file offsets of the sections
 * that follow.  Why not libbpf's prog_prepare_load_fn hook: pf_splice.c.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "base/err.h"

/*
 * A new object (*out, malloc'ed, *out_len bytes) with function sym's body
 * replaced by insns (n instructions; padded with no-ops if shorter).
 */
int pf_splice(const void *obj, size_t len, const char *sym, const struct bpf_insn *insns,
	      unsigned int n, void **out, size_t *out_len, struct gadget_err *err);

#endif
