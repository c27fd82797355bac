// SPDX-License-Identifier: Apache-2.0
/* The compiler stage's pure logic: build file parsing, depfiles, cache key and entries. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compiler/cache.h"
#include "compiler/clang.h"
#include "compiler/compiler.h"

static char tmp[256];

static void put(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_compiler.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

static void test_spec_defaults(void **state)
{
	struct build_spec *spec;
	struct gadget_err err = {};
	const char *base = strrchr(tmp, '/') + 1;

	(void)state;
	put("zeta.bpf.c", "");
	put("alpha.bpf.c", "");
	put("notes.c", "");
	assert_int_equal(compiler_load_spec(tmp, &spec, &err), 0);
	assert_string_equal(spec->name, base);
	assert_int_equal(spec->nr_sources, 2);
	assert_string_equal(spec->sources[0], "alpha.bpf.c");	/* sorted */
	assert_string_equal(spec->sources[1], "zeta.bpf.c");
	assert_null(spec->description);
	assert_int_equal(spec->nr_archs, 0);
	build_spec_free(spec);
}

static void test_spec_fields(void **state)
{
	struct build_spec *spec;
	struct gadget_err err = {};

	(void)state;
	put("one.bpf.c", "");
	put("two.bpf.c", "");
	put("gadget.json", "{\"name\": \"trace_x\", \"description\": \"d\", \"sources\": [\"two.bpf.c\"],"
	    " \"cflags\": [\"-DX=1\", \"-Wall\"], \"arch\": [\"amd64\"],"
	    " \"params\": {\"p\": {\"description\": \"pd\"}}, \"annotations\": {\"a\": \"b\"}}");
	assert_int_equal(compiler_load_spec(tmp, &spec, &err), 0);
	assert_string_equal(spec->name, "trace_x");
	assert_string_equal(spec->description, "d");
	assert_int_equal(spec->nr_sources, 1);
	assert_string_equal(spec->sources[0], "two.bpf.c");
	assert_int_equal(spec->nr_cflags, 2);
	assert_string_equal(spec->cflags[1], "-Wall");
	assert_string_equal(spec->archs[0], "amd64");
	assert_string_equal(json_string_value(json_object_get(json_object_get(spec->params, "p"),
							      "description")), "pd");
	assert_string_equal(json_string_value(json_object_get(spec->annotations, "a")), "b");
	build_spec_free(spec);
}

static const struct {
	const char *json;
	const char *want;	/* after "<dir>/gadget.json" */
} bad_specs[] = {
	{ "{\n  \"name\": \"x\",\n  \"sources\": [\"a\",]\n}", ":3:" },
	{ "{\n  \"name\": \"x\",\n    \"srcs\": []\n}", ":3:5: error: unknown key \"srcs\"; did you mean \"sources\"?" },
	{ "{\"cflag\": []}", ":1:2: error: unknown key \"cflag\"; did you mean \"cflags\"?" },
	{ "{\"zzzzzz\": 1}", ":1:2: error: unknown key \"zzzzzz\" (known:" },
	{ "{\n\"name\": 7}", ":2:1: error: \"name\" must be a non-empty string" },
	{ "{\"sources\": \"a.bpf.c\"}", ":1:2: error: \"sources\" must be an array of strings" },
	{ "{\"arch\": [\"amd64\", 3]}", ":1:2: error: \"arch\"[1] must be a string" },
	{ "{\"params\": []}", ":1:2: error: \"params\" must be an object" },
	{ "{\n  \"arch\": [\"amd64\", \"sparc\"]}", ":2:3: error: unknown architecture \"sparc\" in \"arch\"" },
	{ "[1, 2]", ":1:1: error: the build file must hold a JSON object" },
	{ "{\"name\": \"a\", \"name\": \"b\"}", ":1:" },	/* duplicate keys */
	{ "{\"sources\": [\"../escape.bpf.c\"]}", "must be a path inside" },
	{ "{\"sources\": [\"missing.bpf.c\"]}", "missing.bpf.c" },
};

