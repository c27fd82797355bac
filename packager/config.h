/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_CONFIG_H
#define GADGET_PACKAGER_CONFIG_H

/*
 * Where images come from and which may run, set once for a user or a host:
 * the first of $GADGET_CONFIG, $XDG_CONFIG_HOME/gadget/config.json
 * (~/.config/gadget/config.json), /etc/gadget/config.json that exists:
 *
 *   { "defaultRegistry": "ghcr.io/inspektor-gadget/gadget",
 *     "mirrors": { "ghcr.io": "mirror.example:5000" },
 *     "allowed": [ "ghcr.io/inspektor-gadget/<star>", "reg.example/x@sha256:..." ] }
 *
 * (<star> stands for "*": a prefix.)
 *
 * Environment variables override the file: GADGET_DEFAULT_REGISTRY,
 * GADGET_REGISTRY_MIRRORS ("REGISTRY=MIRROR,..."), GADGET_ALLOWED ("A,B");
 * command-line options (--allowed) override both.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "packager/registry.h"
#include "packager/store.h"

#define PACKAGER_MAX_MIRRORS 16
#define PACKAGER_MAX_ALLOWED 64

struct packager_config {
	char path[4096];		/* the file read, "" when none */
	char default_registry[512];	/* "host[:port][/repo-prefix]", "" when none */
	struct {
		char registry[256], mirror[256];
	} mirrors[PACKAGER_MAX_MIRRORS];
	size_t nr_mirrors;
	char allowed[PACKAGER_MAX_ALLOWED][512];
	size_t nr_allowed;
};

int packager_config_load(struct packager_config *c, struct gadget_err *err);
/* Replace the allow list with a comma-separated one (--allowed A,B; repeatable: append). */
int packager_config_allow(struct packager_config *c, const char *list, bool append,
			  struct gadget_err *err);

/*
 * The reference a name stands for: a short name ("trace_open:v1", no
 * registry) that the store does not have is looked for under the default
 * registry ("ghcr.io/inspektor-gadget/gadget/trace_open:v1").  out gets
 * name itself otherwise.
 */
int packager_config_qualify(struct store *st, const struct packager_config *c, const char *name,
		     char *out, size_t len, struct gadget_err *err);

/*
 * The allow list (when not empty) on an image about to run: one entry must
 * match the reference (canonical form, "registry/repo:tag"): "PREFIX*"
 * a prefix of it, "REPO@sha256:<hex>" its repository and the digest it
 * resolved to, anything else the whole of it.  digest NULL: could the name
 * pass at all (checked before pulling, so nothing refused is fetched)?
 */
int packager_config_check_allowed(const struct packager_config *c, const char *ref, const char *digest,
			   struct gadget_err *err);

/* Pull ref through its registry's mirror first (falling back to it), tagged as ref. */
int packager_config_pull(struct store *st, const struct packager_config *c, const char *ref,
		  const struct registry_opts *o, struct registry_stats *stats,
		  struct gadget_err *err);

#endif
