// SPDX-License-Identifier: Apache-2.0
/*
 * gadget_info <-> JSON: what the packager writes into config.json must come
 * back field for field in the runtime, and the bytes must be stable.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bpf.h>

#include "validator/validator.h"

static struct gadget_field mkfield(const char *name, uint32_t off, uint32_t size,
				   enum field_kind kind, const char *type)
{
	struct gadget_field f = {
		.name = strdup(name), .offset = off, .size = size, .kind = kind,
		.type_name = strdup(type),
	};

	return f;
}

static struct gadget_type *event_type(void)
{
	struct gadget_type *t = calloc(1, sizeof(*t));

	t->name = strdup("struct event");
	t->size = 64;
	t->nr_fields = 7;
	t->fields = calloc(t->nr_fields, sizeof(*t->fields));
	t->fields[0] = mkfield("mntns_id", 0, 8, FIELD_UINT, "gadget_mntns_id");
	t->fields[0].special = SPECIAL_MNTNS_ID;
	t->fields[1] = mkfield("ret", 8, 4, FIELD_INT, "__s32");
	t->fields[2] = mkfield("comm", 12, 16, FIELD_STRING, "char[16]");
	t->fields[2].array_len = 16;
	t->fields[3] = mkfield("flags", 28, 4, FIELD_FLAGS, "enum open_flags");
	t->fields[3].nr_enum_vals = 2;
	t->fields[3].enum_vals = calloc(2, sizeof(struct gadget_enum_val));
	t->fields[3].enum_vals[0] = (struct gadget_enum_val){ strdup("F_CREAT"), 1 };
	t->fields[3].enum_vals[1] = (struct gadget_enum_val){ strdup("F_NEG"), -5 };
	t->fields[4] = mkfield("bits.hi", 32, 1, FIELD_UINT, "__u8");
	t->fields[4].bit_offset = 3;
	t->fields[4].bit_size = 5;
	t->fields[5] = mkfield("dst", 36, 20, FIELD_BYTES, "gadget_l4endpoint_t");
	t->fields[5].special = SPECIAL_L4ENDPOINT;
	t->fields[5].array_len = 20;
	t->fields[6] = mkfield("ratio", 56, 8, FIELD_FLOAT, "double");
	return t;
}

static struct gadget_info *full_info(void)
{
	struct gadget_info *info = calloc(1, sizeof(*info));

	info->name = strdup("trace_open");
	info->description = strdup("Trace open(2) — with UTF-8 and \"quotes\"");
	info->license = strdup("GPL");
	info->category = GADGET_CAT_TRACER;
	info->nr_progs = 2;
	info->progs = calloc(2, sizeof(*info->progs));
	info->progs[0].name = strdup("trace_openat");
	info->progs[0].section = strdup("tracepoint/syscalls/sys_enter_openat");
	info->progs[0].def = progtype_find(info->progs[0].section);
	info->progs[0].src_file = strdup("trace_open.bpf.c");
	info->progs[0].src_line = 42;
	info->progs[0].src_col = 7;
	info->progs[0].runnable = true;
	info->progs[1].name = strdup("kp");
	info->progs[1].section = strdup("kprobe/do_sys_openat2");
	info->progs[1].def = progtype_find(info->progs[1].section);
	info->progs[1].why_not = strdup("kprobes are not available on this kernel");
	info->progs[1].output = strdup("kp_output");
	info->progs[1].output_type = event_type();
	info->nr_maps = 2;
	info->maps = calloc(2, sizeof(*info->maps));
	info->maps[0].name = strdup("print_open");
	info->maps[0].type = BPF_MAP_TYPE_RINGBUF;
	info->maps[0].role = MAP_ROLE_PRINT;
	info->maps[0].value_size = 64;
	info->maps[0].max_entries = 262144;
	info->maps[0].value = event_type();
	info->maps[1].name = strdup("gadget_mntns_filter");
	info->maps[1].type = BPF_MAP_TYPE_HASH;
	info->maps[1].role = MAP_ROLE_FILTER;
	info->maps[1].key_size = 8;
	info->maps[1].value_size = 4;
	info->maps[1].max_entries = 1024;
	info->print_map = &info->maps[0];
	info->event = info->maps[0].value;
	info->nr_params = 2;
	info->params = calloc(2, sizeof(*info->params));
	info->params[0].name = strdup("target_pid");
	info->params[0].field = mkfield("target_pid", 4, 4, FIELD_UINT, "__u32");
	info->params[0].default_value = strdup("0");
	info->params[0].description = strdup("only this process");
	/* a packet filter (<gadget/packetfilter.h>): not in .rodata, a pcap expression */
	info->params[1].name = strdup("pf-dns");
	info->params[1].field = mkfield("pf-dns", 0, 0, FIELD_STRING, "pcap expression");
	info->params[1].default_value = strdup("");
	info->params[1].packet_filter = true;
	return info;
}

