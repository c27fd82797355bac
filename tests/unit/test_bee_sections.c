// SPDX-License-Identifier: Apache-2.0
/* bee_map_decl_parse(): a bumblebee map declaration read back from its source text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "validator/bee_sections.h"

static const char src[] =
	"struct event { int pid; };\n"				/* 1 */
	"struct {\n"						/* 2 */
	"\t__uint(type, BPF_MAP_TYPE_HASH);\n"			/* 3 */
	"\t__type(key, u32);\n"					/* 4 */
	"\t__type(value, u64);\n"				/* 5 */
	"} counts SEC(\".maps.print\");\n"			/* 6 */
	"\n"							/* 7 */
	"struct {\n"						/* 8 */
	"\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"		/* 9 */
	"\t__uint(max_entries, 1 << 24);\n"			/* 10 */
	"\t__type(value,   struct event);\n"			/* 11 */
	"}   events\tSEC(\".maps.print\");\n"			/* 12 */
	"struct {\n"						/* 13 */
	"\t__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);\n"	/* 14 */
	"} perf SEC(\".maps.print\");";				/* 15, no newline */

static void test_ring_buffer_with_struct_value(void **state)
{
	struct bee_map_decl d;

	(void)state;
	assert_int_equal(bee_map_decl_parse(src, 12, &d), 0);
	assert_string_equal(d.name, "events");
	assert_string_equal(d.value, "event");
	assert_true(d.stream);
	assert_false(d.table);
}

/* Only the declaration's own lines count: the hash above is not the ring buffer's. */
static void test_hash_with_scalar_value(void **state)
{
	struct bee_map_decl d;

	(void)state;
	assert_int_equal(bee_map_decl_parse(src, 6, &d), 0);
	assert_string_equal(d.name, "counts");
	assert_string_equal(d.value, "u64");
	assert_false(d.stream);
	assert_true(d.table);
}

static void test_last_line_without_value(void **state)
{
	struct bee_map_decl d;

	(void)state;
	assert_int_equal(bee_map_decl_parse(src, 15, &d), 0);
	assert_string_equal(d.name, "perf");
	assert_string_equal(d.value, "");
	assert_true(d.stream);
}

static void test_lines_that_declare_no_map(void **state)
{
	struct bee_map_decl d;

	(void)state;
	assert_int_equal(bee_map_decl_parse(src, 0, &d), -ENOENT);
	assert_int_equal(bee_map_decl_parse(src, 1, &d), -ENOENT);	/* no SEC( */
	assert_int_equal(bee_map_decl_parse(src, 7, &d), -ENOENT);	/* empty */
	assert_int_equal(bee_map_decl_parse(src, 16, &d), -ENOENT);	/* past the end */
	assert_int_equal(bee_map_decl_parse("} m SEC(\".maps.print\");\n", 1, &d), -ENOENT);
	assert_int_equal(bee_map_decl_parse("struct {\n} SEC(\".maps.print\");\n", 2, &d), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_buffer_with_struct_value),
		cmocka_unit_test(test_hash_with_scalar_value),
		cmocka_unit_test(test_last_line_without_value),
		cmocka_unit_test(test_lines_that_declare_no_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
