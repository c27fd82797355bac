// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <linux/btf.h>

#include "info/gadget_info.h"

#define SPECIAL_ROW(id, btf, bkind, fkind, json, w, min, fl, text) \
	[SPECIAL_##id] = { .btf_name = btf, .btf_kind = BTF_KIND_##bkind, .kind = fkind, \
			   .name = json, .width = w, .min_size = min, .flags = fl },
static const struct special_type special_types[SPECIAL__COUNT] = {
	GADGET_SPECIAL_TYPES(SPECIAL_ROW)
};

const struct special_type *special_type(int s)
{
	return &special_types[(unsigned int)s < SPECIAL__COUNT ? s : SPECIAL_NONE];
}

int special_type_by_btf(const char *name, unsigned int btf_kind)
{
	for (unsigned int i = 1; name && i < SPECIAL__COUNT; i++)
		if (special_types[i].btf_kind == btf_kind && !strcmp(special_types[i].btf_name, name))
			return i;
	return SPECIAL_NONE;
}

int special_type_from_name(const char *name)
{
	for (unsigned int i = 0; name && i < SPECIAL__COUNT; i++)
		if (!strcmp(special_types[i].name, name))
			return i;
	return -EINVAL;
}

const char *field_special_name(enum field_special s)
{
	return (unsigned int)s < SPECIAL__COUNT ? special_types[s].name : "unknown";
}
