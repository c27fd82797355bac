// SPDX-License-Identifier: Apache-2.0
/*
 * The checks that do not build the gadget_info: what the kernel will
 * refuse or mangle (GPL-only helpers, name lengths) and what the loader or
 * the runtime will trip on (unreferenced or misnamed _output variables).
 */
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "base/array.h"
#include "validator/analysis.h"
#include "validator/btf_walk.h"

#define KERNEL_NAME_MAX 15	/* BPF_OBJ_NAME_LEN - 1 */

/*
 * Helpers whose kernel prototype is gpl_only.  Derived by loading
 * "call N; r0 = 0; exit" for every helper id under license "MIT" as
 * tracepoint, kprobe, tc, xdp, socket, perf_event and tracing (iter,
 * tp_btf) programs on Linux 6.18 and keeping the ids the verifier refused
 * with "cannot call GPL-restricted function"; probe_write_user and
 * override_return are gpl_only in the source but not offered here.
 */
static const struct { int id; const char *name; } gpl_helpers[] = {
	{ 4, "bpf_probe_read" }, { 6, "bpf_trace_printk" }, { 22, "bpf_perf_event_read" },
	{ 25, "bpf_perf_event_output" }, { 27, "bpf_get_stackid" },
	{ 35, "bpf_get_current_task" }, { 36, "bpf_probe_write_user" },
	{ 45, "bpf_probe_read_str" }, { 55, "bpf_perf_event_read_value" },
	{ 56, "bpf_perf_prog_read_value" }, { 58, "bpf_override_return" },
	{ 67, "bpf_get_stack" }, { 69, "bpf_fib_lookup" }, { 100, "bpf_tcp_check_syncookie" },
	{ 110, "bpf_tcp_gen_syncookie" }, { 111, "bpf_skb_output" },
	{ 112, "bpf_probe_read_user" }, { 113, "bpf_probe_read_kernel" },
	{ 114, "bpf_probe_read_user_str" }, { 115, "bpf_probe_read_kernel_str" },
	{ 119, "bpf_read_branch_records" }, { 121, "bpf_xdp_output" },
	{ 126, "bpf_seq_printf" }, { 127, "bpf_seq_write" }, { 150, "bpf_seq_printf_btf" },
	{ 158, "bpf_get_current_task_btf" }, { 163, "bpf_check_mtu" }, { 165, "bpf_snprintf" },
	{ 169, "bpf_timer_init" }, { 170, "bpf_timer_set_callback" },
	{ 171, "bpf_timer_start" }, { 172, "bpf_timer_cancel" }, { 173, "bpf_get_func_ip" },
	{ 175, "bpf_task_pt_regs" }, { 176, "bpf_get_branch_snapshot" },
	{ 177, "bpf_trace_vprintk" }, { 191, "bpf_copy_from_user_task" },
	{ 204, "bpf_tcp_raw_gen_syncookie_ipv4" }, { 205, "bpf_tcp_raw_gen_syncookie_ipv6" },
	{ 206, "bpf_tcp_raw_check_syncookie_ipv4" },
	{ 207, "bpf_tcp_raw_check_syncookie_ipv6" },
};

/* kernel/module/main.c license_is_gpl_compatible() */
static const char *const gpl_licenses[] = {
	"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
};

void validator_check_name_len(struct analysis *a, const char *what, const char *name)
{
	enum { NR_MACROS = sizeof(((struct map_role_def *)0)->macros) / sizeof(char *) };
	const struct map_role_def *role = map_role_def(map_role_of_name(name));
	const char *needles[NR_MACROS + 2];
	char decl[NR_MACROS][160];
	unsigned int n = 0;

	if (strlen(name) <= KERNEL_NAME_MAX)
		return;
	/* Point at the declaring macro when there is one, else at the name. */
	for (unsigned int i = 0; i < NR_MACROS && role->macros[i]; i++) {
		snprintf(decl[n], sizeof(decl[n]), "%s(%s", role->macros[i],
			 map_role_short_name(role->role, name));
		needles[n] = decl[n];
		n++;
	}
	needles[n++] = name;
	needles[n] = NULL;
	diag_at_decl(a, DIAG_WARNING, needles,
		     "%s name '%s' is longer than the %d characters the kernel keeps; "
		     "bpftool will show it as '%.*s'", what, name, KERNEL_NAME_MAX,
		     KERNEL_NAME_MAX, name);
}

