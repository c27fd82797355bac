/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_CLI_RUN_INPUT_H
#define GADGET_CLI_RUN_INPUT_H

/* A gadget argument of run (image, object or folder) opened, and its analysis. */
#include <stdbool.h>

#include "base/err.h"
#include "info/gadget_info.h"
#include "packager/input.h"

struct run_input {
	struct gadget_input in;
	struct gadget_info *info;	/* images carry theirs (in.image->info) */
};

/*
 * o gives skip_verify, the pull policy, the allow list and the platform
 * (kinds and verify are run's: every kind, verified); {0}: the store only.
 */
int run_input_load(const char *arg, const struct gadget_input_opts *o, struct run_input *ri,
		   struct gadget_err *err);
void run_input_free(struct run_input *ri);

#endif
