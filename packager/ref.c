// SPDX-License-Identifier: Apache-2.0
/*
 * Image references, as docker/distribution's reference grammar has them:
 * "[registry[:port]/]repo[:tag][@sha256:<hex>]".  The first path component
 * is a registry only when it looks like a host (has a '.' or ':', or is
 * "localhost"); otherwise the whole name is a local repository.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "packager/store.h"

static bool looks_like_host(const char *s, size_t n)
{
	if (n == 9 && !strncmp(s, "localhost", 9))
		return true;
	return memchr(s, '.', n) || memchr(s, ':', n);
}

/* host[:port]: letters, digits, '.', '-' and an optional numeric port. */
static bool host_valid(const char *s)
{
	const char *colon = strchr(s, ':'), *p;

	if (colon && (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1)))
		return false;
	for (p = s; *p && p != colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return false;
	return p != s;
}

/* Repository components: lowercase alnum separated by '.', '_', "__", '-', '/'. */
static bool repo_valid(const char *s)
{
	const char *p;

	if (!*s || *s == '/' || s[strlen(s) - 1] == '/')
		return false;
	for (p = s; *p; p++) {
		if (islower((unsigned char)*p) || isdigit((unsigned char)*p))
			continue;
		if (strchr("._-/", *p) && p > s && p[-1] != '/')
			continue;
		return false;
	}
	return true;
}

/* Tags: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (distribution spec). */
static bool tag_valid(const char *s)
{
	size_t i;

	if (!*s || *s == '.' || *s == '-' || strlen(s) > 127)
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

int ref_parse(const char *s, struct oci_ref *out, struct gadget_err *err)
{
	char buf[768], *at, *slash, *colon, *name;

	memset(out, 0, sizeof(*out));
	if (!s || !*s || strlen(s) >= sizeof(buf))
		return gadget_err_set(err, EINVAL, "invalid image reference '%s'", s ? s : "");
	snprintf(buf, sizeof(buf), "%s", s);

	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		if (!oci_digest_valid(at))
			return gadget_err_set(err, EINVAL,
					      "invalid digest in reference '%s': want sha256:<64 lowercase hex>", s);
		memcpy(out->digest, at, strlen(at) + 1);	/* 71 chars, checked above */
	}
	name = buf;
	slash = strchr(name, '/');
	if (slash && looks_like_host(name, slash - name)) {
		if ((size_t)(slash - name) >= sizeof(out->registry))
			return gadget_err_set(err, EINVAL, "registry name too long in '%s'", s);
		memcpy(out->registry, name, slash - name);
		if (!host_valid(out->registry))
			return gadget_err_set(err, EINVAL, "invalid registry '%s' in '%s': want HOST[:PORT]",
					      out->registry, s);
		name = slash + 1;
	}
	/* A colon after the last '/' separates the tag (a registry port is already gone). */
	colon = strrchr(name, ':');
	if (colon && !strchr(colon, '/')) {
		*colon++ = '\0';
		if (!tag_valid(colon))
			return gadget_err_set(err, EINVAL, "invalid tag '%s' in reference '%s'", colon, s);
		memcpy(out->tag, colon, strlen(colon) + 1);	/* tag_valid() bounds it */
	}
	if (strlen(name) >= sizeof(out->repo) || !repo_valid(name))
		return gadget_err_set(err, EINVAL,
				      "invalid repository name '%s' in '%s': use lowercase letters, digits and . _ - /",
				      name, s);
	memcpy(out->repo, name, strlen(name) + 1);
	if (!out->tag[0] && !out->digest[0])
		snprintf(out->tag, sizeof(out->tag), "latest");
	return 0;
}

int ref_format(const struct oci_ref *r, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s%s%s%s%s%s%s", r->registry, r->registry[0] ? "/" : "", r->repo,
		     r->tag[0] ? ":" : "", r->tag, r->digest[0] ? "@" : "", r->digest);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
