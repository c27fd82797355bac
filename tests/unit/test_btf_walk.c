// SPDX-License-Identifier: Apache-2.0
/*
 * The BTF walker on synthetic BTF (libbpf's btf__add_*): every member kind
 * the decoder knows, and the members it must refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "validator/btf_walk.h"

struct ids {
	int u8, s8, u16, s16, u32, s32, u64, s64, chr, boolean, flt, dbl;
	int td_u8, td_u32, td_u64;
};

static struct btf *base_btf(struct ids *id)
{
	struct btf *btf = btf__new_empty();

	assert_non_null(btf);
	id->u8 = btf__add_int(btf, "unsigned char", 1, 0);
	id->s8 = btf__add_int(btf, "signed char", 1, BTF_INT_SIGNED);
	id->u16 = btf__add_int(btf, "unsigned short", 2, 0);
	id->s16 = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	id->u32 = btf__add_int(btf, "unsigned int", 4, 0);
	id->s32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	id->u64 = btf__add_int(btf, "long long unsigned int", 8, 0);
	id->s64 = btf__add_int(btf, "long long int", 8, BTF_INT_SIGNED);
	id->chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	id->boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	id->flt = btf__add_float(btf, "float", 4);
	id->dbl = btf__add_float(btf, "double", 8);
	id->td_u8 = btf__add_typedef(btf, "__u8", id->u8);
	id->td_u32 = btf__add_typedef(btf, "__u32", id->u32);
	id->td_u64 = btf__add_typedef(btf, "__u64", id->u64);
	assert_true(id->td_u64 > 0);
	return btf;
}

static const struct gadget_field *field(const struct gadget_type *t, const char *name)
{
	for (unsigned int i = 0; i < t->nr_fields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	fail_msg("no field '%s' in %s", name, t->name);
	return NULL;
}

static void test_scalars_and_sizes(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int s;

	(void)state;
	s = btf__add_struct(btf, "event", 48);
	btf__add_field(btf, "a", id.u8, 0, 0);
	btf__add_field(btf, "b", id.s8, 8, 0);
	btf__add_field(btf, "c", id.u16, 16, 0);
	btf__add_field(btf, "d", id.s16, 32, 0);
	btf__add_field(btf, "e", id.td_u32, 64, 0);
	btf__add_field(btf, "f", id.s32, 96, 0);
	btf__add_field(btf, "g", id.td_u64, 128, 0);
	btf__add_field(btf, "h", id.s64, 192, 0);
	btf__add_field(btf, "ok", id.boolean, 256, 0);
	btf__add_field(btf, "x", id.flt, 288, 0);
	btf__add_field(btf, "y", id.dbl, 320, 0);

	assert_int_equal(btf_walk_type(btf, s, &t, &err), 0);
	assert_string_equal(t->name, "struct event");
	assert_int_equal(t->size, 48);
	assert_int_equal(t->nr_fields, 11);
	assert_int_equal(field(t, "a")->kind, FIELD_UINT);
	assert_int_equal(field(t, "a")->size, 1);
	assert_int_equal(field(t, "b")->kind, FIELD_INT);
	assert_int_equal(field(t, "c")->offset, 2);
	assert_int_equal(field(t, "c")->size, 2);
	assert_int_equal(field(t, "d")->kind, FIELD_INT);
	assert_int_equal(field(t, "d")->offset, 4);
	assert_int_equal(field(t, "e")->kind, FIELD_UINT);
	assert_string_equal(field(t, "e")->type_name, "__u32");
	assert_int_equal(field(t, "e")->offset, 8);
	assert_int_equal(field(t, "f")->kind, FIELD_INT);
	assert_int_equal(field(t, "g")->size, 8);
	assert_int_equal(field(t, "g")->offset, 16);
	assert_int_equal(field(t, "h")->kind, FIELD_INT);
	assert_int_equal(field(t, "h")->offset, 24);
	assert_int_equal(field(t, "ok")->kind, FIELD_BOOL);
	assert_int_equal(field(t, "ok")->offset, 32);
	assert_int_equal(field(t, "x")->kind, FIELD_FLOAT);
	assert_int_equal(field(t, "x")->size, 4);
	assert_int_equal(field(t, "y")->kind, FIELD_FLOAT);
	assert_int_equal(field(t, "y")->offset, 40);
	assert_int_equal(field(t, "a")->bit_size, 0);
	assert_int_equal(field(t, "a")->special, SPECIAL_NONE);
	gadget_type_free(t);
	btf__free(btf);
}

static void test_arrays_strings_bytes(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int s, carr, u8arr, u32arr;

	(void)state;
	carr = btf__add_array(btf, id.u32, id.chr, 16);
	u8arr = btf__add_array(btf, id.u32, id.td_u8, 6);
	u32arr = btf__add_array(btf, id.u32, id.u32, 4);
	s = btf__add_struct(btf, "event", 40);
	btf__add_field(btf, "comm", carr, 0, 0);
	btf__add_field(btf, "mac", u8arr, 128, 0);
	btf__add_field(btf, "vals", u32arr, 192, 0);

	assert_int_equal(btf_walk_type(btf, s, &t, &err), 0);
	assert_int_equal(field(t, "comm")->kind, FIELD_STRING);
	assert_int_equal(field(t, "comm")->array_len, 16);
	assert_int_equal(field(t, "comm")->size, 16);
	assert_string_equal(field(t, "comm")->type_name, "char[16]");
	/* __u8 resolves to the same 1-byte int as char, but it is bytes */
	assert_int_equal(field(t, "mac")->kind, FIELD_BYTES);
	assert_int_equal(field(t, "mac")->offset, 16);
	assert_int_equal(field(t, "mac")->array_len, 6);
	assert_string_equal(field(t, "mac")->type_name, "__u8[6]");
	/* other arrays are shown as bytes too, not flattened */
	assert_int_equal(field(t, "vals")->kind, FIELD_BYTES);
	assert_int_equal(field(t, "vals")->size, 16);
	assert_int_equal(field(t, "vals")->offset, 24);
	gadget_type_free(t);
	btf__free(btf);
}

