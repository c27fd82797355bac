// SPDX-License-Identifier: Apache-2.0
/*
 * The BTF walker: a type the runtime decodes (event, key, value, snapshot
 * row, param) into a flat field list, walked once at analysis time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "validator/btf_walk.h"

struct walk {
	const struct btf *btf;
	struct gadget_type *type;
	struct gadget_err *err;
	const char *root;	/* "struct event", for messages */
	const char *bad;	/* member path of the first error */
	char bad_buf[512];
	unsigned int depth;	/* struct nesting */
};

/* Nested structs deeper than this are hostile BTF (a struct holding itself). */
#define WALK_DEPTH_MAX 32

const char *btf_walk_name(const struct btf *btf, __u32 off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s ? s : "";
}

static int bad_ref(struct gadget_err *err, __u32 id, const char *what, __u32 ref)
{
	return gadget_err_set(err, EINVAL, "malformed BTF: type [%u] refers to %s %u, which "
			      "does not exist", id, what, ref);
}

/* The one type t names, for the kinds that name exactly one; 0 otherwise. */
static __u32 single_ref(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return t->type;
	case BTF_KIND_ARRAY:
		return btf_array(t)->type;
	default:
		return 0;
	}
}

/*
 * A chain of such types must end (in an int, a struct, void...): a
 * "const" naming itself sent the validator's and libbpf's walkers round
 * forever (found by fuzz_validator).  libbpf's own resolvers give up at
 * depth 32; real objects stay far below this.
 */
#define BTF_CHAIN_MAX 64

static int check_chains(const struct btf *btf, struct gadget_err *err)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		__u32 next = id;
		int depth = 0;

		while (next && depth++ <= BTF_CHAIN_MAX)
			next = single_ref(btf__type_by_id(btf, next));
		if (next)
			return gadget_err_set(err, EINVAL, "malformed BTF: type [%u] starts a chain of "
					      "type references that does not end (a loop)", id);
	}
	return 0;
}

int btf_walk_check_refs(const struct btf *btf, struct gadget_err *err)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !btf__name_by_offset(btf, t->name_off))
			return bad_ref(err, id, "name offset", t ? t->name_off : 0);
		switch (btf_kind(t)) {
		case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
		case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG: case BTF_KIND_DECL_TAG:
			if (t->type >= n)
				return bad_ref(err, id, "type", t->type);
			break;
		case BTF_KIND_ARRAY:
			if (btf_array(t)->type >= n || btf_array(t)->index_type >= n)
				return bad_ref(err, id, "type", btf_array(t)->type);
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			for (__u16 i = 0; i < btf_vlen(t); i++) {
				const struct btf_member *m = btf_members(t) + i;

				if (m->type >= n || !btf__name_by_offset(btf, m->name_off))
					return bad_ref(err, id, "member type", m->type);
			}
			break;
		case BTF_KIND_ENUM:
			for (__u16 i = 0; i < btf_vlen(t); i++)
				if (!btf__name_by_offset(btf, btf_enum(t)[i].name_off))
					return bad_ref(err, id, "name offset", btf_enum(t)[i].name_off);
			break;
		case BTF_KIND_ENUM64:
			for (__u16 i = 0; i < btf_vlen(t); i++)
				if (!btf__name_by_offset(btf, btf_enum64(t)[i].name_off))
					return bad_ref(err, id, "name offset", btf_enum64(t)[i].name_off);
			break;
		case BTF_KIND_FUNC_PROTO:
			if (t->type >= n)
				return bad_ref(err, id, "return type", t->type);
			for (__u16 i = 0; i < btf_vlen(t); i++)
				if (btf_params(t)[i].type >= n)
					return bad_ref(err, id, "parameter type", btf_params(t)[i].type);
			break;
		case BTF_KIND_DATASEC:
			for (__u16 i = 0; i < btf_vlen(t); i++)
				if (btf_var_secinfos(t)[i].type >= n)
					return bad_ref(err, id, "variable", btf_var_secinfos(t)[i].type);
			break;
		default:
			break;
		}
	}
	return check_chains(btf, err);
}

