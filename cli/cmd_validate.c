// SPDX-License-Identifier: Apache-2.0
/* gadget validate FILE.o|DIR: the validator stage on its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "base/text.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "compiler/compiler.h"
#include "info/gadget_info_text.h"
#include "packager/input.h"
#include "runtime/printer.h"
#include "validator/kernel_feature.h"
#include "validator/validator.h"

/* An object's strings on the terminal: anyone's bytes (base/text.h). */
#define SAFE(s, buf) text_printable((s), false, (buf), sizeof(buf))

struct validate_args {
	const char *output;
	bool json;
	bool types;
	bool werror;
	const char *path;
};

static const struct cli_option validate_options[] = {
	OPT_CHOICE('o', "output", struct validate_args, output, OUTPUT_NAMES,
		   "columns (the summary, default), or one document\n"
		   "{\"gadget\": {...}, \"diagnostics\": [...]} on stdout in\n"
		   "json, jsonpretty or yaml (\"gadget\" is what images carry)"),
	OPT_BOOL(0, "json", struct validate_args, json, "the same as -o jsonpretty"),
	OPT_BOOL(0, "werror", struct validate_args, werror, "treat warnings as errors"),
	OPT_BOOL(0, "program-types", struct validate_args, types,
		 "list the known SEC() names: program type, attach type, what\n"
		 "the runtime attaches it to, and whether this kernel can run it"),
	OPT_END(),
};

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

static int print_doc(enum output_kind kind, const struct gadget_info *info,
		     const struct diag_list *diags)
{
	json_t *j = json_object();
	int ret;

	json_object_set_new(j, "gadget", info ? gadget_info_to_json(info) : json_null());
	json_object_set_new(j, "diagnostics", diag_list_to_json(diags));
	ret = output_doc(kind, j, stdout);
	json_decref(j);
	return ret;
}

/* Analyse the object (or folder) at a->path; info and diags get what it found. */
static int analyse(const struct validate_args *a, struct gadget_input *in,
		   struct gadget_info **info, struct diag_list *diags, struct gadget_err *err)
{
	struct gadget_input_opts io = { .kinds = GADGET_INPUT_FOLDER | GADGET_INPUT_OBJECT };
	struct validate_opts vo = { .werror = a->werror, .obj_path = a->path };
	int ret;

	/* A folder is built the way `gadget build` does, with its build file's metadata. */
	ret = gadget_input_open(a->path, &io, in, err);
	if (ret)
		return ret;
	return gadget_input_analyze(in, &vo, info, diags, err);
}

static int run_validate(void *args, char **operands, int n)
{
	struct validate_args *a = args;
	struct gadget_info *info = NULL;
	struct gadget_input in = {};
	struct diag_list diags = {};
	struct gadget_err err = {};
	enum output_kind kind = OUTPUT_COLUMNS;
	int ret;

	if (a->types && !n) {
		print_program_types();
		return EXIT_OK;
	}
	if (!n)
		return cli_usage_error("validate", "missing FILE.o or DIR");
	a->path = operands[0];
	if (a->json)
		kind = OUTPUT_JSONPRETTY;
	if (a->output)
		printer_kind_parse(a->output, &kind);
	ret = analyse(a, &in, &info, &diags, &err);
	if (ret && (ret != -EINVAL || !info)) {
		ret = cli_fail(&err);
		/* scripts reading a document get one even when nothing could be analysed */
		if (kind != OUTPUT_COLUMNS) {
			struct diag d = { .level = DIAG_ERROR, .file = (char *)a->path, .msg = err.msg };
			struct diag_list one = { .v = &d, .n = 1 };

			print_doc(kind, NULL, &one);
		}
		goto out;
	}
	diag_list_print(&diags, stderr);
	if (kind != OUTPUT_COLUMNS)
		print_doc(kind, info, &diags);
	else if (info)
		gadget_info_print(info, GADGET_INFO_VIEW_FULL, stdout);
	ret = ret ? EXIT_ERROR : EXIT_OK;
out:
	gadget_info_free(info);
	diag_list_free(&diags);
	gadget_input_close(&in);
	return ret;
}

const struct cli_command cmd_validate = {
	.name = "validate",
	.summary = "analyse a gadget object or folder",
	.synopsis = "FILE.o|DIR",
	.description =
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
"size, kind) and params.\n",
	.footer =
"Exit status: 0 valid (warnings allowed), 1 errors found or the input cannot\n"
"be read, 2 bad usage.  'gadget validate --program-types' lists the table.\n",
	.opts = validate_options,
	.args_size = sizeof(struct validate_args),
	.min_operands = 0, .max_operands = 1,
	.operand = CPL_GADGET,
	.run = run_validate,
};
