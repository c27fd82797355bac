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

#include "validator/analysis.h"
#include "validator/btf_walk.h"
#include "validator/kernel_feature.h"
#include "validator/srcloc.h"

/*
 * Walk a type the runtime must decode; on failure point at the member
 * line inside the type's declaration when the source is at hand.
 */
static int walk_or_diag(struct analysis *a, __u32 type_id, struct gadget_type **out)
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

static enum map_role map_role_of(struct bpf_map *m)
{
	return bpf_map__is_internal(m) ? MAP_ROLE_INTERNAL : map_role_of_name(bpf_map__name(m));
}

static int analyze_maps(struct analysis *a)
{
	struct gadget_info *info = a->info;
	struct bpf_map *m;
	unsigned int n = 0;

	bpf_object__for_each_map(m, a->obj)
		n++;
	info->maps = calloc(n ? n : 1, sizeof(*info->maps));
	if (!info->maps)
		return -ENOMEM;
	bpf_object__for_each_map(m, a->obj) {
		struct gadget_map *gm = &info->maps[info->nr_maps++];

		gm->name = strdup(bpf_map__name(m));
		gm->type = bpf_map__type(m);
		gm->role = map_role_of(m);
		gm->key_size = bpf_map__key_size(m);
		gm->value_size = bpf_map__value_size(m);
		gm->max_entries = bpf_map__max_entries(m);
		if (gm->role == MAP_ROLE_INTERNAL)
			continue;
		if (!map_role_def(gm->role)->ours)
			validator_check_name_len(a, "map", gm->name);
		walk_or_diag(a, bpf_map__btf_key_type_id(m), &gm->key);
		walk_or_diag(a, bpf_map__btf_value_type_id(m), &gm->value);
	}
	return 0;
}

/* The "<iter>_output" variable in .rodata, if any. */
static __u32 find_output_var(struct analysis *a, const char *name)
{
	int id = btf__find_by_name_kind(a->btf, name, BTF_KIND_VAR);

	return id > 0 ? btf__type_by_id(a->btf, id)->type : 0;
}

static int analyze_progs(struct analysis *a)
{
	struct gadget_info *info = a->info;
	struct bpf_program *p;
	unsigned int n = 0;

	bpf_object__for_each_program(p, a->obj)
		n++;
	info->progs = calloc(n ? n : 1, sizeof(*info->progs));
	if (!info->progs)
		return -ENOMEM;
	bpf_object__for_each_program(p, a->obj) {
		struct gadget_prog *gp = &info->progs[info->nr_progs++];
		const struct elf_prog_loc *loc = elf_scan_prog(&a->elf, bpf_program__name(p));
		const char *file = loc ? loc->file : NULL;
		unsigned int line = loc ? loc->line : 0, col = loc ? loc->col : 0;
		char why[512] = "", out_name[300];
		__u32 out_type;

		gp->name = strdup(bpf_program__name(p));
		gp->section = strdup(bpf_program__section_name(p));
		gp->def = progtype_find(gp->section);
		/* "./x.bpf.c" (clang run in the gadget folder) is kept as "x.bpf.c" */
		if (file)
			gp->src_file = strdup(strncmp(file, "./", 2) ? file : file + 2);
		gp->src_line = line;
		gp->src_col = col;
		validator_check_name_len(a, "program", gp->name);
		/*
		 * Line info starts at the first statement; a section problem is
		 * best shown at the SEC("...") above it when the source is here.
		 */
		if (file) {
			char path[PATH_MAX], needle[300];

			diag_src_path(a, file, path, sizeof(path));
			snprintf(needle, sizeof(needle), "SEC(\"%s\")", gp->section);
			srcloc_find(path, needle, 1, line, true, &line, &col);
		}

		if (!gp->def) {
			const char *hint = progtype_suggest(gp->section);

			gp->why_not = strdup("unknown section");
			if (hint)
				diag_add(a, DIAG_ERROR, file, line, col,
					 "section \"%s\" is not a known program type; did you mean \"%s\"?",
					 gp->section, hint);
			else
				diag_add(a, DIAG_ERROR, file, line, col,
					 "section \"%s\" is not a known program type ('gadget validate --program-types' lists them)",
					 gp->section);
			continue;
		}
		if (gp->def->note) {
			/* seed rows libbpf 1.1 cannot load at all: nothing will run this */
			gp->why_not = strdup(gp->def->note);
			diag_add(a, DIAG_ERROR, file, line, col, "section \"%s\" cannot be loaded: %s",
				 gp->section, gp->def->note);
			continue;
		}
		if (gp->def->target == TARGET_UNSUPPORTED) {
			snprintf(why, sizeof(why), "the gadget runtime does not attach %s programs", gp->def->sec);
		} else if (kernel_feature_probe(gp->def->feature, why, sizeof(why)) != 1) {
			if (!why[0])
				snprintf(why, sizeof(why), "%s could not be probed", kernel_feature_name(gp->def->feature));
		}
		gp->runnable = !why[0];
		if (!gp->runnable) {
			gp->why_not = strdup(why);
			diag_add(a, DIAG_WARNING, file, line, col,
				 "program '%s' (%s) builds and validates, but cannot run here: %s",
				 gp->name, gp->section, why);
		}
		if (!validator_license_is_gpl(info->license))
			validator_check_gpl_helpers(a, p, file, line, col);

		snprintf(out_name, sizeof(out_name), "%s_output", gp->name);
		out_type = find_output_var(a, out_name);
		if (out_type) {
			gp->output = strdup(out_name);
			walk_or_diag(a, out_type, &gp->output_type);
		}
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
		/* the type's size and the section's may disagree in a broken object */
		if (data && (uint64_t)vs->offset + gp->field.size <= data_len &&
		    gp->field.size <= vs->size)
			gp->default_value = value_text(&gp->field, (const char *)data + vs->offset);
		doc = a->opts->params_doc ? json_object_get(a->opts->params_doc, name) : NULL;
		if (doc && json_is_string(json_object_get(doc, "description")))
			gp->description = strdup(json_string_value(json_object_get(doc, "description")));
		info->nr_params++;
	}
	return 0;
}

