// SPDX-License-Identifier: Apache-2.0
/* Placeholder until the stage lands; replaced by its owner. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_images(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: images is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_tag(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: tag is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_rmi(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: rmi is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: inspect is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: export is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: import is not implemented yet\n");
	return EXIT_ERROR;
}

int cmd_store(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gadget: error: store is not implemented yet\n");
	return EXIT_ERROR;
}
