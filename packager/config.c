// SPDX-License-Identifier: Apache-2.0
/* Default registry, mirrors and the allow list (see config.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/arch.h"
#include "packager/config.h"

static const char *config_file(char *buf, size_t len)
{
	const char *env = getenv("GADGET_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return env;	/* named explicitly: must exist */
	if (xdg && *xdg)
		snprintf(buf, len, "%s/gadget/config.json", xdg);
	else
		snprintf(buf, len, "%s/.config/gadget/config.json", home ? home : "");
	if (!access(buf, F_OK))
		return buf;
	return access("/etc/gadget/config.json", F_OK) ? NULL : "/etc/gadget/config.json";
}

static int add_mirror(struct packager_config *c, const char *reg, const char *mirror,
		      const char *where, struct gadget_err *err)
{
	if (!*reg || !*mirror || strchr(reg, '/') || strchr(mirror, '/'))
		return gadget_err_set(err, EINVAL, "%s: mirror '%s' -> '%s': both must be a "
				      "registry host[:port]", where, reg, mirror);
	if (c->nr_mirrors == PACKAGER_MAX_MIRRORS)
		return gadget_err_set(err, E2BIG, "%s: more than %d mirrors", where,
				      PACKAGER_MAX_MIRRORS);
	snprintf(c->mirrors[c->nr_mirrors].registry, sizeof(c->mirrors[0].registry), "%s", reg);
	snprintf(c->mirrors[c->nr_mirrors].mirror, sizeof(c->mirrors[0].mirror), "%s", mirror);
	c->nr_mirrors++;
	return 0;
}

static int add_allowed(struct packager_config *c, const char *entry, size_t n, const char *where,
		       struct gadget_err *err)
{
	if (!n)
		return gadget_err_set(err, EINVAL, "%s: an empty allow-list entry", where);
	if (c->nr_allowed == PACKAGER_MAX_ALLOWED)
		return gadget_err_set(err, E2BIG, "%s: more than %d allow-list entries", where,
				      PACKAGER_MAX_ALLOWED);
	snprintf(c->allowed[c->nr_allowed++], sizeof(c->allowed[0]), "%.*s", (int)n, entry);
	return 0;
}

static int config_read_file(struct packager_config *c, const char *path, struct gadget_err *err)
{
	static const char *const keys[] = { "defaultRegistry", "mirrors", "allowed" };
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *v;
	const char *k;
	size_t i;
	int ret = 0;

	if (!root)
		return gadget_err_set(err, EINVAL, "%s:%d:%d: error: %s", path, je.line, je.column,
				      je.text);
	snprintf(c->path, sizeof(c->path), "%s", path);
	json_object_foreach(root, k, v) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && strcmp(k, keys[i]); i++)
			;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			ret = gadget_err_set(err, EINVAL, "%s: error: unknown key \"%s\" (known: "
					     "defaultRegistry, mirrors, allowed)", path, k);
			break;
		}
	}
	if (!ret && (v = json_object_get(root, "defaultRegistry"))) {
		if (!json_is_string(v))
			ret = gadget_err_set(err, EINVAL, "%s: error: \"defaultRegistry\" is not a string", path);
		else
			snprintf(c->default_registry, sizeof(c->default_registry), "%s",
				 json_string_value(v));
	}
	json_object_foreach(json_object_get(root, "mirrors"), k, v) {
		if (ret)
			break;
		ret = json_is_string(v) ? add_mirror(c, k, json_string_value(v), path, err)
			: gadget_err_set(err, EINVAL, "%s: error: mirror of \"%s\" is not a string", path, k);
	}
	json_array_foreach(json_object_get(root, "allowed"), i, v) {
		if (ret)
			break;
		ret = json_is_string(v) ? add_allowed(c, json_string_value(v), strlen(json_string_value(v)),
						      path, err)
			: gadget_err_set(err, EINVAL, "%s: error: \"allowed\"[%zu] is not a string", path, i);
	}
	json_decref(root);
	return ret;
}

int packager_config_allow(struct packager_config *c, const char *list, bool append,
			  struct gadget_err *err)
{
	const char *p = list;
	size_t n;
	int ret = 0;

	if (!append)
		c->nr_allowed = 0;
	while (!ret && *p) {
		n = strcspn(p, ",");
		ret = add_allowed(c, p, n, "allow list", err);
		p += n + (p[n] == ',');
	}
	return ret;
}

/* GADGET_REGISTRY_MIRRORS="ghcr.io=127.0.0.1:5000,docker.io=m.example" */
static int mirrors_from_env(struct packager_config *c, const char *env, struct gadget_err *err)
{
	char item[600], *eq;
	size_t n;
	int ret = 0;

	c->nr_mirrors = 0;
	while (!ret && *env) {
		n = strcspn(env, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, env);
		eq = strchr(item, '=');
		if (!eq)
			return gadget_err_set(err, EINVAL, "GADGET_REGISTRY_MIRRORS: '%s' is not "
					      "REGISTRY=MIRROR", item);
		*eq = '\0';
		ret = add_mirror(c, item, eq + 1, "GADGET_REGISTRY_MIRRORS", err);
		env += n + (env[n] == ',');
	}
	return ret;
}

