// SPDX-License-Identifier: Apache-2.0
/*
 * The local store: an OCI image layout (image-spec v1.1 image-layout.md).
 *
 *   <store>/oci-layout          {"imageLayoutVersion":"1.0.0"}
 *   <store>/index.json          image index; tags are ref.name annotations
 *   <store>/blobs/sha256/<hex>  content-addressed blobs
 *   <store>/tmp/                files being written (same filesystem: link, rename)
 *   <store>/.lock               flock: exclusive while index.json changes
 *   <store>/.gc.lock            flock: shared while a process uses the store,
 *                               exclusive for garbage collection, so a blob
 *                               written but not yet tagged is never collected
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "base/file.h"
#include "packager/store.h"
#include "packager/packager.h"
#include "packager/store_int.h"

#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"

struct store {
	char *path;
	int gc_fd;
};

const char *store_default_path(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (getenv("GADGET_STORE") && *getenv("GADGET_STORE"))
		return getenv("GADGET_STORE");
	if (geteuid() == 0)
		return "/var/lib/gadget/store";
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/gadget/store", xdg);
	else
		snprintf(buf, sizeof(buf), "%s/.local/share/gadget/store", home ? home : ".");
	return buf;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int store_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* A whole small file of the store, replaced atomically and durably (its temp file in tmp/). */
int store_write_file(struct store *st, const char *name, const void *data, size_t len)
{
	char tmp_dir[PATH_MAX], dst[PATH_MAX];
	struct file_write_opts o = { .tmp_dir = tmp_dir, .durable = true };

	snprintf(tmp_dir, sizeof(tmp_dir), "%s/tmp", st->path);
	snprintf(dst, sizeof(dst), "%s/%s", st->path, name);
	return file_write_atomic_opts(dst, data, len, &o, NULL);
}

/*
 * A lock file opened for writing, or for reading where the store is not
 * ours to write (a read-only mount, another user's store): flock(2) works
 * on either, and listing, inspecting or running need nothing more.
 */
static int open_lock_file(const char *store, const char *name)
{
	char buf[PATH_MAX];
	int fd;

	snprintf(buf, sizeof(buf), "%s/%s", store, name);
	fd = open(buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM))
		fd = open(buf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int store_open(const char *path, struct store **out, struct gadget_err *err)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	static const char empty_index[] = "{\"schemaVersion\":2,\"mediaType\":"
		"\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
	static const char *const dirs[] = { "blobs/sha256", "tmp" };
	char buf[PATH_MAX], idx[PATH_MAX];
	struct store *st;
	unsigned int i;
	int ret;

	if (!path)
		path = store_default_path();
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", path, dirs[i]);
		ret = mkdir_parents(buf, 0755);
		if (ret)
			return gadget_err_set(err, -ret, "store %s: cannot create %s: %s", path, buf,
					      strerror(-ret));
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return gadget_err_set(err, ENOMEM, "out of memory");
	st->path = strdup(path);
	st->gc_fd = open_lock_file(path, ".gc.lock");
	if (!st->path || st->gc_fd < 0 || flock(st->gc_fd, LOCK_SH)) {
		ret = st->gc_fd < 0 ? -st->gc_fd : errno ?: ENOMEM;
		store_close(st);
		return gadget_err_set(err, ret, "store %s: cannot lock: %s", path, strerror(ret));
	}
	snprintf(buf, sizeof(buf), "%s/oci-layout", path);
	snprintf(idx, sizeof(idx), "%s/index.json", path);
	if (!access(buf, F_OK) && !access(idx, F_OK)) {
		*out = st;
		return 0;
	}
	/* Both files are created under the index lock so two first users don't race. */
	ret = store_lock(st);
	if (ret) {
		store_close(st);
		return gadget_err_set(err, -ret, "store %s: cannot lock: %s", path, strerror(-ret));
	}
	if (access(buf, F_OK))
		ret = store_write_file(st, "oci-layout", layout, sizeof(layout) - 1);
	if (!ret && access(idx, F_OK))
		ret = store_write_file(st, "index.json", empty_index, sizeof(empty_index) - 1);
	store_unlock(st, ret);
	if (ret) {
		store_close(st);
		return gadget_err_set(err, -ret, "store %s: cannot initialise: %s", path, strerror(-ret));
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->gc_fd >= 0)
		close(st->gc_fd);
	free(st->path);
	free(st);
}

/*
 * The index lock is held per thread (flock excludes other open file
 * descriptions, so threads of one process exclude each other too) and nests,
 * so a caller can group several store_tag() calls into one critical section.
 */
static __thread int lock_fd = -1;
static __thread int lock_depth;

