// SPDX-License-Identifier: Apache-2.0
/* gadget build: compile, validate and (with -t) package. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "base/file.h"
#include "compiler/compiler.h"
#include "compiler/provenance.h"
#include "packager/input.h"
#include "packager/packager.h"
#include "packager/store.h"
#include "validator/validator.h"

#define MAX_ARCHS 4

struct build_args {
	const char *output;
	struct cli_list tags;
	struct cli_list arch_lists;	/* --arch a,b (repeatable) */
	struct cli_list platform_lists;	/* --platform linux/a,linux/b (repeatable) */
	const char *image_format;	/* NULL: the build file's, else ours */
	bool werror, verbose, no_cache, no_pch, attest;
	unsigned long long jobs;
	/* from the operand and arch_lists */
	const char *dir;
	char *archs[MAX_ARCHS];
	unsigned int nr_archs;
};

static const struct cli_option build_options[] = {
	OPT_STRING('o', "output", struct build_args, output, "FILE.o",
		   "write the object here (default: DIR/NAME.o, NAME from\n"
		   "gadget.json or the folder name); with several\n"
		   "architectures, FILE.<arch>.o each", .complete = CPL_FILE),
	OPT_LIST('t', "tag", struct build_args, tags, "REF",
		 "also pack the objects into the local store as REF\n"
		 "(repeat it: every name given is kept)", .complete = CPL_IMAGE),
	OPT_LIST(0, "arch", struct build_args, arch_lists, "LIST",
		 "comma-separated architectures (amd64, arm64; default:\n"
		 "this machine's, or the build file's \"arch\")"),
	OPT_LIST(0, "platform", struct build_args, platform_lists, "LIST",
		 "--arch written linux/amd64,linux/arm64"),
	OPT_CHOICE(0, "image-format", struct build_args, image_format, "gadget,ig",
		   "the image's layout with -t: gadget (default) or ig\n"
		   "(Inspektor Gadget's, gadget.yaml config; the build\n"
		   "file's \"imageFormat\")"),
	OPT_BOOL(0, "attest", struct build_args, attest,
		 "with -t: record in the image what its attestations need\n"
		 "(sources and their digests, build file, cflags, arches,\n"
		 "bpf-headers digest, clang/libbpf/bpftool, the programs'\n"
		 "sections); 'push --attest' signs and attaches them"),
	OPT_BOOL(0, "werror", struct build_args, werror, "treat validator warnings as errors"),
	OPT_BOOL('v', "verbose", struct build_args, verbose,
		 "print the clang command lines, cache and precompiled\nheader decisions"),
	OPT_UINT('j', "jobs", struct build_args, jobs, "N", 1, 1024,
		 "clang runs at once (default: one per CPU); every source\n"
		 "of every architecture compiles in parallel"),
	OPT_BOOL(0, "no-cache", struct build_args, no_cache,
		 "neither read nor write the build cache (nor a PCH)"),
	OPT_BOOL(0, "no-pch", struct build_args, no_pch,
		 "neither use nor make a precompiled header"),
	OPT_END(),
};

static int parse_archs(struct build_args *a, char *list)
{
	char *save = NULL;

	for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (!compiler_arch_known(s))
			return cli_usage_error("build", "unknown architecture '%s' (known: amd64, arm64)", s);
		for (unsigned int i = 0; i < a->nr_archs; i++)
			if (!strcmp(a->archs[i], s))
				return cli_usage_error("build", "architecture '%s' given twice", s);
		if (a->nr_archs == MAX_ARCHS)
			return cli_usage_error("build", "too many architectures");
		a->archs[a->nr_archs++] = s;
	}
	return 0;
}

/* linux/amd64,linux/arm64 -> amd64,arm64 in place: --arch as docker writes it. */
static int platforms_to_archs(char *list)
{
	char *r = list, *w = list;

	while (*r) {
		if (strncmp(r, "linux/", 6))
			return cli_usage_error("build", "--platform: expected linux/ARCH[,linux/ARCH], "
					       "not '%s'", r);
		for (r += 6; *r && *r != ','; )
			*w++ = *r++;
		if (*r)
			*w++ = *r++;
	}
	*w = '\0';
	return 0;
}

