// SPDX-License-Identifier: Apache-2.0
/* Placeholder until the stage lands; replaced by its owner. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_key(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: key is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_sign(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: sign is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: verify is not implemented yet\n");
	return EXIT_ERROR;
}