static void test_enums_and_flags(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int s, e1, e2, e3, e4;

	(void)state;
	e1 = btf__add_enum(btf, "proto", 4);
	btf__add_enum_value(btf, "PROTO_TCP", 6);
	btf__add_enum_value(btf, "PROTO_UDP", 17);
	e2 = btf__add_enum(btf, "open_flags", 4);
	btf__add_enum_value(btf, "F_CREAT", 1);
	btf__add_enum_value(btf, "F_TRUNC", 2);
	e3 = btf__add_enum64(btf, "big", 8, false);
	btf__add_enum64_value(btf, "BIG_ONE", 1ULL << 40);
	/* "<enum>__NAME" constants are named NAME; other "__" stay */
	e4 = btf__add_enum(btf, "dns_qtype", 4);
	btf__add_enum_value(btf, "dns_qtype__A", 1);
	btf__add_enum_value(btf, "dns_qtype__", 2);
	btf__add_enum_value(btf, "other__AAAA", 28);
	s = btf__add_struct(btf, "event", 20);
	btf__add_field(btf, "proto", e1, 0, 0);
	btf__add_field(btf, "flags", e2, 32, 0);
	btf__add_field(btf, "big", e3, 64, 0);
	btf__add_field(btf, "qtype", e4, 128, 0);

	assert_int_equal(btf_walk_type(btf, s, &t, &err), 0);
	assert_int_equal(field(t, "proto")->kind, FIELD_ENUM);
	assert_string_equal(field(t, "proto")->type_name, "enum proto");
	assert_int_equal(field(t, "proto")->nr_enum_vals, 2);
	assert_string_equal(field(t, "proto")->enum_vals[1].name, "PROTO_UDP");
	assert_int_equal(field(t, "proto")->enum_vals[1].value, 17);
	assert_int_equal(field(t, "flags")->kind, FIELD_FLAGS);
	assert_int_equal(field(t, "flags")->offset, 4);
	assert_string_equal(field(t, "flags")->enum_vals[0].name, "F_CREAT");
	assert_int_equal(field(t, "big")->kind, FIELD_ENUM);
	assert_int_equal(field(t, "big")->size, 8);
	assert_true(field(t, "big")->enum_vals[0].value == (int64_t)(1ULL << 40));
	assert_string_equal(field(t, "qtype")->enum_vals[0].name, "A");
	assert_string_equal(field(t, "qtype")->enum_vals[1].name, "dns_qtype__");
	assert_string_equal(field(t, "qtype")->enum_vals[2].name, "other__AAAA");
	gadget_type_free(t);
	btf__free(btf);
}

