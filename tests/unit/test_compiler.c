// SPDX-License-Identifier: Apache-2.0
/*
 * The compiler stage's pure logic: build file parsing, depfiles, cache key
 * and entries; which sources may use the precompiled header, the cache's
 * size limit and cleaning, parallel clang runs with their diagnostics in
 * order.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/file.h"
#include "compiler/cache.h"
#include "compiler/clang.h"
#include "compiler/compiler.h"
#include "compiler/jobs.h"
#include "compiler/pch.h"

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
	assert_non_null(strstr(err.msg, "gadget.json's \"sources\""));
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
	assert_int_equal(sha256_file_hex("/dev/null", hex), -EINVAL);
	assert_int_equal(sha256_file_hex(".", hex), -EINVAL);
}

/* A file streamed in chunks: the digest of its bytes at once, also across a chunk's end. */
static void test_sha256_file_hex(void **state)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 200003 };
	char path[] = "/tmp/gadget-test-sha256.XXXXXX", hex[SHA256_HEX_LEN], want[SHA256_HEX_LEN];
	unsigned char *bytes = malloc(200003);
	int fd = mkstemp(path);

	(void)state;
	assert_non_null(bytes);
	assert_true(fd >= 0);
	for (size_t i = 0; i < 200003; i++)
		bytes[i] = (unsigned char)(i * 7 + i / 251);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(pwrite(fd, bytes, sizes[i], 0), (ssize_t)sizes[i]);
		assert_int_equal(sha256_file_hex(path, hex), 0);
		assert_int_equal(sha256_hex(bytes, sizes[i], want), 0);
		assert_string_equal(hex, want);
	}
	assert_int_equal(sha256_file_hex(path, hex), 0);
	assert_string_equal(hex, want);
	close(fd);
	unlink(path);
	free(bytes);
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
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 0);	/* empty cache */
	assert_int_equal(cache_store(cache, key, "OBJECT", 6, &headers, NULL, NULL, &err), 0);
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(obj, "OBJECT", 6);
	free(obj);
	/* Another key is another entry. */
	key[0] = '1';
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 0);
	key[0] = '0';
	/* A changed header turns the entry into a miss... */
	put("inc.h", "#define A 2\n");
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 0);
	/* ...and back to a hit when it is restored: the header's bytes decide, not its mtime. */
	put("inc.h", "#define A 1\n");
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 1);
	free(obj);
	/* A damaged object is a miss. */
	assert_int_equal(sha256_hex("OBJECT", 6, digest), 0);
	snprintf(objpath, sizeof(objpath), "%s/objects/%s.o", cache, digest);
	f = fopen(objpath, "w");
	assert_non_null(f);
	fputs("OBJECX", f);
	fclose(f);
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 0);
	/* A removed header too. */
	assert_int_equal(cache_store(cache, key, "OBJECT", 6, &headers, NULL, NULL, &err), 0);
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 1);
	free(obj);
	unlink(hdr);
	assert_int_equal(cache_lookup(cache, key, NULL, &obj, &len), 0);
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

static const struct {
	const char *text;
	const char *why;	/* NULL: the source fits */
} sources[] = {
	/* the templates' and the catalogue's shape */
	{ "// SPDX-License-Identifier: GPL-2.0\n/* a\n * tracer */\n#include \"vmlinux.h\"\n"
	  "#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_tracing.h>\n\n#include \"gadget/gadget.h\"\n"
	  "#define NAME_MAX 255\nchar s[] = \"#include <bpf/bpf_tracing.h>\";\n", NULL },
	{ "#include <vmlinux.h>\n# include <bpf/bpf_endian.h>\nint x;\n", NULL },
	{ "#include \"vmlinux.h\"\n", NULL },
	/* a covered header in a comment after the code is no include */
	{ "#include \"vmlinux.h\"\nint x;\n/*\n#include <bpf/bpf_tracing.h>\n*/\n", NULL },
	{ "#include \"vmlinux.h\"\nint x; // #include <bpf/bpf_tracing.h>\n", NULL },
	{ "#include <linux/bpf.h>\n#include \"vmlinux.h\"\n",
	  "x.bpf.c:1: includes <linux/bpf.h> before vmlinux.h" },
	{ "/* one\n   two */\n#include \"mine.h\"\n#include \"vmlinux.h\"\n",
	  "x.bpf.c:3: includes \"mine.h\" before vmlinux.h" },
	{ "#include <bpf/bpf_helpers.h>\n#include \"vmlinux.h\"\n",
	  "x.bpf.c:1: includes <bpf/bpf_helpers.h> before vmlinux.h" },
	{ "\n#define BPF_NO_PRESERVE_ACCESS_INDEX\n#include \"vmlinux.h\"\n",
	  "x.bpf.c:2: #define comes before the include of vmlinux.h" },
	{ "int early;\n#include \"vmlinux.h\"\n",
	  "x.bpf.c:1: code comes before the include of vmlinux.h" },
	{ "// nothing but a comment\n", "x.bpf.c:2: no #include of vmlinux.h" },
	{ "#include \"vmlinux.h\"\n#define __TARGET_ARCH_arm64\n#include <bpf/bpf_tracing.h>\n",
	  "x.bpf.c:3: includes <bpf/bpf_tracing.h> after other code" },
	{ "#include \"vmlinux.h\"\n#include \"gadget/gadget.h\"\n\\\n  #  include <bpf/bpf_endian.h>\n",
	  "x.bpf.c:4: includes <bpf/bpf_endian.h> after other code" },
};