void validator_check_gpl_helpers(struct analysis *a, struct bpf_program *p, const char *file,
				 unsigned int line, unsigned int col)
{
	enum { NR_GPL = sizeof(gpl_helpers) / sizeof(gpl_helpers[0]) };
	const struct bpf_insn *insn = bpf_program__insns(p);
	size_t n = bpf_program__insn_cnt(p), used = 0;
	bool called[NR_GPL] = {};
	char names[1024] = "";

	for (size_t i = 0; i < n; i++) {
		/* src_reg 0: a helper call (1 is a BPF-to-BPF call, 2 a kfunc) */
		if (insn[i].code != (BPF_JMP | BPF_CALL) || insn[i].src_reg != 0)
			continue;
		for (unsigned int h = 0; h < NR_GPL; h++)
			called[h] |= insn[i].imm == gpl_helpers[h].id;
	}
	for (unsigned int h = 0; h < NR_GPL; h++) {
		if (!called[h])
			continue;
		used += snprintf(names + used, used < sizeof(names) ? sizeof(names) - used : 0,
				 "%s%s", used ? ", " : "", gpl_helpers[h].name);
	}
	if (!used)
		return;
	diag_add(a, DIAG_WARNING, file, line, col,
		 "program '%s' calls %s, which the kernel only allows under a GPL-compatible "
		 "license, but this object's license is %s%s%s: the load will fail; use e.g. "
		 "char LICENSE[] SEC(\"license\") = \"Dual MIT/GPL\";", bpf_program__name(p), names,
		 a->info->license ? "\"" : "", a->info->license ? a->info->license : "missing",
		 a->info->license ? "\"" : "");
}

bool validator_license_is_gpl(const char *lic)
{
	for (unsigned int i = 0; lic && i < sizeof(gpl_licenses) / sizeof(gpl_licenses[0]); i++)
		if (!strcmp(lic, gpl_licenses[i]))
			return true;
	return false;
}

/* Is there an iter/ program "<x>" for the variable "<x>_output"? */
static bool output_has_iter(const struct gadget_info *info, const char *var)
{
	size_t n = strlen(var) - strlen("_output");

	for (unsigned int i = 0; i < info->nr_progs; i++) {
		const struct gadget_prog *p = &info->progs[i];

		if (p->def && p->def->target == TARGET_ITER && strlen(p->name) == n &&
		    !strncmp(p->name, var, n))
			return true;
	}
	return false;
}

/* Every "*_output" variable must be referenced, or the loader rejects it. */
void validator_check_outputs(struct analysis *a)
{
	int n = btf__type_cnt(a->btf);

	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(a->btf, id);
		const char *name;
		char macro[300];

		if (!btf_is_var(t))
			continue;
		name = btf_walk_name(a->btf, t->name_off);
		if (!str_has_suffix(name, "_output"))
			continue;
		snprintf(macro, sizeof(macro), "GADGET_SNAPSHOTTER(%.*s", (int)(strlen(name) - 7), name);
		if (elf_scan_references(&a->elf, name)) {
			if (!output_has_iter(a->info, name))
				diag_at_decl(a, DIAG_WARNING, (const char *const[]){ name, macro, NULL },
					     "'%s' names no iter/ program: the runtime decodes the rows "
					     "of the iterator '%.*s' with it; name it after the iterator",
					     name, (int)(strlen(name) - 7), name);
			continue;
		}
		diag_at_decl(a, DIAG_ERROR, (const char *const[]){ name, macro, NULL },
			     "'%s' is not referenced by any program: the loader rejects a global no "
			     "program uses, and the runtime would have no type to decode the snapshot "
			     "with; write the rows with gadget_snapshot_write(ctx->meta->seq, %.*s, &row), "
			     "which references it", name, (int)(strlen(name) - 7), name);
	}
}

