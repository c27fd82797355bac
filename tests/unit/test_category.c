// SPDX-License-Identifier: Apache-2.0
/* The seed's category algorithm (validator_category) on synthetic analyses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bpf.h>

#include "validator/validator.h"

struct fake {
	struct gadget_info info;
	struct gadget_map maps[4];
	struct gadget_prog progs[2];
};

static void add_map(struct fake *f, const char *name, enum bpf_map_type type, enum map_role role)
{
	struct gadget_map *m = &f->maps[f->info.nr_maps++];

	m->name = (char *)name;
	m->type = type;
	m->role = role;
	f->info.maps = f->maps;
}

static void add_prog(struct fake *f, const char *name, const char *section)
{
	struct gadget_prog *p = &f->progs[f->info.nr_progs++];

	p->name = (char *)name;
	p->section = (char *)section;
	p->def = progtype_find(section);
	f->info.progs = f->progs;
}

static enum gadget_category category(struct fake *f, char *why, size_t len)
{
	why[0] = 0;
	return validator_category(&f->info, why, len);
}

static void test_tracer(void **state)
{
	struct fake ring = {}, perf = {};
	char why[512];

	(void)state;
	add_map(&ring, "print_events", BPF_MAP_TYPE_RINGBUF, MAP_ROLE_PRINT);
	add_prog(&ring, "trace", "tracepoint/syscalls/sys_enter_openat");
	assert_int_equal(category(&ring, why, sizeof(why)), GADGET_CAT_TRACER);

	add_map(&perf, "gadget_heap_x", BPF_MAP_TYPE_PERCPU_ARRAY, MAP_ROLE_INTERNAL);
	add_map(&perf, "print_events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, MAP_ROLE_PRINT);
	/* an iterator does not make a gadget with a print_ ring a snapshotter */
	add_prog(&perf, "it", "iter/task");
	assert_int_equal(category(&perf, why, sizeof(why)), GADGET_CAT_TRACER);
	assert_string_equal(gadget_category_name(GADGET_CAT_TRACER), "tracer");
}

static void test_topper(void **state)
{
	static const enum bpf_map_type types[] = {
		BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_HASH,
		BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_LRU_HASH,
	};
	char why[512];

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct fake f = {};

		add_map(&f, "counts", BPF_MAP_TYPE_HASH, MAP_ROLE_NONE);
		add_map(&f, "print_top", types[i], MAP_ROLE_PRINT);
		add_prog(&f, "count", "kprobe/vfs_write");
		assert_int_equal(category(&f, why, sizeof(why)), GADGET_CAT_TOPPER);
	}
}

static void test_snapshotter(void **state)
{
	struct fake f = {};
	char why[512];

	(void)state;
	add_map(&f, ".rodata", BPF_MAP_TYPE_ARRAY, MAP_ROLE_INTERNAL);
	add_prog(&f, "procs", "iter/task");
	assert_int_equal(category(&f, why, sizeof(why)), GADGET_CAT_SNAPSHOTTER);
	/* iter.s/ too */
	f.progs[0].def = progtype_find("iter.s/task_file");
	assert_int_equal(category(&f, why, sizeof(why)), GADGET_CAT_SNAPSHOTTER);
}

static void test_metrics(void **state)
{
	static const enum map_role roles[] = { MAP_ROLE_COUNTER, MAP_ROLE_GAUGE, MAP_ROLE_HISTOGRAM };
	char why[512];

	(void)state;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct fake f = {};

		add_map(&f, "gadget_mntns_filter", BPF_MAP_TYPE_HASH, MAP_ROLE_FILTER);
		add_map(&f, "counter_x", BPF_MAP_TYPE_HASH, roles[i]);
		add_prog(&f, "count", "raw_tp/sys_enter");
		assert_int_equal(category(&f, why, sizeof(why)), GADGET_CAT_METRICS);
	}
}

