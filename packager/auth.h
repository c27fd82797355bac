/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_AUTH_H
#define GADGET_PACKAGER_AUTH_H

/*
 * Registry authentication, the parsing half: the WWW-Authenticate challenge
 * a registry answers 401 with (RFC 7235; Docker's token flow, "Token
 * Authentication Specification": Bearer realm="...",service="...",scope="..."),
 * the token server's JSON answer, and the OCI error body every failed
 * distribution-spec request carries ("Error Codes": {"errors":[{"code",
 * "message","detail"}]}).  Pure functions over bytes: fuzzed and unit-tested.
 */
#include <stddef.h>

#include "base/err.h"

enum auth_scheme {
	AUTH_NONE,
	AUTH_BASIC,
	AUTH_BEARER,
};

struct auth_challenge {
	enum auth_scheme scheme;
	char realm[1024];
	char service[256];
	char scope[512];
};

/* Parse one WWW-Authenticate header value; -EINVAL if not Basic/Bearer. */
int auth_parse_challenge(const char *hdr, struct auth_challenge *out);

/* Token server answer: "token" or "access_token"; *token is malloc'ed. */
int auth_parse_token(const char *body, size_t len, char **token, struct gadget_err *err);

/*
 * Render an OCI error body as "CODE: message (detail)" joined by "; ".
 * Returns the length written, 0 when body is not an OCI error document.
 */
size_t auth_format_oci_error(const char *body, size_t len, char *buf, size_t buflen);

#endif
