// SPDX-License-Identifier: Apache-2.0
/*
 * validator_analyze(): one gadget object in, its gadget_info and a list of
 * compiler-form diagnostics out.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "base/array.h"
#include "info/libbpf_log.h"
#include "info/libc_calls.h"
#include "validator/analysis.h"
#include "validator/btf_walk.h"
#include "validator/kernel_feature.h"
#include "validator/srcloc.h"

/*
 * Walk a type the runtime must decode; on failure point at the member
 * line inside the type's declaration when the source is at hand.
 */
int validator_walk_decoded(struct analysis *a, __u32 type_id, struct gadget_type **out)
{
	struct gadget_err err = {};
	char needle[200], tname[160], member[512];
	const char *needles[] = { needle, NULL };
	const char *file = NULL, *leaf;
	unsigned int line = 0, col = 0;

	if (!type_id)
		return 0;
	if (btf_walk_type_member(a->btf, type_id, out, member, sizeof(member), &err) == 0)
		return 0;
	btf_walk_c_name(a->btf, type_id, tname, sizeof(tname));
	snprintf(needle, sizeof(needle), "%s {", tname);
	if (diag_find_decl(a, needles, &file, &line, &col)) {
		char path[PATH_MAX];
		unsigned int mline, mcol;

		leaf = strrchr(member, '.');
		leaf = leaf ? leaf + 1 : member;
		diag_src_path(a, file, path, sizeof(path));
		if (*leaf && !srcloc_find(path, leaf, line + 1, 0, false, &mline, &mcol)) {
			line = mline;
			col = mcol;
		}
	}
	diag_add(a, DIAG_ERROR, file, line, col, "%s", err.msg);
	return -EINVAL;
}

static enum map_role map_role_of(struct analysis *a, struct bpf_map *m)
{
	enum map_role role;

	if (bpf_map__is_internal(m))
		return MAP_ROLE_INTERNAL;
	role = map_role_of_name(bpf_map__name(m));
	if (role == MAP_ROLE_NONE)
		role = validator_marker_role(a, bpf_map__name(m));
	return role != MAP_ROLE_NONE ? role : validator_section_role(a, bpf_map__name(m));
}

/*
 * A map's key and value types.  Only what the runtime decodes must be
 * decodable: a private map (a "start" map keyed by struct sock *, values
 * holding a user pointer) keeps whatever types can be walked, silently.
 */
static void map_types(struct analysis *a, struct bpf_map *m, struct gadget_map *gm)
{
	struct gadget_err quiet;
	char member[512];

	if (gm->role != MAP_ROLE_NONE) {
		validator_walk_decoded(a, bpf_map__btf_key_type_id(m), &gm->key);
		validator_walk_decoded(a, bpf_map__btf_value_type_id(m), &gm->value);
		return;
	}
	if (bpf_map__btf_key_type_id(m))
		btf_walk_type_member(a->btf, bpf_map__btf_key_type_id(m), &gm->key, member,
				     sizeof(member), &quiet);
	if (bpf_map__btf_value_type_id(m))
		btf_walk_type_member(a->btf, bpf_map__btf_value_type_id(m), &gm->value, member,
				     sizeof(member), &quiet);
}

static int analyze_maps(struct analysis *a)
{
	struct gadget_info *info = a->info;
	struct bpf_map *m;

	bpf_object__for_each_map(m, a->obj) {
		struct gadget_map *gm;

		if (array_grow(info->maps, info->nr_maps))
			return -ENOMEM;
		gm = &info->maps[info->nr_maps++];
		memset(gm, 0, sizeof(*gm));

		gm->name = strdup(bpf_map__name(m));
		if (!gm->name)
			return -ENOMEM;
		gm->type = bpf_map__type(m);
		gm->role = map_role_of(a, m);
		gm->key_size = bpf_map__key_size(m);
		gm->value_size = bpf_map__value_size(m);
		gm->max_entries = bpf_map__max_entries(m);
		if (gm->role == MAP_ROLE_INTERNAL)
			continue;
		if (!map_role_def(gm->role)->ours)
			validator_check_name_len(a, "map", gm->name);
		map_types(a, m, gm);
	}
	return 0;
}

