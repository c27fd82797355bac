// SPDX-License-Identifier: Apache-2.0
/* Image references: parse and canonical form (a table of cases). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "packager/store.h"

static const struct {
	const char *in;
	const char *registry, *repo, *tag, *digest;
	const char *canonical;
} good[] = {
	{ "trace", "", "trace", "latest", "", "trace:latest" },
	{ "trace:v1", "", "trace", "v1", "", "trace:v1" },
	{ "team/trace:v1.2-rc_3", "", "team/trace", "v1.2-rc_3", "", "team/trace:v1.2-rc_3" },
	{ "localhost/trace", "localhost", "trace", "latest", "", "localhost/trace:latest" },
	{ "localhost:5000/a/b:c", "localhost:5000", "a/b", "c", "", "localhost:5000/a/b:c" },
	{ "ghcr.io/org/gadget", "ghcr.io", "org/gadget", "latest", "", "ghcr.io/org/gadget:latest" },
	{ "127.0.0.1:5000/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "127.0.0.1:5000", "x", "",
	  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "127.0.0.1:5000/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	{ "x:sha256-abc.sig", "", "x", "sha256-abc.sig", "", "x:sha256-abc.sig" },
};

static const char *const bad[] = {
	"", "Trace", "trace:", "trace:-x", "/trace", "trace/", "a//b", "trace:v1:v2x/y",
	"trace@sha256:abc", "trace@md5:0123456789abcdef0123456789abcdef",
	"trace@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	"tr ace", "trace:" "0123456789012345678901234567890123456789012345678901234567890123456789"
	"01234567890123456789012345678901234567890123456789012345678901234567890",
};

static void test_ref_good(void **state)
{
	struct gadget_err err = { 0 };
	struct oci_ref r;
	char buf[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(ref_parse(good[i].in, &r, &err), 0);
		assert_string_equal(r.registry, good[i].registry);
		assert_string_equal(r.repo, good[i].repo);
		assert_string_equal(r.tag, good[i].tag);
		assert_string_equal(r.digest, good[i].digest);
		assert_int_equal(ref_format(&r, buf, sizeof(buf)), 0);
		assert_string_equal(buf, good[i].canonical);
	}
}

static void test_ref_bad(void **state)
{
	struct gadget_err err = { 0 };
	struct oci_ref r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ref_parse(bad[i], &r, &err) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(strlen(err.msg) > 0);
	}
}

static void test_ref_format_short_buffer(void **state)
{
	struct oci_ref r;
	char buf[8];

	(void)state;
	assert_int_equal(ref_parse("ghcr.io/org/gadget:v1", &r, NULL), 0);
	assert_int_equal(ref_format(&r, buf, sizeof(buf)), -ENAMETOOLONG);
}

static void test_digest_valid(void **state)
{
	char d[OCI_DIGEST_MAX];

	(void)state;
	/* sha256("abc"), FIPS 180-2 appendix B.1 */
	assert_int_equal(oci_digest_compute("abc", 3, d), 0);
	assert_string_equal(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(oci_digest_valid(d));
	d[10] = 'G';
	assert_false(oci_digest_valid(d));
	assert_false(oci_digest_valid("sha256:abc"));
	assert_false(oci_digest_valid("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_good),
		cmocka_unit_test(test_ref_bad),
		cmocka_unit_test(test_ref_format_short_buffer),
		cmocka_unit_test(test_digest_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
