/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_BTF_EXT_H
#define GADGET_VALIDATOR_BTF_EXT_H

/*
 * The .BTF.ext section of an object (the kernel's Documentation/bpf/btf.rst,
 * "BTF Extension"): a header, then per part (func info, line info, CO-RE
 * relocations) a record size and, per ELF section, its name (an offset in
 * .BTF's strings), a count and that many records.  The validator reads the
 * line info (where programs start), the runtime the CO-RE relocations (what
 * to keep of the kernel's BTF).  Objects are untrusted: every read is
 * bounded and nothing is assumed aligned.
 */
#include <stddef.h>
#include <stdint.h>

/* The first bytes of .BTF.ext, as of .BTF: include/uapi/linux/btf.h's BTF_MAGIC. */
#define BTFEXT_MAGIC 0xeB9F

enum btfext_part {
	BTFEXT_FUNC_INFO,
	BTFEXT_LINE_INFO,
	BTFEXT_CORE_RELO,
};

/* One record of a part: copy it out (rec is rec_size bytes, maybe misaligned). */
typedef int (*btfext_fn)(void *ctx, uint32_t sec_name_off, const uint8_t *rec, uint32_t rec_size);

/*
 * Call fn for every record of part whose records are at least min_rec
 * bytes.  Returns fn's first non-zero result, 0 when all were seen, -ENOENT
 * when the object has no records of that part, -EINVAL when the section is
 * malformed (records it walked before the fault were seen).
 */
int btfext_walk(const void *ext, size_t len, enum btfext_part part, size_t min_rec,
		btfext_fn fn, void *ctx);
/* Does the section hold records of part?  (0 also for a malformed one.) */
int btfext_has(const void *ext, size_t len, enum btfext_part part);

#endif
