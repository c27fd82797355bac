// SPDX-License-Identifier: Apache-2.0
/* gadget validate FILE.o|DIR: the validator stage on its own. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "base/text.h"
#include "cli/cli.h"
#include "compiler/compiler.h"
#include "info/gadget_info_text.h"
#include "packager/input.h"
#include "validator/kernel_feature.h"
#include "validator/validator.h"

/* An object's strings on the terminal: anyone's bytes (base/text.h). */
#define SAFE(s, buf) text_printable((s), false, (buf), sizeof(buf))

static const char validate_usage[] =
"Usage: gadget validate [--json] [--werror] FILE.o|DIR\n"
"       gadget validate --program-types\n"
"\n"
"Analyse a compiled gadget object (FILE.o) or build the gadget folder DIR\n"
"(its *.bpf.c and optional gadget.json) and analyse the result, as\n"
"'gadget build' does before packaging.\n"
"\n"
"Checks, reported as FILE:LINE:COL: error|warning: MESSAGE on stderr:\n"
"  - every program's SEC() is a known program type (with a did-you-mean);\n"
"  - programs this kernel cannot run (no kprobes, trampolines, BPF LSM...)\n"
"    are warnings naming the missing kernel feature;\n"
"  - the gadget's category can be told: a print_ ring buffer or perf event\n"
"    array (tracer), a print_ hash or array (topper), an iter/ program\n"
"    (snapshotter), counter_/gauge_/hist_ maps (metrics);\n"
"  - event, key and output types can be decoded (no pointers, no flexible\n"
"    arrays);\n"
"  - every <prog>_output variable is referenced by a program;\n"
"  - a license is present, and GPL-only helpers are not called under a\n"
"    non-GPL license;\n"
"  - program and map names fit the 15 characters the kernel keeps.\n"
"\n"
"Then prints a summary on stdout: name, category, programs (section,\n"
"program type, whether it can run here), maps, event fields (offset,\n"
"size, kind) and params.\n"
"\n"
"Options:\n"
"  --json        print one JSON object {\"gadget\": {...}, \"diagnostics\": [...]}\n"
"                on stdout instead (the \"gadget\" object is what images carry)\n"
"  --werror      treat warnings as errors\n"
"  --program-types\n"
"                list the known SEC() names: program type, attach type, what\n"
"                the runtime attaches it to, and whether this kernel can run it\n"
"  -h, --help    show this help\n"
"\n"
"Exit status: 0 valid (warnings allowed), 1 errors found or the input cannot\n"
"be read, 2 bad usage.\n";

struct validate_args {
	bool json;
	bool types;
	bool werror;
	const char *path;
};

static const struct option validate_opts_long[] = {
	{ "json",   no_argument, NULL, 'j' },
	{ "werror", no_argument, NULL, 'W' },
	{ "program-types", no_argument, NULL, 'T' },
	{ "help",   no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int validate_parse(int argc, char **argv, struct validate_args *a)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", validate_opts_long, NULL)) != -1) {
		switch (c) {
		case 'j': a->json = true; break;
		case 'W': a->werror = true; break;
		case 'T': a->types = true; break;
		case 'h': fputs(validate_usage, stdout); return EXIT_OK;
		default:
			return cli_usage_error("validate", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (a->types && argc == optind)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error("validate", argc == optind ? "missing FILE.o or DIR"
				       : "too many arguments");
	a->path = argv[optind];
	return -1;
}

/* The program-type table as users see it; "/" marks a prefix row. */
static void print_program_types(void)
{
	printf("%-24s %-38s %-32s %-16s %s\n", "SECTION", "PROGRAM TYPE", "ATTACH TYPE", "TARGET",
	       "HERE");
	for (unsigned int i = 0; i < progtype_count; i++) {
		const struct prog_type_def *d = &progtype_table[i];
		const char *at = d->attach_type ? libbpf_bpf_attach_type_str(d->attach_type) : NULL;
		char sec[64], why[512] = "";
		bool ok = !d->note && d->target != TARGET_UNSUPPORTED &&
			  kernel_feature_probe(d->feature, why, sizeof(why)) == 1;

		snprintf(sec, sizeof(sec), "%s%s", d->sec, d->prefix ? "/" : "");
		printf("%-24s %-38s %-32s %-16s %s\n", sec, d->prog_type_name, at ? at : "-",
		       prog_target_name(d->target), ok ? "yes" : "no");
	}
}

static int print_json(const struct gadget_info *info, const struct diag_list *diags)
{
	json_t *j = json_object();
	char *s;

	json_object_set_new(j, "gadget", info ? gadget_info_to_json(info) : json_null());
	json_object_set_new(j, "diagnostics", diag_list_to_json(diags));
	s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	if (!s)
		return -ENOMEM;
	printf("%s\n", s);
	free(s);
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	struct gadget_input_opts io = { .kinds = GADGET_INPUT_FOLDER | GADGET_INPUT_OBJECT };
	struct validate_args a = {};
	struct validate_opts vo = {};
	struct gadget_input in = {};
	struct gadget_info *info = NULL;
	struct diag_list diags = {};
	struct gadget_err err = {};
	int ret;

	ret = validate_parse(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (a.types) {
		print_program_types();
		return EXIT_OK;
	}
	vo.werror = a.werror;
	/* A folder is built the way `gadget build` does, with its build file's metadata. */
	ret = gadget_input_open(a.path, &io, &in, &err);
	if (ret)
		goto fail;
	vo.obj_path = a.path;
	vo.name = in.name[0] ? in.name : NULL;
	if (in.spec) {
		vo.src_dir = in.spec->dir;
		vo.description = in.spec->description;
		vo.params_doc = in.spec->params;
		vo.yaml = in.spec->yaml;
		vo.wasm = in.spec->wasm;
	}
	ret = validator_analyze(in.obj, in.len, &vo, &info, &diags, &err);
	if (ret && (ret != -EINVAL || !info))
		goto fail;
	diag_list_print(&diags, stderr);
	if (a.json)
		print_json(info, &diags);
	else if (info)
		gadget_info_print(info, GADGET_INFO_VIEW_FULL, stdout);
	ret = ret ? EXIT_ERROR : EXIT_OK;
	goto out;
fail:
	ret = cli_fail(&err);
	/* scripts reading --json get an object even when nothing could be analysed */
	if (a.json) {
		struct diag d = { .level = DIAG_ERROR, .file = (char *)a.path, .msg = err.msg };
		struct diag_list one = { .v = &d, .n = 1 };

		print_json(NULL, &one);
	}
out:
	gadget_info_free(info);
	diag_list_free(&diags);
	gadget_input_close(&in);
	return ret;
}