static void test_source_fits(void **state)
{
	char why[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		bool fits;

		put("x.bpf.c", sources[i].text);
		why[0] = 0;
		fits = pch_source_fits(tmp, "x.bpf.c", why, sizeof(why));
		if (fits != !sources[i].why)
			fail_msg("case %zu: fits=%d (%s)", i, fits, why);
		if (sources[i].why && strncmp(why, sources[i].why, strlen(sources[i].why)))
			fail_msg("case %zu: '%s' is not '%s'", i, why, sources[i].why);
	}
	/* "vmlinux.h" next to the source is found before the one the PCH covers; <vmlinux.h> is not. */
	put("x.bpf.c", "#include \"vmlinux.h\"\n");
	put("vmlinux.h", "struct own;\n");
	assert_false(pch_source_fits(tmp, "x.bpf.c", why, sizeof(why)));
	assert_non_null(strstr(why, "\"vmlinux.h\" is found in the source's own folder"));
	put("x.bpf.c", "#include <vmlinux.h>\n");
	assert_true(pch_source_fits(tmp, "x.bpf.c", why, sizeof(why)));
	assert_false(pch_source_fits(tmp, "missing.bpf.c", why, sizeof(why)));
}

static void test_cflags_fit(void **state)
{
	char *ok[] = { "-DX=1", "-Wall", "-I/opt/inc" };
	char *inc[] = { "-DX=1", "-include", "x.h" };
	char *mac[] = { "-imacrosdefs.h" };
	char why[256];

	(void)state;
	assert_true(pch_cflags_fit(ok, 3, why, sizeof(why)));
	assert_false(pch_cflags_fit(inc, 3, why, sizeof(why)));
	assert_string_equal(why, "cflags has -include");
	assert_false(pch_cflags_fit(mac, 1, why, sizeof(why)));
}

static void test_cache_max_size(void **state)
{
	static const struct {
		const char *env;
		uint64_t want;		/* UINT64_MAX: an error */
	} cases[] = {
		{ "", CACHE_MAX_SIZE_DEFAULT },
		{ "0", 0 },
		{ "1234", 1234 },
		{ "500M", 500ULL << 20 },
		{ "2g", 2ULL << 30 },
		{ "64KiB", 64ULL << 10 },
		{ "1TB", 1ULL << 40 },
		{ "abc", UINT64_MAX },
		{ "-1", UINT64_MAX },
		{ "5X", UINT64_MAX },
		{ "5Mx", UINT64_MAX },
		{ "99999999999999999999", UINT64_MAX },
		{ "99999999999T", UINT64_MAX },
	};
	struct gadget_err err = {};
	uint64_t v;

	(void)state;
	unsetenv("GADGET_CACHE_MAX_SIZE");
	assert_int_equal(cache_max_size(&v, &err), 0);
	assert_int_equal(v, CACHE_MAX_SIZE_DEFAULT);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret;

		setenv("GADGET_CACHE_MAX_SIZE", cases[i].env, 1);
		ret = cache_max_size(&v, &err);
		if (cases[i].want == UINT64_MAX) {
			if (ret != -EINVAL)
				fail_msg("case '%s' was accepted", cases[i].env);
			assert_non_null(strstr(err.msg, "is not a size"));
		} else if (ret || v != cases[i].want) {
			fail_msg("case '%s': %d, %llu", cases[i].env, ret, (unsigned long long)v);
		}
	}
	unsetenv("GADGET_CACHE_MAX_SIZE");
}

