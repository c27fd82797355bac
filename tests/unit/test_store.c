// SPDX-License-Identifier: Apache-2.0
/* The local store: blobs, streaming writes, tags, gc, check (each test its own dir). */
#include <errno.h>
#include <fcntl.h>
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
#include "packager/store.h"

/* sha256("abc") */
#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static int setup(void **state)
{
	char *dir = strdup("/tmp/test_store.XXXXXX");
	struct store *st;

	if (!mkdtemp(dir))
		return -1;
	if (store_open(dir, &st, NULL))
		return -1;
	*state = st;
	free(dir);
	return 0;
}

static int teardown(void **state)
{
	struct store *st = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", store_path(st));
	store_close(st);
	return system(cmd) ? -1 : 0;
}

static size_t count_files(struct store *st, const char *sub)
{
	char cmd[512];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A '%s/%s' | wc -l", store_path(st), sub);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

static void test_layout_files(void **state)
{
	struct store *st = *state;
	char path[512], buf[64] = { 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/oci-layout", store_path(st));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "{\"imageLayoutVersion\":\"1.0.0\"}");
}

static void test_put_read_blob(void **state)
{
	struct store *st = *state;
	char d[OCI_DIGEST_MAX], path[512];
	void *data;
	size_t len;

	assert_false(store_has_blob(st, ABC));
	assert_int_equal(store_put_blob(st, "abc", 3, d, NULL), 0);
	assert_string_equal(d, ABC);
	assert_true(store_has_blob(st, ABC));
	assert_int_equal(store_put_blob(st, "abc", 3, d, NULL), 0);	/* idempotent */
	assert_int_equal(store_read_blob(st, ABC, &data, &len, NULL), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "abc", 3);
	free(data);
	assert_int_equal(store_blob_path(st, ABC, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/blobs/sha256/ba7816bf"));
	assert_int_equal(count_files(st, "tmp"), 0);
}

static void test_stream_checks_digest_and_size(void **state)
{
	struct store *st = *state;
	struct gadget_err err = { 0 };
	struct store_blob_writer *w;

	/* Right digest, written in pieces. */
	assert_int_equal(store_blob_begin(st, ABC, 3, &w, &err), 0);
	assert_int_equal(store_blob_write(w, "a", 1, &err), 0);
	assert_int_equal(store_blob_write(w, "bc", 2, &err), 0);
	assert_int_equal(store_blob_commit(w, &err), 0);
	assert_true(store_has_blob(st, ABC));

	/* Wrong content: nothing appears, no temp file stays. */
	assert_int_equal(store_blob_begin(st, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
					  3, &w, &err), 0);
	assert_int_equal(store_blob_write(w, "xyz", 3, &err), 0);
	assert_int_equal(store_blob_commit(w, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "digest mismatch"));
	assert_false(store_has_blob(st, "sha256:0000000000000000000000000000000000000000000000000000000000000000"));

	/* More bytes than announced: refused at write time. */
	assert_int_equal(store_blob_begin(st, NULL, 2, &w, &err), 0);
	assert_int_equal(store_blob_write(w, "abc", 3, &err), -EFBIG);
	store_blob_abort(w);
	assert_int_equal(count_files(st, "tmp"), 0);
	assert_int_equal(count_files(st, "blobs/sha256"), 1);
}

static void test_tag_resolve_untag_list(void **state)
{
	struct store *st = *state;
	struct gadget_err err = { 0 };
	struct oci_descriptor d = { .media_type = MEDIA_TYPE_OCI_MANIFEST, .size = 3 }, got;
	struct store_entry *v;
	size_t n;

	assert_int_equal(store_put_blob(st, "abc", 3, d.digest, NULL), 0);
	assert_int_equal(store_tag(st, "x", &d, &err), 0);		/* x:latest */
	assert_int_equal(store_tag(st, "localhost:5000/y:v1", &d, &err), 0);
	assert_int_equal(store_tag(st, "x:latest", &d, &err), 0);	/* replaces, no duplicate */
	assert_int_equal(store_resolve(st, "x:latest", &got, &err), 0);
	assert_string_equal(got.digest, ABC);
	assert_int_equal(got.size, 3);
	assert_int_equal(store_list(st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].ref, "localhost:5000/y:v1");
	assert_string_equal(v[1].ref, "x:latest");
	store_entries_free(v, n);

	assert_int_equal(store_untag(st, "x", &err), 0);
	assert_int_equal(store_resolve(st, "x", &got, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no image x:latest"));
	assert_int_equal(store_untag(st, "x", &err), -ENOENT);

	/* Tagging a blob the store does not have is refused. */
	strcpy(d.digest, "sha256:1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(store_tag(st, "z", &d, &err), -ENOENT);
}

static void test_gc_keeps_reachable(void **state)
{
	struct store *st = *state;
	struct gadget_err err = { 0 };
	static const char obj[] = "\177ELF not really";
	struct pack_object o = { .arch = "amd64", .obj = obj, .len = sizeof(obj) };
	struct oci_descriptor top;
	char junk[OCI_DIGEST_MAX];

	assert_int_equal(packager_pack(st, "g:v1", &o, 1, NULL, &top, &err), 0);
	assert_string_equal(top.media_type, MEDIA_TYPE_OCI_MANIFEST);
	assert_int_equal(store_put_blob(st, "unreferenced", 12, junk, &err), 0);
	assert_int_equal(count_files(st, "blobs/sha256"), 4);
	assert_int_equal(store_gc(st, &err), 0);
	assert_int_equal(count_files(st, "blobs/sha256"), 3);	/* manifest, config, layer */
	assert_false(store_has_blob(st, junk));
	assert_int_equal(store_untag(st, "g:v1", &err), 0);
	assert_int_equal(store_gc(st, &err), 0);
	assert_int_equal(count_files(st, "blobs/sha256"), 0);
}

static void test_pack_load_roundtrip(void **state)
{
	struct store *st = *state;
	struct gadget_err err = { 0 };
	static const char a[] = "amd64 object", b[] = "arm64 object";
	struct pack_object o[2] = { { .arch = "amd64", .obj = a, .len = sizeof(a) },
				    { .arch = "arm64", .obj = b, .len = sizeof(b) } };
	struct pack_meta meta = { .title = "t", .version = "1.2.3" };
	struct oci_descriptor top, again;
	struct gadget_image *img;

	setenv("SOURCE_DATE_EPOCH", "86400", 1);
	assert_int_equal(packager_pack(st, "multi", o, 2, &meta, &top, &err), 0);
	assert_string_equal(top.media_type, MEDIA_TYPE_OCI_INDEX);
	assert_int_equal(packager_pack(st, "multi2", o, 2, &meta, &again, &err), 0);
	assert_string_equal(top.digest, again.digest);	/* reproducible */
	assert_int_equal(packager_load(st, "multi", "arm64", &img, &err), 0);
	assert_int_equal(img->len, sizeof(b));
	assert_memory_equal(img->obj, b, sizeof(b));
	assert_string_equal(json_string_value(json_object_get(img->config, "architecture")), "arm64");
	assert_string_equal(json_string_value(json_object_get(img->config, "version")), "1.2.3");
	gadget_image_free(img);
	assert_int_equal(packager_load(st, "multi", "s390x", &img, &err), -ENOENT);
	assert_int_equal(packager_pack(st, "dup", (struct pack_object[]){ o[0], o[0] }, 2, NULL, &top,
				       &err), -EINVAL);
	setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
	assert_int_equal(packager_pack(st, "bad", o, 1, NULL, &top, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "SOURCE_DATE_EPOCH"));
	unsetenv("SOURCE_DATE_EPOCH");
}

static void test_check_finds_corruption(void **state)
{
	struct store *st = *state;
	struct gadget_err err = { 0 };
	struct store_check_report rep;
	struct oci_descriptor d = { .media_type = "application/octet-stream", .size = 3 };
	char path[512];
	int fd;

	assert_int_equal(store_put_blob(st, "abc", 3, d.digest, NULL), 0);
	assert_int_equal(store_tag(st, "x", &d, &err), 0);
	assert_int_equal(store_check(st, false, &rep, &err), 0);
	assert_int_equal(rep.blobs, 1);
	assert_int_equal(rep.nr_problems, 0);
	store_check_report_free(&rep);

	store_blob_path(st, ABC, path, sizeof(path));
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 0), 1);
	close(fd);
	assert_int_equal(store_check(st, true, &rep, &err), 0);
	assert_int_equal(rep.bad_blobs, 1);
	assert_int_equal(rep.removed, 1);
	store_check_report_free(&rep);
	assert_int_equal(store_check(st, false, &rep, &err), 0);
	assert_int_equal(rep.missing_blobs, 1);
	assert_int_equal(rep.bad_tags, 1);
	store_check_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_read_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_checks_digest_and_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_resolve_untag_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_keeps_reachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_load_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_corruption, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
