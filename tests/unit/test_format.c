// SPDX-License-Identifier: Apache-2.0
/* Field formatting (runtime/format.c): text and JSON values of special types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/format.h"

static const struct gadget_field duration = {
	.name = "latency", .offset = 0, .size = 8, .kind = FIELD_UINT, .special = SPECIAL_DURATION,
};

static void format_duration(void **state)
{
	static const struct { uint64_t ns; const char *text, *json; } cases[] = {
		{ 999, "999ns", "999" },
		{ 1234, "1.234us", "1234" },
		{ 12979, "12.979us", "12979" },
		{ 1500000, "1.500ms", "1500000" },
		{ 2000000000ULL, "2.000s", "2000000000" },
	};
	char out[64];

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t rec[8];

		memcpy(rec, &cases[i].ns, 8);
		format_field(&duration, rec, FMT_TEXT, out, sizeof(out));
		assert_string_equal(out, cases[i].text);
		/* JSON: the nanoseconds as a bare number, a valid JSON value */
		format_field(&duration, rec, FMT_JSON, out, sizeof(out));
		assert_string_equal(out, cases[i].json);
	}
}

/* gadget_syscall names: the kernel headers' table plus newer syscalls */
static void syscall_names(void **state)
{
	(void)state;
	assert_string_equal(format_syscall_name(0), "read");
	assert_string_equal(format_syscall_name(257), "openat");
	/* newer than Debian 12's headers: runtime/syscall_names_extra.txt */
	assert_string_equal(format_syscall_name(451), "cachestat");
	assert_string_equal(format_syscall_name(462), "mseal");
	assert_string_equal(format_syscall_name(469), "file_setattr");
	assert_null(format_syscall_name(100000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_duration),
		cmocka_unit_test(syscall_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