int store_lock(struct store *st)
{
	if (lock_depth++)
		return 0;
	lock_fd = open_lock_file(st->path, ".lock");
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) {
		int ret = lock_fd < 0 ? lock_fd : -errno;

		if (lock_fd >= 0)
			close(lock_fd);
		lock_fd = -1;
		lock_depth = 0;
		return ret;
	}
	return 0;
}

int store_unlock(struct store *st, int ret)
{
	(void)st;
	if (lock_depth > 0 && !--lock_depth && lock_fd >= 0) {
		close(lock_fd);
		lock_fd = -1;
	}
	return ret;
}

/* index.json (image-index.md): read it; callers modifying it hold store_lock(). */
int store_index_load(struct store *st, json_t **out, struct gadget_err *err)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *idx, *m;

	snprintf(path, sizeof(path), "%s/index.json", st->path);
	idx = json_load_file(path, 0, &jerr);
	if (!idx)
		return gadget_err_set(err, EBADMSG, "%s:%d:%d: error: %s (the store's list of names is "
				      "damaged: 'gadget store check --repair' rebuilds it from the blobs)",
				      path, jerr.line, jerr.column, jerr.text);
	m = json_object_get(idx, "manifests");
	if (!json_is_array(m)) {
		json_decref(idx);
		return gadget_err_set(err, EBADMSG, "%s: no \"manifests\" array (the store's list of "
				      "names is damaged: 'gadget store check --repair' rebuilds it "
				      "from the blobs)", path);
	}
	*out = idx;
	return 0;
}

int store_index_save(struct store *st, json_t *idx, struct gadget_err *err)
{
	char *s = json_dumps(idx, JSON_COMPACT | JSON_SORT_KEYS);
	int ret;

	if (!s)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = store_write_file(st, "index.json", s, strlen(s));
	free(s);
	if (ret)
		return gadget_err_set(err, -ret, "%s/index.json: %s", st->path, strerror(-ret));
	return 0;
}

static const char *entry_ref(const json_t *e)
{
	return json_string_value(json_object_get(json_object_get(e, "annotations"), ANNOT_REF_NAME));
}

/* The canonical name under which ref is stored. */
static int ref_key(const char *ref, char *buf, size_t len, struct gadget_err *err)
{
	struct oci_ref r;
	int ret = ref_parse(ref, &r, err);

	if (ret)
		return ret;
	if (ref_format(&r, buf, len))
		return gadget_err_set(err, ENAMETOOLONG, "reference '%s' is too long", ref);
	return 0;
}

static void index_drop(json_t *m, const char *key)
{
	size_t i = 0;

	while (i < json_array_size(m)) {
		const char *name = entry_ref(json_array_get(m, i));

		if (name && !strcmp(name, key))
			json_array_remove(m, i);
		else
			i++;
	}
}

/* Entries of m named in keys (a JSON object used as a set), in one pass. */
static void index_drop_all(json_t *m, const json_t *keys)
{
	json_t *kept = json_array(), *e;
	size_t i;

	json_array_foreach(m, i, e) {
		const char *name = entry_ref(e);

		if (!name || !json_object_get(keys, name))
			json_array_append(kept, e);
	}
	json_array_clear(m);
	json_array_extend(m, kept);
	json_decref(kept);
}

int store_tag_many(struct store *st, const char *const *refs, const struct oci_descriptor *descs,
		   size_t n, struct gadget_err *err)
{
	json_t *idx = NULL, *m, *keys = json_object(), *added = json_array(), *e;
	char key[768];
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		ret = ref_key(refs[i], key, sizeof(key), err);
		if (!ret && !store_has_blob(st, descs[i].digest))
			ret = gadget_err_set(err, ENOENT, "cannot tag %s: blob %s is not in the store", key,
					     descs[i].digest);
		if (ret)
			break;
		e = oci_descriptor_to_json(&descs[i]);
		json_object_set_new(e, "annotations", json_pack("{s:s}", ANNOT_REF_NAME, key));
		/* a name given twice: the last one wins, as with one store_tag() after another */
		if (json_object_get(keys, key))
			index_drop(added, key);
		json_object_set_new(keys, key, json_true());
		json_array_append_new(added, e);
	}
	if (!ret) {
		ret = store_lock(st);
		if (ret)
			ret = gadget_err_set(err, -ret, "store %s: cannot lock: %s", st->path,
					     strerror(-ret));
	}
	if (!ret) {
		ret = store_index_load(st, &idx, err);
		if (!ret) {
			m = json_object_get(idx, "manifests");
			index_drop_all(m, keys);
			json_array_extend(m, added);
			/* all names in one index.json update */
			ret = store_index_save(st, idx, err);
		}
		json_decref(idx);
		store_unlock(st, ret);
	}
	json_decref(keys);
	json_decref(added);
	return ret;
}

