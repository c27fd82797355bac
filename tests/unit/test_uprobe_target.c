// SPDX-License-Identifier: Apache-2.0
/* runtime/uprobe_target.c: uprobe sections and IG's library shorthand. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/uprobe_target.h"

static void test_section_parse(void **state)
{
	struct uprobe_section u;

	(void)state;
	assert_int_equal(uprobe_section_parse("uprobe/libc:malloc", &u), 0);
	assert_false(u.retprobe);
	assert_string_equal(u.binary, "libc");
	assert_string_equal(u.func, "malloc");
	assert_int_equal(u.offset, 0);

	assert_int_equal(uprobe_section_parse("uretprobe/libc:posix_memalign", &u), 0);
	assert_true(u.retprobe);
	assert_string_equal(u.func, "posix_memalign");

	assert_int_equal(uprobe_section_parse("uprobe.s//usr/lib/libssl.so.3:SSL_write+0x10", &u), 0);
	assert_string_equal(u.binary, "/usr/lib/libssl.so.3");
	assert_string_equal(u.func, "SSL_write");
	assert_int_equal(u.offset, 0x10);

	/* no target, no function, a bad offset, another program type */
	assert_int_equal(uprobe_section_parse("uprobe", &u), -EINVAL);
	assert_int_equal(uprobe_section_parse("uprobe/libc", &u), -EINVAL);
	assert_int_equal(uprobe_section_parse("uprobe/libc:", &u), -EINVAL);
	assert_int_equal(uprobe_section_parse("uprobe/:malloc", &u), -EINVAL);
	assert_int_equal(uprobe_section_parse("uprobe/libc:malloc+x", &u), -EINVAL);
	assert_int_equal(uprobe_section_parse("kprobe/do_sys_open", &u), -EINVAL);
}

static void test_shorthand(void **state)
{
	(void)state;
	assert_true(uprobe_binary_is_shorthand("libc"));
	assert_true(uprobe_binary_is_shorthand("libssl"));
	assert_false(uprobe_binary_is_shorthand("libc.so.6"));
	assert_false(uprobe_binary_is_shorthand("/bin/bash"));
	assert_false(uprobe_binary_is_shorthand(""));
}

static const char maps[] =
	"55d0c1a00000-55d0c1a28000 r--p 00000000 08:01 1835014 /usr/bin/python3.11\n"
	"7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 \n"
	"7f1c2b100000-7f1c2b300000 r-xp 00028000 08:01 1835777 /usr/lib/x86_64-linux-gnu/libcrypto.so.3\n"
	"7f1c2c028000-7f1c2c1bd000 r-xp 00028000 08:01 1835012 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f1c2d000000-7f1c2d001000 r-xp 00000000 08:01 1835099 /opt/old/libpthread-2.31.so\n"
	"7ffd5a3f0000-7ffd5a411000 rw-p 00000000 00:00 0 [stack]";

static void test_library_in_maps(void **state)
{
	char path[128];

	(void)state;
	/* libcrypto.so.3 starts with "libc" but is not libc */
	assert_int_equal(uprobe_library_in_maps("libc", maps, path, sizeof(path)), 0);
	assert_string_equal(path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(uprobe_library_in_maps("libcrypto", maps, path, sizeof(path)), 0);
	assert_string_equal(path, "/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
	/* glibc before 2.34 named its files libNAME-VERSION.so */
	assert_int_equal(uprobe_library_in_maps("libpthread", maps, path, sizeof(path)), 0);
	assert_string_equal(path, "/opt/old/libpthread-2.31.so");
	assert_int_equal(uprobe_library_in_maps("libssl", maps, path, sizeof(path)), -ENOENT);
	assert_int_equal(uprobe_library_in_maps("libc", maps, path, 10), -ENAMETOOLONG);
	assert_int_equal(uprobe_library_in_maps("libc", "", path, sizeof(path)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_parse),
		cmocka_unit_test(test_shorthand),
		cmocka_unit_test(test_library_in_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