static char *dump(const struct gadget_info *info)
{
	json_t *j = gadget_info_to_json(info);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);

	json_decref(j);
	assert_non_null(s);
	return s;
}

static void assert_types_equal(const struct gadget_type *a, const struct gadget_type *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->nr_fields, b->nr_fields);
	for (unsigned int i = 0; i < a->nr_fields; i++) {
		const struct gadget_field *x = &a->fields[i], *y = &b->fields[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->type_name, y->type_name);
		assert_int_equal(x->offset, y->offset);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->special, y->special);
		assert_int_equal(x->bit_offset, y->bit_offset);
		assert_int_equal(x->bit_size, y->bit_size);
		assert_int_equal(x->array_len, y->array_len);
		assert_int_equal(x->nr_enum_vals, y->nr_enum_vals);
		for (unsigned int e = 0; e < x->nr_enum_vals; e++) {
			assert_string_equal(x->enum_vals[e].name, y->enum_vals[e].name);
			assert_true(x->enum_vals[e].value == y->enum_vals[e].value);
		}
	}
}

static void test_round_trip_exact(void **state)
{
	struct gadget_info *info = full_info(), *back = NULL;
	struct gadget_err err = {};
	char *s1, *s2;
	json_t *j;

	(void)state;
	s1 = dump(info);
	j = json_loads(s1, 0, NULL);
	assert_int_equal(gadget_info_from_json(j, &back, &err), 0);
	json_decref(j);

	assert_string_equal(back->name, "trace_open");
	assert_string_equal(back->description, info->description);
	assert_string_equal(back->license, "GPL");
	assert_int_equal(back->category, GADGET_CAT_TRACER);
	assert_int_equal(back->nr_progs, 2);
	assert_ptr_equal(back->progs[0].def, info->progs[0].def);
	assert_true(back->progs[0].runnable);
	assert_string_equal(back->progs[0].src_file, "trace_open.bpf.c");
	assert_int_equal(back->progs[0].src_line, 42);
	assert_int_equal(back->progs[0].src_col, 7);
	assert_null(back->progs[0].why_not);
	assert_false(back->progs[1].runnable);
	assert_string_equal(back->progs[1].why_not, "kprobes are not available on this kernel");
	assert_int_equal(back->progs[1].def->prog_type, BPF_PROG_TYPE_KPROBE);
	assert_string_equal(back->progs[1].output, "kp_output");
	assert_types_equal(back->progs[1].output_type, info->progs[1].output_type);
	assert_int_equal(back->nr_maps, 2);
	assert_int_equal(back->maps[0].type, BPF_MAP_TYPE_RINGBUF);
	assert_int_equal(back->maps[0].role, MAP_ROLE_PRINT);
	assert_int_equal(back->maps[0].max_entries, 262144);
	assert_null(back->maps[0].key);
	assert_int_equal(back->maps[1].role, MAP_ROLE_FILTER);
	assert_int_equal(back->maps[1].key_size, 8);
	assert_ptr_equal(back->print_map, &back->maps[0]);
	assert_ptr_equal(back->event, back->maps[0].value);
	assert_types_equal(back->event, info->event);
	assert_int_equal(back->nr_params, 2);
	assert_false(back->params[0].packet_filter);
	assert_true(back->params[1].packet_filter);
	assert_string_equal(back->params[1].name, "pf-dns");
	assert_string_equal(back->params[0].name, "target_pid");
	assert_string_equal(back->params[0].default_value, "0");
	assert_string_equal(back->params[0].description, "only this process");
	assert_int_equal(back->params[0].field.offset, 4);
	assert_int_equal(back->params[0].field.kind, FIELD_UINT);

	/* and the bytes are the same the second time round */
	s2 = dump(back);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	gadget_info_free(info);
	gadget_info_free(back);
}

static void test_topper_key_restored(void **state)
{
	struct gadget_info *info = full_info(), *back = NULL;
	struct gadget_err err = {};
	json_t *j;

	(void)state;
	info->category = GADGET_CAT_TOPPER;
	info->maps[0].type = BPF_MAP_TYPE_HASH;
	info->maps[0].key = event_type();
	info->key = info->maps[0].key;
	j = gadget_info_to_json(info);
	assert_string_equal(json_string_value(json_object_get(j, "category")), "topper");
	assert_string_equal(json_string_value(json_object_get(j, "print_map")), "print_open");
	assert_int_equal(gadget_info_from_json(j, &back, &err), 0);
	assert_ptr_equal(back->key, back->maps[0].key);
	assert_types_equal(back->key, info->key);
	json_decref(j);
	gadget_info_free(info);
	gadget_info_free(back);
}

