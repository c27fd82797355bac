/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_CLI_H
#define GADGET_CLI_H

/*
 * The command table and what every command shares.  A cmd_*() returns the
 * process exit code: 0 success, 1 a user-facing error (printed once), 2 bad
 * usage.  Machine output goes to stdout, diagnostics to stderr.
 */
#include "base/err.h"

#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_USAGE	2

/*
 * What a command's option parser returns after printing --help: not an
 * argument index and not an error, the command then exits 0.  The parsers
 * return the index of the first argument, or minus an exit code.
 */
#define CLI_HELP_SHOWN (-1000)

/* A parser's negative return as the command's exit code. */
static inline int cli_parse_exit(int ret)
{
	return ret == CLI_HELP_SHOWN ? EXIT_OK : -ret;
}

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

extern const struct cmd cli_cmds[];

/* Print "gadget: error: <msg>" (or a located "file:line:col: ..." as is); returns EXIT_ERROR. */
int cli_fail(const struct gadget_err *err);
/* Print "gadget CMD: <msg>" and a hint to run "gadget help CMD"; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv has -h/--help before any "--". */
int cli_wants_help(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);

#endif
