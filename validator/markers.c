// SPDX-License-Identifier: Apache-2.0
/*
 * Inspektor Gadget's marker variables (info/markers.h): which map a data
 * source reads and which struct decodes it, which iterators write a
 * snapshot's rows, which hash map is read as a table.  Read from the BTF
 * variables before the maps are analysed (a marked map is decoded, so it
 * gets a role), applied once maps and programs are known.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "base/array.h"
#include "base/file.h"
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

/* ---- a plain libbpf program: a ring buffer or perf array and no metadata ---- */

/* The size a program passes to the helper in size_reg, if a constant. */
static void output_sizes(struct bpf_program *p, __u32 *sizes, unsigned int *n, unsigned int max)
{
	static const struct { int helper, size_reg; } outputs[] = {
		{ BPF_FUNC_ringbuf_reserve, BPF_REG_2 },
		{ BPF_FUNC_ringbuf_output, BPF_REG_3 },
		{ BPF_FUNC_perf_event_output, BPF_REG_5 },
		{ BPF_FUNC_seq_write, BPF_REG_3 },
	};
	const struct bpf_insn *insn = bpf_program__insns(p);
	size_t cnt = bpf_program__insn_cnt(p);

	for (size_t i = 0; i < cnt && *n < max; i++) {
		if (insn[i].code != (BPF_JMP | BPF_CALL) || insn[i].src_reg)
			continue;
		for (size_t h = 0; h < ARRAY_SIZE(outputs); h++) {
			if (insn[i].imm != outputs[h].helper)
				continue;
			/* the last constant moved into the register before the call */
			for (size_t j = i; j-- > 0 && i - j < 16;) {
				if (insn[j].dst_reg != outputs[h].size_reg)
					continue;
				if ((insn[j].code == (BPF_ALU64 | BPF_MOV | BPF_K) ||
				     insn[j].code == (BPF_ALU | BPF_MOV | BPF_K)) && insn[j].imm > 0)
					sizes[(*n)++] = insn[j].imm;
				break;
			}
		}
	}
}

static bool event_like(const char *name)
{
	return strstr(name, "event") || strstr(name, "data") || strstr(name, "record");
}

#define IDENT_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* Adds the structs text defines at the start of a line ("struct event {") not yet in names. */
static unsigned int text_structs(const char *text, char names[][64], unsigned int n, unsigned int max)
{
	for (const char *p = text; (p = strstr(p, "struct ")) && n < max; p += 7) {
		size_t w = strspn(p + 7, IDENT_CHARS);
		const char *after = p + 7 + w;
		unsigned int k;

		if (!w || w >= sizeof(names[0]) || (p > text && p[-1] != '\n'))
			continue;
		after += strspn(after, " \t\n");
		if (*after != '{')
			continue;
		for (k = 0; k < n && (strncmp(names[k], p + 7, w) || names[k][w]); k++)
			;
		if (k < n)
			continue;
		memcpy(names[n], p + 7, w);
		names[n++][w] = 0;
	}
	return n;
}

/*
 * Adds the structs of the headers text includes with quotes from its own
 * folder ("bootstrap.h"): libbpf-bootstrap and libbpf-tools keep the event
 * struct there, shared with the user-space half.  A vmlinux.h is skipped:
 * its thousands of kernel structs would crowd out the program's own.
 */
static unsigned int header_structs(const char *text, const char *src_path, char names[][64],
				   unsigned int n, unsigned int max)
{
	const char *slash = strrchr(src_path, '/');
	int dir_len = slash ? (int)(slash - src_path) : 1;
	const char *dir = slash ? src_path : ".";

	for (const char *p = text; (p = strstr(p, "#include")) && n < max; p += 8) {
		const char *q = p + 8 + strspn(p + 8, " \t"), *end;
		char path[PATH_MAX], *htext;
		size_t hlen;

		if (*q != '"' || !(end = strchr(q + 1, '"')) || memchr(q, '\n', end - q) ||
		    !strncmp(q + 1, "vmlinux", 7))
			continue;
		if (snprintf(path, sizeof(path), "%.*s/%.*s", dir_len, dir, (int)(end - q - 1),
			     q + 1) >= (int)sizeof(path) ||
		    file_read_all(path, (void **)&htext, &hlen))
			continue;
		n = text_structs(htext, names, n, max);
		free(htext);
	}
	return n;
}

/*
 * Structs the program's own sources and local headers define: BTF keeps
 * only the types of globals and signatures, not those of locals, so a
 * libbpf program's event struct is often only in the source.
 */