/* A nameless field is written as a null name and refused when read back: it
 * used to take the whole params array out of the config without a word. */
static void test_nameless_field_not_dropped(void **state)
{
	struct gadget_info *info = full_info(), *back = (void *)1;
	struct gadget_err err = {};
	json_t *j, *params;

	(void)state;
	free(info->params[1].field.name);
	info->params[1].field.name = NULL;
	j = gadget_info_to_json(info);
	params = json_object_get(j, "params");
	assert_int_equal(json_array_size(params), 2);
	assert_true(json_is_null(json_object_get(json_object_get(json_array_get(params, 1),
								 "field"), "name")));
	assert_int_not_equal(gadget_info_from_json(j, &back, &err), 0);
	assert_null(back);
	assert_true(err.msg[0]);
	json_decref(j);
	gadget_info_free(info);
}

static void test_rejects_bad_metadata(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"category\": \"tracer\"}",
		"{\"name\": \"x\", \"category\": \"bogus\"}",
		"{\"name\": 5, \"category\": \"tracer\"}",
		"{\"name\": \"x\", \"category\": \"tracer\", \"maps\": [{\"name\": \"m\", "
		"\"value\": {\"name\": \"s\", \"size\": 4, \"fields\": [{\"name\": \"f\", "
		"\"offset\": 2, \"size\": 4, \"kind\": \"uint\"}]}}]}",
		"{\"name\": \"x\", \"category\": \"tracer\", \"maps\": [{\"name\": \"m\", "
		"\"value\": {\"name\": \"s\", \"size\": 4, \"fields\": [{\"name\": \"f\", "
		"\"offset\": 0, \"size\": 4, \"kind\": \"pointer\"}]}}]}",
		"{\"name\": \"x\", \"category\": \"tracer\", \"maps\": [{\"name\": \"m\", "
		"\"value\": {\"name\": \"s\", \"size\": 4, \"fields\": [{\"name\": \"f\", "
		"\"offset\": 0, \"size\": 1, \"bit_offset\": 4, \"bit_size\": 7, \"kind\": \"uint\"}]}}]}",
		"{\"name\": \"x\", \"category\": \"tracer\", \"params\": [{\"name\": \"p\", "
		"\"field\": {\"name\": \"p\", \"offset\": -1, \"size\": 4, \"kind\": \"uint\"}}]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gadget_info *info = (void *)1;
		struct gadget_err err = {};
		json_t *j = json_loads(bad[i], 0, NULL);

		assert_non_null(j);
		if (gadget_info_from_json(j, &info, &err) == 0)
			fail_msg("accepted bad metadata #%zu: %s", i, bad[i]);
		assert_null(info);
		assert_true(err.msg[0]);
		json_decref(j);
	}
}

/* A real object: analysis -> JSON -> back -> JSON gives the same bytes. */
static void test_round_trip_real_object(void **state)
{
	struct validate_opts opts = { .obj_path = "tracer.o", .name = "tracer" };
	struct gadget_info *info = NULL, *back = NULL;
	struct diag_list diags = {};
	struct gadget_err err = {};
	char *s1, *s2, *buf;
	FILE *f = fopen("tests/fuzz/corpus/validator/tracer.o", "rb");
	long n;
	json_t *j;

	(void)state;
	if (!f)
		skip();
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	assert_int_equal(validator_analyze(buf, n, &opts, &info, &diags, &err), 0);
	assert_int_equal(info->category, GADGET_CAT_TRACER);
	assert_non_null(info->event);
	s1 = dump(info);
	j = json_loads(s1, 0, NULL);
	assert_int_equal(gadget_info_from_json(j, &back, &err), 0);
	json_decref(j);
	s2 = dump(back);
	assert_string_equal(s1, s2);
	assert_types_equal(back->event, info->event);
	free(s1);
	free(s2);
	free(buf);
	gadget_info_free(info);
	gadget_info_free(back);
	diag_list_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_exact),
		cmocka_unit_test(test_topper_key_restored),
		cmocka_unit_test(test_nameless_field_not_dropped),
		cmocka_unit_test(test_rejects_bad_metadata),
		cmocka_unit_test(test_round_trip_real_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