static int build_args_finish(struct build_args *a, char **operands, int n)
{
	int ret;

	a->dir = n ? operands[0] : ".";
	for (unsigned int i = 0; i < a->platform_lists.n; i++) {
		ret = platforms_to_archs(a->platform_lists.v[i]) ?:
		      parse_archs(a, a->platform_lists.v[i]);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < a->arch_lists.n; i++) {
		ret = parse_archs(a, a->arch_lists.v[i]);
		if (ret)
			return ret;
	}
	if (a->attest && !a->tags.n)
		return cli_usage_error("build", "--attest records the build in the image: give -t REF");
	if ((a->arch_lists.n || a->platform_lists.n) && !a->nr_archs)
		return cli_usage_error("build", "--arch needs a list such as amd64,arm64");
	/* every name is checked before anything compiles */
	for (unsigned int i = 0; i < a->tags.n; i++) {
		struct gadget_err err = {};
		struct oci_ref r;

		if (ref_parse(a->tags.v[i], &r, &err))
			return cli_usage_error("build", "-t %s: %s", a->tags.v[i], err.msg);
	}
	return 0;
}

/* One architecture's result on its way to the disk and the store. */
struct arch_build {
	const char *arch;
	struct build_result res;
	struct gadget_info *info;
	char path[PATH_MAX];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int build_validate(const struct build_spec *spec, const struct build_args *a,
			  struct arch_build *ab, struct gadget_err *err)
{
	struct validate_opts vo = { .obj_path = ab->path, .werror = a->werror };
	struct diag_list diags = {};
	int ret;

	ret = gadget_input_analyze_object(ab->res.obj, ab->res.len, spec, &vo, &ab->info, &diags, err);
	diag_list_print(&diags, stderr);
	if (ret == -EINVAL && !err->msg[0])
		gadget_err_set(err, EINVAL, "%s (%s): validation failed with %d error(s); nothing written",
			       spec->name, ab->arch, diag_list_count(&diags, DIAG_ERROR) +
			       (a->werror ? diag_list_count(&diags, DIAG_WARNING) : 0));
	diag_list_free(&diags);
	return ret;
}

static void output_path(const struct build_spec *spec, const struct build_args *a,
			const char *arch, bool multi, char *buf, size_t len)
{
	if (a->output && !multi)
		snprintf(buf, len, "%s", a->output);
	else if (a->output) {
		size_t n = strlen(a->output);
		int stem = n > 2 && !strcmp(a->output + n - 2, ".o") ? (int)n - 2 : (int)n;

		snprintf(buf, len, "%.*s.%s.o", stem, a->output, arch);
	} else if (multi)
		snprintf(buf, len, "%s/%s.%s.o", spec->dir, spec->name, arch);
	else
		snprintf(buf, len, "%s/%s.o", spec->dir, spec->name);
}

/* Pack once under the first name; every other -t names the same image. */
static int build_pack(const struct build_spec *spec, const struct build_args *a,
		      struct arch_build *abs, unsigned int n, struct gadget_err *err)
{
	const struct cli_list *tags = &a->tags;
	const char *format = a->image_format ? a->image_format : spec->image_format;
	struct pack_object objs[MAX_ARCHS];
	struct pack_meta meta = {
		.title = spec->name,
		.description = spec->description,
		.annotations = spec->annotations,
		.yaml = spec->yaml,
	};
	struct oci_descriptor d;
	json_t *facts = NULL;
	struct store *st;
	int ret;

	if (format && image_format_parse(format, &meta.format, err))
		return -EINVAL;
	if (a->attest) {
		ret = compiler_build_facts(spec, (const char *const *)a->archs, n, &facts, err);
		if (ret)
			return ret;
		meta.build_facts = facts;
	}