static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_kind(t) == BTF_KIND_TYPE_TAG)) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

void btf_walk_c_name(const struct btf *btf, __u32 id, char *buf, size_t len)
{
	const struct btf_type *t;
	const char *kw = "";

	id = skip_mods(btf, id);
	t = btf__type_by_id(btf, id);
	if (!t) {
		snprintf(buf, len, "?");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: kw = "struct "; break;
	case BTF_KIND_UNION: kw = "union "; break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: kw = "enum "; break;
	case BTF_KIND_PTR: snprintf(buf, len, "pointer"); return;
	case BTF_KIND_ARRAY: {
		char elem[128];

		btf_walk_c_name(btf, btf_array(t)->type, elem, sizeof(elem));
		snprintf(buf, len, "%s[%u]", elem, btf_array(t)->nelems);
		return;
	}
	default: break;
	}
	snprintf(buf, len, "%s%s", kw, t->name_off ? btf_walk_name(btf, t->name_off) : "(anon)");
}

/* Special types (info/special_types.h) are told by their name. */
static enum field_special special_of(const struct btf *btf, const struct btf_type *t)
{
	return t->name_off ? special_type_by_btf(btf_walk_name(btf, t->name_off), btf_kind(t)) : SPECIAL_NONE;
}

/*
 * "char name[16]" is a string, "__u8 addr[6]" is bytes.  Typedefs are
 * followed (IG's "gadget_comm comm[16]" is an array of a char typedef): BTF
 * keeps the int's own name, and __u8 ends at "unsigned char", char at "char".
 */
static bool is_char(const struct btf *btf, __u32 elem)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, elem));
	const char *name;

	if (!t || !btf_is_int(t) || t->size != 1)
		return false;
	if (btf_int_encoding(t) & BTF_INT_CHAR)
		return true;
	name = btf_walk_name(btf, t->name_off);
	return name && (!strcmp(name, "char") || !strcmp(name, "signed char"));
}

/* A new field called name, of C type type_name (NULL: none yet); NULL when out of memory. */
static struct gadget_field *add_field(struct walk *w, const char *name, const char *type_name)
{
	struct gadget_type *ty = w->type;
	struct gadget_field *f;
	char *copy = strdup(name), *tcopy = type_name ? strdup(type_name) : NULL;

	if (!copy || (type_name && !tcopy) || array_grow(ty->fields, ty->nr_fields)) {
		free(copy);
		free(tcopy);
		return NULL;
	}
	f = &ty->fields[ty->nr_fields++];
	memset(f, 0, sizeof(*f));
	f->name = copy;
	f->type_name = tcopy;
	return f;
}

/*
 * C enum constants share one namespace, so a gadget's protocol enum
 * (DNS qtype "A", rcode "NoError") may spell them "<enum name>__NAME":
 * enum dns_qtype { dns_qtype__A = 1 } is printed, filtered and set as "A".
 */
static const char *enum_value_name(const char *ename, const char *name)
{
	size_t el = strlen(ename);

	if (el && !strncmp(name, ename, el) && name[el] == '_' && name[el + 1] == '_' && name[el + 2])
		return name + el + 2;
	return name;
}

