// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "info/gadget_info.h"

static const char *const category_names[] = {
	[GADGET_CAT_UNKNOWN] = "unknown",
	[GADGET_CAT_TRACER] = "tracer",
	[GADGET_CAT_TOPPER] = "topper",
	[GADGET_CAT_SNAPSHOTTER] = "snapshotter",
	[GADGET_CAT_METRICS] = "metrics",
};

static const char *const kind_names[] = {
	[FIELD_INT] = "int", [FIELD_UINT] = "uint", [FIELD_BOOL] = "bool",
	[FIELD_ENUM] = "enum", [FIELD_FLAGS] = "flags", [FIELD_STRING] = "string",
	[FIELD_BYTES] = "bytes", [FIELD_FLOAT] = "float",
};

const char *gadget_category_name(enum gadget_category c)
{
	return NAMES_GET(category_names, c, "unknown");
}

const char *field_kind_name(enum field_kind k)
{
	return NAMES_GET(kind_names, k, "unknown");
}

int gadget_category_from_name(const char *name)
{
	return NAMES_FIND(category_names, name);
}

int field_kind_from_name(const char *name)
{
	return NAMES_FIND(kind_names, name);
}

void gadget_info_set_print_map(struct gadget_info *info, struct gadget_map *print)
{
	info->print_map = print;
	info->event = print ? print->value : NULL;
	info->key = print && info->category == GADGET_CAT_TOPPER ? print->key : NULL;
	for (unsigned int i = 0; !print && !info->event && i < info->nr_progs; i++)
		info->event = info->progs[i].output_type;
}

bool gadget_field_is_list(const struct gadget_field *f)
{
	return f->kind == FIELD_BYTES && f->special == SPECIAL_NONE && f->array_len;
}

void gadget_info_free(struct gadget_info *info)
{
	if (!info)
		return;
	for (unsigned int i = 0; i < info->nr_progs; i++) {
		struct gadget_prog *p = &info->progs[i];

		free(p->name);
		free(p->section);
		free(p->src_file);
		free(p->why_not);
		free(p->output);
		gadget_type_free(p->output_type);
	}
	for (unsigned int i = 0; i < info->nr_maps; i++) {
		free(info->maps[i].name);
		gadget_type_free(info->maps[i].key);
		gadget_type_free(info->maps[i].value);
	}
	for (unsigned int i = 0; i < info->nr_params; i++) {
		gadget_field_release(&info->params[i].field);
		free(info->params[i].name);
		free(info->params[i].key);
		free(info->params[i].default_value);
		free(info->params[i].description);
	}
	free(info->progs);
	free(info->maps);
	free(info->params);
	free(info->name);
	free(info->description);
	free(info->license);
	free(info->datasource);
	free(info);
}

void gadget_field_release(struct gadget_field *f)
{
	free(f->name);
	free(f->type_name);
	for (unsigned int i = 0; i < f->nr_enum_vals; i++)
		free(f->enum_vals[i].name);
	free(f->enum_vals);
	free(f->ann.description);
	memset(f, 0, sizeof(*f));
}

void gadget_type_free(struct gadget_type *type)
{
	if (!type)
		return;
	for (unsigned int i = 0; i < type->nr_fields; i++)
		gadget_field_release(&type->fields[i]);
	free(type->fields);
	free(type->name);
	free(type);
}

int gadget_pf_param_name(const char *sym, char *buf, size_t len)
{
	size_t n = strlen(GADGET_PF_PREFIX);

	if (strncmp(sym, GADGET_PF_PREFIX, n))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, sym[n] ? "%s-%s" : "%s", GADGET_PF_PARAM, sym + n) >= len)
		return -EINVAL;
	return 0;
}

int gadget_pf_symbol(const char *param, char *buf, size_t len)
{
	size_t n = strlen(GADGET_PF_PARAM);

	if (strncmp(param, GADGET_PF_PARAM, n) || (param[n] && (param[n] != '-' || !param[n + 1])))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s%s", GADGET_PF_PREFIX, param[n] ? param + n + 1 : "") >= len)
		return -EINVAL;
	return 0;
}