int store_tag(struct store *st, const char *ref, const struct oci_descriptor *desc,
	      struct gadget_err *err)
{
	return store_tag_many(st, &ref, desc, 1, err);
}

int store_untag(struct store *st, const char *ref, struct gadget_err *err)
{
	char key[768];
	json_t *idx = NULL, *m;
	size_t before;
	int ret;

	ret = ref_key(ref, key, sizeof(key), err);
	if (ret)
		return ret;
	ret = store_lock(st);
	if (ret)
		return gadget_err_set(err, -ret, "store %s: cannot lock: %s", st->path, strerror(-ret));
	ret = store_index_load(st, &idx, err);
	if (ret)
		return store_unlock(st, ret);
	m = json_object_get(idx, "manifests");
	before = json_array_size(m);
	index_drop(m, key);
	if (json_array_size(m) == before)
		ret = gadget_err_set(err, ENOENT, "no image %s in the store", key);
	else
		ret = store_index_save(st, idx, err);
	json_decref(idx);
	return store_unlock(st, ret);
}

/* A descriptor for a blob named only by digest: its mediaType is inside it. */
static int resolve_digest(struct store *st, const char *digest, struct oci_descriptor *out,
			  struct gadget_err *err)
{
	void *data;
	size_t len;
	json_t *j;
	int ret;

	ret = store_read_blob(st, digest, &data, &len, err);
	if (ret)
		return ret;
	j = json_loadb(data, len, 0, NULL);
	memset(out, 0, sizeof(*out));
	snprintf(out->digest, sizeof(out->digest), "%s", digest);
	snprintf(out->media_type, sizeof(out->media_type), "%s",
		 json_string_value(json_object_get(j, "mediaType")) ?: MEDIA_TYPE_OCI_MANIFEST);
	out->size = len;
	json_decref(j);
	free(data);
	return 0;
}

int store_resolve(struct store *st, const char *ref, struct oci_descriptor *out,
		  struct gadget_err *err)
{
	char key[768];
	struct oci_ref r;
	json_t *idx = NULL, *m, *e;
	size_t i;
	int ret;

	if (!strncmp(ref, "sha256:", 7))
		return resolve_digest(st, ref, out, err);
	ret = ref_parse(ref, &r, err);
	if (ret)
		return ret;
	if (r.digest[0])
		return resolve_digest(st, r.digest, out, err);
	if (ref_format(&r, key, sizeof(key)))
		return gadget_err_set(err, ENAMETOOLONG, "reference '%s' is too long", ref);
	ret = store_index_load(st, &idx, err);
	if (ret)
		return ret;
	m = json_object_get(idx, "manifests");
	ret = gadget_err_set(err, ENOENT, "no image %s in the store %s (see 'gadget images')", key,
			     st->path);
	json_array_foreach(m, i, e) {
		const char *name = entry_ref(e);

		if (name && !strcmp(name, key)) {
			ret = oci_descriptor_from_json(e, out);
			if (ret)
				gadget_err_set(err, EBADMSG, "%s/index.json: bad descriptor for %s",
					       st->path, key);
			else
				gadget_err_clear(err);
			break;
		}
	}
	json_decref(idx);
	return ret;
}

int store_list(struct store *st, struct store_entry **out, size_t *n, struct gadget_err *err)
{
	struct store_entry *v;
	json_t *idx = NULL, *m, *e;
	size_t i, k = 0;
	int ret;

	ret = store_index_load(st, &idx, err);
	if (ret)
		return ret;
	m = json_object_get(idx, "manifests");
	v = calloc(json_array_size(m) + 1, sizeof(*v));
	if (!v) {
		json_decref(idx);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	json_array_foreach(m, i, e) {
		const char *name = entry_ref(e);

		if (!name || oci_descriptor_from_json(e, &v[k].desc))
			continue;
		v[k++].ref = strdup(name);
	}
	json_decref(idx);
	*out = v;
	*n = k;
	return 0;
}

void store_entries_free(struct store_entry *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].ref);
	free(v);
}

/* Lock helpers used by gc: exclusive on .gc.lock means no other process holds the store. */
int store_gc_lock(struct store *st)
{
	if (flock(st->gc_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	/* A failed conversion may have dropped our shared lock: take it back. */
	flock(st->gc_fd, LOCK_SH);
	return -EBUSY;
}

void store_gc_unlock(struct store *st)
{
	flock(st->gc_fd, LOCK_SH);
}