/* The "<iter>_output" variable in .rodata, if any. */
static __u32 find_output_var(struct analysis *a, const char *name)
{
	int id = btf__find_by_name_kind(a->btf, name, BTF_KIND_VAR);

	return id > 0 ? btf__type_by_id(a->btf, id)->type : 0;
}

/* Where a program's problems are shown: its SEC("...") line when the source is at hand. */
struct prog_at {
	const char *file;
	unsigned int line, col;
};

/* Name, section, row of the program-type table and source location. */
static int prog_identity(struct analysis *a, struct bpf_program *p, struct gadget_prog *gp,
			 struct prog_at *at)
{
	const struct elf_prog_loc *loc = elf_scan_prog(&a->elf, bpf_program__name(p));
	char path[PATH_MAX], needle[300];

	gp->name = strdup(bpf_program__name(p));
	gp->section = strdup(bpf_program__section_name(p));
	if (!gp->name || !gp->section)
		return -ENOMEM;
	gp->def = progtype_find(gp->section);
	*at = (struct prog_at){ loc ? loc->file : NULL, loc ? loc->line : 0, loc ? loc->col : 0 };
	gp->src_line = at->line;
	gp->src_col = at->col;
	if (!at->file)
		return 0;
	/* "./x.bpf.c" (clang run in the gadget folder) is kept as "x.bpf.c" */
	gp->src_file = strdup(str_has_prefix(at->file, "./") ? at->file + 2 : at->file);
	if (!gp->src_file)
		return -ENOMEM;
	/* line info starts at the first statement: the SEC("...") above it says more */
	diag_src_path(a, at->file, path, sizeof(path));
	snprintf(needle, sizeof(needle), "SEC(\"%s\")", gp->section);
	srcloc_find(path, needle, 1, at->line, true, &at->line, &at->col);
	return 0;
}

/* A section no row knows, or one libbpf 1.1 cannot load at all: an error, nothing runs it. */
static int prog_unloadable(struct analysis *a, struct gadget_prog *gp, const struct prog_at *at)
{
	const char *hint = gp->def ? NULL : progtype_suggest(gp->section);

	gp->why_not = strdup(gp->def ? gp->def->note : "unknown section");
	if (!gp->why_not)
		return -ENOMEM;
	if (gp->def)
		diag_add(a, DIAG_ERROR, at->file, at->line, at->col, "section \"%s\" cannot be "
			 "loaded: %s", gp->section, gp->def->note);
	else if (hint)
		diag_add(a, DIAG_ERROR, at->file, at->line, at->col, "section \"%s\" is not a known "
			 "program type; did you mean \"%s\"?", gp->section, hint);
	else
		diag_add(a, DIAG_ERROR, at->file, at->line, at->col, "section \"%s\" is not a known "
			 "program type ('gadget validate --program-types' lists them)", gp->section);
	return 0;
}

/* Can the runtime attach it on this kernel?  A warning says why not. */
static int prog_runnable(struct analysis *a, struct gadget_prog *gp, const struct prog_at *at)
{
	char why[512] = "";

	if (gp->def->target == TARGET_UNSUPPORTED)
		snprintf(why, sizeof(why), "the gadget runtime does not attach %s programs", gp->def->sec);
	else if (kernel_feature_probe(gp->def->feature, why, sizeof(why)) != 1 && !why[0])
		snprintf(why, sizeof(why), "%s could not be probed", kernel_feature_name(gp->def->feature));
	gp->runnable = !why[0];
	if (gp->runnable)
		return 0;
	gp->why_not = strdup(why);
	if (!gp->why_not)
		return -ENOMEM;
	diag_add(a, DIAG_WARNING, at->file, at->line, at->col,
		 "program '%s' (%s) builds and validates, but cannot run here: %s",
		 gp->name, gp->section, why);
	return 0;
}