static void test_nested_anonymous_bitfields(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int inner, anon, s;

	(void)state;
	inner = btf__add_struct(btf, "addr", 8);
	btf__add_field(btf, "ip", id.u32, 0, 0);
	btf__add_field(btf, "port", id.u16, 32, 0);
	anon = btf__add_union(btf, NULL, 4);
	btf__add_field(btf, "as_u32", id.u32, 0, 0);
	btf__add_field(btf, "as_s32", id.s32, 0, 0);
	s = btf__add_struct(btf, "event", 20);
	btf__add_field(btf, "src", inner, 0, 0);
	btf__add_field(btf, NULL, anon, 64, 0);
	/* bitfields: 3 bits at bit 96, 5 bits at 99, 10 bits straddling a byte */
	btf__add_field(btf, "lo", id.u8, 96, 3);
	btf__add_field(btf, "hi", id.u8, 99, 5);
	btf__add_field(btf, "wide", id.u32, 104, 10);
	btf__add_field(btf, "sgn", id.s32, 114, 4);

	assert_int_equal(btf_walk_type(btf, s, &t, &err), 0);
	assert_int_equal(field(t, "src.ip")->offset, 0);
	assert_int_equal(field(t, "src.port")->offset, 4);
	assert_int_equal(field(t, "src.port")->size, 2);
	/* anonymous members keep the parent's level */
	assert_int_equal(field(t, "as_u32")->offset, 8);
	assert_int_equal(field(t, "as_s32")->kind, FIELD_INT);
	assert_int_equal(field(t, "lo")->offset, 12);
	assert_int_equal(field(t, "lo")->bit_offset, 0);
	assert_int_equal(field(t, "lo")->bit_size, 3);
	assert_int_equal(field(t, "hi")->offset, 12);
	assert_int_equal(field(t, "hi")->bit_offset, 3);
	assert_int_equal(field(t, "hi")->bit_size, 5);
	assert_int_equal(field(t, "wide")->offset, 13);
	assert_int_equal(field(t, "wide")->bit_offset, 0);
	assert_int_equal(field(t, "wide")->bit_size, 10);
	assert_int_equal(field(t, "wide")->size, 2);
	assert_int_equal(field(t, "sgn")->offset, 14);
	assert_int_equal(field(t, "sgn")->bit_offset, 2);
	assert_int_equal(field(t, "sgn")->kind, FIELD_INT);
	gadget_type_free(t);
	btf__free(btf);
}

static void test_specials(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int mntns, ts, comm_arr, comm, l4, l4td, errno_td, s, c;

	(void)state;
	mntns = btf__add_typedef(btf, "gadget_mntns_id", id.td_u64);
	ts = btf__add_typedef(btf, "gadget_timestamp", id.td_u64);
	comm_arr = btf__add_array(btf, id.u32, id.chr, 16);
	comm = btf__add_typedef(btf, "gadget_comm", comm_arr);
	l4 = btf__add_struct(btf, "gadget_l4endpoint_t", 20);
	btf__add_field(btf, "addr", btf__add_array(btf, id.u32, id.td_u8, 16), 0, 0);
	btf__add_field(btf, "port", id.u16, 128, 0);
	btf__add_field(btf, "proto", id.u8, 144, 0);
	btf__add_field(btf, "version", id.u8, 152, 0);
	l4td = btf__add_typedef(btf, "endpoint", l4);
	errno_td = btf__add_typedef(btf, "gadget_errno", id.s32);
	c = btf__add_const(btf, mntns);
	s = btf__add_struct(btf, "event", 72);
	btf__add_field(btf, "mntns_id", c, 0, 0);
	btf__add_field(btf, "timestamp", ts, 64, 0);
	btf__add_field(btf, "comm", comm, 128, 0);
	btf__add_field(btf, "dst", l4td, 256, 0);
	btf__add_field(btf, "err", errno_td, 416, 0);

	assert_int_equal(btf_walk_type(btf, s, &t, &err), 0);
	assert_int_equal(t->nr_fields, 5);
	assert_int_equal(field(t, "mntns_id")->special, SPECIAL_MNTNS_ID);
	assert_int_equal(field(t, "mntns_id")->kind, FIELD_UINT);
	assert_int_equal(field(t, "timestamp")->special, SPECIAL_TIMESTAMP);
	assert_int_equal(field(t, "comm")->special, SPECIAL_COMM);
	assert_int_equal(field(t, "comm")->kind, FIELD_STRING);
	assert_int_equal(field(t, "comm")->size, 16);
	/* an endpoint is one field, not four */
	assert_int_equal(field(t, "dst")->special, SPECIAL_L4ENDPOINT);
	assert_int_equal(field(t, "dst")->size, 20);
	assert_int_equal(field(t, "dst")->offset, 32);
	assert_int_equal(field(t, "err")->special, SPECIAL_ERRNO);
	assert_int_equal(field(t, "err")->kind, FIELD_INT);
	gadget_type_free(t);
	btf__free(btf);
}