static void test_unknown_says_what_to_add(void **state)
{
	struct fake none = {}, bad = {}, empty = {};
	char why[512];

	(void)state;
	add_map(&none, "counts", BPF_MAP_TYPE_HASH, MAP_ROLE_NONE);
	add_prog(&none, "count", "tracepoint/syscalls/sys_enter_openat");
	assert_int_equal(category(&none, why, sizeof(why)), GADGET_CAT_UNKNOWN);
	assert_non_null(strstr(why, "no print_ map and no iter/ program"));
	assert_non_null(strstr(why, "GADGET_TRACER("));
	assert_non_null(strstr(why, "GADGET_TOPPER("));
	assert_non_null(strstr(why, "bpf-headers/gadget/macros.h"));

	/* a print_ map of a type neither category reads */
	add_map(&bad, "print_stack", BPF_MAP_TYPE_STACK, MAP_ROLE_PRINT);
	assert_int_equal(category(&bad, why, sizeof(why)), GADGET_CAT_UNKNOWN);
	assert_non_null(strstr(why, "map 'print_stack' has the print_ prefix but its type (stack)"));

	/* an unknown section is not an iterator */
	add_prog(&empty, "it", "iterr/task");
	assert_null(empty.progs[0].def);
	assert_int_equal(category(&empty, why, sizeof(why)), GADGET_CAT_UNKNOWN);
}

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int c = GADGET_CAT_UNKNOWN; c <= GADGET_CAT_METRICS; c++)
		assert_int_equal(gadget_category_from_name(gadget_category_name(c)), c);
	assert_int_equal(gadget_category_from_name("tracers"), -EINVAL);
	assert_string_equal(map_role_name(MAP_ROLE_HISTOGRAM), "histogram");
	assert_string_equal(field_kind_name(FIELD_FLAGS), "flags");
	assert_string_equal(field_special_name(SPECIAL_L4ENDPOINT), "l4endpoint");
	assert_string_equal(gadget_category_name((enum gadget_category)42), "unknown");
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

/* The whole analysis on committed objects: category, event, diagnostics. */
static void test_analyze_objects(void **state)
{
	struct validate_opts opts = { .obj_path = "x.o" };
	struct gadget_info *info = NULL;
	struct diag_list diags = {};
	struct gadget_err err = {};
	size_t len;
	void *obj = slurp("tests/fuzz/corpus/validator/tracer.o", &len);

	(void)state;
	if (!obj)
		skip();
	assert_int_equal(validator_analyze(obj, len, &opts, &info, &diags, &err), 0);
	assert_int_equal(info->category, GADGET_CAT_TRACER);
	assert_non_null(info->print_map);
	assert_int_equal(info->print_map->role, MAP_ROLE_PRINT);
	assert_ptr_equal(info->event, info->print_map->value);
	assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 0);
	gadget_info_free(info);
	diag_list_free(&diags);
	free(obj);

	obj = slurp("tests/fuzz/corpus/validator/badsec.o", &len);
	assert_non_null(obj);
	assert_int_equal(validator_analyze(obj, len, &opts, &info, &diags, &err), -EINVAL);
	assert_non_null(info);
	assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 1);
	assert_int_equal(diags.v[0].level, DIAG_ERROR);
	assert_true(diags.v[0].line > 0);
	assert_string_equal(diags.v[0].msg, "section \"tracepont/syscalls/sys_enter_openat\" is not a "
			    "known program type; did you mean \"tracepoint/\"?");
	assert_null(info->progs[0].def);
	assert_false(info->progs[0].runnable);
	gadget_info_free(info);
	diag_list_free(&diags);

	free(obj);

	/* not an object at all: an error, no analysis */
	assert_int_equal(validator_analyze("hello", 5, &opts, &info, &diags, &err), -ENOEXEC);
	assert_null(info);
	assert_non_null(strstr(err.msg, "not an ELF object"));
}

/*
 * Objects the fuzzer found (tests/fixtures/malformed/): a broken BTF is
 * refused with a message before libbpf 1.1 (which would crash) sees it;
 * a param whose type is larger than its .rodata slot gets no default.
 * Run under `make sanitize` these also catch the overflows themselves.
 */
static void test_malformed_objects(void **state)
{
	static const struct { const char *file, *msg; } cases[] = {
		{ "bad_type_id.o", "m.o: malformed BTF: type [12] refers to type 1056964619" },
		{ "bad_enum_name_off.o", "m.o: malformed BTF: type [8] refers to member type 13" },
		{ "misaligned_btf.o", "m.o: malformed .BTF section" },
		{ "param_size.o", NULL },
	};
	struct validate_opts opts = { .obj_path = "m.o" };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gadget_info *info = NULL;
		struct diag_list diags = {};
		struct gadget_err err = {};
		char path[256];
		size_t len;
		void *obj;
		int ret;

		snprintf(path, sizeof(path), "tests/fixtures/malformed/%s", cases[i].file);
		obj = slurp(path, &len);
		assert_non_null(obj);
		ret = validator_analyze(obj, len, &opts, &info, &diags, &err);
		if (cases[i].msg) {
			assert_int_equal(ret, -ENOEXEC);
			assert_null(info);
			assert_non_null(strstr(err.msg, cases[i].msg));
		} else {
			bool seen = false;

			assert_int_equal(ret, 0);
			for (unsigned int p = 0; p < info->nr_params; p++) {
				if (strcmp(info->params[p].name, "prefix"))
					continue;
				assert_null(info->params[p].default_value);
				seen = true;
			}
			assert_true(seen);
		}
		gadget_info_free(info);
		diag_list_free(&diags);
		free(obj);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracer),
		cmocka_unit_test(test_topper),
		cmocka_unit_test(test_snapshotter),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_unknown_says_what_to_add),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_analyze_objects),
		cmocka_unit_test(test_malformed_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
