/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_DOCKER_CONFIG_H
#define GADGET_PACKAGER_DOCKER_CONFIG_H

/*
 * Credentials the way the container world keeps them: Docker's config.json
 * ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), "auths" entries
 * holding base64("user:password"), and credential helpers ("credsStore" for
 * all registries, "credHelpers" per registry) spoken to through the
 * docker-credential-<name> get/store/erase protocol (docker-credential-helpers
 * README: server URL on stdin, JSON {Username, Secret} on stdout).
 * skopeo, podman, crane and docker all read the same file.
 */
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"

struct docker_creds {
	char *username;
	char *secret;		/* password or identity token; never printed */
};

/* Path of config.json into buf. */
int docker_config_path(char *buf, size_t len);

/* Lookup in an already parsed config (unit-testable); -ENOENT if none. */
int docker_config_lookup_json(const json_t *cfg, const char *registry,
			      struct docker_creds *out, struct gadget_err *err);
/* Load config.json (helpers included); -ENOENT when no credentials. */
int docker_config_lookup(const char *registry, struct docker_creds *out, struct gadget_err *err);
int docker_config_store(const char *registry, const char *user, const char *secret,
			struct gadget_err *err);
int docker_config_erase(const char *registry, struct gadget_err *err);

/* Zero the secret and free both strings. */
void docker_config_creds_clear(struct docker_creds *c);

#endif