static void test_spec_errors(void **state)
{
	char path[512];

	(void)state;
	put("one.bpf.c", "");
	snprintf(path, sizeof(path), "%s/gadget.json", tmp);
	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		struct build_spec *spec = (void *)1;
		struct gadget_err err = {};

		put("gadget.json", bad_specs[i].json);
		assert_true(compiler_load_spec(tmp, &spec, &err) < 0);
		assert_null(spec);
		if (bad_specs[i].want[0] == ':') {
			assert_int_equal(strncmp(err.msg, path, strlen(path)), 0);
			assert_true(err.located);
		}
		if (!strstr(err.msg, bad_specs[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad_specs[i].want);
	}
}

static void test_spec_no_sources(void **state)
{
	struct build_spec *spec;
	struct gadget_err err = {};

	(void)state;
	assert_int_equal(compiler_load_spec(tmp, &spec, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no *.bpf.c source"));
}

static void test_depfile(void **state)
{
	struct argv_buf h = {};
	struct gadget_err err = {};

	(void)state;
	assert_int_equal(depfile_parse("/tmp/x/0.o: a.bpf.c /usr/include/bpf/bpf_helpers.h \\\n"
				       "  sub/my\\ header.h \\\n /abs/vmlinux.h\n", "/g", "a.bpf.c", &h,
				       &err), 0);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.v[0], "/usr/include/bpf/bpf_helpers.h");
	assert_string_equal(h.v[1], "/g/sub/my header.h");
	assert_string_equal(h.v[2], "/abs/vmlinux.h");
	assert_null(h.v[3]);
	argv_free(&h);
	assert_int_equal(depfile_parse("x.o : a.c\n", "/g", "a.c", &h, &err), 0);
	assert_int_equal(h.n, 0);
	assert_true(depfile_parse("no target here", "/g", "a.c", &h, &err) < 0);
	/* With -include-pch the PCH's inputs come first, the source after them. */
	assert_int_equal(depfile_parse("0.o: /c/pch/k.h /abs/vmlinux.h a.bpf.c inc.h\n", "/g",
				       "a.bpf.c", &h, &err), 0);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.v[0], "/c/pch/k.h");
	assert_string_equal(h.v[1], "/abs/vmlinux.h");
	assert_string_equal(h.v[2], "/g/inc.h");
	argv_free(&h);
}

static void key_of(const char *a, const char *b, char hex[SHA256_HEX_LEN])
{
	struct cache_key k;

	assert_int_equal(cache_key_init(&k), 0);
	assert_int_equal(cache_key_add_str(&k, a), 0);
	assert_int_equal(cache_key_add_str(&k, b), 0);
	assert_int_equal(cache_key_final(&k, hex), 0);
}

static void test_cache_key(void **state)
{
	char k1[SHA256_HEX_LEN], k2[SHA256_HEX_LEN], k3[SHA256_HEX_LEN];

	(void)state;
	key_of("ab", "c", k1);
	key_of("a", "bc", k2);
	key_of("ab", "c", k3);
	assert_string_not_equal(k1, k2);	/* items are length-prefixed */
	assert_string_equal(k1, k3);		/* and deterministic */
	assert_int_equal(strlen(k1), 64);
	assert_int_equal(sha256_hex("abc", 3, k1), 0);
	assert_string_equal(k1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_hex(void **state)
{
	const unsigned char bytes[] = { 0x00, 0xab, 0x0f, 0xff };
	char hex[SHA256_HEX_LEN], whole[SHA256_HEX_LEN];
	struct sha256 h;

	(void)state;
	hex_encode(bytes, sizeof(bytes), hex);
	assert_string_equal(hex, "00ab0fff");
	/* In pieces, the same as at once. */
	assert_int_equal(sha256_init(&h), 0);
	assert_int_equal(sha256_update(&h, "a", 1), 0);
	assert_int_equal(sha256_update(&h, "bc", 2), 0);
	assert_int_equal(sha256_final_hex(&h, hex), 0);
	assert_null(h.ctx);
	assert_int_equal(sha256_hex("abc", 3, whole), 0);
	assert_string_equal(hex, whole);
	assert_int_equal(sha256_file_hex("/nonexistent/file", hex), -ENOENT);
}

static void test_cache_entries(void **state)
{
	char cache[300], hdr[300], digest[SHA256_HEX_LEN], objpath[700], key[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct argv_buf headers = {};
	struct gadget_err err = {};
	void *obj;
	size_t len;
	FILE *f;

	(void)state;
	snprintf(cache, sizeof(cache), "%s/cache", tmp);
	snprintf(hdr, sizeof(hdr), "%s/inc.h", tmp);
	put("inc.h", "#define A 1\n");
	assert_int_equal(argv_push(&headers, hdr), 0);
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 0);	/* empty cache */
	assert_int_equal(cache_store(cache, key, "OBJECT", 6, &headers, NULL, &err), 0);
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(obj, "OBJECT", 6);
	free(obj);
	/* Another key is another entry. */
	key[0] = '1';
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 0);
	key[0] = '0';
	/* A changed header turns the entry into a miss... */
	put("inc.h", "#define A 2\n");
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 0);
	/* ...and back to a hit when it is restored: the header's bytes decide, not its mtime. */
	put("inc.h", "#define A 1\n");
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 1);
	free(obj);
	/* A damaged object is a miss. */
	assert_int_equal(sha256_hex("OBJECT", 6, digest), 0);
	snprintf(objpath, sizeof(objpath), "%s/objects/%s.o", cache, digest);
	f = fopen(objpath, "w");
	assert_non_null(f);
	fputs("OBJECX", f);
	fclose(f);
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 0);
	/* A removed header too. */
	assert_int_equal(cache_store(cache, key, "OBJECT", 6, &headers, NULL, &err), 0);
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 1);
	free(obj);
	unlink(hdr);
	assert_int_equal(cache_lookup(cache, key, &obj, &len), 0);
	argv_free(&headers);
}

static void test_cache_dir_default(void **state)
{
	char buf[256];

	(void)state;
	setenv("GADGET_CACHE_DIR", "/c1", 1);
	assert_int_equal(cache_dir_default(buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "/c1");
	unsetenv("GADGET_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	assert_int_equal(cache_dir_default(buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "/xdg/gadget");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(cache_dir_default(buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "/home/u/.cache/gadget");
}

static void test_arch(void **state)
{
	(void)state;
	assert_true(compiler_arch_known("amd64"));
	assert_true(compiler_arch_known("arm64"));
	assert_false(compiler_arch_known("x86_64"));
	assert_true(compiler_arch_known(compiler_host_arch()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spec_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_no_sources, setup, teardown),
		cmocka_unit_test(test_depfile),
		cmocka_unit_test(test_cache_key),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test_setup_teardown(test_cache_entries, setup, teardown),
		cmocka_unit_test(test_cache_dir_default),
		cmocka_unit_test(test_arch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
