// SPDX-License-Identifier: Apache-2.0
/* Docker's config.json and docker-credential-* helpers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/file.h"
#include "packager/docker_config.h"

#define HELPER_OUT_MAX (64 * 1024)

int docker_config_path(char *buf, size_t len)
{
	const char *dir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	int n;

	if (dir && *dir)
		n = snprintf(buf, len, "%s/config.json", dir);
	else
		n = snprintf(buf, len, "%s/.docker/config.json", home && *home ? home : "/root");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void docker_config_creds_clear(struct docker_creds *c)
{
	if (c->secret)
		OPENSSL_cleanse(c->secret, strlen(c->secret));
	free(c->secret);
	free(c->username);
	c->secret = c->username = NULL;
}

/*
 * The keys docker itself may have used for a registry: the bare host, and
 * for Docker Hub the legacy "https://index.docker.io/v1/" URL.
 */
static json_t *auths_entry(const json_t *auths, const char *registry)
{
	const char *key;
	json_t *v;
	char want[300];

	v = json_object_get(auths, registry);
	if (v)
		return v;
	snprintf(want, sizeof(want), "https://%s", registry);
	json_object_foreach((json_t *)auths, key, v) {
		size_t n = strlen(want);

		if (!strncmp(key, want, n) && (key[n] == '\0' || key[n] == '/'))
			return v;
		if (!strncmp(key, registry, strlen(registry)) && key[strlen(registry)] == '/')
			return v;
	}
	return NULL;
}