static unsigned int source_structs(struct analysis *a, char names[][64], unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < a->elf.nr_progs && n < max; i++) {
		char path[PATH_MAX];
		size_t len;
		char *text;

		if (!a->elf.progs[i].file || (i && a->elf.progs[i - 1].file &&
					       !strcmp(a->elf.progs[i - 1].file, a->elf.progs[i].file)))
			continue;
		diag_src_path(a, a->elf.progs[i].file, path, sizeof(path));
		if (file_read_all(path, (void **)&text, &len))
			continue;
		n = text_structs(text, names, n, max);
		n = header_structs(text, path, names, n, max);
		free(text);
	}
	return n;
}

const char *validator_likely_struct(struct analysis *a, __u32 *size, char names[][64],
				    unsigned int max)
{
	__u32 sizes[32];
	unsigned int n = 0, nr_src = source_structs(a, names, max);
	const char *best = NULL;
	int best_score = 0;
	struct bpf_program *p;

	bpf_object__for_each_program(p, a->obj)
		output_sizes(p, sizes, &n, ARRAY_SIZE(sizes));
	for (unsigned int s = 0; s < nr_src; s++) {
		int id = btf__find_by_name_kind(a->btf, names[s], BTF_KIND_STRUCT);
		const struct btf_type *t = id > 0 ? btf__type_by_id(a->btf, id) : NULL;
		int score = event_like(names[s]) ? 2 : 1;

		for (unsigned int i = 0; t && i < n; i++)
			score |= sizes[i] == t->size ? 4 : 0;
		if (score > best_score) {
			best = names[s];
			best_score = score;
			*size = score & 4 ? t->size : 0;
		}
	}
	return best;
}

/*
 * A map of per-key perf buffers or ring buffers (IG's traceloop keeps one
 * per container's mount namespace and reads them with its own operator):
 * nothing of ours fills or reads the inner maps.  Say so at the map.
 */
static bool refuse_buffer_of_buffers(struct analysis *a)
{
	char needle[300];
	const char *needles[] = { needle, NULL };

	for (unsigned int i = 0; i < a->info->nr_maps; i++) {
		const struct gadget_map *m = &a->info->maps[i];
		struct bpf_map *map = bpf_object__find_map_by_name(a->obj, m->name);
		struct bpf_map *inner = map ? bpf_map__inner_map(map) : NULL;
		enum bpf_map_type t = inner ? bpf_map__type(inner) : BPF_MAP_TYPE_UNSPEC;

		if (t != BPF_MAP_TYPE_RINGBUF && t != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		snprintf(needle, sizeof(needle), "} %s SEC(", m->name);
		diag_at_decl(a, DIAG_ERROR, needles, "map '%s' holds a %s per key, which the "
			     "program picks at run time (Inspektor Gadget's traceloop keeps one per "
			     "container and reads them with its own operator); gadget reads events "
			     "from one ring buffer or perf event array: send them to one declared "
			     "with GADGET_TRACER_MAP(name, size) and GADGET_TRACER(name, map, struct) "
			     "(#include <gadget/buffer.h>)", m->name,
			     t == BPF_MAP_TYPE_RINGBUF ? "ring buffer" : "perf event array");
		return true;
	}
	return false;
}

bool validator_suggest_tracer(struct analysis *a)
{
	const struct gadget_map *m = NULL;
	char needle[300];
	const char *needles[] = { needle, NULL };
	const char *sname;
	char names[64][64];
	__u32 size = 0;

	for (unsigned int i = 0; !m && i < a->info->nr_maps; i++)
		if (a->info->maps[i].role == MAP_ROLE_NONE &&
		    (a->info->maps[i].type == BPF_MAP_TYPE_RINGBUF ||
		     a->info->maps[i].type == BPF_MAP_TYPE_PERF_EVENT_ARRAY))
			m = &a->info->maps[i];
	if (!m)
		return refuse_buffer_of_buffers(a);
	snprintf(needle, sizeof(needle), "} %s SEC(", m->name);
	sname = validator_likely_struct(a, &size, names, ARRAY_SIZE(names));
	if (!sname) {
		diag_at_decl(a, DIAG_ERROR, needles, "%s '%s' sends events, but nothing says how to "
			     "decode them: name their struct after the map with "
			     "'GADGET_TRACER(%s, %s, <struct name>);' (#include <gadget/macros.h>)",
			     m->type == BPF_MAP_TYPE_RINGBUF ? "ring buffer" : "perf event array",
			     m->name, m->name, m->name);
		return true;
	}
	diag_at_decl(a, DIAG_ERROR, needles, "%s '%s' sends events, but nothing says how to decode "
		     "them: it most likely carries struct %s%s; add after the map: "
		     "'GADGET_TRACER(%s, %s, %s);' (#include <gadget/macros.h>)",
		     m->type == BPF_MAP_TYPE_RINGBUF ? "ring buffer" : "perf event array", m->name,
		     sname, size ? " (the size the programs output)" : "", m->name, m->name, sname);
	return true;
}
