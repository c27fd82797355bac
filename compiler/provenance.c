// SPDX-License-Identifier: Apache-2.0
/* The build facts the attestations are made of (provenance.h). */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <openssl/evp.h>

#include "base/array.h"
#include "base/file.h"
#include "base/sha256.h"
#include "compiler/clang.h"
#include "compiler/provenance.h"

#ifndef GADGET_VERSION
#define GADGET_VERSION "0.0.0-dev"
#endif

int compiler_clang_version(char *buf, size_t len, struct gadget_err *err)
{
	char path[PATH_MAX];

	return clang_find(path, sizeof(path), err) ?: exe_first_line(path, "--version", buf, len, err);
}

/*
 * {"name", "sha256", "sha1"} of dir/name.  SPDX 2.3 wants a file's SHA1
 * (clause 8.4: "the SHA1 algorithm shall be used ... by default"); SLSA and
 * every check here use the SHA-256.
 */
static int file_entry(const char *dir, const char *name, json_t **out, struct gadget_err *err)
{
	unsigned char sha1[EVP_MAX_MD_SIZE];
	char path[PATH_MAX + 256], h256[SHA256_HEX_LEN], h1[2 * 20 + 1];
	unsigned int n1 = 0;
	void *data;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = file_read(path, &data, &len, err);
	if (ret)
		return ret;
	ret = sha256_hex(data, len, h256);
	if (!ret && EVP_Digest(data, len, sha1, &n1, EVP_sha1(), NULL) != 1)
		ret = -EIO;
	free(data);
	if (ret)
		return gadget_err_set(err, EIO, "%s: cannot hash it", path);
	hex_encode(sha1, n1, h1);
	*out = json_pack("{s:s, s:s, s:s}", "name", name, "sha256", h256, "sha1", h1);
	return *out ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/* The build file that shaped this build: ours, else Inspektor Gadget's; NULL: none. */
static const char *build_file_name(const struct build_spec *spec)
{
	static const char *const names[] = { BUILD_FILE_NAME, "build.yaml" };
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", spec->dir, names[i]);
		if (!access(path, R_OK))
			return names[i];
	}
	return NULL;
}

/* ---- the headers digest ------------------------------------------------ */

struct path_list {
	char **v;
	size_t n;
};

/* Every regular file under root/rel, as a path relative to root (no symlinks followed). */
static int collect(const char *root, const char *rel, struct path_list *l)
{
	char dir[PATH_MAX * 2], sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (de->d_type == DT_DIR)
			ret = collect(root, sub, l);
		else if (de->d_type == DT_REG && !array_grow(l->v, l->n) && (l->v[l->n] = strdup(sub)))
			l->n++;
		else if (de->d_type == DT_REG)
			ret = -ENOMEM;
	}
	closedir(d);
	return ret;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One "<hex>  <path>\n" line of sha256sum's listing per file, in byte order. */
static int hash_listing(const char *dir, char **paths, size_t n, struct sha256 *h,
			struct gadget_err *err)
{
	char path[PATH_MAX * 2], hex[SHA256_HEX_LEN];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, paths[i]);
		if (sha256_file_hex(path, hex))
			return gadget_err_set(err, EIO, "%s: cannot hash it", path);
		sha256_update(h, hex, strlen(hex));
		sha256_update(h, "  ", 2);
		sha256_update(h, paths[i], strlen(paths[i]));
		sha256_update(h, "\n", 1);
	}
	return 0;
}

int compiler_headers_digest(const char *dir, char *out, size_t len, struct gadget_err *err)
{
	struct path_list l = { 0 };
	char hex[SHA256_HEX_LEN];
	struct sha256 h;
	int ret = collect(dir, "", &l);

	if (ret)
		ret = gadget_err_set(err, -ret, "%s: cannot list it: %s", dir, strerror(-ret));
	qsort(l.v, l.n, sizeof(*l.v), cmp_path);
	if (!ret && sha256_init(&h))
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	if (!ret) {
		ret = hash_listing(dir, l.v, l.n, &h, err);
		if (ret)
			sha256_abort(&h);
		else
			sha256_final_hex(&h, hex);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	if (!ret)
		snprintf(out, len, "sha256:%s", hex);
	return ret;
}

/* ---- the facts --------------------------------------------------------- */

static json_t *str_array(char *const *v, unsigned int n)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* What ran: clang, libbpf (linked in), bpftool (on $PATH, when there is one). */
static int tool_facts(json_t *f, struct gadget_err *err)
{
	char line[512], path[PATH_MAX], search[PATH_MAX * 2];
	const char *env = getenv("PATH");
	int ret = compiler_clang_version(line, sizeof(line), err);

	if (ret)
		return ret;
	json_object_set_new(f, "clang", json_string(line));
	json_object_set_new(f, "libbpf", json_string(libbpf_version_string()));
	/* Debian installs bpftool in /usr/sbin, outside most users' PATH */
	snprintf(search, sizeof(search), "%s:/usr/sbin:/sbin", env ? env : "/usr/bin:/bin");
	if (!exe_find("bpftool", search, path, sizeof(path)) &&
	    !exe_first_line(path, "version", line, sizeof(line), NULL)) {
		size_t n = strlen(path);
		/* it names itself by argv[0]: "/usr/sbin/bpftool v7.1.0" */
		const char *v = strncmp(line, path, n) ? line : line + n + (line[n] == ' ');

		json_object_set_new(f, "bpftool", json_string(v));
	}
	return 0;
}

static int source_facts(const struct build_spec *spec, json_t *f, struct gadget_err *err)
{
	const char *bf = build_file_name(spec);
	json_t *srcs = json_array(), *e;
	int ret = 0;

	json_object_set_new(f, "sources", srcs);
	for (unsigned int i = 0; !ret && i < spec->nr_sources; i++) {
		ret = file_entry(spec->dir, spec->sources[i], &e, err);
		if (!ret)
			json_array_append_new(srcs, e);
	}
	if (!ret && bf) {
		ret = file_entry(spec->dir, bf, &e, err);
		if (!ret)
			json_object_set_new(f, "buildFile", e);
	}
	return ret;
}

int compiler_build_facts(const struct build_spec *spec, const char *const *archs, unsigned int n,
			 json_t **out, struct gadget_err *err)
{
	char dir[PATH_MAX], digest[80];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	json_t *f = json_object();
	int ret;

	json_object_set_new(f, "gadget", json_string(GADGET_VERSION));
	json_object_set_new(f, "cflags", str_array(spec->cflags, spec->nr_cflags));
	json_object_set_new(f, "archs", str_array((char *const *)archs, n));
	if (sde && *sde)
		json_object_set_new(f, "sourceDateEpoch", json_string(sde));
	ret = source_facts(spec, f, err) ?: tool_facts(f, err) ?:
	      compiler_find_data("bpf-headers", dir, sizeof(dir), err) ?:
	      compiler_headers_digest(dir, digest, sizeof(digest), err);
	if (ret) {
		json_decref(f);
		return gadget_err_prefix(err, "recording the build for --attest");
	}
	json_object_set_new(f, "bpfHeaders", json_string(digest));
	*out = f;
	return 0;
}