static bool calls_helper(struct bpf_program *p, int helper)
{
	const struct bpf_insn *insn = bpf_program__insns(p);
	size_t n = bpf_program__insn_cnt(p);

	for (size_t i = 0; i < n; i++)
		if (insn[i].code == (BPF_JMP | BPF_CALL) && insn[i].src_reg == 0 &&
		    insn[i].imm == helper)
			return true;
	return false;
}

/*
 * The first program printing with bpf_printk() (libbpf-bootstrap's
 * minimal, uprobe, tc ...): its only output is the kernel's shared trace
 * log, which is no gadget output, so the "cannot tell" error says so.
 */
const struct gadget_prog *validator_printk_prog(struct analysis *a)
{
	for (unsigned int i = 0; i < a->info->nr_progs; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(a->obj,
									a->info->progs[i].name);

		if (p && (calls_helper(p, BPF_FUNC_trace_printk) ||
			  calls_helper(p, BPF_FUNC_trace_vprintk)))
			return &a->info->progs[i];
	}
	return NULL;
}

/*
 * A snapshotter's iterator writing binary rows (bpf_seq_write()) with no
 * struct to decode them: the runtime would read them as the text protocol,
 * find no "[event]" and print nothing, exit 0.  Say what to declare.
 */
/* Any "<x>_output" variable: a misnamed one already has its warning. */
static bool has_output_var(const struct analysis *a)
{
	for (__u32 id = 1; id < btf__type_cnt(a->btf); id++) {
		const struct btf_type *t = btf__type_by_id(a->btf, id);
		const char *name = btf_is_var(t) ? btf__name_by_offset(a->btf, t->name_off) : NULL;
		size_t n = name ? strlen(name) : 0;

		if (n > 7 && !strcmp(name + n - 7, "_output"))
			return true;
	}
	return false;
}

void validator_check_binary_rows(struct analysis *a)
{
	if (has_output_var(a))
		return;
	for (unsigned int i = 0; a->info->category == GADGET_CAT_SNAPSHOTTER &&
	     i < a->info->nr_progs; i++) {
		const struct gadget_prog *gp = &a->info->progs[i];
		char names[64][64];
		const char *sname;
		struct bpf_program *p;
		__u32 size = 0;

		if (!gp->def || gp->def->target != TARGET_ITER || gp->output_type)
			continue;
		p = bpf_object__find_program_by_name(a->obj, gp->name);
		if (!p || !calls_helper(p, BPF_FUNC_seq_write))
			continue;
		sname = validator_likely_struct(a, &size, names, ARRAY_SIZE(names));
		if (sname) {
			diag_add(a, DIAG_ERROR, gp->src_file, gp->src_line, gp->src_col,
				 "iterator '%s' writes binary rows with bpf_seq_write(), but no "
				 "struct describes them, so nothing could be printed: it most likely "
				 "writes struct %s%s; add 'GADGET_SNAPSHOTTER(%s, %s, %s);' "
				 "(#include <gadget/macros.h>)", gp->name, sname,
				 size ? " (the size it writes)" : "", gp->name, sname, gp->name);
			continue;
		}
		diag_add(a, DIAG_ERROR, gp->src_file, gp->src_line, gp->src_col,
			 "iterator '%s' writes binary rows with bpf_seq_write(), but no struct "
			 "describes them, so nothing could be printed: declare "
			 "GADGET_SNAPSHOTTER(%s, struct row) and write with gadget_snapshot_write(), "
			 "or Inspektor Gadget's GADGET_SNAPSHOTTER(name, row, %s)",
			 gp->name, gp->name, gp->name);
	}
}

/*
 * counter_/gauge_/hist_ maps are tables the program updates (hash or
 * array) holding the value of their row in map_roles.c.  bumblebee also
 * names ring buffers so (it counts their events per distinct fields) and
 * lays out histograms its own way: refuse those here, with the reason,
 * rather than a run that prints nothing.
 */
