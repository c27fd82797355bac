/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_CLI_H
#define GADGET_CLI_H

/*
 * The command table and what every command shares.  A command returns the
 * process exit code: 0 success, 1 a user-facing error (printed once), 2 bad
 * usage (one message).  Machine output goes to stdout, diagnostics to
 * stderr.  Each command is a struct cli_command (cli/options.h): its
 * option table, operands and what it runs.
 */
#include "base/err.h"

#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_USAGE	2

/* Print "gadget: error: <msg>" (or a located "file:line:col: ..." as is); returns EXIT_ERROR. */
int cli_fail(const struct gadget_err *err);
/* Print "gadget CMD: error: <msg> (see 'gadget help CMD')"; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A private key's passphrase: $GADGET_KEY_PASSWORD, else $COSIGN_PASSWORD; NULL: none. */
const char *cli_key_passphrase(void);

struct cli_command;
extern const struct cli_command cmd_init, cmd_build, cmd_validate, cmd_run, cmd_images, cmd_tag,
	cmd_rmi, cmd_inspect, cmd_export, cmd_import, cmd_store, cmd_key, cmd_sign, cmd_verify,
	cmd_login, cmd_logout, cmd_push, cmd_pull, cmd_completion, cmd_complete, cmd_help,
	cmd_version;

#endif
