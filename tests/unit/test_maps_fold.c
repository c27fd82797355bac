// SPDX-License-Identifier: Apache-2.0
/*
 * maps_fold(): bumblebee's ".maps.<role>" sections folded into ".maps", on
 * objects clang compiles here; libbpf is the witness that the result opens.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "validator/maps_fold.h"
#include "bpf_compile.h"

#define HEAD "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
#define MAP(name, sec, type, val)							\
	"struct { __uint(type, " type "); __uint(max_entries, 64); "			\
	"__type(key, __u32); __type(value, " val "); } " name " SEC(\"" sec "\");\n"
#define PROG(body)									\
	"SEC(\"tracepoint/syscalls/sys_enter_getcwd\") int p(void *ctx)\n"		\
	"{ __u32 k = 0; __u64 v = 1; " body " return 0; }\n"				\
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n"

static const char mixed_src[] = HEAD
	MAP("start", ".maps", "BPF_MAP_TYPE_HASH", "__u64")
	MAP("calls", ".maps.counter", "BPF_MAP_TYPE_HASH", "__u64")
	"struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } "
	"events SEC(\".maps.print\");\n"
	PROG("bpf_map_update_elem(&start, &k, &v, 0); bpf_map_update_elem(&calls, &k, &v, 0);"
	     "bpf_ringbuf_output(&events, &v, 8, 0);");

static const char print_only_src[] = HEAD
	MAP("table", ".maps.print", "BPF_MAP_TYPE_HASH", "__u64")
	PROG("bpf_map_update_elem(&table, &k, &v, 0);");

static const char plain_src[] = HEAD
	MAP("start", ".maps", "BPF_MAP_TYPE_HASH", "__u64")
	PROG("bpf_map_update_elem(&start, &k, &v, 0);");

static const char map_of_maps_src[] = HEAD
	"struct inner { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); "
	"__type(key, __u32); __type(value, __u32); } inner SEC(\".maps\");\n"
	"struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 1); "
	"__type(key, __u32); __array(values, struct inner); } outer SEC(\".maps.print\") = "
	"{ .values = { &inner } };\n"
	PROG("bpf_map_lookup_elem(&outer, &k);");

static const Elf64_Shdr *shdr(const void *o, unsigned int i)
{
	return (const Elf64_Shdr *)((const char *)o + ((const Elf64_Ehdr *)o)->e_shoff) + i;
}

static const char *shdr_name(const void *o, unsigned int i)
{
	return (const char *)o + shdr(o, ((const Elf64_Ehdr *)o)->e_shstrndx)->sh_offset +
	       shdr(o, i)->sh_name;
}

static const Elf64_Sym *symbol(const void *o, const char *name)
{
	for (unsigned int i = 0; i < ((const Elf64_Ehdr *)o)->e_shnum; i++) {
		const Elf64_Sym *s = (const void *)((const char *)o + shdr(o, i)->sh_offset);
		const char *strs = (const char *)o + shdr(o, shdr(o, i)->sh_link)->sh_offset;

		if (shdr(o, i)->sh_type != SHT_SYMTAB)
			continue;
		for (size_t k = 0; k < shdr(o, i)->sh_size / sizeof(*s); k++)
			if (!strcmp(strs + s[k].st_name, name))
				return &s[k];
	}
	fail_msg("no symbol %s", name);
	return NULL;
}

/* libbpf opens it (or not), and finds these maps. */
static bool libbpf_opens(const void *obj, size_t len, const char *const *maps)
{
	struct bpf_object *o = bpf_object__open_mem(obj, len, NULL);

	if (!o)
		return false;
	for (; *maps; maps++)
		assert_non_null(bpf_object__find_map_by_name(o, *maps));
	bpf_object__close(o);
	return true;
}

/* The ".maps" DATASEC of the object's BTF: its vars' names in order, joined by ','. */
static void maps_datasec(const void *obj, char *out, size_t out_len)
{
	struct btf *btf = NULL;
	const struct btf_type *t;
	int id;

	for (unsigned int i = 1; i < ((const Elf64_Ehdr *)obj)->e_shnum; i++)
		if (!strcmp(shdr_name(obj, i), ".BTF"))
			btf = btf__new((const char *)obj + shdr(obj, i)->sh_offset, shdr(obj, i)->sh_size);
	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	out[0] = 0;
	for (unsigned int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *v = btf__type_by_id(btf, btf_var_secinfos(t)[i].type);

		snprintf(out + strlen(out), out_len - strlen(out), "%s%s@%u", i ? "," : "",
			 btf__name_by_offset(btf, v->name_off), btf_var_secinfos(t)[i].offset);
	}
	assert_int_equal(btf__find_by_name_kind(btf, ".maps.print", BTF_KIND_DATASEC), -ENOENT);
	btf__free(btf);
}

