/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_USERS_H
#define GADGET_RUNTIME_USERS_H

/*
 * User and group names for gadget_uid / gadget_gid fields, the second
 * enrichment provider (ig's UidGidResolver): the names the host's
 * /etc/passwd and /etc/group give, read with glibc's fgetpwent_r and
 * fgetgrent_r.  Like ig, no NSS (LDAP, systemd's dynamic users) and no
 * container's own files: an id inside a container is named as the host
 * names it.  The files are read again when they change (looked at, at most,
 * once a second).
 *
 * Each gadget_uid field gets a computed column: for a member "<x>_raw" it
 * is "<x>", else "user" ("<member>_user" when that name is taken); the same
 * for gadget_gid with "group".  An id the file does not name reads "uid:N"
 * (or "gid:N").
 */
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct schema;
struct users;

/* passwd, group: NULL for /etc/passwd and /etc/group (tests point them elsewhere). */
int users_new(const char *passwd, const char *group, struct users **out, struct gadget_err *err);
void users_free(struct users *u);
/* Read both files again now (also done lazily when they change). */
int users_refresh(struct users *u);
/* The name of user uid (group: of group gid), NULL if the file has none. */
const char *users_lookup(struct users *u, bool group, uint32_t id);
/* Does s have a gadget_uid or gadget_gid column? */
bool users_schema_needs(const struct schema *s);
/* A name column for every gadget_uid/gadget_gid column of s; returns how many it added. */
int users_schema_attach(struct users *u, struct schema *s, struct gadget_err *err);

#endif