void validator_check_metric_maps(struct analysis *a)
{
	for (unsigned int i = 0; i < a->info->nr_maps; i++) {
		const struct gadget_map *m = &a->info->maps[i];
		const struct map_role_def *def = map_role_def(m->role);
		char needle[300];
		const char *needles[] = { needle, NULL };

		if (!map_role_is_metric(m->role))
			continue;
		snprintf(needle, sizeof(needle), "} %s SEC(", m->name);
		if (m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			diag_at_decl(a, DIAG_ERROR, needles, "map '%s' is a %s: bumblebee counts the "
				     "events of such a map per distinct field values, gadget does not; "
				     "declare %s(%s, struct key, max) and update it where the event "
				     "is sent (gadget/macros.h)", m->name,
				     m->type == BPF_MAP_TYPE_RINGBUF ? "ring buffer" : "perf event array",
				     def->macros[0], map_role_short_name(m->role, m->name));
		else if (m->value_size != def->value_size)
			diag_at_decl(a, DIAG_ERROR, needles, "map '%s': its value is %u bytes, but a "
				     "%s map's value is %s (%u bytes); bumblebee's layout is not read "
				     "here: declare it with %s(%s, struct key, max)", m->name,
				     m->value_size, def->prefix, def->value_type, def->value_size,
				     def->macros[0], map_role_short_name(m->role, m->name));
	}
}

static void warn_wide_enum(struct analysis *a, const struct gadget_type *t,
			   const struct gadget_field *f)
{
	if ((f->kind == FIELD_INT || f->kind == FIELD_UINT) && f->size == 8 &&
	    f->type_name && !strncmp(f->type_name, "enum ", 5))
		diag_add(a, DIAG_WARNING, NULL, 0, 0, "%s member '%s': %s is 64 bits wide and "
			 "clang 14 writes its values cut to 32 bits in BTF, so they cannot be "
			 "named: printed as a number (clang 15 or later writes them whole)",
			 t->name, f->name, f->type_name);
}

/*
 * "gadget_comm comm;": IG's gadget_comm was char[16] until IG made it a
 * char (declared "gadget_comm comm[TASK_COMM_LEN]"), and our IG API has
 * the later one.  A gadget written for the earlier holds one char there,
 * and bpf_get_current_comm(e->comm, 16) runs over the members after it:
 * the event prints a one-letter name and whatever was written last.
 */
static void warn_single_comm(struct analysis *a, const struct gadget_type *t,
			     const struct gadget_field *f)
{
	const char *member = strrchr(f->name, '.') ? strrchr(f->name, '.') + 1 : f->name;
	char needle[160];
	const char *needles[] = { needle, NULL };

	if (f->size != 1 || !f->type_name ||
	    (strcmp(f->type_name, "gadget_comm") && strcmp(f->type_name, "gadget_pcomm")))
		return;
	snprintf(needle, sizeof(needle), "%s %s;", f->type_name, member);
	diag_at_decl(a, DIAG_WARNING, needles, "%s member '%s' is one %s, a single char in "
		     "Inspektor Gadget's API (older IG releases made %s itself char[16]): declare "
		     "it '%s %s[TASK_COMM_LEN]', or a 16-byte name written there overruns the "
		     "members after it", t->name, f->name, f->type_name, f->type_name,
		     f->type_name, member);
}

/* What is worth a word about a member the runtime decodes, one row a check. */
static void (*const field_checks[])(struct analysis *, const struct gadget_type *,
				    const struct gadget_field *) = {
	warn_wide_enum,		/* see fill_enum() in btf_walk.c */
	warn_single_comm,
};

static void check_fields(struct analysis *a, const struct gadget_type *t)
{
	for (unsigned int i = 0; t && i < t->nr_fields; i++)
		for (size_t k = 0; k < sizeof(field_checks) / sizeof(field_checks[0]); k++)
			field_checks[k](a, t, &t->fields[i]);
}

void validator_check_decoded_fields(struct analysis *a)
{
	for (unsigned int i = 0; i < a->info->nr_maps; i++) {
		if (a->info->maps[i].role == MAP_ROLE_NONE || a->info->maps[i].role == MAP_ROLE_INTERNAL)
			continue;
		check_fields(a, a->info->maps[i].key);
		check_fields(a, a->info->maps[i].value);
	}
	for (unsigned int i = 0; i < a->info->nr_progs; i++)
		check_fields(a, a->info->progs[i].output_type);
}
