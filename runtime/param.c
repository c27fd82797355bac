// SPDX-License-Identifier: Apache-2.0
/* --param NAME=VALUE: a gadget's const volatile globals, set before load. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/param.h"
#include "runtime/rodata.h"

static int parse_int_param(const struct gadget_param *p, const char *v, void *dst, size_t size,
			   struct gadget_err *err)
{
	const struct gadget_field *f = &p->field;
	unsigned int bits = size * 8;
	char *end;

	errno = 0;
	if (f->kind == FIELD_INT) {
		long long x = strtoll(v, &end, 0);
		long long lo = bits >= 64 ? INT64_MIN : -(1LL << (bits - 1));
		long long hi = bits >= 64 ? INT64_MAX : (1LL << (bits - 1)) - 1;

		if (errno || end == v || *end || x < lo || x > hi)
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an integer from %lld to %lld",
					      p->name, v, lo, hi);
		memcpy(dst, &x, size);
	} else {
		unsigned long long x = strtoull(v, &end, 0);
		unsigned long long hi = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;

		if (errno || end == v || *end || v[0] == '-' || x > hi)
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an integer from 0 to %llu",
					      p->name, v, hi);
		memcpy(dst, &x, size);
	}
	return 0;
}

/* struct gadget_l3endpoint_t from "10.0.0.1" or "::1" ("" leaves it unset: no filter). */
static int parse_addr_param(const struct gadget_param *p, const char *v, void *dst, size_t size,
			    struct gadget_err *err)
{
	uint8_t ep[GADGET_L3EP_SIZE] = { 0 };

	if (size < sizeof(ep))
		return gadget_err_set(err, EINVAL, "--param %s: not an address parameter", p->name);
	if (*v) {
		if (inet_pton(AF_INET, v, ep) == 1)
			ep[GADGET_L3EP_VERSION_OFF] = GADGET_IP_V4;
		else if (inet_pton(AF_INET6, v, ep) == 1)
			ep[GADGET_L3EP_VERSION_OFF] = GADGET_IP_V6;
		else
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an IPv4 or IPv6 address",
					      p->name, v);
	}
	memset(dst, 0, size);
	memcpy(dst, ep, sizeof(ep));
	return 0;
}

int param_set(struct bpf_object *obj, const struct gadget_info *info, const char *kv,
	      struct gadget_err *err)
{
	const char *eq = strchr(kv, '=');
	const struct gadget_param *p = NULL;
	char name[256], names[1024] = "";
	size_t size, n;
	void *dst;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(name))
		return gadget_err_set(err, EINVAL, "--param '%s': expected NAME=VALUE", kv);
	memcpy(name, kv, eq - kv);
	name[eq - kv] = 0;
	for (unsigned int i = 0; i < info->nr_params; i++) {
		n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "", info->params[i].name);
		/* gadget.yaml's "key" is the name IG users set it by (targ_comm: comm) */
		if (!strcmp(info->params[i].name, name) ||
		    (info->params[i].key && !strcmp(info->params[i].key, name)))
			p = &info->params[i];
	}
	if (!p)
		return gadget_err_set(err, EINVAL, "--param %s: this gadget has no such parameter (%s)",
				      name, info->nr_params ? names : "it has none");
	if (p->packet_filter)	/* compiled into the object before it was opened (pfilter.c) */
		return 0;
	if (rodata_find(obj, p->name, &dst, &size))
		return gadget_err_set(err, ENOENT, "--param %s: not found in the object's .rodata", name);
	if (!size)	/* hostile BTF: nothing to set, and no width to parse into */
		return gadget_err_set(err, EINVAL, "--param %s: the object gives it no size", name);
	eq++;
	/* an array of integers (not an address, not a string): a list, "80,443" */
	if (gadget_field_is_list(&p->field))
		return param_set_list(p, eq, dst, size, err);
	switch (p->field.kind) {
	case FIELD_BOOL:
		if (strcmp(eq, "true") && strcmp(eq, "false") && strcmp(eq, "1") && strcmp(eq, "0"))
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected true or false", name, eq);
		memset(dst, 0, size);
		*(uint8_t *)dst = !strcmp(eq, "true") || !strcmp(eq, "1");
		return 0;
	case FIELD_STRING:
		if (strlen(eq) >= size)
			return gadget_err_set(err, EINVAL, "--param %s: at most %zu characters", name, size - 1);
		memset(dst, 0, size);
		memcpy(dst, eq, strlen(eq));
		return 0;
	case FIELD_ENUM:
		for (unsigned int i = 0; i < p->field.nr_enum_vals; i++) {
			if (!strcmp(p->field.enum_vals[i].name, eq)) {
				int64_t v = p->field.enum_vals[i].value;

				memcpy(dst, &v, size > 8 ? 8 : size);
				return 0;
			}
		}
		/* not a name: a number */
		__attribute__((fallthrough));
	case FIELD_INT:
	case FIELD_UINT:
		return parse_int_param(p, eq, dst, size > 8 ? 8 : size, err);
	case FIELD_BYTES:
		if (p->field.special == SPECIAL_L3ENDPOINT)
			return parse_addr_param(p, eq, dst, size, err);
		__attribute__((fallthrough));
	default:
		return gadget_err_set(err, EINVAL, "--param %s: parameters of type %s cannot be set",
				      name, p->field.type_name ? p->field.type_name : "?");
	}
}

/*
 * List parameters: an array of integers set from "80,443" (the seed's
 * field_filter: a gadget filters in the kernel on a list of values, see
 * <gadget/param_list.h>).  Elements past the list are zeroed, which the
 * header's gadget_list_match() reads as the end of the list.
 */
int param_set_list(const struct gadget_param *p, const char *v, void *dst, size_t size,
		   struct gadget_err *err)
{
	const struct gadget_field *f = &p->field;
	unsigned int elem = f->array_len ? f->size / f->array_len : 0;
	unsigned long long hi;
	unsigned int n = 0;
	const char *s = v;

	if (!elem || elem > 8 || (elem & (elem - 1)) || f->size > size)
		return gadget_err_set(err, EINVAL, "--param %s: parameters of type %s cannot be set",
				      p->name, f->type_name ? f->type_name : "?");
	hi = elem == 8 ? ~0ULL : (1ULL << (elem * 8)) - 1;
	memset(dst, 0, f->size);
	while (*s) {
		unsigned long long x;
		char *end;

		errno = 0;
		x = strtoull(s, &end, 0);
		if (errno || end == s || *s == '-' || x > hi || x == 0 || (*end && *end != ','))
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected a comma-separated "
					      "list of integers from 1 to %llu", p->name, v, hi);
		if (n == f->array_len)
			return gadget_err_set(err, EINVAL, "--param %s: at most %u values", p->name,
					      f->array_len);
		memcpy((char *)dst + n++ * elem, &x, elem);	/* little endian target */
		s = *end ? end + 1 : end;
	}
	return 0;
}
