// SPDX-License-Identifier: Apache-2.0
/* Placeholder until the stage lands; replaced by its owner. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_login(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: login is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_logout(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: logout is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_push(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: push is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_pull(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: pull is not implemented yet\n");
	return EXIT_ERROR;
}
