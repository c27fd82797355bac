// SPDX-License-Identifier: Apache-2.0
/* Placeholder until the stage lands; replaced by its owner. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_build(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: build is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: init is not implemented yet\n");
	return EXIT_ERROR;
}
