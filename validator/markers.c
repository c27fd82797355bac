// SPDX-License-Identifier: Apache-2.0
/*
 * Inspektor Gadget's marker variables (info/markers.h): which map a data
 * source reads and which struct decodes it, which iterators write a
 * snapshot's rows, which hash map is read as a table.  Read from the BTF
 * variables before the maps are analysed (a marked map is decoded, so it
 * gets a role), applied once maps and programs are known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "base/array.h"
#include "validator/analysis.h"

int validator_read_markers(struct analysis *a)
{
	for (__u32 id = 1; id < btf__type_cnt(a->btf); id++) {
		const struct btf_type *t = btf__type_by_id(a->btf, id);
		const char *name;
		struct marker m;
		int ret;

		if (!btf_is_var(t))
			continue;
		name = btf__name_by_offset(a->btf, t->name_off);
		ret = name ? marker_parse(name, &m) : 0;
		if (ret < 0) {
			diag_add(a, DIAG_WARNING, NULL, 0, 0, "variable '%s' looks like the marker of %s "
				 "but is not of its form (parts joined by \"___\"): ignored",
				 name, m.def->macro);
			continue;
		}
		if (!ret)
			continue;
		if (array_grow(a->markers, a->nr_markers))
			return -ENOMEM;
		a->markers[a->nr_markers++] = m;
	}
	return 0;
}

enum map_role validator_marker_role(const struct analysis *a, const char *map)
{
	for (unsigned int i = 0; i < a->nr_markers; i++) {
		const char *m = marker_get(&a->markers[i], MPART_MAP, 0);

		if (m && !strcmp(m, map))
			return MAP_ROLE_PRINT;
	}
	return MAP_ROLE_NONE;
}

static struct gadget_map *find_map(struct gadget_info *info, const char *name)
{
	for (unsigned int i = 0; i < info->nr_maps; i++)
		if (!strcmp(info->maps[i].name, name))
			return &info->maps[i];
	return NULL;
}

static struct gadget_prog *find_prog(struct gadget_info *info, const char *name)
{
	for (unsigned int i = 0; i < info->nr_progs; i++)
		if (!strcmp(info->progs[i].name, name))
			return &info->progs[i];
	return NULL;
}

/* The struct a marker names, walked for the runtime; 0 if there is none. */
static __u32 marker_struct(struct analysis *a, const struct marker *m, const char *needle)
{
	const char *sname = marker_get(m, MPART_STRUCT, 0);
	const char *needles[] = { needle, NULL };
	int id = btf__find_by_name_kind(a->btf, sname, BTF_KIND_STRUCT);

	if (id > 0)
		return id;
	diag_at_decl(a, DIAG_ERROR, needles, "%s names struct %s, which the object's BTF does not "
		     "have: declare it, and use it (the macro keeps a pointer to it)",
		     m->def->macro, sname);
	return 0;
}

static void set_datasource(struct analysis *a, const struct marker *m)
{
	const char *name = marker_get(m, MPART_NAME, 0);

	if (!a->info->datasource)
		a->info->datasource = strdup(name);
}

static void apply_map_marker(struct analysis *a, const struct marker *m, const char *needle)
{
	const char *needles[] = { needle, NULL };
	const char *mname = marker_get(m, MPART_MAP, 0);
	struct gadget_map *gm = find_map(a->info, mname);
	bool tracer = m->def->kind != MARKER_MAPITER;
	__u32 sid;

	if (!gm) {
		diag_at_decl(a, DIAG_ERROR, needles, "%s names map '%s', which the object does not "
			     "have", m->def->macro, mname);
		return;
	}
	if (tracer != (gm->type == BPF_MAP_TYPE_RINGBUF || gm->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)) {
		diag_at_decl(a, DIAG_ERROR, needles, "%s: map '%s' must be %s", m->def->macro, mname,
			     tracer ? "a ring buffer or a perf event array" : "a hash or an array map");
		return;
	}
	if (m->def->kind == MARKER_TRACER_MAP)
		return;
	set_datasource(a, m);
	if (m->def->kind == MARKER_TRACER && !gm->value && (sid = marker_struct(a, m, needle)))
		validator_walk_decoded(a, sid, &gm->value);
}

static void apply_snapshotter(struct analysis *a, const struct marker *m, const char *needle)
{
	const char *needles[] = { needle, NULL };
	const char *pname;
	__u32 sid = marker_struct(a, m, needle);

	if (!sid)
		return;
	set_datasource(a, m);
	for (unsigned int i = 0; (pname = marker_get(m, MPART_PROG, i)); i++) {
		struct gadget_prog *gp = find_prog(a->info, pname);

		if (!gp || !gp->def || gp->def->target != TARGET_ITER) {
			diag_at_decl(a, DIAG_ERROR, needles, "%s names program '%s', which is not an "
				     "iter/ program of this object", m->def->macro, pname);
			continue;
		}
		if (!gp->output_type)
			validator_walk_decoded(a, sid, &gp->output_type);
	}
}

static void apply_param(struct analysis *a, const struct marker *m, const char *needle)
{
	const char *needles[] = { needle, NULL };
	const char *var = marker_get(m, MPART_VAR, 0);

	for (unsigned int i = 0; i < a->info->nr_params; i++)
		if (!strcmp(a->info->params[i].name, var))
			return;
	diag_at_decl(a, DIAG_WARNING, needles, "GADGET_PARAM(%s): '%s' is not a const volatile "
		     "global, so it cannot be set: declare it 'const volatile'", var, var);
}

void validator_apply_markers(struct analysis *a)
{
	for (unsigned int i = 0; i < a->nr_markers; i++) {
		const struct marker *m = &a->markers[i];
		char needle[MARKER_NAME_MAX + 32];

		/* "GADGET_TRACER(open": the macro's use, not a comment naming it */
		snprintf(needle, sizeof(needle), "%.*s%s", (int)strcspn(m->def->macro, "(") + 1,
			 m->def->macro, m->buf);

		switch (m->def->kind) {
		case MARKER_TRACER:
		case MARKER_TRACER_MAP:
		case MARKER_MAPITER:
			apply_map_marker(a, m, needle);
			break;
		case MARKER_SNAPSHOTTER:
			apply_snapshotter(a, m, needle);
			break;
		case MARKER_PARAM:
			apply_param(a, m, needle);
			break;
		default:
			break;
		}
	}
}
