// SPDX-License-Identifier: Apache-2.0
/* gadget: build, package, sign, ship and run eBPF gadgets. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "cli/cli.h"

#ifndef GADGET_VERSION
#define GADGET_VERSION "0.0.0-dev"
#endif

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

const struct cmd cli_cmds[] = {
	{ "init",	cmd_init,	"scaffold a new gadget from a template" },
	{ "build",	cmd_build,	"compile, validate and (with -t) package a gadget" },
	{ "validate",	cmd_validate,	"analyse a gadget object or folder" },
	{ "run",	cmd_run,	"load a gadget and show its events, tables or snapshots" },
	{ "images",	cmd_images,	"list the images in the local store" },
	{ "tag",	cmd_tag,	"give an image another name" },
	{ "rmi",	cmd_rmi,	"remove an image from the local store" },
	{ "inspect",	cmd_inspect,	"show an image's manifest, config and metadata" },
	{ "export",	cmd_export,	"write an image to a tar file (OCI layout)" },
	{ "import",	cmd_import,	"load images from a tar file (OCI layout)" },
	{ "store",	cmd_store,	"check and repair the local store" },
	{ "key",	cmd_key,	"generate a signing key pair" },
	{ "sign",	cmd_sign,	"sign an image (cosign format)" },
	{ "verify",	cmd_verify,	"verify an image's signature" },
	{ "login",	cmd_login,	"store credentials for a registry" },
	{ "logout",	cmd_logout,	"remove credentials for a registry" },
	{ "push",	cmd_push,	"upload an image to a registry" },
	{ "pull",	cmd_pull,	"download an image from a registry" },
	{ "help",	cmd_help,	"show help for a command" },
	{ "version",	cmd_version,	"print the version" },
	{ NULL, NULL, NULL },
};

static const struct cmd *cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = cli_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "Usage: gadget [--version] [--help] COMMAND [ARGS]\n\n"
		   "Build, package, sign, ship and run eBPF gadgets.\n\nCommands:\n");
	for (c = cli_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'gadget help COMMAND' or 'gadget COMMAND --help' for a command's options.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char help[] = "--help";
	char *args[] = { NULL, help, NULL };

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c || c->fn == cmd_help || c->fn == cmd_version)
		return c ? (usage(stdout), EXIT_OK)
			 : cli_usage_error("help", "unknown command '%s'", argv[1]);
	args[0] = argv[1];
	return c->fn(2, args);
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("gadget %s\n", GADGET_VERSION);
	return EXIT_OK;
}

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

	fprintf(stderr, "gadget %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'gadget help %s'.\n", cmd);
	return EXIT_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "gadget: '%s' is not a gadget command. See 'gadget --help'.\n", argv[1]);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
