// SPDX-License-Identifier: Apache-2.0
/* WWW-Authenticate challenges, token answers and OCI error bodies. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "packager/auth.h"

struct challenge_param {
	const char *name;
	size_t off;
	size_t size;
};

/* The auth-params we use; anything else (error="...", charset) is skipped. */
static const struct challenge_param challenge_params[] = {
	{ "realm",   offsetof(struct auth_challenge, realm),   sizeof(((struct auth_challenge *)0)->realm) },
	{ "service", offsetof(struct auth_challenge, service), sizeof(((struct auth_challenge *)0)->service) },
	{ "scope",   offsetof(struct auth_challenge, scope),   sizeof(((struct auth_challenge *)0)->scope) },
};

static const struct {
	const char *name;
	enum auth_scheme scheme;
} auth_schemes[] = {
	{ "Basic",  AUTH_BASIC },
	{ "Bearer", AUTH_BEARER },
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	return p;
}

/*
 * Read one auth-param value (RFC 7235 token or quoted-string) into dst,
 * truncating to dstlen; returns the position after it.
 */
static const char *read_value(const char *p, char *dst, size_t dstlen)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (dst && n + 1 < dstlen)
				dst[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ',' && *p != ' ' && *p != '\t'; p++)
			if (dst && n + 1 < dstlen)
				dst[n++] = *p;
	}
	if (dst && dstlen)
		dst[n] = '\0';
	return p;
}

int auth_parse_challenge(const char *hdr, struct auth_challenge *out)
{
	const char *p = hdr;
	size_t i, len;

	memset(out, 0, sizeof(*out));
	if (!hdr)
		return -EINVAL;
	while (*p == ' ' || *p == '\t')
		p++;
	for (len = 0; p[len] && !isspace((unsigned char)p[len]); len++)
		;
	for (i = 0; i < sizeof(auth_schemes) / sizeof(auth_schemes[0]); i++)
		if (strlen(auth_schemes[i].name) == len && !strncasecmp(p, auth_schemes[i].name, len))
			out->scheme = auth_schemes[i].scheme;
	if (out->scheme == AUTH_NONE)
		return -EINVAL;
	p = skip_ws(p + len);
	while (*p) {
		const char *name = p;
		char *dst = NULL;
		size_t dstlen = 0;

		while (*p && *p != '=' && *p != ',' && *p != ' ')
			p++;
		len = p - name;
		if (*p != '=') {	/* token68 or junk: skip it */
			p = skip_ws(p);
			continue;
		}
		for (i = 0; i < sizeof(challenge_params) / sizeof(challenge_params[0]); i++) {
			if (strlen(challenge_params[i].name) == len &&
			    !strncasecmp(name, challenge_params[i].name, len)) {
				dst = (char *)out + challenge_params[i].off;
				dstlen = challenge_params[i].size;
			}
		}
		p = skip_ws(read_value(p + 1, dst, dstlen));
	}
	if (out->scheme == AUTH_BEARER && !out->realm[0])
		return -EINVAL;
	return 0;
}

int auth_parse_token(const char *body, size_t len, char **token, struct gadget_err *err)
{
	static const char *const keys[] = { "token", "access_token" };
	json_error_t jerr;
	json_t *root;
	size_t i;

	*token = NULL;
	root = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		return gadget_err_set(err, EPROTO, "token server: answer is not a JSON object");
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !*token; i++) {
		const char *s = json_string_value(json_object_get(root, keys[i]));

		if (s && *s)
			*token = strdup(s);
	}
	json_decref(root);
	if (!*token)
		return gadget_err_set(err, EPROTO, "token server: answer has no token");
	return 0;
}

size_t auth_format_oci_error(const char *body, size_t len, char *buf, size_t buflen)
{
	json_t *root, *errors, *e;
	size_t i, n = 0;

	if (!buflen)
		return 0;
	buf[0] = '\0';
	root = body ? json_loadb(body, len, 0, NULL) : NULL;
	errors = json_object_get(root, "errors");
	json_array_foreach(errors, i, e) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		json_t *detail = json_object_get(e, "detail");
		char *dtext = NULL;
		int w;

		if (!code)
			continue;
		/* detail is free-form JSON; show it compactly when it says something. */
		if (detail && !json_is_null(detail))
			dtext = json_is_string(detail) ? strdup(json_string_value(detail))
						       : json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		w = snprintf(buf + n, buflen - n, "%s%s%s%s%s%s%s", n ? "; " : "", code,
			     msg && *msg ? ": " : "", msg ? msg : "",
			     dtext && *dtext ? " (" : "", dtext && *dtext ? dtext : "",
			     dtext && *dtext ? ")" : "");
		free(dtext);
		if (w < 0)
			break;
		n += (size_t)w;
		if (n >= buflen) {
			n = buflen - 1;
			break;
		}
	}
	json_decref(root);
	return n;
}
