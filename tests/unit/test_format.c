// SPDX-License-Identifier: Apache-2.0
/* The per-field formatters (runtime/format.c): durations, syscall names, IP
 * endpoints (ip_ver), DNS label sequences (string_edit), enums by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/format.h"

static const char *fmt(const struct gadget_field *f, const void *rec, enum fmt_mode mode)
{
	static char out[512];

	format_field(f, rec, mode, out, sizeof(out));
	return out;
}

static const struct gadget_field duration = {
	.name = "latency", .offset = 0, .size = 8, .kind = FIELD_UINT, .special = SPECIAL_DURATION,
};

static void test_duration(void **state)
{
	static const struct { uint64_t ns; const char *text, *json; } cases[] = {
		{ 0, "0ns", "0" },
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
static void test_syscall_names(void **state)
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

/* struct gadget_l4endpoint_t: addr[16], port, proto, version */
struct l4 {
	uint8_t addr[16];
	uint16_t port, proto;
	uint8_t version, pad[3];
};

static void test_endpoints(void **state)
{
	struct gadget_field f = { .size = sizeof(struct l4), .kind = FIELD_BYTES, .special = SPECIAL_L4ENDPOINT };
	struct l4 e = { .addr = { 127, 0, 0, 1 }, .port = 53, .proto = 17, .version = 4 };
	struct l4 v6 = { .addr = { [15] = 1 }, .port = 53, .proto = 17, .version = 6 };
	struct l4 mapped = { .addr = { [10] = 0xff, [11] = 0xff, 10, 1, 2, 3 }, .port = 80, .version = 6 };
	struct l4 unset = { 0 };

	(void)state;
	assert_string_equal(fmt(&f, &e, FMT_TEXT), "127.0.0.1:53");
	assert_string_equal(fmt(&f, &e, FMT_JSON), "\"127.0.0.1:53\"");
	assert_string_equal(fmt(&f, &v6, FMT_TEXT), "[::1]:53");
	/* IPv4-mapped IPv6 reads as the IPv4 address it is, without brackets */
	assert_string_equal(fmt(&f, &mapped, FMT_TEXT), "10.1.2.3:80");
	assert_string_equal(fmt(&f, &unset, FMT_TEXT), "-:0");
}

static void test_dns_name(void **state)
{
	struct gadget_field f = { .size = 32, .kind = FIELD_STRING, .special = SPECIAL_DNS_NAME };
	char name[32] = "\6marker\7example\0\0\1\0\1";
	char root[32] = "";
	/* a compression pointer ends the name */
	char ptr[32] = "\3www\xc0\x0c";

	(void)state;
	assert_string_equal(fmt(&f, name, FMT_TEXT), "marker.example");
	assert_string_equal(fmt(&f, name, FMT_JSON), "\"marker.example\"");
	assert_string_equal(fmt(&f, root, FMT_TEXT), ".");
	assert_string_equal(fmt(&f, ptr, FMT_TEXT), "www");
}

static void test_enum_names(void **state)
{
	struct gadget_enum_val vals[] = { { "NoError", 0 }, { "NXDomain", 3 } };
	struct gadget_field f = { .size = 4, .kind = FIELD_ENUM, .enum_vals = vals, .nr_enum_vals = 2 };
	uint32_t v = 3;

	(void)state;
	assert_string_equal(fmt(&f, &v, FMT_TEXT), "NXDomain");
	assert_string_equal(fmt(&f, &v, FMT_JSON), "\"NXDomain\"");
	v = 9;
	assert_string_equal(fmt(&f, &v, FMT_TEXT), "9");
}

/* IG's gadget_file_flags and gadget_file_mode */
static void test_file_flags_mode(void **state)
{
	static const struct gadget_field flags = {
		.name = "flags", .offset = 0, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_FILE_FLAGS,
	};
	static const struct gadget_field mode = {
		.name = "mode", .offset = 4, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_FILE_MODE,
	};
	uint32_t rec[2] = { 02000000 | 0100 | 01, 0100644 };

	(void)state;
	assert_string_equal(fmt(&flags, rec, FMT_TEXT), "O_WRONLY|O_CREAT|O_CLOEXEC");
	assert_string_equal(fmt(&flags, rec, FMT_JSON), "\"O_WRONLY|O_CREAT|O_CLOEXEC\"");
	assert_string_equal(fmt(&mode, rec, FMT_TEXT), "-rw-r--r--");
	rec[0] = 0;
	rec[1] = 041777;	/* /tmp */
	assert_string_equal(fmt(&flags, rec, FMT_TEXT), "O_RDONLY");
	assert_string_equal(fmt(&mode, rec, FMT_TEXT), "drwxrwxrwt");
	rec[0] = 04010002 | 040000000;	/* O_SYNC (with O_DSYNC's bit), O_RDWR, an unknown bit */
	rec[1] = 0104755;		/* setuid */
	assert_string_equal(fmt(&flags, rec, FMT_TEXT), "O_RDWR|O_SYNC|040000000");
	assert_string_equal(fmt(&mode, rec, FMT_TEXT), "-rwsr-xr-x");
	rec[1] = 0120777;
	assert_string_equal(fmt(&mode, rec, FMT_TEXT), "lrwxrwxrwx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_flags_mode),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_syscall_names),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_dns_name),
		cmocka_unit_test(test_enum_names),
	};

	format_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