static void test_refused_members(void **state)
{
	struct gadget_err err = {};
	struct gadget_type *t = (void *)1;
	char member[128];
	struct ids id;
	struct btf *btf = base_btf(&id);
	int ptr, s1, s2, s3, inner, proto, fptr, flex;

	(void)state;
	ptr = btf__add_ptr(btf, id.chr);
	s1 = btf__add_struct(btf, "event", 16);
	btf__add_field(btf, "pid", id.u32, 0, 0);
	btf__add_field(btf, "ptr", ptr, 64, 0);
	assert_int_equal(btf_walk_type_member(btf, s1, &t, member, sizeof(member), &err), -EINVAL);
	assert_null(t);
	assert_string_equal(member, "ptr");
	assert_string_equal(err.msg, "struct event member 'ptr': pointer type cannot be decoded "
			    "in user space; copy the pointed-to data into the event instead");

	proto = btf__add_func_proto(btf, id.s32);
	fptr = btf__add_ptr(btf, proto);
	inner = btf__add_struct(btf, "ops", 8);
	btf__add_field(btf, "cb", fptr, 0, 0);
	s2 = btf__add_struct(btf, "event2", 8);
	btf__add_field(btf, "ops", inner, 0, 0);
	assert_int_equal(btf_walk_type_member(btf, s2, &t, member, sizeof(member), &err), -EINVAL);
	assert_string_equal(member, "ops.cb");
	assert_non_null(strstr(err.msg, "struct event2 member 'ops.cb': pointer type"));

	flex = btf__add_array(btf, id.u32, id.chr, 0);
	s3 = btf__add_struct(btf, "event3", 4);
	btf__add_field(btf, "len", id.u32, 0, 0);
	btf__add_field(btf, "data", flex, 32, 0);
	assert_int_equal(btf_walk_type(btf, s3, &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "struct event3 member 'data': flexible array member"));
	btf__free(btf);
}

static void test_scalar_type_and_param_field(void **state)
{
	struct gadget_err err = {};
	struct gadget_field f = {};
	struct gadget_type *t;
	struct ids id;
	struct btf *btf = base_btf(&id);
	int s;

	(void)state;
	/* a topper's plain __u64 value: one field called "value" */
	assert_int_equal(btf_walk_type(btf, id.td_u64, &t, &err), 0);
	assert_int_equal(t->nr_fields, 1);
	assert_string_equal(t->fields[0].name, "value");
	assert_string_equal(t->name, "__u64");
	assert_int_equal(t->size, 8);
	gadget_type_free(t);

	assert_int_equal(btf_walk_field(btf, id.td_u32, "target_pid", &f, &err), 0);
	assert_string_equal(f.name, "target_pid");
	assert_int_equal(f.kind, FIELD_UINT);
	assert_int_equal(f.size, 4);
	gadget_field_release(&f);

	s = btf__add_struct(btf, "pair", 8);
	btf__add_field(btf, "a", id.u32, 0, 0);
	btf__add_field(btf, "b", id.u32, 32, 0);
	assert_int_equal(btf_walk_field(btf, s, "p", &f, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'p': only scalars"));
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars_and_sizes),
		cmocka_unit_test(test_arrays_strings_bytes),
		cmocka_unit_test(test_enums_and_flags),
		cmocka_unit_test(test_nested_anonymous_bitfields),
		cmocka_unit_test(test_specials),
		cmocka_unit_test(test_refused_members),
		cmocka_unit_test(test_scalar_type_and_param_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
