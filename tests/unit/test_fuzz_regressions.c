// SPDX-License-Identifier: Apache-2.0
/*
 * Every input a fuzzer crashed on stays here as a regression test
 * (tests/fuzz/regressions/<target>/).  Run under `make sanitize` these
 * also catch the leaks and overflows the fuzzers found.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "info/gadget_info.h"
#include "validator/validator.h"

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

/* Run fn over every file in the target's regression folder; returns count. */
static int for_each_input(const char *target, void (*fn)(const void *, size_t))
{
	char dir[512], path[1024];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions/%s",
		 getenv("GADGET_SRC") ? getenv("GADGET_SRC") : ".", target);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len;
		void *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &len);
		fn(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static void run_validator(const void *buf, size_t len)
{
	struct validate_opts opts = { .obj_path = "regression.o" };
	struct diag_list diags = {};
	struct gadget_info *info = NULL;
	struct gadget_err err = {};
	int ret = validator_analyze(buf, len, &opts, &info, &diags, &err);

	/* Hostile objects are refused with a reason, never accepted silently:
	 * a hard error, or an analysis carrying an error diagnostic. */
	assert_true(ret < 0 || diag_list_count(&diags, DIAG_ERROR) > 0);
	assert_true(err.msg[0] || diags.n);
	gadget_info_free(info);
	diag_list_free(&diags);
}

static void test_validator_regressions(void **state)
{
	(void)state;
	assert_true(for_each_input("validator", run_validator) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
