// SPDX-License-Identifier: Apache-2.0
/*
 * Reachability in the store: walking manifests (image-spec manifest.md:
 * "config", "layers", "subject") and indexes (image-index.md: "manifests"),
 * garbage collection of unreachable blobs and the fsck behind
 * `gadget store check`.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "packager/digest_set.h"
#include "packager/packager.h"
#include "packager/sign.h"
#include "packager/store_int.h"

#define WALK_DEPTH_MAX 8
#define GC_WAIT_MS	5000	/* how long gc waits for other users of the store */

bool store_media_is_index(const char *mt)
{
	return !strcmp(mt, MEDIA_TYPE_OCI_INDEX) ||
	       !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

bool store_media_is_manifest(const char *mt)
{
	return !strcmp(mt, MEDIA_TYPE_OCI_MANIFEST) ||
	       !strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json");
}

static int walk(struct store *st, const struct oci_descriptor *d, int depth,
		struct digest_set *seen,
		int (*cb)(const struct oci_descriptor *, bool, void *), void *ctx,
		struct gadget_err *err)
{
	static const char *const children[] = { "manifests", "layers" };
	struct oci_descriptor c;
	json_t *doc, *arr, *e;
	void *data;
	size_t len, i, k;
	bool present;
	int ret;

	/* Once per blob: an index listing a child 60 times is still one child. */
	ret = digest_set_add(seen, d->digest);
	if (ret <= 0)
		return ret ? gadget_err_set(err, -ret, "walking %s: %s", d->digest, strerror(-ret)) : 0;
	present = store_has_blob(st, d->digest);
	ret = cb ? cb(d, present, ctx) : 0;
	if (ret || !present || !(store_media_is_index(d->media_type) || store_media_is_manifest(d->media_type)))
		return ret;
	if (depth > WALK_DEPTH_MAX)
		return gadget_err_set(err, ELOOP, "%s: indexes nested too deep", d->digest);
	ret = store_read_blob(st, d->digest, &data, &len, err);
	if (ret)
		return ret;
	doc = json_loadb(data, len, 0, NULL);
	free(data);
	if (!doc)
		return cb ? cb(d, false, ctx) : 0;
	if (!oci_descriptor_from_json(json_object_get(doc, "config"), &c))
		ret = walk(st, &c, depth + 1, seen, cb, ctx, err);
	for (k = 0; !ret && k < sizeof(children) / sizeof(children[0]); k++) {
		arr = json_object_get(doc, children[k]);
		json_array_foreach(arr, i, e) {
			if (oci_descriptor_from_json(e, &c))
				continue;
			ret = walk(st, &c, depth + 1, seen, cb, ctx, err);
			if (ret)
				break;
		}
	}
	json_decref(doc);
	return ret;
}

int store_walk_seen(struct store *st, const struct oci_descriptor *top, struct digest_set *seen,
		    int (*cb)(const struct oci_descriptor *d, bool present, void *ctx), void *ctx,
		    struct gadget_err *err)
{
	return walk(st, top, 0, seen, cb, ctx, err);
}

int store_walk(struct store *st, const struct oci_descriptor *top,
	       int (*cb)(const struct oci_descriptor *d, bool present, void *ctx), void *ctx,
	       struct gadget_err *err)
{
	struct digest_set seen = { 0 };
	int ret = walk(st, top, 0, &seen, cb, ctx, err);

	digest_set_free(&seen);
	return ret;
}

/* Every blob reachable from index.json, tagged or not (.sig tags included). */
static int reachable(struct store *st, struct digest_set *set, struct gadget_err *err)
{
	struct oci_descriptor d;
	json_t *idx, *e;
	size_t i;
	int ret;

	ret = store_index_load(st, &idx, err);
	if (ret)
		return ret;
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		if (oci_descriptor_from_json(e, &d))
			continue;
		ret = store_walk_seen(st, &d, set, NULL, NULL, err);
		if (ret)
			break;
	}
	json_decref(idx);
	return ret;
}

