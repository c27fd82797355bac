// SPDX-License-Identifier: Apache-2.0
/* The generic helpers of base/: architectures, edit distance, sizes, arrays, strings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/utsname.h>
#include <cmocka.h>

#include "base/arch.h"
#include "base/array.h"
#include "base/human.h"
#include "base/names.h"
#include "base/str.h"
#include "base/suggest.h"

static void test_arch(void **state)
{
	struct utsname u;

	(void)state;
	assert_string_equal(arch_find("amd64")->machine, "x86_64");
	assert_string_equal(arch_find("amd64")->bpf_target, "x86");
	assert_string_equal(arch_find("arm64")->machine, "aarch64");
	assert_null(arch_find("riscv64")->bpf_target);
	/* the table is keyed by OCI names, not uname's */
	assert_null(arch_find("x86_64"));
	assert_null(arch_find(NULL));
	assert_string_equal(arch_buildable_names(), "amd64, arm64");
	/* this machine: its row's OCI name, or its own uname name (never a guess) */
	assert_int_equal(uname(&u), 0);
	if (!strcmp(u.machine, "x86_64"))
		assert_string_equal(arch_host(), "amd64");
	else if (!strcmp(u.machine, "aarch64"))
		assert_string_equal(arch_host(), "arm64");
	else if (!arch_find(arch_host()))
		assert_string_equal(arch_host(), u.machine);
}

static unsigned int dist(const char *a, const char *b)
{
	return suggest_distance(a, strlen(a), b, strlen(b));
}

static void test_suggest_distance(void **state)
{
	char long_a[100], long_b[100];

	(void)state;
	assert_int_equal(dist("kitten", "sitting"), 3);
	assert_int_equal(dist("", "abc"), 3);
	assert_int_equal(dist("abc", ""), 3);
	assert_int_equal(dist("tracepont", "tracepoint"), 1);
	assert_int_equal(dist("srcs", "sources"), 3);
	assert_int_equal(dist("same", "same"), 0);
	/* a prefix of a word: "tracepont/x" compared on its first word */
	assert_int_equal(suggest_distance("tracepont/x", 9, "tracepoint", 10), 1);
	/* words longer than SUGGEST_MAX_LEN are compared on their first 63 bytes */
	memset(long_a, 'a', sizeof(long_a));
	memset(long_b, 'a', sizeof(long_b));
	long_b[80] = 'b';
	assert_int_equal(suggest_distance(long_a, 100, long_b, 100), 0);
	long_b[10] = 'b';
	assert_int_equal(suggest_distance(long_a, 100, long_b, 100), 1);
}

static void test_human_size(void **state)
{
	static const struct { double n; const char *sep, *want; } cases[] = {
		{ 0, "", "0B" }, { 999, "", "999B" }, { 1000, "", "1.0kB" },
		{ 10240, " ", "10.2 kB" }, { 1234567, "", "1.2MB" }, { 5.5e9, " ", "5.5 GB" },
		{ 3e12, "", "3.0TB" }, { 4e15, "", "4000.0TB" },
	};
	char buf[32];

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		human_size(cases[i].n, cases[i].sep, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_array_grow(void **state)
{
	unsigned int *v = NULL, reallocs = 0;
	size_t n = 0;

	(void)state;
	assert_int_equal(array_capacity(0), 8);
	assert_int_equal(array_capacity(9), 16);
	assert_int_equal(array_grow_to(0), 8);
	assert_int_equal(array_grow_to(7), 0);
	assert_int_equal(array_grow_to(8), 16);
	assert_int_equal(array_grow_to(1000), 0);
	assert_int_equal(array_grow_to(1024), 2048);
	for (unsigned int i = 0; i < 5000; i++) {
		reallocs += array_grow_to(n) != 0;
		assert_int_equal(array_grow(v, n), 0);
		v[n++] = i;
	}
	/* every element kept, and log2(5000 / 8) + 1 reallocations, not 5000 */
	for (unsigned int i = 0; i < 5000; i++)
		assert_int_equal(v[i], i);
	assert_int_equal(reallocs, 11);
	free(v);
}

static void test_str(void **state)
{
	(void)state;
	assert_true(str_has_prefix("print_events", "print_"));
	assert_true(str_has_prefix("x", ""));
	assert_false(str_has_prefix("pri", "print_"));
	assert_true(str_has_suffix("trace_output", "_output"));
	assert_false(str_has_suffix("_outpu", "_output"));
	assert_true(str_has_suffix("", ""));
}

enum color { RED, GREEN, BLUE, UNNAMED };

static void test_names(void **state)
{
	static const char *const color_names[] = { [RED] = "red", [GREEN] = "green", [BLUE] = "blue" };

	(void)state;
	assert_string_equal(NAMES_GET(color_names, GREEN, "?"), "green");
	assert_string_equal(NAMES_GET(color_names, UNNAMED, "?"), "?");
	assert_string_equal(NAMES_GET(color_names, -1, "none"), "none");
	assert_int_equal(NAMES_FIND(color_names, "blue"), BLUE);
	assert_int_equal(NAMES_FIND(color_names, "Blue"), -EINVAL);
	assert_int_equal(NAMES_FIND(color_names, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_suggest_distance),
		cmocka_unit_test(test_human_size),
		cmocka_unit_test(test_array_grow),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