static int decode_auth(const char *b64, struct docker_creds *out, struct gadget_err *err)
{
	size_t len = strlen(b64);
	unsigned char *raw = malloc(len / 4 * 3 + 4);
	char *colon;
	int n;

	if (!raw)
		return gadget_err_set(err, ENOMEM, "out of memory");
	n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	if (n < 0) {
		free(raw);
		return gadget_err_set(err, EINVAL, "docker config: an \"auth\" entry is not base64");
	}
	/* EVP_DecodeBlock counts '=' padding as zero bytes. */
	while (len && b64[len - 1] == '=') {
		len--;
		n--;
	}
	raw[n] = '\0';
	colon = strchr((char *)raw, ':');
	if (!colon) {
		OPENSSL_cleanse(raw, n);
		free(raw);
		return gadget_err_set(err, EINVAL, "docker config: an \"auth\" entry is not user:password");
	}
	*colon = '\0';
	out->username = strdup((char *)raw);
	out->secret = strdup(colon + 1);
	OPENSSL_cleanse(raw, n);
	free(raw);
	return out->username && out->secret ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/*
 * Run docker-credential-<helper> <action>, feed it input and collect its
 * stdout (bounded).  The helper's stderr passes through: it's the user's
 * tool talking to the user.
 */
static int helper_run(const char *helper, const char *action, const char *input,
		      char **output, int *status, struct gadget_err *err)
{
	int in[2], outp[2];
	char prog[PATH_MAX];
	size_t n = 0, cap = 4096;
	char *buf;
	pid_t pid;
	ssize_t r;

	snprintf(prog, sizeof(prog), "docker-credential-%s", helper);
	if (pipe2(in, O_CLOEXEC) || pipe2(outp, O_CLOEXEC))
		return gadget_err_set(err, errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return gadget_err_set(err, errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		execlp(prog, prog, action, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], input, strlen(input)) < 0) {
		/* the helper may exit early; its status says why */
	}
	close(in[1]);
	buf = malloc(cap);
	while (buf && (r = read(outp[0], buf + n, cap - n - 1)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = cap < HELPER_OUT_MAX ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(outp[0]);
	waitpid(pid, status, 0);
	if (!buf)
		return gadget_err_set(err, ENOMEM, "out of memory");
	buf[n] = '\0';
	*output = buf;
	if (WIFEXITED(*status) && WEXITSTATUS(*status) == 127)
		return gadget_err_set(err, ENOENT, "credential helper %s not found in PATH", prog);
	return 0;
}

static int helper_get(const char *helper, const char *registry, struct docker_creds *out,
		      struct gadget_err *err)
{
	char *text = NULL;
	json_t *root;
	int status, ret;

	ret = helper_run(helper, "get", registry, &text, &status, err);
	if (ret)
		return ret;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* "credentials not found in native keychain" is the protocol's miss */
		OPENSSL_cleanse(text, strlen(text));
		free(text);
		return -ENOENT;
	}
	root = json_loads(text, 0, NULL);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (json_is_object(root)) {
		const char *u = json_string_value(json_object_get(root, "Username"));
		const char *s = json_string_value(json_object_get(root, "Secret"));

		if (s && *s) {
			out->username = strdup(u ? u : "");
			out->secret = strdup(s);
		}
	}
	json_decref(root);
	if (!out->secret)
		return gadget_err_set(err, EPROTO, "docker-credential-%s: unexpected answer", helper);
	return 0;
}

static const char *helper_for(const json_t *cfg, const char *registry)
{
	const char *h = json_string_value(json_object_get(json_object_get(cfg, "credHelpers"),
							  registry));

	return h ? h : json_string_value(json_object_get(cfg, "credsStore"));
}

int docker_config_lookup_json(const json_t *cfg, const char *registry,
			      struct docker_creds *out, struct gadget_err *err)
{
	const char *helper = helper_for(cfg, registry);
	json_t *e;
	const char *a;

	memset(out, 0, sizeof(*out));
	if (helper && *helper) {
		int ret = helper_get(helper, registry, out, err);

		if (ret != -ENOENT)
			return ret;
	}
	e = auths_entry(json_object_get(cfg, "auths"), registry);
	if (!e)
		return -ENOENT;
	a = json_string_value(json_object_get(e, "auth"));
	if (a && *a)
		return decode_auth(a, out, err);
	a = json_string_value(json_object_get(e, "identitytoken"));
	if (a && *a) {
		out->username = strdup("<token>");
		out->secret = strdup(a);
		return 0;
	}
	return -ENOENT;
}

static int config_load(json_t **out, struct gadget_err *err)
{
	char path[PATH_MAX];
	json_error_t jerr;

	*out = NULL;
	if (docker_config_path(path, sizeof(path)))
		return gadget_err_set(err, ENAMETOOLONG, "docker config path too long");
	if (access(path, F_OK)) {
		*out = json_object();
		return 0;
	}
	*out = json_load_file(path, 0, &jerr);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return gadget_err_set(err, EINVAL, "%s:%d:%d: error: %s", path, jerr.line,
				      jerr.column, jerr.text);
	}
	return 0;
}

int docker_config_lookup(const char *registry, struct docker_creds *out, struct gadget_err *err)
{
	json_t *cfg;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = config_load(&cfg, err);
	if (ret)
		return ret;
	ret = docker_config_lookup_json(cfg, registry, out, err);
	json_decref(cfg);
	return ret;
}

/* Write config.json 0600 through a mkstemp() temp file and rename. */
static int config_save(json_t *cfg, struct gadget_err *err)
{
	static const struct file_write_opts o = { .mode = 0600, .durable = true };
	char path[PATH_MAX], dir[PATH_MAX], *slash, *text;
	size_t n;
	int ret;

	docker_config_path(path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	text = json_dumps(cfg, JSON_INDENT(1) | JSON_SORT_KEYS);
	n = text ? strlen(text) : 0;
	if (!text || !(slash = realloc(text, n + 2))) {
		free(text);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	text = slash;
	memcpy(text + n, "\n", 2);
	ret = file_write_atomic_opts(path, text, n + 1, &o, err);
	/* the file holds secrets: wipe the copy */
	OPENSSL_cleanse(text, n);
	free(text);
	return ret;
}

int docker_config_store(const char *registry, const char *user, const char *secret,
			struct gadget_err *err)
{
	const char *helper;
	json_t *cfg, *auths;
	int ret;

	ret = config_load(&cfg, err);
	if (ret)
		return ret;
	helper = helper_for(cfg, registry);
	if (helper && *helper) {
		json_t *in = json_pack("{ssssss}", "ServerURL", registry, "Username", user,
				       "Secret", secret);
		char *text = json_dumps(in, JSON_COMPACT), *outp = NULL;
		int status;

		json_decref(in);
		ret = text ? helper_run(helper, "store", text, &outp, &status, err)
			   : gadget_err_set(err, ENOMEM, "out of memory");
		if (text)
			OPENSSL_cleanse(text, strlen(text));
		free(text);
		free(outp);
		if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))
			ret = gadget_err_set(err, EIO, "docker-credential-%s store failed", helper);
		if (!ret) {
			/* docker records an empty entry so "auths" lists the registry */
			auths = json_object_get(cfg, "auths");
			if (!auths)
				json_object_set_new(cfg, "auths", auths = json_object());
			json_object_set_new(auths, registry, json_object());
			ret = config_save(cfg, err);
		}
	} else {
		size_t ulen = strlen(user), slen = strlen(secret);
		size_t rawlen = ulen + 1 + slen;
		char *raw = malloc(rawlen + 1);
		char *b64 = malloc(4 * ((rawlen + 2) / 3) + 1);

		if (!raw || !b64) {
			free(raw);
			free(b64);
			json_decref(cfg);
			return gadget_err_set(err, ENOMEM, "out of memory");
		}
		snprintf(raw, rawlen + 1, "%s:%s", user, secret);
		EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)raw, (int)rawlen);
		auths = json_object_get(cfg, "auths");
		if (!auths)
			json_object_set_new(cfg, "auths", auths = json_object());
		json_object_set_new(auths, registry, json_pack("{ss}", "auth", b64));
		ret = config_save(cfg, err);
		OPENSSL_cleanse(raw, rawlen);
		OPENSSL_cleanse(b64, strlen(b64));
		free(raw);
		free(b64);
	}
	json_decref(cfg);
	return ret;
}

int docker_config_erase(const char *registry, struct gadget_err *err)
{
	const char *helper;
	json_t *cfg, *auths;
	int ret, found = 0;

	ret = config_load(&cfg, err);
	if (ret)
		return ret;
	helper = helper_for(cfg, registry);
	if (helper && *helper) {
		char *outp = NULL;
		int status;

		if (!helper_run(helper, "erase", registry, &outp, &status, NULL) &&
		    WIFEXITED(status) && !WEXITSTATUS(status))
			found = 1;
		free(outp);
	}
	auths = json_object_get(cfg, "auths");
	if (auths_entry(auths, registry)) {
		const char *key;
		json_t *v;
		void *tmp;

		json_object_foreach_safe(auths, tmp, key, v)
			if (v == auths_entry(auths, registry))
				json_object_del(auths, key);
		found = 1;
		ret = config_save(cfg, err);
	}
	json_decref(cfg);
	if (!ret && !found)
		return gadget_err_set(err, ENOENT, "not logged in to %s", registry);
	return ret;
}