/* The "<prog>_output" variable of an iterator, and its type. */
static int prog_output(struct analysis *a, struct gadget_prog *gp)
{
	char out_name[300];
	__u32 out_type;

	snprintf(out_name, sizeof(out_name), "%s_output", gp->name);
	out_type = find_output_var(a, out_name);
	if (!out_type)
		return 0;
	gp->output = strdup(out_name);
	if (!gp->output)
		return -ENOMEM;
	validator_walk_decoded(a, out_type, &gp->output_type);
	return 0;
}

static int analyze_progs(struct analysis *a)
{
	struct gadget_info *info = a->info;
	struct bpf_program *p;

	bpf_object__for_each_program(p, a->obj) {
		struct gadget_prog *gp;
		struct prog_at at;
		int ret;

		if (array_grow(info->progs, info->nr_progs))
			return -ENOMEM;
		gp = &info->progs[info->nr_progs++];
		memset(gp, 0, sizeof(*gp));
		ret = prog_identity(a, p, gp, &at);
		if (ret)
			return ret;
		validator_check_name_len(a, "program", gp->name);
		if (!gp->def || gp->def->note) {
			ret = prog_unloadable(a, gp, &at);
			if (ret)
				return ret;
			continue;
		}
		ret = prog_runnable(a, gp, &at);
		if (!ret && !validator_license_is_gpl(info->license))
			validator_check_gpl_helpers(a, p, at.file, at.line, at.col);
		if (!ret)
			ret = prog_output(a, gp);
		if (ret)
			return ret;
	}
	return 0;
}

/* An integer array (a list param) as the "80,443" it is set with; "" if empty. */
static char *list_text(const struct gadget_field *f, const void *data)
{
	unsigned int elem = f->size / f->array_len;
	char *s = calloc(1, f->array_len * 21 + 1);
	size_t len = 0;

	for (unsigned int i = 0; s && i < f->array_len; i++) {
		uint64_t u = 0;

		memcpy(&u, (const char *)data + i * elem, elem);	/* little endian target */
		if (!u)
			break;
		len += sprintf(s + len, "%s%llu", i ? "," : "", (unsigned long long)u);
	}
	return s;
}

static char *value_text(const struct gadget_field *f, const void *data)
{
	char *s = NULL;
	uint64_t u = 0;

	if (gadget_field_is_list(f) && f->size % f->array_len == 0 && f->size / f->array_len <= 8)
		return list_text(f, data);
	if (f->kind == FIELD_STRING)
		return strndup(data, f->size);
	/* an address parameter left unset (version 0): no address */
	if (f->special == SPECIAL_L3ENDPOINT && f->size > GADGET_L3EP_VERSION_OFF &&
	    !((const uint8_t *)data)[GADGET_L3EP_VERSION_OFF])
		return strdup("");
	if (f->size > 8 || f->kind == FIELD_BYTES || f->kind == FIELD_FLOAT) {
		size_t n = f->size;

		s = calloc(1, n * 2 + 1);
		for (size_t i = 0; s && i < n; i++)
			sprintf(s + 2 * i, "%02x", ((const unsigned char *)data)[i]);
		return s;
	}
	memcpy(&u, data, f->size);	/* little endian target */
	if (f->kind == FIELD_INT) {
		/* sign-extend; a zero-size int (hostile BTF) is 0 */
		int64_t v = f->size == 8 || !f->size ? (int64_t)u
			  : ((int64_t)(u << (64 - 8 * f->size)) >> (64 - 8 * f->size));

		if (asprintf(&s, "%lld", (long long)v) < 0)
			s = NULL;
		return s;
	}
	if (f->kind == FIELD_BOOL)
		return strdup(u ? "true" : "false");
	if (f->kind == FIELD_ENUM)
		for (unsigned int i = 0; i < f->nr_enum_vals; i++)
			if ((uint64_t)f->enum_vals[i].value == u)
				return strdup(f->enum_vals[i].name);
	if (asprintf(&s, "%llu", (unsigned long long)u) < 0)
		s = NULL;
	return s;
}

