// SPDX-License-Identifier: Apache-2.0
/*
 * gadget.yaml (Inspektor Gadget's metadata file): what is read, how errors
 * are located, how it folds into an analysis, and that the annotations
 * survive the image config's JSON.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "info/gadget_yaml.h"

static const char yaml_text[] =
	"name: trace exec\n"
	"description: Trace process starts\n"
	"homepageURL: https://example.com/h\n"
	"sourceURL: https://example.com/s\n"
	"version: 1\n"
	"unknownkey: {a: [1, 2]}\n"
	"datasources:\n"
	"  exec:\n"
	"    fields:\n"
	"      comm:\n"
	"        annotations:\n"
	"          description: Command name\n"
	"          columns.width: 20\n"
	"          columns.maxwidth: 30\n"
	"          columns.alignment: right\n"
	"      error:\n"
	"        annotations:\n"
	"          columns.hidden: true\n"
	"      proc.pid:\n"
	"        annotations:\n"
	"          columns.hidden: false\n"
	"          template: pid\n"
	"params:\n"
	"  ebpf:\n"
	"    targ_uid:\n"
	"      key: uid\n"
	"      defaultValue: \"7\"\n"
	"      description: Only this user\n"
	"  operator:\n"
	"    ignored: {key: x}\n";

static void test_parse(void **state)
{
	struct gadget_yaml *y;
	struct gadget_err err = { 0 };
	const struct gadget_yaml_datasource *ds;

	(void)state;
	assert_int_equal(gadget_yaml_parse(yaml_text, strlen(yaml_text), "gadget.yaml", &y, &err), 0);
	assert_string_equal(y->name, "trace exec");
	assert_string_equal(y->description, "Trace process starts");
	assert_string_equal(y->homepage_url, "https://example.com/h");
	assert_string_equal(y->source_url, "https://example.com/s");
	assert_null(y->documentation_url);
	assert_int_equal(y->nr_datasources, 1);
	ds = gadget_yaml_datasource(y, "other");	/* the only one */
	assert_non_null(ds);
	assert_string_equal(ds->name, "exec");
	assert_int_equal(ds->nr_fields, 3);
	assert_string_equal(ds->fields[0].name, "comm");
	assert_string_equal(ds->fields[0].ann.description, "Command name");
	assert_int_equal(ds->fields[0].ann.width, 20);
	assert_int_equal(ds->fields[0].ann.maxwidth, 30);
	assert_int_equal(ds->fields[0].ann.align, FIELD_ALIGN_RIGHT);
	assert_int_equal(ds->fields[1].ann.visibility, FIELD_VIS_HIDDEN);
	assert_string_equal(ds->fields[2].name, "proc.pid");
	assert_int_equal(ds->fields[2].ann.visibility, FIELD_VIS_SHOWN);
	assert_int_equal(y->nr_params, 1);
	assert_string_equal(y->params[0].name, "targ_uid");
	assert_string_equal(y->params[0].key, "uid");
	assert_string_equal(y->params[0].default_value, "7");
	assert_string_equal(y->params[0].description, "Only this user");
	gadget_yaml_free(y);
}

static void expect_error(const char *text, const char *msg)
{
	struct gadget_yaml *y = (void *)1;
	struct gadget_err err = { 0 };

	assert_int_equal(gadget_yaml_parse(text, strlen(text), "dir/gadget.yaml", &y, &err), -EINVAL);
	assert_null(y);
	assert_true(err.located);
	assert_string_equal(err.msg, msg);
}

static void test_errors_are_located(void **state)
{
	(void)state;
	expect_error("datasources:\n  x:\n    fields:\n      a:\n        annotations:\n"
		     "          columns.width: wide\n",
		     "dir/gadget.yaml:6:26: error: \"columns.width\" must be a number from 0 to 65535");
	expect_error("datasources:\n  x:\n    fields:\n      a:\n        annotations:\n"
		     "          columns.hidden: maybe\n",
		     "dir/gadget.yaml:6:27: error: \"columns.hidden\" must be true or false");
	expect_error("datasources:\n  x:\n    fields:\n      a:\n        annotations:\n"
		     "          columns.alignment: middle\n",
		     "dir/gadget.yaml:6:30: error: \"columns.alignment\" must be left or right");
	expect_error("name: [a, b]\n", "dir/gadget.yaml:1:7: error: \"name\" must be a string");
	expect_error("- a\n- b\n", "dir/gadget.yaml:1:1: error: \"the document\" must be a mapping");
	expect_error("name: \"unterminated\n",
		     "dir/gadget.yaml:2:1: error: found unexpected end of stream");
}