/* A file of size bytes, last used age seconds ago. */
static void put_aged(const char *name, size_t size, int age)
{
	char p[512], *buf = calloc(1, size + 1);
	struct timespec t[2];

	assert_non_null(buf);
	memset(buf, 'x', size);
	put(name, buf);
	free(buf);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age;
	t[1] = t[0];
	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
}

static bool exists(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	return access(p, F_OK) == 0;
}

static unsigned long long size_file(void);

static void test_cache_clean(void **state)
{
	char p[512];
	uint64_t freed;
	int fd;

	(void)state;
	for (const char *const *d = (const char *const[]){ "objects", "builds", "pch",
							     "core-btf", NULL }; *d; d++) {
		snprintf(p, sizeof(p), "%s/%s", tmp, *d);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	put_aged("objects/old.o", 100, 500);
	put_aged("builds/old.json", 10, 400);
	put_aged("pch/k1.h", 10, 300);		/* a PCH: its files go together, */
	put_aged("pch/k1.pch", 1000, 300);
	put_aged("pch/k1.json", 10, 30);	/* last used when its manifest was */
	put_aged("objects/new.o", 100, 100);
	put_aged("objects/x.o.tmp.99", 50, 2 * 3600);	/* left by a killed build */
	put_aged("objects/y.o.tmp.98", 50, 10);		/* a build writing right now */
	put_aged("objects/.z.o.AbCdEf", 30, 2 * 3600);	/* file_write_atomic()'s, killed */
	put_aged("objects/.w.o.GhIjKl", 30, 10);	/* and live */
	put_aged(".digests-v1.MnOpQr", 20, 2 * 3600);	/* at the top too */
	put_aged("digests-v1", 40, 350);		/* counted like an entry */
	put_aged("core-btf/k.btf", 5000, 9000);		/* the runtime's: not ours */

	/* Under the limit: only the stale temp files go. */
	assert_int_equal(cache_clean(tmp, 2000, &freed), 0);
	assert_int_equal(freed, 50 + 30 + 20);
	assert_false(exists("objects/x.o.tmp.99") || exists("objects/.z.o.AbCdEf") ||
		     exists(".digests-v1.MnOpQr"));
	assert_true(exists("objects/old.o") && exists("objects/y.o.tmp.98") &&
		    exists("objects/.w.o.GhIjKl") && exists("digests-v1"));
	assert_int_equal(size_file(), 1270);

	/* 1270 bytes over a limit of 1200: least recently used first, down to 90% (1080). */
	assert_int_equal(cache_clean(tmp, 1200, &freed), 0);
	assert_int_equal(freed, 250);
	assert_false(exists("objects/old.o") || exists("builds/old.json") || exists("objects/new.o") ||
		     exists("digests-v1"));
	assert_true(exists("pch/k1.pch") && exists("pch/k1.h") && exists("core-btf/k.btf"));

	/* A PCH being made (its lock held) stays; otherwise it goes whole. */
	put_aged("pch/k1.json", 10, 1000);
	put_aged("pch/k1.lock", 0, 1000);
	put_aged("objects/other.o", 100, 50);
	snprintf(p, sizeof(p), "%s/pch/k1.lock", tmp);
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(cache_clean(tmp, 500, &freed), 0);
	assert_true(exists("pch/k1.pch"));
	assert_false(exists("objects/other.o"));
	close(fd);
	assert_int_equal(cache_clean(tmp, 500, &freed), 0);
	assert_int_equal(freed, 1020);
	assert_false(exists("pch/k1.pch") || exists("pch/k1.h") || exists("pch/k1.json") ||
		     exists("pch/k1.lock"));
	/* No limit: nothing goes. */
	put_aged("objects/big.o", 100000, 9000);
	assert_int_equal(cache_clean(tmp, 0, &freed), 0);
	assert_true(exists("objects/big.o"));
}

static unsigned long long size_file(void)
{
	char p[512];
	unsigned long long v = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/size", tmp);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llu", &v), 1);
	fclose(f);
	return v;
}

