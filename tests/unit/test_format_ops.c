// SPDX-License-Identifier: Apache-2.0
/*
 * The compiled decoder (field_op) against the reference formatter
 * (format_field): the same text and JSON for every field and value, and
 * never more than op->max bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "runtime/format.h"
#include "runtime/printer.h"
#include "runtime/schema.h"

static uint8_t rec[512];

static struct gadget_field fields[] = {
	{ .name = "u8", .offset = 0, .size = 1, .kind = FIELD_UINT },
	{ .name = "s8", .offset = 1, .size = 1, .kind = FIELD_INT },
	{ .name = "u16", .offset = 2, .size = 2, .kind = FIELD_UINT },
	{ .name = "s16", .offset = 4, .size = 2, .kind = FIELD_INT },
	{ .name = "u32", .offset = 8, .size = 4, .kind = FIELD_UINT },
	{ .name = "s32", .offset = 12, .size = 4, .kind = FIELD_INT },
	{ .name = "u64", .offset = 16, .size = 8, .kind = FIELD_UINT },
	{ .name = "s64", .offset = 24, .size = 8, .kind = FIELD_INT },
	{ .name = "ts", .offset = 32, .size = 8, .kind = FIELD_UINT, .special = SPECIAL_TIMESTAMP },
	{ .name = "dur", .offset = 40, .size = 8, .kind = FIELD_UINT, .special = SPECIAL_DURATION },
	{ .name = "mntns", .offset = 48, .size = 8, .kind = FIELD_UINT, .special = SPECIAL_MNTNS_ID },
	{ .name = "pid", .offset = 56, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_PID },
	{ .name = "bits", .offset = 60, .size = 1, .bit_offset = 2, .bit_size = 3, .kind = FIELD_UINT },
	{ .name = "comm", .offset = 64, .size = 16, .kind = FIELD_STRING, .special = SPECIAL_COMM },
	{ .name = "path", .offset = 80, .size = 256, .kind = FIELD_STRING },
	{ .name = "flag", .offset = 336, .size = 1, .kind = FIELD_BOOL },
};
#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const strings[] = {
	"", "/etc/hostname", "a\"b\\c", "tab\there\nnl", "\x01\x1f\x7f\x80\xff end",
};

static void fill(unsigned int round)
{
	static const uint64_t vals[] = { 0, 1, 9, 10, 127, 128, 255, 0x7fff, 0x8000, 0xffffffffULL,
					 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
					 1234567890123456789ULL };
	uint64_t v = vals[round % (sizeof(vals) / sizeof(vals[0]))];
	const char *s = strings[round % (sizeof(strings) / sizeof(strings[0]))];

	memset(rec, 0, sizeof(rec));
	for (unsigned int i = 0; i < NR_FIELDS; i++)
		if (fields[i].kind != FIELD_STRING)
			memcpy(rec + fields[i].offset, &v, fields[i].size);
	strncpy((char *)rec + 64, s, 16);
	strncpy((char *)rec + 80, s, 256);
	if (round % 3 == 0)
		memset(rec + 80, 'x', 256);	/* no NUL at all */
}

static void test_ops_match_format_field(void **state)
{
	(void)state;
	format_init();
	for (unsigned int round = 0; round < 60; round++) {
		fill(round);
		for (unsigned int i = 0; i < NR_FIELDS; i++) {
			struct field_op op;

			field_op_init(&op, &fields[i]);
			for (int mode = FMT_TEXT; mode <= FMT_JSON; mode++) {
				char want[8192], got[FIELD_OP_GENERIC_MAX + 16];
				size_t nw = format_field(&fields[i], rec, mode, want, sizeof(want));
				size_t ng;

				memset(got, 0x55, sizeof(got));
				ng = op.fn[mode](&op, rec, got);
				if (nw != ng || strcmp(want, got))
					fail_msg("field %s mode %d round %u: op \"%s\" != format_field \"%s\"",
						 fields[i].name, mode, round, got, want);
				assert_true(ng <= op.max[mode]);
				assert_int_equal(got[ng], 0);
				assert_int_equal((uint8_t)got[op.max[mode] + 1], 0x55);
			}
		}
	}
}

/* The fast paths are taken where they should be (not everything generic). */
static void test_ops_are_specialised(void **state)
{
	struct field_op u32, path, bits;

	(void)state;
	field_op_init(&u32, &fields[4]);
	field_op_init(&path, &fields[14]);
	field_op_init(&bits, &fields[12]);
	assert_int_equal(u32.max[FMT_JSON], 20);
	assert_int_equal(path.max[FMT_TEXT], 256);
	assert_int_equal(path.max[FMT_JSON], 6 * 256 + 2);
	assert_int_equal(bits.max[FMT_TEXT], FIELD_OP_GENERIC_MAX);
}

static void test_duration_is_a_json_number(void **state)
{
	uint64_t ns = 1500000;
	char out[64];

	(void)state;
	memset(rec, 0, sizeof(rec));
	memcpy(rec + 40, &ns, 8);
	format_field(&fields[9], rec, FMT_JSON, out, sizeof(out));
	assert_string_equal(out, "1500000");
	format_field(&fields[9], rec, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "1.500ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_match_format_field),
		cmocka_unit_test(test_ops_are_specialised),
		cmocka_unit_test(test_duration_is_a_json_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