/*
 * Only "const volatile" globals can be set before load: a plain const one
 * may have been folded into the code by the compiler.
 */
static bool is_volatile(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	/* "const volatile char s[8]" puts the qualifiers on the element type */
	while (t && (btf_is_mod(t) || btf_is_array(t))) {
		if (btf_is_volatile(t))
			return true;
		t = btf__type_by_id(btf, btf_is_array(t) ? btf_array(t)->type : t->type);
	}
	return false;
}

/* Params: the const volatile globals of .rodata (not *_output, not gadget_*). */
static int analyze_params(struct analysis *a)
{
	struct gadget_info *info = a->info;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	const void *data = NULL;
	size_t data_len = 0;
	struct bpf_map *m;
	int id;

	id = btf__find_by_name_kind(a->btf, ".rodata", BTF_KIND_DATASEC);
	if (id <= 0)
		return 0;
	sec = btf__type_by_id(a->btf, id);
	bpf_object__for_each_map(m, a->obj)
		if (bpf_map__is_internal(m) && str_has_suffix(bpf_map__name(m), ".rodata"))
			data = bpf_map__initial_value(m, &data_len);
	info->params = calloc(btf_vlen(sec) + 1, sizeof(*info->params));
	if (!info->params)
		return -ENOMEM;
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(a->btf, vs->type);
		const char *name = btf_walk_name(a->btf, var->name_off);
		struct gadget_param *gp = &info->params[info->nr_params];
		struct gadget_err err = {};
		const json_t *doc;

		if (str_has_suffix(name, "_output") || str_has_prefix(name, GADGET_RESERVED_PREFIX) ||
		    btf_var(var)->linkage == BTF_VAR_STATIC || !is_volatile(a->btf, var->type))
			continue;
		if (btf_walk_field(a->btf, var->type, name, &gp->field, &err)) {
			diag_at_decl(a, DIAG_ERROR, (const char *const[]){ name, NULL },
				     "parameter %s", err.msg);
			continue;
		}
		gp->field.offset = vs->offset;
		gp->name = strdup(name);
		info->nr_params++;
		/* the type's size and the section's may disagree in a broken object */
		if (data && (uint64_t)vs->offset + gp->field.size <= data_len &&
		    gp->field.size <= vs->size &&
		    !(gp->default_value = value_text(&gp->field, (const char *)data + vs->offset)))
			return -ENOMEM;
		doc = a->opts->params_doc ? json_object_get(a->opts->params_doc, name) : NULL;
		if (doc && json_is_string(json_object_get(doc, "description")) &&
		    !(gp->description = strdup(json_string_value(json_object_get(doc, "description")))))
			return -ENOMEM;
		if (!gp->name)
			return -ENOMEM;
	}
	return 0;
}

static const char *obj_path(const struct analysis *a)
{
	return a->opts->obj_path ? a->opts->obj_path : "object";
}

/* What libbpf 1.1 would crash on is refused before it sees the object. */
static int check_btf(struct analysis *a, struct gadget_err *err)
{
	struct btf *btf;
	int ret;

	if (!a->elf.btf_data)
		return 0;	/* reported below: "the object has no BTF" */
	btf = btf__new(a->elf.btf_data, a->elf.btf_size);
	if (!btf)
		return gadget_err_set(err, ENOEXEC, "%s: malformed .BTF section: %s", obj_path(a),
				      strerror(errno));
	ret = btf_walk_check_refs(btf, err);
	btf__free(btf);
	if (ret) {
		gadget_err_prefix(err, "%s", obj_path(a));
		err->errnum = ENOEXEC;
		return -ENOEXEC;
	}
	return 0;
}

/*
 * libbpf's own words while it opens the object, kept (not printed) so a
 * failure can say what libbpf said.  libbpf's print callback takes no
 * context: this buffer lives only for one bpf_object__open_mem() call.
 */
static char open_log[2048];

