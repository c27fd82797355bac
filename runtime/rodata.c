// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "base/str.h"
#include "runtime/rodata.h"

int rodata_find(struct bpf_object *obj, const char *name, void **ptr, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *m, *rodata = NULL;
	size_t len;
	char *data;
	int id;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t l = strlen(n);

		if (bpf_map__is_internal(m) && l >= 7 && !strcmp(n + l - 7, ".rodata"))
			rodata = m;
	}
	if (!btf || !rodata)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id <= 0)
		return -ENOENT;
	/* libbpf 1.1 returns it const, but it is the writable mmap of the
	 * map's initial contents until load: the documented way to set
	 * const volatile globals without a skeleton. */
	data = (char *)bpf_map__initial_value(rodata, &len);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; data && i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), name) || vs->offset + vs->size > len)
			continue;
		*ptr = data + vs->offset;
		*size = vs->size;
		return 0;
	}
	return -ENOENT;
}