int store_gc(struct store *st, struct gadget_err *err)
{
	struct digest_set set = { 0 };
	char dir[PATH_MAX], path[PATH_MAX * 2], digest[OCI_DIGEST_MAX];
	struct dirent *de;
	DIR *d;
	int ret;

	/*
	 * Another process holding the store may have written blobs it has not
	 * tagged yet: wait a little for it, then say that nothing was collected.
	 */
	for (int waited = 0; store_gc_lock(st); waited += 50) {
		if (waited >= GC_WAIT_MS)
			return gadget_err_set(err, EBUSY, "store %s is in use by another gadget process: "
					      "no blob was deleted (run 'gadget store gc' once it is done)",
					      store_path(st));
		usleep(50 * 1000);
	}
	ret = store_lock(st);
	if (ret) {
		store_gc_unlock(st);
		return gadget_err_set(err, -ret, "store %s: cannot lock", store_path(st));
	}
	ret = reachable(st, &set, err);
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", store_path(st));
	d = ret ? NULL : opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", de->d_name);
		if (digest_set_has(&set, digest))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	digest_set_free(&set);
	store_unlock(st, 0);
	store_gc_unlock(st);
	return ret;
}

static int problem(struct store_check_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int problem(struct store_check_report *rep, const char *fmt, ...)
{
	char **v = realloc(rep->problems, (rep->nr_problems + 1) * sizeof(*v));
	va_list ap;
	int n;

	if (!v)
		return -ENOMEM;
	rep->problems = v;
	va_start(ap, fmt);
	n = vasprintf(&v[rep->nr_problems], fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	rep->nr_problems++;
	return 0;
}

static int check_blob_file(struct store *st, const char *name, struct store_check_report *rep,
			   bool repair)
{
	char digest[OCI_DIGEST_MAX], got[OCI_DIGEST_MAX], path[PATH_MAX];

	snprintf(digest, sizeof(digest), "sha256:%.64s", name);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", store_path(st), name);
	rep->blobs++;
	if (!oci_digest_valid(digest) || strlen(name) != 64) {
		rep->bad_blobs++;
		return problem(rep, "blobs/sha256/%s: not a sha256 digest name", name);
	}
	if (store_blob_file_digest(st, digest, got)) {
		rep->bad_blobs++;
		return problem(rep, "blobs/sha256/%s: unreadable", name);
	}
	if (!strcmp(got, digest))
		return 0;
	rep->bad_blobs++;
	if (repair && !unlink(path))
		rep->removed++;
	return problem(rep, "blobs/sha256/%s: content has digest %s%s", name, got,
		       repair ? " (removed)" : "");
}

struct check_ctx {
	struct store *st;
	struct store_check_report *rep;
	const char *ref;
};

static int check_reach(const struct oci_descriptor *d, bool present, void *ctx)
{
	struct check_ctx *c = ctx;
	char path[PATH_MAX];
	struct stat sb;

	if (!present) {
		c->rep->missing_blobs++;
		return problem(c->rep, "%s: blob %s is missing", c->ref, d->digest);
	}
	if (!store_blob_path(c->st, d->digest, path, sizeof(path)) && !stat(path, &sb) &&
	    sb.st_size != d->size) {
		c->rep->missing_blobs++;
		return problem(c->rep, "%s: blob %s has %lld bytes, its descriptor says %lld", c->ref,
			       d->digest, (long long)sb.st_size, (long long)d->size);
	}
	return 0;
}

/*
 * index.json itself: a damaged one is a problem (every name is lost), and
 * --repair rebuilds it from the blobs.  *idx is NULL when there is none to walk.
 */
static int check_index(struct store *st, bool repair, struct store_check_report *rep, json_t **idx)
{
	struct gadget_err e = { 0 }, re = { 0 };
	unsigned int n;

	if (!store_index_load(st, idx, &e))
		return 0;
	*idx = NULL;
	rep->bad_index = 1;
	if (!repair)
		return problem(rep, "%s", e.msg);
	if (store_index_rebuild(st, &n, &re))
		return problem(rep, "%s; rebuilding it failed: %s", e.msg, re.msg);
	rep->bad_index = 0;
	rep->removed++;
	problem(rep, "index.json was damaged: rebuilt from the blobs with %u name%s (the old one is "
		"index.json.broken; 'gadget images' lists them)", n, n == 1 ? "" : "s");
	if (store_index_load(st, idx, NULL))
		*idx = NULL;
	return 0;
}

/* Every name's blobs: present and of the size their descriptors say. */
static int check_names(struct store *st, json_t *idx, struct store_check_report *rep)
{
	struct check_ctx c = { st, rep, NULL };
	struct oci_descriptor d;
	json_t *e;
	size_t i;
	int ret = 0;

	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		const char *name = json_string_value(json_object_get(
			json_object_get(e, "annotations"), "org.opencontainers.image.ref.name"));
		unsigned int before = rep->missing_blobs;
		struct gadget_err werr = { 0 };

		c.ref = name ? name : "(untagged)";
		if (oci_descriptor_from_json(e, &d)) {
			rep->bad_tags++;
			ret = problem(rep, "index.json: entry %zu is not a valid descriptor", i);
		} else if (store_walk(st, &d, check_reach, &c, &werr)) {
			/* a blob that cannot be read: the blob scan names it; the name is broken */
			rep->bad_tags++;
			ret = problem(rep, "%s: %s", c.ref, werr.msg);
		} else if (rep->missing_blobs != before) {
			rep->bad_tags++;
		}
		if (ret)
			break;
	}
	return ret;
}

/* Does any name that is not a signature point at digest? */
static bool digest_named(json_t *idx, const char *digest)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		const char *name = json_string_value(json_object_get(
			json_object_get(e, "annotations"), "org.opencontainers.image.ref.name"));
		const char *d = json_string_value(json_object_get(e, "digest"));
		const char *colon = name ? strrchr(name, ':') : NULL;

		if (d && !strcmp(d, digest) && !(colon && sign_is_sig_tag(colon + 1)))
			return true;
	}
	return false;
}

