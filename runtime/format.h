/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_FORMAT_H
#define GADGET_RUNTIME_FORMAT_H

/*
 * Formatting one decoded field.  Everything here runs per event: no
 * allocation, no BTF, integer formatting by hand; the few lookups that hit
 * the system (interface names) are cached.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "info/gadget_info.h"

enum fmt_mode {
	FMT_TEXT,	/* for columns and filters: plain text */
	FMT_JSON,	/* a JSON value: numbers bare, the rest quoted and escaped */
};

/* Call once before formatting timestamps (boot time -> wall clock). */
void format_init(void);

/* Raw integer value of an int/uint/bool/enum field (bitfields handled). */
uint64_t field_raw_u64(const struct gadget_field *f, const uint8_t *rec);
int64_t field_raw_s64(const struct gadget_field *f, const uint8_t *rec);
bool field_is_numeric(const struct gadget_field *f);
/* Bits of an enum field's value (enum values compare masked with it). */
uint64_t field_enum_mask(const struct gadget_field *f);

/* Append the field's value to out (at most cap bytes, always NUL-terminated); returns length. */
size_t format_field(const struct gadget_field *f, const uint8_t *rec, enum fmt_mode mode,
		    char *out, size_t cap);
/*
 * len bytes of s (up to a NUL) as a JSON string, quoted and escaped, into
 * out (cap bytes); sanitize: control and non-ASCII bytes as '?' (the text of
 * a gadget_comm) instead of escaped.  What does not fit is cut before a whole
 * character or escape: the string is always closed and NUL-terminated.  A cap
 * of 6 * len + 3 always holds all of it.  Returns the length written.
 */
size_t format_json_string(const char *s, size_t len, bool sanitize, char *out, size_t cap);
/* A boot-time timestamp as wall-clock text (out holds 48 bytes); returns its length. */
size_t format_timestamp(uint64_t boot_ns, enum fmt_mode mode, char *out);
/* u64 to decimal, returns length (out needs 21 bytes). */
size_t format_u64(uint64_t v, char *out);

const char *format_syscall_name(unsigned int nr);
/* IG's gadget_file_flags and gadget_file_mode (runtime/format_file.c) */
size_t format_open_flags(uint32_t flags, char *out, size_t cap);
size_t format_file_mode(uint32_t mode, char *out);	/* out: 11 bytes, "-rw-r--r--" */

/*
 * The compiled decoder: one op per field, chosen once (when the schema is
 * built) from the field's kind, special type, size and bit layout.  Per
 * event, fn[mode] writes the value into out, which must hold max[mode] + 1
 * bytes: no BTF, no dispatch on the field's description, no bound check
 * per byte.  Fields without a fast op go through format_field(), so the
 * text is the same either way.
 */
#define FIELD_OP_GENERIC_MAX 4095
struct field_op;
typedef size_t (*field_op_fn)(const struct field_op *op, const uint8_t *rec, char *out);
struct field_op {
	const struct gadget_field *f;
	uint32_t offset, size;
	field_op_fn fn[2];		/* [FMT_TEXT], [FMT_JSON] */
	uint32_t max[2];		/* most bytes fn writes, without the NUL */
};
void field_op_init(struct field_op *op, const struct gadget_field *f);

#endif
