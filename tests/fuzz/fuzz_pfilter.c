// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the packet-filter path that sees a hostile object or
 * program.  Input: a byte that picks the target, then its bytes: 'e' an
 * ELF object for pf_splice() (a 30-instruction body for gadget_pf_), else
 * cBPF instructions (8 bytes each) for cbpf_to_ebpf(), whose output must
 * keep every jump inside the program and end with an exit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cbpf.h"
#include "runtime/pf_splice.h"

static void splice(const uint8_t *data, size_t size)
{
	struct bpf_insn body[30] = { 0 };
	struct gadget_err err;
	size_t out_len;
	void *copy = malloc(size ? size : 1), *out;

	/* our own aligned copy: objects come from a file or the store, never at an odd address */
	if (!copy)
		return;
	memcpy(copy, data, size);
	body[29].code = BPF_JMP | BPF_EXIT;
	if (!pf_splice(copy, size, "gadget_pf_", body, 30, &out, &out_len, &err))
		free(out);
	free(copy);
}

static void translate(const uint8_t *data, size_t size)
{
	unsigned int n = size / sizeof(struct sock_filter), nout;
	struct sock_filter *f = malloc(n ? n * sizeof(*f) : 1);
	struct gadget_err err;
	struct bpf_insn *out;

	if (!f)
		return;
	memcpy(f, data, n * sizeof(*f));
	if (!cbpf_to_ebpf(f, n, &out, &nout, &err)) {
		for (unsigned int i = 0; i < nout; i++) {
			uint8_t cls = BPF_CLASS(out[i].code), op = BPF_OP(out[i].code);

			if ((cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_EXIT && op != BPF_CALL &&
			    ((int64_t)i + 1 + out[i].off < 0 || i + 1 + out[i].off >= nout))
				abort();
		}
		if (out[nout - 1].code != (BPF_JMP | BPF_EXIT))
			abort();
		free(out);
	}
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] == 'e')
		splice(data + 1, size - 1);
	else
		translate(data + 1, size - 1);
	return 0;
}