/*
 * A signature tag REPO:sha256-<hex>.sig whose image (sha256:<hex>) no
 * name has any more (rmi of the image alone, an interrupted pull): it
 * verifies nothing.  repair removes the tag.
 */
static int check_dangling_sigs(struct store *st, json_t *idx, bool repair,
			       struct store_check_report *rep)
{
	char **names = NULL;
	size_t n = 0, i;
	json_t *e;
	int ret = 0;

	/* collected first: untagging rewrites index.json, and idx with it */
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		const char *name = json_string_value(json_object_get(
			json_object_get(e, "annotations"), "org.opencontainers.image.ref.name"));
		const char *colon = name ? strrchr(name, ':') : NULL;
		char digest[80];

		if (!colon || !sign_is_sig_tag(colon + 1))
			continue;
		/* "sha256-<64 hex>.sig" -> "sha256:<64 hex>" */
		snprintf(digest, sizeof(digest), "sha256:%.64s", colon + 8);
		if (digest_named(idx, digest))
			continue;
		if (array_grow(names, n) || !(names[n] = strdup(name))) {
			ret = -ENOMEM;
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++) {
		bool removed = !ret && repair && !store_untag(st, names[i], NULL);

		rep->dangling_sigs++;
		rep->removed += removed;
		if (!ret)
			ret = problem(rep, "%s: a signature of an image no name in the store has%s",
				      names[i], removed ? " (removed)" : " (--repair removes it)");
		free(names[i]);
	}
	free(names);
	return ret;
}

int store_check(struct store *st, bool repair, struct store_check_report *rep,
		struct gadget_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *de;
	json_t *idx = NULL;
	DIR *dp;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = store_lock(st);
	if (ret)
		return gadget_err_set(err, -ret, "store %s: cannot lock", store_path(st));
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", store_path(st));
	dp = opendir(dir);
	while (!ret && dp && (de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			ret = check_blob_file(st, de->d_name, rep, repair);
	if (dp)
		closedir(dp);
	ret = ret ?: check_index(st, repair, rep, &idx);
	if (!ret && idx)
		ret = check_names(st, idx, rep);
	if (!ret && idx)
		ret = check_dangling_sigs(st, idx, repair, rep);
	json_decref(idx);
	/* Leftovers of interrupted writes: only safe to remove when nobody else writes. */
	snprintf(dir, sizeof(dir), "%s/tmp", store_path(st));
	dp = opendir(dir);
	while (!ret && dp && (de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rep->temp_files++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (repair && !store_gc_lock(st)) {
			if (!unlink(path))
				rep->removed++;
			store_gc_unlock(st);
		}
		problem(rep, "tmp/%s: leftover temporary file%s", de->d_name,
			repair ? " (removed)" : "");
	}
	if (dp)
		closedir(dp);
	if (ret)
		gadget_err_set(err, -ret, "store check: %s", strerror(-ret));
	return store_unlock(st, ret);
}

void store_check_report_free(struct store_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nr_problems; i++)
		free(rep->problems[i]);
	free(rep->problems);
	memset(rep, 0, sizeof(*rep));
}
