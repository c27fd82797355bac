// SPDX-License-Identifier: Apache-2.0
/* Signing and the run-time verification policy (sign_load_verified). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "packager/packager.h"
#include "packager/sign.h"

struct ctx {
	char dir[64];
	char key[128], pub[128], other_key[128], other_pub[128];
	struct store *st;
};

static const char obj[] = "\177ELF pretend object";

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct pack_object o = { .arch = "amd64", .obj = obj, .len = sizeof(obj) };
	char path[128];

	strcpy(c->dir, "/tmp/test_sign.XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	snprintf(c->key, sizeof(c->key), "%s/k.key", c->dir);
	snprintf(c->pub, sizeof(c->pub), "%s/k.pub", c->dir);
	snprintf(c->other_key, sizeof(c->other_key), "%s/o.key", c->dir);
	snprintf(c->other_pub, sizeof(c->other_pub), "%s/o.pub", c->dir);
	snprintf(path, sizeof(path), "%s/store", c->dir);
	if (sign_key_generate(c->key, c->pub, NULL, NULL) ||
	    sign_key_generate(c->other_key, c->other_pub, NULL, NULL) ||
	    store_open(path, &c->st, NULL) ||
	    packager_pack(c->st, "g:v1", &o, 1, NULL, NULL, NULL) ||
	    packager_pack(c->st, "unsigned:v1", &o, 1, NULL, NULL, NULL))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];

	store_close(c->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	free(c);
	unsetenv("GADGET_VERIFY_KEY");
	return system(cmd) ? -1 : 0;
}

static void test_key_mode(void **state)
{
	struct ctx *c = *state;
	struct gadget_err err = { 0 };
	struct stat sb;

	assert_int_equal(stat(c->key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sign_key_generate(c->key, c->pub, NULL, &err), -EEXIST);
}

static void test_sign_verify(void **state)
{
	struct ctx *c = *state;
	struct gadget_err err = { 0 };

	assert_int_equal(sign_verify_ref(c->st, "g:v1", c->pub, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "is not signed"));
	assert_int_equal(sign_image(c->st, "g:v1", c->key, NULL, &err), 0);
	assert_int_equal(sign_verify_ref(c->st, "g:v1", c->pub, &err), 0);
	assert_int_equal(sign_verify_ref(c->st, "g:v1", c->other_pub, &err), -EKEYREJECTED);
	/* A private key is not a public key. */
	assert_int_equal(sign_verify_ref(c->st, "g:v1", c->key, &err), -EKEYREJECTED);
}

static void test_run_policy(void **state)
{
	struct ctx *c = *state;
	struct gadget_err err = { 0 };
	struct gadget_image *img = NULL;

	assert_int_equal(sign_image(c->st, "g:v1", c->key, NULL, &err), 0);
	setenv("GADGET_VERIFY_KEY", c->pub, 1);
	assert_string_equal(sign_verify_key_path(), c->pub);
	assert_int_equal(sign_load_verified(c->st, "g:v1", NULL, false, &img, &err), 0);
	assert_memory_equal(img->obj, obj, sizeof(obj));
	gadget_image_free(img);

	assert_int_equal(sign_load_verified(c->st, "unsigned:v1", NULL, false, &img, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "refusing to run unsigned:v1"));
	assert_non_null(strstr(err.msg, "--insecure-skip-verify"));
	assert_int_equal(sign_load_verified(c->st, "unsigned:v1", NULL, true, &img, &err), 0);
	gadget_image_free(img);

	setenv("GADGET_VERIFY_KEY", c->other_pub, 1);
	assert_int_equal(sign_load_verified(c->st, "g:v1", NULL, false, &img, &err), -EKEYREJECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_policy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