int packager_config_load(struct packager_config *c, struct gadget_err *err)
{
	char buf[PATH_MAX];
	const char *path = config_file(buf, sizeof(buf)), *env;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	if (path)
		ret = config_read_file(c, path, err);
	if (!ret && (env = getenv("GADGET_DEFAULT_REGISTRY")))
		snprintf(c->default_registry, sizeof(c->default_registry), "%s", env);
	if (!ret && (env = getenv("GADGET_REGISTRY_MIRRORS")))
		ret = mirrors_from_env(c, env, err);
	if (!ret && (env = getenv("GADGET_ALLOWED")))
		ret = packager_config_allow(c, env, false, err);
	/* "reg.example/team/" and "reg.example/team" mean the same prefix */
	while (!ret && c->default_registry[0] &&
	       c->default_registry[strlen(c->default_registry) - 1] == '/')
		c->default_registry[strlen(c->default_registry) - 1] = '\0';
	return ret;
}

int packager_config_qualify(struct store *st, const struct packager_config *c, const char *name,
		     char *out, size_t len, struct gadget_err *err)
{
	struct oci_descriptor d;
	struct oci_ref r;
	int ret = ref_parse(name, &r, err);

	if (ret)
		return ret;
	if (r.registry[0] || !c->default_registry[0] || !strncmp(name, "sha256:", 7) ||
	    !store_resolve(st, name, &d, NULL)) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	if ((size_t)snprintf(out, len, "%s/%s", c->default_registry, name) >= len)
		return gadget_err_set(err, ENAMETOOLONG, "%s/%s: reference too long",
				      c->default_registry, name);
	ret = ref_parse(out, &r, err);
	if (!ret && !r.registry[0])
		ret = gadget_err_set(err, EINVAL, "default registry '%s' does not start with a "
				     "registry host (host.example or host:port)", c->default_registry);
	return ret;
}

static bool allowed_one(const char *entry, const struct oci_ref *r, const char *canon,
			const char *digest)
{
	size_t n = strlen(entry);
	const char *at = strchr(entry, '@');
	char repo[600];

	if (n && entry[n - 1] == '*')
		return !strncmp(canon, entry, n - 1);
	if (at) {
		snprintf(repo, sizeof(repo), "%s%s%s", r->registry, r->registry[0] ? "/" : "", r->repo);
		return (size_t)(at - entry) == strlen(repo) && !strncmp(entry, repo, at - entry) &&
		       (!digest || !strcmp(at + 1, digest));
	}
	return !strcmp(canon, entry);
}

int packager_config_check_allowed(const struct packager_config *c, const char *ref, const char *digest,
			   struct gadget_err *err)
{
	char canon[800];
	struct oci_ref r;
	size_t i;
	int ret;

	if (!c->nr_allowed)
		return 0;
	ret = ref_parse(ref, &r, err);
	if (ret)
		return ret;
	if (ref_format(&r, canon, sizeof(canon)))
		return gadget_err_set(err, ENAMETOOLONG, "reference too long");
	for (i = 0; i < c->nr_allowed; i++)
		if (allowed_one(c->allowed[i], &r, canon, digest))
			return 0;
	return gadget_err_set(err, EPERM, "refusing to run %s%s%s%s: the allow list (%s%s) names "
			      "neither the reference nor the digest", canon, digest ? " (" : "",
			      digest ? digest : "", digest ? ")" : "", c->allowed[0],
			      c->nr_allowed > 1 ? ", ..." : "");
}

static const char *mirror_of(const struct packager_config *c, const char *registry)
{
	for (size_t i = 0; c && i < c->nr_mirrors; i++)
		if (!strcmp(c->mirrors[i].registry, registry))
			return c->mirrors[i].mirror;
	return NULL;
}

int packager_config_pull(struct store *st, const struct packager_config *c, const char *ref,
		  const struct registry_opts *o, struct registry_stats *stats,
		  struct gadget_err *err)
{
	struct registry_opts mo = *o;
	struct gadget_err merr = { 0 };
	const char *mirror;
	struct oci_ref r;
	int ret = ref_parse(ref, &r, err);

	if (ret)
		return ret;
	mirror = mirror_of(c, r.registry);
	if (!mirror)
		return registry_pull(st, ref, o, stats, err);
	/* docker's registry-mirrors: the mirror first, the registry itself when it fails */
	mo.endpoint = mirror;
	ret = registry_pull(st, ref, &mo, stats, &merr);
	if (!ret)
		return 0;
	if (o->warn) {
		char msg[sizeof(merr.msg) + 1024];

		snprintf(msg, sizeof(msg), "mirror %s of %s failed (%.*s); pulling from %s", mirror,
			 r.registry, (int)sizeof(merr.msg), merr.msg, r.registry);
		o->warn(msg);
	}
	return registry_pull(st, ref, o, stats, err);
}