/*
 * "failed to find BTF for extern 'memcmp'": a function the object calls and
 * nothing defines.  Say which, and the fix; libbpf's own message follows.
 */
static int unresolved_extern(struct analysis *a, struct gadget_err *err)
{
	const char *p = strstr(open_log, "extern '");
	const char *instead;
	char sym[128];
	size_t n;

	if (!p)
		return 0;
	p += strlen("extern '");
	n = strcspn(p, "'");
	snprintf(sym, sizeof(sym), "%.*s", (int)(n < sizeof(sym) ? n : sizeof(sym) - 1), p);
	open_log[strcspn(open_log, "\n")] = 0;
	if ((instead = libc_call_instead(sym)))
		return gadget_err_set(err, ENOEXEC, "%s: the programs call '%s', which nothing "
				      "defines: BPF programs cannot call libc; use %s (%s)",
				      obj_path(a), sym, instead, open_log);
	return gadget_err_set(err, ENOEXEC, "%s: the programs use '%s', which nothing defines: "
			      "define it in a source of the gadget, or declare the kernel function "
			      "it is with __ksym ('extern ... %s(...) __ksym;', the kernel must have "
			      "it) (%s)", obj_path(a), sym, sym, open_log);
}

/*
 * The ELF, the BTF, then libbpf's view of the object.  -ENOEXEC for an
 * object that cannot be read at all (-EINVAL is kept for "analysed, with
 * errors").
 */
static int analysis_open(struct analysis *a, const void *obj, size_t len, struct gadget_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = a->opts->name);
	libbpf_print_fn_t old_print;
	int ret = maps_fold(obj, len, &a->fold, err);

	if (ret) {
		gadget_err_prefix(err, "%s", obj_path(a));
		return ret;
	}
	if (a->fold.obj) {
		obj = a->fold.obj;
		len = a->fold.len;
	}
	ret = elf_scan(obj, len, &a->elf, err);
	if (ret == -EINVAL && err)
		err->errnum = ENOEXEC;
	if (ret)
		return ret == -EINVAL ? -ENOEXEC : ret;
	ret = validator_check_map_sections(a, err);
	if (ret)
		return ret;
	old_print = libbpf_log_capture(open_log, sizeof(open_log));
	ret = check_btf(a, err);
	if (!ret)
		a->obj = bpf_object__open_mem(obj, len, &oopts);
	libbpf_set_print(old_print);
	if (ret)
		return ret;
	if (!a->obj) {
		char why[128];

		if (unresolved_extern(a, err))
			return -ENOEXEC;
		ret = errno == EINVAL || !errno ? -ENOEXEC : -errno;
		return gadget_err_set(err, ret, "%s: libbpf cannot open the object: %s", obj_path(a),
				      gadget_strerror(-ret, why, sizeof(why)));
	}
	a->btf = bpf_object__btf(a->obj);
	if (!a->btf)
		return gadget_err_set(err, ENOEXEC, "%s: the object has no BTF; compile with clang -g",
				      obj_path(a));
	return 0;
}

/* Name, description and license. */
static int analyze_about(struct analysis *a)
{
	struct gadget_info *info = a->info;

	info->name = strdup(a->opts->name ? a->opts->name : bpf_object__name(a->obj));
	if (a->opts->description)
		info->description = strdup(a->opts->description);
	if (a->elf.license)
		info->license = strdup(a->elf.license);
	else
		diag_add(a, DIAG_WARNING, NULL, 0, 0, "no license: add "
			 "'char LICENSE[] SEC(\"license\") = \"GPL\";' (most helpers a gadget "
			 "needs are GPL-only)");
	if (!info->name || (a->opts->description && !info->description) ||
	    (a->elf.license && !info->license))
		return -ENOMEM;
	return 0;
}

