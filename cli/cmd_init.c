// SPDX-License-Identifier: Apache-2.0
/* gadget init: a new gadget folder from a template (compiler/scaffold.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "compiler/scaffold.h"

struct init_args {
	const char *type;
	const char *dir;
};

static const struct cli_option init_options[] = {
	OPT_CHOICE(0, "type", struct init_args, type, SCAFFOLD_TYPES,
		   "the template (default: tracer)"),
	OPT_STRING(0, "dir", struct init_args, dir, "PATH", "the folder to create (default: ./NAME)",
		   .complete = CPL_DIR),
	OPT_END(),
};

static int run_init(void *args, char **operands, int n)
{
	struct init_args *a = args;
	const char *name = operands[0];
	struct gadget_err err = {};

	(void)n;
	if (!scaffold_name_valid(name))
		return cli_usage_error("init", "invalid name '%s': use lower-case letters, digits, "
				       "'_', '-', '.', starting with a letter or digit", name);
	if (!a->type)
		a->type = "tracer";
	if (!a->dir)
		a->dir = name;
	if (scaffold_create(a->type, name, a->dir, &err))
		return cli_fail(&err);
	fprintf(stderr, "created %s gadget %s in %s/ (build it: gadget build %s)\n", a->type, name,
		a->dir, a->dir);
	return EXIT_OK;
}

const struct cli_command cmd_init = {
	.name = "init",
	.summary = "scaffold a new gadget from a template",
	.synopsis = "NAME",
	.description =
"Create a new gadget folder (PATH, default ./NAME) from a template: a\n"
"program, a gadget.json build file and a README.  Build it with\n"
"'gadget build NAME'.  An existing non-empty folder is never touched.\n"
"\n"
"Templates (all run on kernels without kprobes):\n"
"  tracer       one event per openat(2) (tracepoint), the default\n"
"  topper       read/write calls and bytes per process (tracepoints)\n"
"  snapshotter  the running processes (iter/task)\n"
"\n"
"NAME: lower-case letters, digits, '_', '-' and '.', starting with a letter\n"
"or digit (it becomes the image name).\n",
	.opts = init_options,
	.args_size = sizeof(struct init_args),
	.min_operands = 1, .max_operands = 1,
	.run = run_init,
};
