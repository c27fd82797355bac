// SPDX-License-Identifier: Apache-2.0
/*
 * Rebuilding index.json from the blobs, for `gadget store check --repair`
 * when the file is lost or damaged (a truncated write on a full disk, an
 * editor).  Names live only in index.json, so what comes back is every
 * root: each manifest or index that no other blob references.  A cosign
 * signature image names its image's repository and digest in its payload,
 * so signatures get their exact name back ("REPO:sha256-<hex>.sig") and the
 * image they sign "REPO:recovered-<hex12>" (it still verifies); other roots
 * are "recovered:<hex12>".  `gadget tag` gives them their names again.  The
 * damaged file is kept as index.json.broken.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/digest_set.h"
#include "packager/packager.h"
#include "packager/sign.h"
#include "packager/store_int.h"

#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"

struct root {
	struct oci_descriptor d;
	char name[768];
};

struct roots {
	struct root *v;
	size_t n;
	struct digest_set children;
	json_t *signed_by;	/* image digest -> repository named by its signature */
};

/* A cosign signature manifest: the repository and digest its payload names. */
static void note_signature(struct store *st, json_t *doc, struct root *r, json_t *signed_by)
{
	json_t *l = json_array_get(json_object_get(doc, "layers"), 0), *p = NULL, *c;
	struct oci_descriptor pd;
	const char *repo, *digest;
	struct oci_ref ref;

	if (oci_descriptor_from_json(l, &pd) || strcmp(pd.media_type, MEDIA_TYPE_COSIGN_SIMPLESIGNING) ||
	    store_read_json(st, pd.digest, &p, NULL))
		return;
	c = json_object_get(p, "critical");
	repo = json_string_value(json_object_get(json_object_get(c, "identity"), "docker-reference"));
	digest = json_string_value(json_object_get(json_object_get(c, "image"),
						   "docker-manifest-digest"));
	if (repo && digest && oci_digest_valid(digest) && !ref_parse(repo, &ref, NULL) &&
	    !sign_ref_name(repo, digest, r->name, sizeof(r->name), NULL))
		json_object_set_new(signed_by, digest, json_string(repo));
	json_decref(p);
}

/* One blob: when it is a manifest or an index, a candidate root; its children are not. */
static int scan_blob(struct store *st, const char *hex, struct roots *rs)
{
	static const char *const lists[] = { "manifests", "layers" };
	struct oci_descriptor c;
	struct root *r;
	const char *mt;
	json_t *doc, *e;
	void *data;
	size_t len, i, k;
	int ret = 0;

	snprintf(c.digest, sizeof(c.digest), "sha256:%.64s", hex);
	if (strlen(hex) != 64 || store_read_blob(st, c.digest, &data, &len, NULL))
		return 0;	/* store check reports (and --repair removes) bad blobs */
	doc = json_loadb(data, len, 0, NULL);
	free(data);
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (!mt || !(store_media_is_manifest(mt) || store_media_is_index(mt))) {
		json_decref(doc);
		return 0;
	}
	r = realloc(rs->v, (rs->n + 1) * sizeof(*r));
	if (!r) {
		json_decref(doc);
		return -ENOMEM;
	}
	rs->v = r;
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->d.digest, sizeof(r->d.digest), "sha256:%.64s", hex);
	snprintf(r->d.media_type, sizeof(r->d.media_type), "%s", mt);
	r->d.size = len;
	note_signature(st, doc, r, rs->signed_by);
	if (!oci_descriptor_from_json(json_object_get(doc, "config"), &c))
		ret = digest_set_add(&rs->children, c.digest);
	for (k = 0; ret >= 0 && k < sizeof(lists) / sizeof(lists[0]); k++)
		json_array_foreach(json_object_get(doc, lists[k]), i, e)
			if (ret >= 0 && !oci_descriptor_from_json(e, &c))
				ret = digest_set_add(&rs->children, c.digest);
	json_decref(doc);
	return ret < 0 ? ret : 0;
}

static json_t *root_entry(const struct root *r, json_t *signed_by)
{
	const char *repo = json_string_value(json_object_get(signed_by, r->d.digest));
	char name[768];
	json_t *e;

	if (r->name[0])
		snprintf(name, sizeof(name), "%s", r->name);
	else if (repo)
		snprintf(name, sizeof(name), "%s:recovered-%.12s", repo, r->d.digest + 7);
	else
		snprintf(name, sizeof(name), "recovered:%.12s", r->d.digest + 7);
	e = oci_descriptor_to_json(&r->d);
	json_object_set_new(e, "annotations", json_pack("{s:s}", ANNOT_REF_NAME, name));
	return e;
}

int store_index_rebuild(struct store *st, unsigned int *nr_names, struct gadget_err *err)
{
	struct roots rs = { .signed_by = json_object() };
	char dir[PATH_MAX], path[PATH_MAX], broken[PATH_MAX + 16];
	json_t *idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
				MEDIA_TYPE_OCI_INDEX, "manifests");
	struct dirent *de;
	DIR *dp;
	int ret = 0;

	*nr_names = 0;
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", store_path(st));
	dp = opendir(dir);
	if (!dp)
		ret = gadget_err_set(err, errno, "%s: %m", dir);
	while (!ret && (de = readdir(dp)))
		if (de->d_name[0] != '.' && scan_blob(st, de->d_name, &rs))
			ret = gadget_err_set(err, ENOMEM, "out of memory");
	if (dp)
		closedir(dp);
	for (size_t i = 0; !ret && i < rs.n; i++) {
		if (digest_set_has(&rs.children, rs.v[i].d.digest))
			continue;
		json_array_append_new(json_object_get(idx, "manifests"), root_entry(&rs.v[i], rs.signed_by));
		(*nr_names)++;
	}
	snprintf(path, sizeof(path), "%s/index.json", store_path(st));
	snprintf(broken, sizeof(broken), "%s.broken", path);
	if (!ret && rename(path, broken) && errno != ENOENT)
		ret = gadget_err_set(err, errno, "%s: %m", path);
	if (!ret)
		ret = store_index_save(st, idx, err);
	json_decref(idx);
	json_decref(rs.signed_by);
	digest_set_free(&rs.children);
	free(rs.v);
	return ret;
}
