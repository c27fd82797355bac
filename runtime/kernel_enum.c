// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "runtime/kernel_enum.h"
#include "validator/kernel_feature.h"

static int enum_vals_from(const struct btf *btf, const struct btf_type *t, struct gadget_field *f)
{
	unsigned int n = btf_vlen(t);
	struct gadget_enum_val *vals = calloc(n ? n : 1, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		const char *name;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			vals[i].value = btf_kflag(t) ? (int64_t)(int32_t)e->val : (int64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			name = btf__name_by_offset(btf, e->name_off);
			vals[i].value = (int64_t)(((uint64_t)e->val_hi32 << 32) | e->val_lo32);
		}
		vals[i].name = strdup(name ? name : "?");
		if (!vals[i].name) {
			while (i--)
				free(vals[i].name);
			free(vals);
			return -ENOMEM;
		}
	}
	for (unsigned int i = 0; i < f->nr_enum_vals; i++)
		free(f->enum_vals[i].name);
	free(f->enum_vals);
	f->enum_vals = vals;
	f->nr_enum_vals = n;
	return 0;
}

int kernel_enum_resolve(struct gadget_type *t, struct gadget_err *err)
{
	const size_t plen = strlen(KERNEL_ENUM_PREFIX);
	struct btf *vmlinux = NULL;
	int ret = 0;

	for (unsigned int i = 0; t && i < t->nr_fields && !ret; i++) {
		struct gadget_field *f = &t->fields[i];
		const char *name;
		int id;

		if ((f->kind != FIELD_ENUM && f->kind != FIELD_FLAGS) || !f->type_name ||
		    strncmp(f->type_name, KERNEL_ENUM_PREFIX, plen))
			continue;
		name = f->type_name + plen;
		if (!vmlinux) {
			vmlinux = kernel_btf_present() ? btf__load_vmlinux_btf() : NULL;
			/* no kernel BTF: the names from the gadget's vmlinux.h are the best we have */
			if (!vmlinux)
				return 0;
		}
		id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_ENUM);
		if (id < 0)
			id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_ENUM64);
		if (id < 0)
			continue;
		ret = enum_vals_from(vmlinux, btf__type_by_id(vmlinux, id), f);
		if (ret)
			gadget_err_set(err, -ret, "enum %s from kernel BTF: %s", name, strerror(-ret));
	}
	btf__free(vmlinux);
	return ret;
}
