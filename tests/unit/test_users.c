// SPDX-License-Identifier: Apache-2.0
/* User and group names for gadget_uid / gadget_gid (runtime/users.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/schema.h"
#include "runtime/users.h"

struct files {
	char dir[64], passwd[96], group[96];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void files_make(struct files *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_users.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->passwd, sizeof(f->passwd), "%s/passwd", f->dir);
	snprintf(f->group, sizeof(f->group), "%s/group", f->dir);
	write_file(f->passwd, "root:x:0:0:root:/root:/bin/bash\n"
			      "alice:x:1000:1000::/home/alice:/bin/sh\n"
			      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
			      "shadow-alice:x:1000:1000::/:/bin/sh\n");
	write_file(f->group, "root:x:0:\nwheel:x:10:alice,bob\nnogroup:x:65534:\n");
}

static void files_remove(struct files *f)
{
	unlink(f->passwd);
	unlink(f->group);
	rmdir(f->dir);
}

static void test_lookup(void **state)
{
	struct gadget_err err = { 0 };
	struct users *u;
	struct files f;

	(void)state;
	files_make(&f);
	assert_int_equal(users_new(f.passwd, f.group, &u, &err), 0);
	assert_string_equal(users_lookup(u, false, 0), "root");
	assert_string_equal(users_lookup(u, false, 65534), "nobody");
	/* two entries for one uid: the first, as getpwuid() would */
	assert_string_equal(users_lookup(u, false, 1000), "alice");
	assert_null(users_lookup(u, false, 4242));
	assert_string_equal(users_lookup(u, true, 10), "wheel");
	assert_null(users_lookup(u, true, 1000));

	/* the files change: a refresh reads them again */
	write_file(f.passwd, "carol:x:4242:4242::/:/bin/sh\n");
	assert_int_equal(users_refresh(u), 0);
	assert_string_equal(users_lookup(u, false, 4242), "carol");
	assert_null(users_lookup(u, false, 0));
	users_free(u);
	files_remove(&f);
}

/* Without the files every id is unknown, not an error. */
static void test_missing_files(void **state)
{
	struct gadget_err err = { 0 };
	struct users *u;

	(void)state;
	assert_int_equal(users_new("/nonexistent/passwd", "/nonexistent/group", &u, &err), 0);
	assert_null(users_lookup(u, false, 0));
	users_free(u);
}

/* A column per field: "<x>" for "<x>_raw", "user"/"group", "<member>_user" on a clash. */
static void test_columns(void **state)
{
	static struct gadget_field fields[] = {
		{ .name = "owner_raw", .offset = 0, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_UID },
		{ .name = "gid", .offset = 4, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_GID },
		{ .name = "euid", .offset = 8, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_UID },
		{ .name = "suid", .offset = 12, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_UID },
	};
	static const struct gadget_type t = { "struct event", 16, fields, 4 };
	uint32_t rec[4] = { 1000, 10, 65534, 4242 };
	struct row r = { .rec = { (const uint8_t *)rec, NULL } };
	struct gadget_err err = { 0 };
	struct schema *s = schema_new();
	char out[64];
	struct users *u;
	struct files f;

	(void)state;
	files_make(&f);
	assert_int_equal(users_new(f.passwd, f.group, &u, &err), 0);
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	assert_true(users_schema_needs(s));
	assert_int_equal(users_schema_attach(u, s, &err), 4);
	assert_int_equal(s->nr_cols, 8);
	column_format(s, &s->cols[schema_find(s, "owner")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "alice");
	column_format(s, &s->cols[schema_find(s, "group")], &r, FMT_JSON, out, sizeof(out));
	assert_string_equal(out, "\"wheel\"");
	column_format(s, &s->cols[schema_find(s, "user")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "nobody");
	/* "user" is taken by euid's: suid's is suid_user, and 4242 has no name */
	column_format(s, &s->cols[schema_find(s, "suid_user")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "uid:4242");
	assert_false(s->cols[schema_find(s, "user")].hidden_by_default);
	users_free(u);
	schema_free(s);
	files_remove(&f);
}

static void test_no_id_fields(void **state)
{
	static struct gadget_field fields[] = {
		{ .name = "uid", .offset = 0, .size = 4, .kind = FIELD_UINT },
	};
	static const struct gadget_type t = { "struct event", 4, fields, 1 };
	struct schema *s = schema_new();

	(void)state;
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	/* a plain __u32 named uid is not a gadget_uid */
	assert_false(users_schema_needs(s));
	schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_no_id_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