/* What the gadget produces, and what the runtime decodes it with. */
static void analyze_category(struct analysis *a)
{
	struct gadget_info *info = a->info;
	struct gadget_map *print = NULL;
	char why[1024];

	validator_check_outputs(a);
	info->category = validator_category(info, why, sizeof(why));
	if (info->category == GADGET_CAT_UNKNOWN && !validator_suggest_tracer(a)) {
		const struct gadget_prog *gp = validator_printk_prog(a);

		if (gp)
			diag_add(a, DIAG_ERROR, gp->src_file, gp->src_line, gp->src_col,
				 "program '%s' prints with bpf_printk(), to the kernel's trace log "
				 "(/sys/kernel/tracing/trace_pipe, shared by every program), and the "
				 "gadget has no other output, so it would show nothing: send the "
				 "values as events instead, a ring buffer with GADGET_TRACER(name, "
				 "map, struct) (bpf-headers/gadget/macros.h)", gp->name);
		else
			diag_add(a, DIAG_ERROR, NULL, 0, 0, "%s", why);
	}
	validator_check_binary_rows(a);
	validator_check_metric_maps(a);
	validator_check_decoded_fields(a);
	for (unsigned int i = 0; !print && i < info->nr_maps; i++)
		if (info->maps[i].role == MAP_ROLE_PRINT)
			print = &info->maps[i];
	gadget_info_set_print_map(info, print);
	/* a print_ map without a value type gives the runtime nothing to decode (a
	 * snapshotter may use the text protocol and declare no type) */
	if ((info->category == GADGET_CAT_TRACER || info->category == GADGET_CAT_TOPPER) &&
	    !info->event && !diag_list_count(a->diags, DIAG_ERROR))
		diag_add(a, DIAG_ERROR, NULL, 0, 0, "map '%s' declares no value type: add "
			 "__type(value, struct event) so the runtime can decode its records",
			 print ? print->name : "print_");
}

/*
 * IG's metadata: gadget.yaml over what the object says (descriptions, param
 * keys, field annotations), and what a wasm module would have done.
 */
static int analyze_ig_metadata(struct analysis *a)
{
	struct gadget_err err;

	if (a->opts->wasm)
		diag_add(a, DIAG_NOTE, NULL, 0, 0, "build.yaml names the wasm module '%s': not built "
			 "and not run (gadget has no wasm toolchain or runtime); the eBPF part runs "
			 "alone, without what the module adds (fields it computes or rewrites, its "
			 "params, events it drops)", a->opts->wasm);
	if (a->opts->yaml && gadget_yaml_apply(a->opts->yaml, a->info->datasource, a->info, &err))
		return -ENOMEM;
	return 0;
}

int validator_analyze(const void *obj, size_t len, const struct validate_opts *opts,
		      struct gadget_info **out, struct diag_list *diags,
		      struct gadget_err *err)
{
	static const struct validate_opts no_opts;
	struct analysis a = { .diags = diags, .opts = opts ? opts : &no_opts };
	int ret;

	*out = NULL;
	ret = analysis_open(&a, obj, len, err);
	if (!ret && !(a.info = calloc(1, sizeof(*a.info))))
		ret = -ENOMEM;
	if (!ret)
		ret = analyze_about(&a);
	if (!ret)
		ret = validator_read_markers(&a);
	if (!ret)
		ret = analyze_maps(&a);
	if (!ret)
		ret = analyze_progs(&a);
	if (!ret)
		ret = analyze_params(&a);
	if (!ret)
		ret = validator_packet_filters(&a);
	if (!ret) {
		validator_apply_markers(&a);
		analyze_category(&a);
		ret = analyze_ig_metadata(&a);
	}
	if (!ret) {
		ret = diag_list_count(diags, DIAG_ERROR) ? -EINVAL : 0;
	} else if (ret == -ENOMEM) {
		gadget_err_set(err, ENOMEM, "%s: out of memory", obj_path(&a));
	}
	bpf_object__close(a.obj);
	elf_scan_free(&a.elf);
	maps_fold_free(&a.fold);
	free(a.markers);
	if (ret && ret != -EINVAL) {
		gadget_info_free(a.info);
		return ret;
	}
	*out = a.info;
	return ret;
}
