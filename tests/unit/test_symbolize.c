// SPDX-License-Identifier: Apache-2.0
/* The symbolizer on known inputs: a kallsyms file, this test binary, and a clang-built shared library. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/symbolizer.h"

#define FIXTURES "tests/fixtures/symbolize"

/* Known functions of this binary: found through /proc/self/maps and its .symtab. */
__attribute__((noinline, used)) int symbolize_known_function(int x)
{
	asm volatile("" ::: "memory");
	return x * 3 + 1;
}

__attribute__((noinline, used)) static int symbolize_static_function(int x)
{
	asm volatile("" ::: "memory");
	return x - 1;
}

static void test_kernel(void **state)
{
	struct symbolizer *s;
	char out[128];

	(void)state;
	assert_int_equal(symbolizer_new(FIXTURES "/kallsyms", NULL, &s), 0);
	symbolizer_kernel(s, 0xffffffff81000000ULL, out, sizeof(out));
	assert_string_equal(out, "_stext");
	symbolizer_kernel(s, 0xffffffff81000180ULL, out, sizeof(out));
	assert_string_equal(out, "do_one_thing");
	/* data symbols do not end a function */
	symbolizer_kernel(s, 0xffffffff81000250ULL, out, sizeof(out));
	assert_string_equal(out, "do_one_thing");
	symbolizer_kernel(s, 0xffffffff81000300ULL, out, sizeof(out));
	assert_string_equal(out, "schedule");
	symbolizer_kernel(s, 0xffffffffc0001010ULL, out, sizeof(out));
	assert_string_equal(out, "loop_queue_rq");
	symbolizer_kernel(s, 0x1000, out, sizeof(out));
	assert_string_equal(out, "[unknown]");
	/* truncation keeps the length honest */
	assert_int_equal(symbolizer_kernel(s, 0xffffffff81000300ULL, out, 4), 3);
	assert_string_equal(out, "sch");
	symbolizer_free(s);
}

static void test_this_binary(void **state)
{
	struct symbolizer *s;
	char out[256];

	(void)state;
	assert_int_equal(symbolize_known_function(1) + symbolize_static_function(1), 4);
	assert_int_equal(symbolizer_new(NULL, NULL, &s), 0);
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)symbolize_known_function + 2, out, sizeof(out));
	assert_string_equal(out, "symbolize_known_function");
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)symbolize_static_function, out, sizeof(out));
	assert_string_equal(out, "symbolize_static_function");
	/* a libc function, through the shared library's own tables */
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid"), out, sizeof(out));
	assert_non_null(strstr(out, "getpid"));
	/* no mapping at all: the address */
	symbolizer_user(s, getpid(), 0x10, out, sizeof(out));
	assert_string_equal(out, "0x10");
	symbolizer_free(s);
}

/* A stripped shared library: no symbol, so module+offset. */
static void test_stripped_library(void **state)
{
	char dir[] = "/tmp/test_symbolize.XXXXXX", cmd[1024], lib[300];
	struct symbolizer *s;
	void *h, *fn;
	char out[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lib, sizeof(lib), "%s/libknown.so", dir);
	snprintf(cmd, sizeof(cmd), "printf 'int known_lib_fn(int x){return x+41;}\\n' > %s/k.c && "
		 "clang -shared -fPIC -O1 -o %s %s/k.c", dir, lib, dir);
	assert_int_equal(system(cmd), 0);
	h = dlopen(lib, RTLD_NOW);
	assert_non_null(h);
	fn = dlsym(h, "known_lib_fn");
	assert_non_null(fn);
	assert_int_equal(symbolizer_new(NULL, NULL, &s), 0);
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)fn, out, sizeof(out));
	assert_string_equal(out, "known_lib_fn");
	symbolizer_free(s);
	dlclose(h);

	snprintf(cmd, sizeof(cmd), "llvm-strip -s %s", lib);
	assert_int_equal(system(cmd), 0);
	/* a stripped .so keeps .dynsym: exported functions still resolve; a
	 * hidden one has no name left and shows as file+offset */
	snprintf(cmd, sizeof(cmd), "printf '__attribute__((visibility(\"hidden\"))) int hid(int x){return x+1;}"
		 "int known_lib_fn(int x){return hid(x)+40;} void *addr_of_hid(void){return (void*)hid;}\\n' > %s/k.c && "
		 "clang -shared -fPIC -O0 -o %s/libhid.so %s/k.c && llvm-strip -s %s/libhid.so", dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(lib, sizeof(lib), "%s/libhid.so", dir);
	h = dlopen(lib, RTLD_NOW);
	assert_non_null(h);
	fn = ((void *(*)(void))dlsym(h, "addr_of_hid"))();
	assert_int_equal(symbolizer_new(NULL, NULL, &s), 0);
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)fn, out, sizeof(out));
	assert_non_null(strstr(out, "libhid.so+0x"));
	symbolizer_user(s, getpid(), (uint64_t)(uintptr_t)dlsym(h, "known_lib_fn"), out, sizeof(out));
	assert_string_equal(out, "known_lib_fn");
	symbolizer_free(s);
	dlclose(h);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_this_binary),
		cmocka_unit_test(test_stripped_library),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