static void test_empty_file(void **state)
{
	struct gadget_yaml *y;

	(void)state;
	assert_int_equal(gadget_yaml_parse("", 0, "gadget.yaml", &y, NULL), 0);
	assert_null(y->name);
	assert_int_equal(y->nr_datasources, 0);
	gadget_yaml_free(y);
}

static struct gadget_field mkfield(const char *name, uint32_t off, uint32_t size)
{
	struct gadget_field f = { .name = strdup(name), .offset = off, .size = size,
				  .kind = FIELD_INT, .type_name = strdup("int") };

	return f;
}

static void test_apply_and_json_round_trip(void **state)
{
	struct gadget_info *info = calloc(1, sizeof(*info)), *back;
	struct gadget_type *t = calloc(1, sizeof(*t));
	struct gadget_yaml *y;
	json_t *j;

	(void)state;
	t->name = strdup("struct event");
	t->size = 24;
	t->nr_fields = 3;
	t->fields = calloc(3, sizeof(*t->fields));
	t->fields[0] = mkfield("comm", 0, 16);
	t->fields[1] = mkfield("error_raw", 16, 4);
	t->fields[2] = mkfield("pid", 20, 4);
	info->nr_maps = 1;
	info->maps = calloc(1, sizeof(*info->maps));
	info->maps[0].name = strdup("events");
	info->maps[0].role = MAP_ROLE_PRINT;
	info->maps[0].value = t;
	info->category = GADGET_CAT_TRACER;
	gadget_info_set_print_map(info, &info->maps[0]);
	info->nr_params = 1;
	info->params = calloc(1, sizeof(*info->params));
	info->params[0].name = strdup("targ_uid");
	info->params[0].field = mkfield("targ_uid", 0, 4);
	info->params[0].default_value = strdup("0");

	assert_int_equal(gadget_yaml_parse(yaml_text, strlen(yaml_text), "gadget.yaml", &y, NULL), 0);
	assert_int_equal(gadget_yaml_apply(y, "exec", info, NULL), 0);
	gadget_yaml_free(y);
	assert_string_equal(info->name, "trace exec");		/* it had none */
	assert_string_equal(info->description, "Trace process starts");
	assert_string_equal(t->fields[0].ann.description, "Command name");
	assert_int_equal(t->fields[0].ann.width, 20);
	assert_int_equal(t->fields[1].ann.visibility, FIELD_VIS_HIDDEN);	/* "error" names error_raw */
	assert_int_equal(t->fields[2].ann.visibility, FIELD_VIS_DEFAULT);	/* proc.pid is not pid */
	assert_string_equal(info->params[0].key, "uid");
	/* gadget.yaml's default, which the runtime sets before load */
	assert_string_equal(info->params[0].default_value, "7");
	assert_true(info->params[0].default_set);
	assert_string_equal(info->params[0].description, "Only this user");

	j = gadget_info_to_json(info);
	assert_int_equal(gadget_info_from_json(j, &back, NULL), 0);
	assert_string_equal(back->event->fields[0].ann.description, "Command name");
	assert_int_equal(back->event->fields[0].ann.width, 20);
	assert_int_equal(back->event->fields[0].ann.maxwidth, 30);
	assert_int_equal(back->event->fields[0].ann.align, FIELD_ALIGN_RIGHT);
	assert_int_equal(back->event->fields[1].ann.visibility, FIELD_VIS_HIDDEN);
	assert_int_equal(back->event->fields[2].ann.visibility, FIELD_VIS_DEFAULT);
	assert_string_equal(back->params[0].default_value, "7");
	assert_true(back->params[0].default_set);
	assert_string_equal(back->params[0].key, "uid");
	/* a field with no annotations has no "annotations" key: old images keep their bytes */
	assert_null(json_object_get(json_array_get(json_object_get(json_object_get(
		json_array_get(json_object_get(j, "maps"), 0), "value"), "fields"), 2), "annotations"));
	json_decref(j);
	gadget_info_free(back);
	gadget_info_free(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors_are_located),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_apply_and_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