static int fill_enum(const struct btf *btf, const struct btf_type *t, struct gadget_field *f)
{
	unsigned int n = btf_vlen(t);
	const char *ename = t->name_off ? btf_walk_name(btf, t->name_off) : "";
	size_t el = strlen(ename);
	bool is_signed = btf_kflag(t);

	/*
	 * clang 14 writes a 64-bit enum as a 32-bit BTF_KIND_ENUM of size 8
	 * with every value cut to 32 bits (BTF_KIND_ENUM64 came with LLVM
	 * 15): names by those values would be wrong, so it is a number (the
	 * validator warns, validator_check_decoded_fields()).
	 */
	if (btf_is_enum(t) && t->size > 4) {
		f->kind = is_signed ? FIELD_INT : FIELD_UINT;
		return 0;
	}
	f->kind = el > 6 && !strcmp(ename + el - 6, "_flags") ? FIELD_FLAGS : FIELD_ENUM;
	f->enum_vals = calloc(n ? n : 1, sizeof(*f->enum_vals));
	if (!f->enum_vals)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++, f->nr_enum_vals++) {
		const char *name;
		int64_t v;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			name = btf_walk_name(btf, e->name_off);
			v = is_signed ? (int64_t)(int32_t)e->val : (int64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			name = btf_walk_name(btf, e->name_off);
			v = (int64_t)(((uint64_t)e->val_hi32 << 32) | e->val_lo32);
		}
		f->enum_vals[i].name = strdup(enum_value_name(ename, name));
		f->enum_vals[i].value = v;
		if (!f->enum_vals[i].name)
			return -ENOMEM;
	}
	return 0;
}

/* The member being walked: what to call it and where its bits are. */
struct leaf {
	const char *name;	/* the field's name: "src.addr" */
	const char *path;	/* for messages: the name, or "(whole)", "(anonymous)" */
	__u32 bits;		/* bit offset from the start of the record */
	__u32 bitsz;		/* bitfield width, 0 if not one */
};

/* Specials are typedefs and structs: look for one through modifiers and typedef chains. */
static enum field_special special_through(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;
	enum field_special sp;

	for (t = btf__type_by_id(btf, id); t; t = btf__type_by_id(btf, t->type)) {
		if ((sp = special_of(btf, t)) != SPECIAL_NONE)
			return sp;
		if (!btf_is_mod(t) && !btf_is_typedef(t) && btf_kind(t) != BTF_KIND_TYPE_TAG)
			break;
	}
	return SPECIAL_NONE;
}

/* A special type is one field, whatever it is made of (an endpoint is 20 bytes). */
static int leaf_special(struct walk *w, const struct leaf *lf, enum field_special sp, __u32 id,
			const struct btf_type *t)
{
	struct gadget_field *f = add_field(w, lf->name, special_type(sp)->btf_name);

	if (!f)
		return -ENOMEM;
	f->special = sp;
	f->kind = special_type(sp)->kind;
	f->offset = lf->bits / 8;
	f->size = btf__resolve_size(w->btf, id);
	if (btf_is_array(t))
		f->array_len = btf_array(t)->nelems;
	else if (f->kind == FIELD_BYTES)
		f->array_len = f->size;
	return 0;
}

static int leaf_array(struct walk *w, const struct leaf *lf, __u32 id, const struct btf_type *t,
		      const char *tname)
{
	const struct btf_array *a = btf_array(t);
	const struct btf_type *et = btf__type_by_id(w->btf, btf__resolve_type(w->btf, a->type));
	long total = btf__resolve_size(w->btf, id);
	struct gadget_field *f;

	if (a->nelems == 0)
		return gadget_err_set(w->err, EINVAL, "%s member '%s': flexible array member cannot "
				      "be decoded; give the array a fixed size", w->root, lf->path);
	if (total < 0 || !et)
		return gadget_err_set(w->err, EINVAL, "%s member '%s': array of unknown size",
				      w->root, lf->path);
	if (btf_is_ptr(et))
		return gadget_err_set(w->err, EINVAL, "%s member '%s': array of pointers cannot be "
				      "decoded in user space; copy the data into the event instead",
				      w->root, lf->path);
	f = add_field(w, lf->name, tname);
	if (!f)
		return -ENOMEM;
	f->offset = lf->bits / 8;
	f->size = total;
	f->array_len = a->nelems;
	/*
	 * Other arrays (__u32 vals[4]) stay one FIELD_BYTES field shown as
	 * hex rather than one column per element: a 64-slot array would
	 * otherwise swamp the event table.
	 */
	f->kind = is_char(w->btf, a->type) ? FIELD_STRING : FIELD_BYTES;
	return 0;
}

