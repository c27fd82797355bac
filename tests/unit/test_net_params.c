// SPDX-License-Identifier: Apache-2.0
/*
 * List parameters ("--param ports=80,443") and kernel-BTF enum names
 * (gadget_kernel_enum_<name>), the two runtime features the network
 * gadgets added.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "runtime/kernel_enum.h"
#include "runtime/param.h"

static struct gadget_param list_param(const char *name, uint32_t elem, uint32_t n)
{
	struct gadget_param p = { .name = (char *)name };

	p.field.kind = FIELD_BYTES;
	p.field.size = elem * n;
	p.field.array_len = n;
	p.field.type_name = (char *)"__u16[4]";
	return p;
}

static void test_list_sets_values_and_zeroes_the_rest(void **state)
{
	struct gadget_param p = list_param("ports", 2, 4);
	uint16_t ports[4] = { 9, 9, 9, 9 };
	struct gadget_err err = {};

	(void)state;
	assert_int_equal(param_set_list(&p, "80,0x1bb", ports, sizeof(ports), &err), 0);
	assert_int_equal(ports[0], 80);
	assert_int_equal(ports[1], 443);
	assert_int_equal(ports[2], 0);
	assert_int_equal(ports[3], 0);
	assert_int_equal(param_set_list(&p, "", ports, sizeof(ports), &err), 0);
	assert_int_equal(ports[0], 0);
}

static void test_list_rejects_bad_values(void **state)
{
	struct gadget_param p = list_param("ports", 2, 4);
	uint16_t ports[4];
	struct gadget_err err = {};
	static const char *const bad[] = { "65536", "-1", "80,,443", "0", "80;443", "x", "1,2,3,4,5" };

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(param_set_list(&p, bad[i], ports, sizeof(ports), &err), -EINVAL);
		assert_non_null(strstr(err.msg, "ports"));
	}
	assert_non_null(strstr(err.msg, "at most 4 values"));
}

/* A field as the walker makes it from a gadget's vmlinux.h, with stale names. */
static void test_kernel_enum_takes_the_running_kernels_names(void **state)
{
	struct gadget_enum_val *vals = calloc(2, sizeof(*vals));
	struct gadget_field f = {
		.name = (char *)"reason", .size = 4, .kind = FIELD_ENUM,
		.type_name = (char *)KERNEL_ENUM_PREFIX "skb_drop_reason",
	};
	struct gadget_field plain = f;
	struct gadget_field both[2];
	struct gadget_type t = { .name = (char *)"struct event", .size = 8, .fields = both, .nr_fields = 2 };
	struct gadget_err err = {};
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found = false;

	(void)state;
	/* the tests run on a kernel with BTF (the gadgets need it): not a skip */
	assert_non_null(vmlinux);
	btf__free(vmlinux);
	vals[0].name = strdup("STALE_NAME");
	vals[0].value = 3;
	vals[1].name = strdup("OTHER");
	vals[1].value = 4;
	f.enum_vals = vals;
	f.nr_enum_vals = 2;
	plain.type_name = (char *)"enum skb_drop_reason";	/* not marked: left alone */
	plain.enum_vals = calloc(1, sizeof(*plain.enum_vals));
	plain.enum_vals[0].name = strdup("MINE");
	plain.nr_enum_vals = 1;
	both[0] = f;
	both[1] = plain;
	assert_int_equal(kernel_enum_resolve(&t, &err), 0);
	assert_true(both[0].nr_enum_vals > 10);
	for (unsigned int i = 0; i < both[0].nr_enum_vals; i++) {
		assert_string_not_equal(both[0].enum_vals[i].name, "STALE_NAME");
		if (!strcmp(both[0].enum_vals[i].name, "SKB_DROP_REASON_NO_SOCKET"))
			found = true;
	}
	assert_true(found);
	assert_int_equal(both[1].nr_enum_vals, 1);
	assert_string_equal(both[1].enum_vals[0].name, "MINE");
	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < both[k].nr_enum_vals; i++)
			free(both[k].enum_vals[i].name);
		free(both[k].enum_vals);
	}
}

static void test_kernel_enum_unknown_to_the_kernel_keeps_its_names(void **state)
{
	struct gadget_enum_val *vals = calloc(1, sizeof(*vals));
	struct gadget_field f = {
		.name = (char *)"x", .size = 4, .kind = FIELD_ENUM,
		.type_name = (char *)KERNEL_ENUM_PREFIX "no_such_enum_in_any_kernel",
		.enum_vals = vals, .nr_enum_vals = 1,
	};
	struct gadget_type t = { .name = (char *)"struct event", .size = 4, .fields = &f, .nr_fields = 1 };
	struct gadget_err err = {};

	(void)state;
	vals[0].name = strdup("COMPILED_IN");
	assert_int_equal(kernel_enum_resolve(&t, &err), 0);
	assert_int_equal(f.nr_enum_vals, 1);
	assert_string_equal(f.enum_vals[0].name, "COMPILED_IN");
	assert_int_equal(kernel_enum_resolve(NULL, &err), 0);
	free(vals[0].name);
	free(vals);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_sets_values_and_zeroes_the_rest),
		cmocka_unit_test(test_list_rejects_bad_values),
		cmocka_unit_test(test_kernel_enum_takes_the_running_kernels_names),
		cmocka_unit_test(test_kernel_enum_unknown_to_the_kernel_keeps_its_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