static void test_cache_account(void **state)
{
	char p[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/objects", tmp);
	assert_int_equal(mkdir(p, 0755), 0);
	put_aged("objects/a.o", 100, 60);
	/* No total yet: a walk counts it. */
	assert_int_equal(cache_account(tmp, 1000, 100), 0);
	assert_int_equal(size_file(), 100);
	/* A build's bytes are added without a walk (the stale temp file would have gone). */
	put_aged("objects/b.o.tmp.1", 50, 2 * 3600);
	assert_int_equal(cache_account(tmp, 1000, 300), 0);
	assert_int_equal(size_file(), 400);
	assert_true(exists("objects/b.o.tmp.1"));
	/* Past the limit by the count: a walk, which cleans and counts again (900 bytes). */
	put_aged("objects/c.o", 800, 10);
	assert_int_equal(cache_account(tmp, 1000, 800), 0);
	assert_false(exists("objects/b.o.tmp.1"));
	assert_true(exists("objects/a.o"));
	assert_int_equal(size_file(), 900);
	/* A total counted a day ago is counted again. */
	put_aged("size", 0, 0);
	put("size", "5\n");
	put_aged("objects/d.o", 10, 10);
	snprintf(p, sizeof(p), "%s/size", tmp);
	assert_int_equal(utimensat(AT_FDCWD, p, (struct timespec[]){ { .tv_sec = 1 }, { .tv_sec = 1 } }, 0), 0);
	assert_int_equal(cache_account(tmp, 0, 10), 0);
	assert_int_equal(size_file(), 910);
}

static void job(struct clang_job *j, const char *script, const char *fallback, int i)
{
	memset(j, 0, sizeof(*j));
	assert_int_equal(argv_push(&j->argv, "/bin/sh") | argv_push(&j->argv, "-c") |
			 argv_push(&j->argv, script), 0);
	if (fallback)
		assert_int_equal(argv_push(&j->fallback, "/bin/sh") | argv_push(&j->fallback, "-c") |
				 argv_push(&j->fallback, fallback), 0);
	snprintf(j->log, sizeof(j->log), "%s/%d.log", tmp, i);
}

/* Run jobs with our stderr into a file; returns what they printed. */
static char *run_jobs(struct clang_job *jobs, unsigned int n, unsigned int max, int *failed,
		      int *ret, double *secs)
{
	char out[512];
	struct timespec t0, t1;
	int saved = dup(STDERR_FILENO), fd;
	size_t len;
	void *buf;

	snprintf(out, sizeof(out), "%s/stderr", tmp);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*ret = clang_jobs_run(jobs, n, max, false, failed, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	*secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(file_read_all(out, &buf, &len), 0);
	return buf;
}

static void test_jobs(void **state)
{
	struct clang_job jobs[4];
	double secs;
	int failed, ret;
	char *out;

	(void)state;
	/* The slow first job's messages still come first; all four run at once. */
	job(&jobs[0], "sleep 0.6; echo one >&2", NULL, 0);
	job(&jobs[1], "sleep 0.4; echo two >&2", NULL, 1);
	job(&jobs[2], "echo not shown >&2; exit 1", "sleep 0.2; echo three >&2", 2);
	job(&jobs[3], "echo four >&2", NULL, 3);
	out = run_jobs(jobs, 4, 4, &failed, &ret, &secs);
	assert_int_equal(ret, 0);
	assert_int_equal(failed, -1);
	assert_string_equal(out, "one\ntwo\nthree\nfour\n");
	assert_false(jobs[0].fell_back);
	assert_true(jobs[2].fell_back);
	assert_true(secs < 1.2);	/* 0.6 + 0.4 + 0.2 s of sleep, in parallel */
	free(out);
	for (int i = 0; i < 4; i++)
		clang_job_free(&jobs[i]);

	/* One at a time; after a failure nothing new starts. */
	job(&jobs[0], "echo a >&2", NULL, 0);
	job(&jobs[1], "echo b >&2; exit 2", "echo c >&2; exit 3", 1);
	job(&jobs[2], "echo never >&2", NULL, 2);
	out = run_jobs(jobs, 3, 1, &failed, &ret, &secs);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(failed, 1);
	assert_string_equal(out, "a\nc\n");
	assert_int_equal(jobs[2].state, JOB_WAITING);
	free(out);
	for (int i = 0; i < 3; i++)
		clang_job_free(&jobs[i]);
	assert_true(clang_jobs_default() >= 1);
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
		cmocka_unit_test(test_sha256_file_hex),
		cmocka_unit_test_setup_teardown(test_cache_entries, setup, teardown),
		cmocka_unit_test(test_cache_dir_default),
		cmocka_unit_test(test_arch),
		cmocka_unit_test_setup_teardown(test_source_fits, setup, teardown),
		cmocka_unit_test(test_cflags_fit),
		cmocka_unit_test(test_cache_max_size),
		cmocka_unit_test_setup_teardown(test_cache_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