/* An int, enum or float, maybe a bitfield. */
static int leaf_scalar(struct walk *w, const struct leaf *lf, const struct btf_type *t,
		       const char *tname)
{
	struct gadget_field *f = add_field(w, lf->name, tname);
	__u32 bits = lf->bits, bitsz = lf->bitsz;

	if (!f)
		return -ENOMEM;
	f->size = t->size;
	if (btf_is_int(t)) {
		__u8 enc = btf_int_encoding(t);

		f->kind = enc & BTF_INT_BOOL ? FIELD_BOOL : enc & BTF_INT_SIGNED ? FIELD_INT : FIELD_UINT;
		/* Old-style bitfields encode their width in the int type itself. */
		if (!bitsz && btf_int_bits(t) != t->size * 8) {
			bitsz = btf_int_bits(t);
			bits += btf_int_offset(t);
		}
	} else if (btf_kind(t) == BTF_KIND_FLOAT) {
		f->kind = FIELD_FLOAT;
	} else {
		int ret = fill_enum(w->btf, t, f);

		if (ret)
			return ret;
	}
	f->offset = bits / 8;
	if (bitsz) {
		f->bit_offset = bits % 8;
		f->bit_size = bitsz;
		f->size = (f->bit_offset + bitsz + 7) / 8;
	}
	return 0;
}

/* A member of type id: a field, or 1 for a struct or union the caller walks into. */
static int walk_leaf_at(struct walk *w, __u32 id, const struct leaf *lf)
{
	enum field_special sp = special_through(w->btf, id);
	const struct btf_type *t;
	char tname[128];

	btf_walk_c_name(w->btf, id, tname, sizeof(tname));
	id = btf__resolve_type(w->btf, id);
	t = btf__type_by_id(w->btf, id);
	if (!t)
		return gadget_err_set(w->err, EINVAL, "%s member '%s': bad BTF type id %u", w->root,
				      lf->path, id);
	if (sp != SPECIAL_NONE)
		return leaf_special(w, lf, sp, id, t);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return 1;
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return leaf_scalar(w, lf, t, tname);
	case BTF_KIND_ARRAY:
		return leaf_array(w, lf, id, t, tname);
	case BTF_KIND_PTR:
		return gadget_err_set(w->err, EINVAL, "%s member '%s': pointer type cannot be decoded "
				      "in user space; copy the pointed-to data into the event instead",
				      w->root, lf->path);
	default:
		return gadget_err_set(w->err, EINVAL, "%s member '%s': type %s cannot be decoded in "
				      "user space", w->root, lf->path, tname);
	}
}

/* walk_leaf_at(), remembering which member an error is about. */
static int walk_leaf(struct walk *w, __u32 id, const struct leaf *lf)
{
	int ret = walk_leaf_at(w, id, lf);

	if (ret < 0 && !w->bad) {
		snprintf(w->bad_buf, sizeof(w->bad_buf), "%s", lf->path);
		w->bad = w->bad_buf;
	}
	return ret;
}

