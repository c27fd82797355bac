// SPDX-License-Identifier: Apache-2.0
/* gadget: build, package, sign, ship and run eBPF gadgets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>

#include "base/text.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "compiler/provenance.h"

#ifndef GADGET_VERSION
#define GADGET_VERSION "0.0.0-dev"
#endif

/* One row per command, in the order `gadget --help` lists them. */
const struct cli_command *const cli_commands[] = {
	&cmd_init, &cmd_build, &cmd_validate, &cmd_run, &cmd_images, &cmd_tag, &cmd_rmi,
	&cmd_inspect, &cmd_export, &cmd_import, &cmd_store, &cmd_key, &cmd_sign, &cmd_verify,
	&cmd_login, &cmd_logout, &cmd_push, &cmd_pull, &cmd_completion, &cmd_help, &cmd_version,
	&cmd_complete,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: gadget [--version] [--help] COMMAND [ARGS]\n\n"
		   "Build, package, sign, ship and run eBPF gadgets.\n\nCommands:\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++)
		if (!(*c)->hidden)
			fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\nRun 'gadget help COMMAND' or 'gadget COMMAND --help' for a command's options.\n");
}

/* Every command's name, comma-separated, for did-you-mean. */
static void command_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (const struct cli_command *const *c = cli_commands; *c && n < len; c++)
		n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", (*c)->name);
}

static int unknown_command(const char *name)
{
	char names[512], near[64];

	command_names(names, sizeof(names));
	if (cli_suggest(name, names, near, sizeof(near)))
		fprintf(stderr, "gadget: '%s' is not a gadget command; did you mean '%s'? "
			"See 'gadget --help'.\n", name, near);
	else
		fprintf(stderr, "gadget: '%s' is not a gadget command. See 'gadget --help'.\n", name);
	return EXIT_USAGE;
}

struct help_args {
	bool man;
};

static const struct cli_option help_options[] = {
	OPT_BOOL(0, "man", struct help_args, man, "print the man page (roff) instead"),
	OPT_END(),
};

static int run_help(void *args, char **operands, int n)
{
	struct help_args *a = args;
	const struct cli_command *c = n ? cli_command_find(operands[0]) : NULL;

	if (n && !c)
		return unknown_command(operands[0]);
	if (a->man)
		return cli_man_print(c, stdout) ? EXIT_ERROR : EXIT_OK;
	if (c)
		cli_usage_print(c, stdout);
	else
		usage(stdout);
	return EXIT_OK;
}

const struct cli_command cmd_help = {
	.name = "help",
	.summary = "show help for a command",
	.synopsis = "[COMMAND]",
	.description = "Show a command's options (as 'gadget COMMAND --help' does), or the list\n"
		       "of commands.  --man prints the man page: gadget(1) without COMMAND,\n"
		       "gadget-COMMAND(1) with it.\n",
	.opts = help_options,
	.args_size = sizeof(struct help_args),
	.min_operands = 0, .max_operands = 1,
	.run = run_help,
};

static int run_version(void *args, char **operands, int n)
{
	struct utsname u;
	char clang[128];

	(void)args;
	(void)operands;
	(void)n;
	printf("gadget %s\n", GADGET_VERSION);
	printf("libbpf %s\n", libbpf_version_string());
	printf("%s\n", compiler_clang_version(clang, sizeof(clang), NULL) ? "clang: not found" : clang);
	if (!uname(&u))
		printf("kernel %s %s\n", u.release, u.machine);
	return EXIT_OK;
}

const struct cli_command cmd_version = {
	.name = "version",
	.summary = "print the version, and the libbpf, clang and kernel it runs with",
	.synopsis = "",
	.args_size = 0,
	.min_operands = 0, .max_operands = 0,
	.run = run_version,
};

int cli_fail(const struct gadget_err *err)
{
	/* messages quote registries, images and objects: nothing in them drives the terminal */
	static char msg[GADGET_ERR_MSG_MAX];

	if (!err || !err->msg[0])
		fprintf(stderr, "gadget: error: %s\n", "unknown error");
	else if (err->located)
		fprintf(stderr, "%s\n", text_printable(err->msg, true, msg, sizeof(msg)));
	else
		fprintf(stderr, "gadget: error: %s\n", text_printable(err->msg, true, msg, sizeof(msg)));
	return EXIT_ERROR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gadget %s: error: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'gadget help %s')\n", cmd);
	return EXIT_USAGE;
}

/* Parse argv for c, then run it (or print its help). */
static int dispatch(const struct cli_command *c, int argc, char **argv)
{
	void *args = calloc(1, c->args_size ? c->args_size : 1);
	char **ops = NULL;
	bool help;
	int n = 0, ret;

	if (!args)
		return cli_usage_error(c->name, "out of memory");
	ret = cli_parse(c, argc, argv, args, &ops, &n, &help);
	if (!ret && help) {
		cli_usage_print(c, stdout);
		if (c->help_extra && n)
			ret = c->help_extra(args, ops, n);
	} else if (!ret) {
		ret = c->run(args, ops, n);
	}
	cli_args_free(c, args);
	free(args);
	free(ops);
	return ret;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return dispatch(&cmd_version, 1, argv + 1);
	c = cli_command_find(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	return dispatch(c, argc - 1, argv + 1);
}
