// SPDX-License-Identifier: Apache-2.0
/* Placeholder until the stage lands; replaced by its owner. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: validate is not implemented yet\n");
	return EXIT_ERROR;
}