/* The event the runtime prints, by category. */
static void pick_event(struct gadget_info *info)
{
	for (unsigned int i = 0; i < info->nr_maps; i++) {
		if (info->maps[i].role == MAP_ROLE_PRINT) {
			info->print_map = &info->maps[i];
			info->event = info->maps[i].value;
			if (info->category == GADGET_CAT_TOPPER)
				info->key = info->maps[i].key;
			return;
		}
	}
	for (unsigned int i = 0; i < info->nr_progs; i++) {
		if (info->progs[i].output_type) {
			info->event = info->progs[i].output_type;
			return;
		}
	}
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
		return gadget_err_set(err, ENOEXEC, "%s: malformed .BTF section: %s",
				      a->opts->obj_path ? a->opts->obj_path : "object",
				      strerror(errno));
	ret = btf_walk_check_refs(btf, err);
	btf__free(btf);
	if (ret) {
		gadget_err_prefix(err, "%s", a->opts->obj_path ? a->opts->obj_path : "object");
		err->errnum = ENOEXEC;
		return -ENOEXEC;
	}
	return 0;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int validator_analyze(const void *obj, size_t len, const struct validate_opts *opts,
		      struct gadget_info **out, struct diag_list *diags,
		      struct gadget_err *err)
{
	static const struct validate_opts no_opts;
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct analysis a = { .diags = diags };
	libbpf_print_fn_t old_print;
	char why[1024];
	int ret;

	*out = NULL;
	a.opts = opts ? opts : &no_opts;
	oopts.object_name = a.opts->name;
	/* -EINVAL means "analysed, with errors": an unreadable object is -ENOEXEC */
	ret = elf_scan(obj, len, &a.elf, err);
	if (ret == -EINVAL && err)
		err->errnum = ENOEXEC;
	if (ret)
		return ret == -EINVAL ? -ENOEXEC : ret;
	old_print = libbpf_set_print(quiet_print);
	ret = check_btf(&a, err);
	if (ret) {
		libbpf_set_print(old_print);
		elf_scan_free(&a.elf);
		return ret;
	}
	a.obj = bpf_object__open_mem(obj, len, &oopts);
	libbpf_set_print(old_print);
	if (!a.obj) {
		ret = errno == EINVAL || !errno ? -ENOEXEC : -errno;
		elf_scan_free(&a.elf);
		return gadget_err_set(err, ret, "%s: libbpf cannot open the object: %s",
				      a.opts->obj_path ? a.opts->obj_path : "object", strerror(-ret));
	}
	a.btf = bpf_object__btf(a.obj);
	a.info = calloc(1, sizeof(*a.info));
	if (!a.info) {
		ret = -ENOMEM;
		goto out;
	}
	if (!a.btf) {
		ret = gadget_err_set(err, ENOEXEC, "%s: the object has no BTF; compile with clang -g",
				     a.opts->obj_path ? a.opts->obj_path : "object");
		goto out;
	}
	a.info->name = strdup(a.opts->name ? a.opts->name : bpf_object__name(a.obj));
	if (a.opts->description)
		a.info->description = strdup(a.opts->description);
	if (a.elf.license)
		a.info->license = strdup(a.elf.license);
	else
		diag_add(&a, DIAG_WARNING, NULL, 0, 0, "no license: add "
			 "'char LICENSE[] SEC(\"license\") = \"GPL\";' (most helpers a gadget "
			 "needs are GPL-only)");

	ret = analyze_maps(&a);
	if (!ret)
		ret = analyze_progs(&a);
	if (!ret)
		ret = analyze_params(&a);
	if (ret)
		goto out;
	validator_check_outputs(&a);
	a.info->category = validator_category(a.info, why, sizeof(why));
	if (a.info->category == GADGET_CAT_UNKNOWN)
		diag_add(&a, DIAG_ERROR, NULL, 0, 0, "%s", why);
	pick_event(a.info);
	if ((a.info->category == GADGET_CAT_TRACER || a.info->category == GADGET_CAT_SNAPSHOTTER ||
	     a.info->category == GADGET_CAT_TOPPER) && !a.info->event && !diag_list_count(diags, DIAG_ERROR)) {
		/* A snapshotter may use the text protocol and declare no type; a
		 * print_ map without a value type gives the runtime nothing to decode. */
		if (a.info->category != GADGET_CAT_SNAPSHOTTER)
			diag_add(&a, DIAG_ERROR, NULL, 0, 0, "map '%s' declares no value type: add "
				 "__type(value, struct event) so the runtime can decode its records",
				 a.info->print_map ? a.info->print_map->name : "print_");
	}
	ret = diag_list_count(diags, DIAG_ERROR) ? -EINVAL : 0;
out:
	bpf_object__close(a.obj);
	elf_scan_free(&a.elf);
	if (ret && ret != -EINVAL) {
		gadget_info_free(a.info);
		return ret;
	}
	*out = a.info;
	return ret;
}