static int walk_struct(struct walk *w, __u32 id, const char *prefix, __u32 base_bits)
{
	const struct btf_type *t = btf__type_by_id(w->btf, btf__resolve_type(w->btf, id));
	const struct btf_member *m = btf_members(t);

	for (unsigned int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf_walk_name(w->btf, m->name_off);
		__u32 bits = base_bits + btf_member_bit_offset(t, i);
		__u32 bitsz = btf_member_bitfield_size(t, i);
		char path[512];
		int ret;

		/* Anonymous struct/union members add no level to the name. */
		if (mname && *mname)
			snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", mname);
		else
			snprintf(path, sizeof(path), "%s", prefix);
		ret = walk_leaf(w, m->type, &(struct leaf){ path, path[0] ? path : "(anonymous)",
							    bits, bitsz });
		if (ret < 0)
			return ret;
		if (ret == 1) {
			if (++w->depth > WALK_DEPTH_MAX) {
				w->bad = w->bad_buf;
				snprintf(w->bad_buf, sizeof(w->bad_buf), "%s", path);
				return gadget_err_set(w->err, EINVAL, "%s member '%s': structs nested more "
						      "than %d deep (a struct containing itself?)", w->root,
						      path, WALK_DEPTH_MAX);
			}
			ret = walk_struct(w, m->type, path, bits);
			w->depth--;
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int btf_walk_type(const struct btf *btf, __u32 type_id, struct gadget_type **out,
		  struct gadget_err *err)
{
	return btf_walk_type_member(btf, type_id, out, NULL, 0, err);
}

int btf_walk_type_member(const struct btf *btf, __u32 type_id, struct gadget_type **out,
			 char *member, size_t member_len, struct gadget_err *err)
{
	struct walk w = { .btf = btf, .err = err };
	char name[160];
	long size;
	int ret;

	*out = NULL;
	w.type = calloc(1, sizeof(*w.type));
	if (!w.type)
		return -ENOMEM;
	btf_walk_c_name(btf, type_id, name, sizeof(name));
	w.type->name = strdup(name);
	w.root = name;
	size = btf__resolve_size(btf, type_id);
	w.type->size = size > 0 ? size : 0;
	ret = w.type->name ? walk_leaf(&w, type_id, &(struct leaf){ "", "(whole)", 0, 0 }) : -ENOMEM;
	if (ret == 1)
		ret = walk_struct(&w, type_id, "", 0);
	else if (ret == 0 && w.type->nr_fields == 1 && !w.type->fields[0].name[0]) {
		/* a scalar type (a topper's __u64 value): name its one field "value" */
		free(w.type->fields[0].name);
		w.type->fields[0].name = strdup("value");
		ret = w.type->fields[0].name ? 0 : -ENOMEM;
	}
	if (ret == -ENOMEM)
		gadget_err_set(err, ENOMEM, "%s: out of memory", name);
	/*
	 * Hostile BTF can place a member past the end of its struct; the
	 * decoder reads a record of the type's size, so refuse it here (the
	 * same rule gadget_info_from_json applies to image configs).
	 */
	for (unsigned int i = 0; ret >= 0 && i < w.type->nr_fields; i++) {
		const struct gadget_field *f = &w.type->fields[i];

		if ((uint64_t)f->offset + f->size > w.type->size) {
			w.bad = f->name;
			ret = gadget_err_set(err, EINVAL, "%s member '%s' lies outside the type "
					     "(offset %u, %u bytes, the type has %u)", name, f->name,
					     f->offset, f->size, w.type->size);
		}
	}
	if (ret < 0) {
		if (member && member_len)
			snprintf(member, member_len, "%s", w.bad ? w.bad : "");
		gadget_type_free(w.type);
		return ret;
	}
	*out = w.type;
	return 0;
}

int btf_walk_field(const struct btf *btf, __u32 type_id, const char *name,
		   struct gadget_field *out, struct gadget_err *err)
{
	struct gadget_type *ty;
	int ret = btf_walk_type(btf, type_id, &ty, err);

	if (ret)
		return ret;
	if (ty->nr_fields != 1 || ty->fields[0].offset != 0) {
		gadget_type_free(ty);
		return gadget_err_set(err, EINVAL, "'%s': only scalars, enums and arrays can be "
				      "parameters", name);
	}
	*out = ty->fields[0];
	free(out->name);
	out->name = strdup(name);
	ty->nr_fields = 0;
	gadget_type_free(ty);
	if (!out->name) {
		gadget_field_release(out);
		return gadget_err_set(err, ENOMEM, "'%s': out of memory", name);
	}
	return 0;
}