static void test_mixed(void **state)
{
	static const char *const maps[] = { "start", "calls", "events", NULL };
	struct gadget_err err = { 0 };
	struct maps_fold f;
	char vars[256], want[256];
	size_t len;
	void *obj = compile_bpf_src(mixed_src, &len);

	(void)state;
	libbpf_set_print(NULL);
	assert_false(libbpf_opens(obj, len, maps));	/* why the fold exists */
	assert_int_equal(maps_fold(obj, len, &f, &err), 0);
	assert_non_null(f.obj);
	assert_int_equal(f.nr_maps, 2);
	assert_string_equal(maps_fold_section(&f, "calls"), ".maps.counter");
	assert_string_equal(maps_fold_section(&f, "events"), ".maps.print");
	assert_null(maps_fold_section(&f, "start"));
	assert_true(libbpf_opens(f.obj, f.len, maps));
	/* all three in ".maps", one after the other, start where it was */
	assert_string_equal(shdr_name(f.obj, symbol(f.obj, "events")->st_shndx), ".maps");
	assert_int_equal(symbol(f.obj, "calls")->st_shndx, symbol(f.obj, "start")->st_shndx);
	assert_int_equal(symbol(f.obj, "start")->st_value, symbol(obj, "start")->st_value);
	assert_int_equal(shdr(f.obj, symbol(f.obj, "start")->st_shndx)->sh_size,
			 shdr(obj, symbol(obj, "start")->st_shndx)->sh_size +
			 shdr(obj, symbol(obj, "calls")->st_shndx)->sh_size +
			 shdr(obj, symbol(obj, "events")->st_shndx)->sh_size);
	maps_datasec(f.obj, vars, sizeof(vars));
	/* each folded map at its section's place in the new ".maps" (32-byte hash, 16-byte ring) */
	assert_int_equal(symbol(f.obj, "calls")->st_value, 32);
	assert_int_equal(symbol(f.obj, "events")->st_value, 64);
	snprintf(want, sizeof(want), "start@0,calls@32,events@64");
	assert_string_equal(vars, want);
	maps_fold_free(&f);
	free(obj);
}

static void test_print_only_is_renamed(void **state)
{
	static const char *const maps[] = { "table", NULL };
	struct gadget_err err = { 0 };
	struct maps_fold f;
	char vars[256];
	size_t len;
	void *obj = compile_bpf_src(print_only_src, &len);

	(void)state;
	assert_int_equal(maps_fold(obj, len, &f, &err), 0);
	assert_int_equal(f.nr_maps, 1);
	assert_string_equal(f.maps[0].section, ".maps.print");
	assert_string_equal(shdr_name(f.obj, symbol(f.obj, "table")->st_shndx), ".maps");
	assert_true(libbpf_opens(f.obj, f.len, maps));
	maps_datasec(f.obj, vars, sizeof(vars));
	assert_string_equal(vars, "table@0");
	maps_fold_free(&f);
	free(obj);
}

static void test_plain_object_is_left_alone(void **state)
{
	struct gadget_err err = { 0 };
	struct maps_fold f;
	size_t len;
	void *obj = compile_bpf_src(plain_src, &len);

	(void)state;
	assert_int_equal(maps_fold(obj, len, &f, &err), 0);
	assert_null(f.obj);
	assert_int_equal(f.nr_maps, 0);
	maps_fold_free(&f);
	free(obj);
}

static void test_maps_of_maps_refused(void **state)
{
	struct gadget_err err = { 0 };
	struct maps_fold f;
	size_t len;
	void *obj = compile_bpf_src(map_of_maps_src, &len);

	(void)state;
	assert_int_equal(maps_fold(obj, len, &f, &err), -ENOEXEC);
	assert_string_equal(err.msg, "map section \".maps.print\" initialises maps of maps (it has "
			    "relocations): declare those maps in SEC(\".maps\")");
	assert_null(f.obj);
	free(obj);
}

static void test_not_an_object(void **state)
{
	struct gadget_err err = { 0 };
	struct maps_fold f;
	char junk[256] = "\177ELF";

	(void)state;
	/* left to the validator's ELF reader to name */
	assert_int_equal(maps_fold(junk, sizeof(junk), &f, &err), 0);
	assert_null(f.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_print_only_is_renamed),
		cmocka_unit_test(test_plain_object_is_left_alone),
		cmocka_unit_test(test_maps_of_maps_refused),
		cmocka_unit_test(test_not_an_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