	for (unsigned int i = 0; i < n; i++)
		objs[i] = (struct pack_object){ abs[i].arch, abs[i].res.obj, abs[i].res.len, abs[i].info };
	ret = store_open(NULL, &st, err);
	if (!ret) {
		ret = packager_pack(st, tags->v[0], objs, n, &meta, &d, err);
		for (unsigned int i = 1; i < tags->n && !ret; i++)
			ret = store_tag(st, tags->v[i], &d, err);
		store_close(st);
	}
	json_decref(facts);
	return ret;
}

/* The build file's architectures (checked by compiler_load_spec), else this machine's. */
static void default_archs(struct build_args *a, const struct build_spec *spec)
{
	for (unsigned int i = 0; i < spec->nr_archs && a->nr_archs < MAX_ARCHS; i++)
		a->archs[a->nr_archs++] = spec->archs[i];
	if (!a->nr_archs)
		a->archs[a->nr_archs++] = (char *)compiler_host_arch();
}

/* Compile every architecture and validate each; nothing is written yet. */
static int build_all(const struct build_spec *spec, const struct build_args *a,
		     struct arch_build *abs, bool *all_cached, struct gadget_err *err)
{
	struct build_opts bo = { .verbose = a->verbose, .no_cache = a->no_cache,
				 .no_pch = a->no_pch, .jobs = a->jobs };
	struct build_result results[MAX_ARCHS];
	const char *archs[MAX_ARCHS];
	unsigned int n = a->nr_archs;
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		abs[i].arch = a->archs[i];
		output_path(spec, a, abs[i].arch, n > 1, abs[i].path, sizeof(abs[i].path));
		archs[i] = a->archs[i];
	}
	ret = compiler_build_archs(spec, &bo, archs, n, results, err);
	if (ret)
		return ret;
	*all_cached = true;
	for (unsigned int i = 0; i < n; i++) {
		abs[i].res = results[i];
		*all_cached &= abs[i].res.cache_hit;
	}
	for (unsigned int i = 0; i < n && !ret; i++)
		ret = build_validate(spec, a, &abs[i], err);
	return ret;
}

/* Everything validated: only now touch the disk and the store. */
static int build_write(const struct build_spec *spec, const struct build_args *a,
		       struct arch_build *abs, struct gadget_err *err)
{
	int ret = 0;

	for (unsigned int i = 0; i < a->nr_archs && !ret; i++)
		ret = file_write_atomic(abs[i].path, abs[i].res.obj, abs[i].res.len, err);
	if (!ret && a->tags.n)
		ret = build_pack(spec, a, abs, a->nr_archs, err);
	return ret;
}

static int run_build(void *args, char **operands, int nr)
{
	struct build_args *a = args;
	struct arch_build abs[MAX_ARCHS] = {};
	struct build_spec *spec = NULL;
	struct gadget_err err = {};
	double t0 = now();
	bool all_cached = false;
	unsigned int progs;
	int ret;

	ret = build_args_finish(a, operands, nr);
	if (ret)
		return ret;
	if (compiler_load_spec(a->dir, &spec, &err))
		return cli_fail(&err);
	if (!a->nr_archs)
		default_archs(a, spec);
	ret = build_all(spec, a, abs, &all_cached, &err) ?: build_write(spec, a, abs, &err);
	if (ret) {
		ret = cli_fail(&err);
		goto out;
	}
	progs = abs[0].info->nr_progs;
	fprintf(stderr, "built %s (%s, %u program%s) -> %s%s in %.2fs%s\n", spec->name,
		gadget_category_name(abs[0].info->category), progs, progs == 1 ? "" : "s",
		abs[0].path, a->nr_archs > 1 ? " ..." : "", now() - t0,
		a->no_cache ? "" : all_cached ? " [cached]" : "");
	for (unsigned int i = 0; i < a->tags.n; i++)
		fprintf(stderr, "tagged %s\n", a->tags.v[i]);
out:
	for (unsigned int i = 0; i < a->nr_archs; i++) {
		build_result_free(&abs[i].res);
		gadget_info_free(abs[i].info);
	}
	build_spec_free(spec);
	return ret;
}

const struct cli_command cmd_build = {
	.name = "build",
	.summary = "compile, validate and (with -t) package a gadget",
	.synopsis = "[DIR]",
	.description =
"Compile the gadget in DIR (default: .): every *.bpf.c, or the \"sources\"\n"
"of its build file gadget.json, with clang -target bpf, link them into one\n"
"object with libbpf's linker (DWARF dropped, BTF kept), validate it as\n"
"'gadget validate' does, and write it.  Same inputs give the same bytes.\n",
	.footer =
"Unchanged rebuilds come from the cache ($GADGET_CACHE_DIR, else\n"
"$XDG_CACHE_HOME/gadget, else ~/.cache/gadget), keyed by the clang version,\n"
"its arguments, the sources and every header they include.  Edited sources\n"
"compile against a precompiled header of vmlinux.h and libbpf's headers,\n"
"kept in the same cache and made in the background by the first build that\n"
"can use it (the object is the same with or without it).  The cache keeps\n"
"to $GADGET_CACHE_MAX_SIZE (default 1G), least recently used first.\n"
"\n"
"Exit status: 0 built, 1 compile/validation/IO error (nothing written),\n"
"2 bad usage.\n",
	.opts = build_options,
	.args_size = sizeof(struct build_args),
	.min_operands = 0, .max_operands = 1,
	.operand = CPL_DIR,
	.run = run_build,
};
