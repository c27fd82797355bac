// SPDX-License-Identifier: Apache-2.0
/*
 * OCI image layout <-> tar (image-spec image-layout.md), with libarchive.
 *
 * Export writes only what the image needs: oci-layout, an index.json naming
 * the image (and its "sha256-<hex>.sig" signature image, cosign's layout)
 * and the reachable blobs, sorted by digest, so the archive's bytes depend
 * only on the image.
 *
 * Import trusts nothing in the archive: only regular files and directories
 * with relative names inside the layout, no duplicates, bounded sizes; every
 * blob must hash to its name and every descriptor must point at a blob of
 * the right size.  The blobs and tags reach the store only afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "base/file.h"
#include "packager/digest_set.h"
#include "packager/layout_tar.h"
#include "packager/packager.h"
#include "packager/sign.h"
#include "packager/store_int.h"

#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"
#define LAYOUT_VERSION "{\"imageLayoutVersion\":\"1.0.0\"}"

struct blob_list {
	struct oci_descriptor *v;
	size_t n, cap;
};

static int collect(const struct oci_descriptor *d, bool present, void *ctx)
{
	struct blob_list *l = ctx;
	size_t i;

	if (!present)
		return -ENOENT;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].digest, d->digest))
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *d;
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(((const struct oci_descriptor *)a)->digest,
		      ((const struct oci_descriptor *)b)->digest);
}

static int tar_add(struct archive *a, const char *name, const void *data, size_t len,
		   struct gadget_err *err)
{
	struct archive_entry *e = archive_entry_new();
	int ret = 0;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, data ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, data ? 0644 : 0755);
	archive_entry_set_size(e, data ? (la_int64_t)len : 0);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (data && len && archive_write_data(a, data, len) != (la_ssize_t)len))
		ret = gadget_err_set(err, EIO, "writing %s: %s", name, archive_error_string(a));
	archive_entry_free(e);
	return ret;
}

/* The image and, when present, its signature: (ref name, descriptor) pairs. */
static int export_roots(struct store *st, const char *ref, char names[2][768],
			struct oci_descriptor roots[2], unsigned int *nr, struct gadget_err *err)
{
	struct oci_ref r;
	int ret;

	ret = ref_parse(ref, &r, err);
	if (!ret && ref_format(&r, names[0], sizeof(names[0])))
		ret = gadget_err_set(err, ENAMETOOLONG, "reference too long");
	if (!ret)
		ret = store_resolve(st, names[0], &roots[0], err);
	if (ret)
		return ret;
	*nr = 1;
	if (!sign_ref_name(names[0], roots[0].digest, names[1], sizeof(names[1]), NULL) &&
	    !store_resolve(st, names[1], &roots[1], NULL))
		*nr = 2;
	return 0;
}

/* Every blob the roots reach, sorted, and the index.json naming the roots. */
static int export_collect(struct store *st, char names[2][768], struct oci_descriptor roots[2],
			  unsigned int nr, struct blob_list *l, char **idxs, struct gadget_err *err)
{
	json_t *idx, *e;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < nr; i++) {
		ret = store_walk(st, &roots[i], collect, l, err);
		if (ret == -ENOENT)
			ret = gadget_err_set(err, ENOENT, "%s: a blob is missing from the store "
					     "(run 'gadget store check')", names[i]);
	}
	if (ret)
		return ret;
	qsort(l->v, l->n, sizeof(*l->v), cmp_desc);
	idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", MEDIA_TYPE_OCI_INDEX,
			"manifests");
	for (unsigned int i = 0; i < nr; i++) {
		roots[i].platform_arch[0] = '\0';
		e = oci_descriptor_to_json(&roots[i]);
		json_object_set_new(e, "annotations", json_pack("{s:s}", ANNOT_REF_NAME, names[i]));
		json_array_append_new(json_object_get(idx, "manifests"), e);
	}
	*idxs = json_dumps(idx, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(idx);
	return *idxs ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/* The layout's entries into an open archive, then its end. */
static int export_entries(struct archive *a, struct store *st, const char *idxs,
			  const struct blob_list *l, const char *path, struct gadget_err *err)
{
	char blobname[96];
	void *data;
	size_t len;
	int ret;

	ret = tar_add(a, "oci-layout", LAYOUT_VERSION, sizeof(LAYOUT_VERSION) - 1, err) ?:
	      tar_add(a, "index.json", idxs, strlen(idxs), err) ?:
	      tar_add(a, "blobs/", NULL, 0, err) ?:
	      tar_add(a, "blobs/sha256/", NULL, 0, err);
	for (size_t k = 0; !ret && k < l->n; k++) {
		ret = store_read_blob(st, l->v[k].digest, &data, &len, err);
		if (ret)
			break;
		snprintf(blobname, sizeof(blobname), "blobs/sha256/%s", l->v[k].digest + 7);
		ret = tar_add(a, blobname, data, len, err);
		free(data);
	}
	if (!ret && archive_write_close(a) != ARCHIVE_OK)
		ret = gadget_err_set(err, EIO, "%s: %s", path, archive_error_string(a));
	return ret;
}

int layout_tar_export(struct store *st, const char *ref, const char *path,
		      struct gadget_err *err)
{
	char names[2][768], tmp[4096];
	struct oci_descriptor roots[2];
	struct blob_list l = { 0 };
	struct archive *a = NULL;
	unsigned int nr = 0;
	char *idxs = NULL;
	int ret, fd = -1;
	/* "-": standard output, as docker save and tar do */
	bool to_stdout = !strcmp(path, "-");

	if (to_stdout && isatty(STDOUT_FILENO))
		return gadget_err_set(err, EINVAL, "refusing to write a tar archive to a terminal: "
				      "redirect the output or give FILE.tar");
	ret = export_roots(st, ref, names, roots, &nr, err) ?:
	      export_collect(st, names, roots, nr, &l, &idxs, err);
	if (ret)
		goto out;
	/*
	 * Written to a mkstemp() name beside the target and renamed: a failed
	 * export leaves no half tar, and a symlink planted at a guessable
	 * temp name in a shared folder is never followed.
	 */
	fd = to_stdout ? STDOUT_FILENO : file_temp_create(path, NULL, 0644, tmp, sizeof(tmp));
	if (fd < 0) {
		ret = gadget_err_set(err, -fd, "%s: %s", path, strerror(-fd));
		goto out;
	}
	a = archive_write_new();
	archive_write_set_format_ustar(a);
	/* unpadded as libarchive writes a regular file, so "-" gives the same bytes */
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
		ret = gadget_err_set(err, EIO, "%s: %s", path, archive_error_string(a));
	else
		ret = export_entries(a, st, idxs, &l, path, err);
	if (!ret && !to_stdout) {
		int e = file_temp_commit(fd, tmp, path, false);

		fd = -1;
		if (e)
			ret = gadget_err_set(err, -e, "%s: %s", path, strerror(-e));
	}
out:
	if (a)
		archive_write_free(a);
	if (fd >= 0 && !to_stdout) {
		close(fd);
		unlink(tmp);
	}
	free(idxs);
	free(l.v);
	return ret;
}

/* ---- import ---- */

struct tar_file {
	char *name;
	void *data;
	size_t len;
	char digest[OCI_DIGEST_MAX];	/* blobs only */
	bool used;			/* reachable from index.json */
};

struct tar_files {
	struct tar_file *v;
	size_t n;
};

static void tar_files_free(struct tar_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].data);
	}
	free(f->v);
}

static struct tar_file *tar_find(struct tar_files *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

static struct tar_file *tar_blob(struct tar_files *f, const char *digest)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].digest[0] && !strcmp(f->v[i].digest, digest))
			return &f->v[i];
	return NULL;
}

/* The only names a layout has; "./" prefixes are what `tar -C dir .` writes. */
static int check_name(const char *raw, bool is_dir, const char **out, struct gadget_err *err)
{
	static const char *const dirs[] = { ".", "blobs", "blobs/sha256" };
	static const char *const files[] = { "oci-layout", "index.json" };
	char name[512];
	size_t i, n;

	if (raw[0] == '/')
		return gadget_err_set(err, EPERM, "archive entry '%s': absolute path refused", raw);
	if (!strcmp(raw, "..") || !strncmp(raw, "../", 3) || strstr(raw, "/../") ||
	    ((n = strlen(raw)) >= 3 && !strcmp(raw + n - 3, "/..")))
		return gadget_err_set(err, EPERM, "archive entry '%s': '..' refused", raw);
	while (!strncmp(raw, "./", 2))
		raw += 2;
	snprintf(name, sizeof(name), "%s", *raw ? raw : ".");
	n = strlen(name);
	while (n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	for (i = 0; is_dir && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strcmp(name, dirs[i]))
			return *out = NULL, 0;
	for (i = 0; !is_dir && i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(name, files[i]))
			return *out = files[i], 0;
	if (!is_dir && !strncmp(name, "blobs/sha256/", 13) && strlen(name) == 13 + 64) {
		char d[OCI_DIGEST_MAX];

		snprintf(d, sizeof(d), "sha256:%.64s", name + 13);
		if (oci_digest_valid(d))
			return *out = raw, 0;
	}
	return gadget_err_set(err, EPERM, "archive entry '%s' is not part of an OCI image layout",
			      raw);
}

static int read_entry(struct archive *a, struct archive_entry *e, const char *name,
		      int64_t *total, struct tar_files *f, struct gadget_err *err)
{
	la_int64_t size = archive_entry_size(e);
	struct tar_file *t;
	la_ssize_t n;
	size_t off = 0;
	void *v;

	if (size < 0 || size > LAYOUT_TAR_ENTRY_MAX || *total + size > LAYOUT_TAR_TOTAL_MAX)
		return gadget_err_set(err, EFBIG, "archive entry '%s' is too large (%lld bytes)", name,
				      (long long)size);
	*total += size;
	if (tar_find(f, name))
		return gadget_err_set(err, EEXIST, "archive entry '%s' appears twice", name);
	v = realloc(f->v, (f->n + 1) * sizeof(*f->v));
	if (!v)
		return gadget_err_set(err, ENOMEM, "out of memory");
	f->v = v;
	t = &f->v[f->n++];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	t->data = malloc(size + 1);
	if (!t->name || !t->data)
		return gadget_err_set(err, ENOMEM, "out of memory");
	while (off < (size_t)size) {
		n = archive_read_data(a, (char *)t->data + off, size - off);
		if (n <= 0)
			return gadget_err_set(err, EBADMSG, "archive entry '%s' is truncated: %s", name,
					      n < 0 ? archive_error_string(a) : "unexpected end");
		off += n;
	}
	((char *)t->data)[off] = '\0';
	t->len = off;
	if (!strncmp(name, "blobs/sha256/", 13)) {
		char want[OCI_DIGEST_MAX];

		snprintf(want, sizeof(want), "sha256:%.64s", name + 13);
		oci_digest_compute(t->data, t->len, t->digest);
		if (strcmp(want, t->digest))
			return gadget_err_set(err, EBADMSG, "archive entry '%s' has digest %s", name,
					      t->digest);
	}
	return 0;
}

static int read_all(const char *path, struct tar_files *f, struct gadget_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int64_t total = 0;
	const char *name = NULL;
	int r, ret = 0;

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	/* "-": standard input (libarchive reads stdin for a NULL name) */
	if (archive_read_open_filename(a, strcmp(path, "-") ? path : NULL, 64 << 10) != ARCHIVE_OK) {
		ret = gadget_err_set(err, EIO, "%s", archive_error_string(a));
		goto out;
	}
	while (!ret && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e);
		mode_t type = archive_entry_filetype(e);

		if (!raw || archive_entry_hardlink(e) || archive_entry_symlink(e) ||
		    (type != AE_IFREG && type != AE_IFDIR)) {
			ret = gadget_err_set(err, EPERM, "archive entry '%s': only regular files and "
					     "directories are allowed (links and devices refused)",
					     raw ? raw : "?");
			break;
		}
		ret = check_name(raw, type == AE_IFDIR, &name, err);
		if (!ret && name)
			ret = read_entry(a, e, name, &total, f, err);
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = gadget_err_set(err, EBADMSG, "damaged archive: %s",
				     archive_error_string(a) ?: "read error");
out:
	archive_read_free(a);
	if (ret)
		gadget_err_prefix(err, "import %s", path);
	return ret;
}

/*
 * Every descriptor reachable from index.json must name an archived blob of
 * its size.  Each blob is parsed and descended into once (seen): indexes
 * listing the next one 60 times, six deep, are 60^6 paths but six blobs.
 */
static int check_tree(struct tar_files *f, const struct oci_descriptor *d, int depth,
		      struct digest_set *seen, struct gadget_err *err)
{
	static const char *const children[] = { "manifests", "layers" };
	struct tar_file *t = tar_blob(f, d->digest);
	struct oci_descriptor c;
	json_t *doc, *arr, *e;
	size_t i, k;
	int ret = 0;

	if (!t)
		return gadget_err_set(err, ENOENT, "blob %s is referenced but not in the archive",
				      d->digest);
	if ((int64_t)t->len != d->size)
		return gadget_err_set(err, EBADMSG, "blob %s: %zu bytes, its descriptor says %lld",
				      d->digest, t->len, (long long)d->size);
	t->used = true;
	if (!store_media_is_manifest(d->media_type) && !store_media_is_index(d->media_type))
		return 0;
	ret = digest_set_add(seen, d->digest);
	if (ret <= 0)
		return ret ? gadget_err_set(err, ENOMEM, "out of memory") : 0;
	ret = 0;
	if (depth > 8)
		return gadget_err_set(err, ELOOP, "indexes nested too deep");
	doc = json_loadb(t->data, t->len, 0, NULL);
	if (!doc)
		return gadget_err_set(err, EBADMSG, "%s: %s is not JSON", d->digest, d->media_type);
	if (json_object_get(doc, "config")) {
		if (oci_descriptor_from_json(json_object_get(doc, "config"), &c))
			ret = gadget_err_set(err, EBADMSG, "%s: bad config descriptor", d->digest);
		else
			ret = check_tree(f, &c, depth + 1, seen, err);
	}
	for (k = 0; !ret && k < sizeof(children) / sizeof(children[0]); k++) {
		arr = json_object_get(doc, children[k]);
		json_array_foreach(arr, i, e) {
			if (oci_descriptor_from_json(e, &c))
				ret = gadget_err_set(err, EBADMSG, "%s: bad descriptor in %s", d->digest,
						     children[k]);
			else
				ret = check_tree(f, &c, depth + 1, seen, err);
			if (ret)
				break;
		}
	}
	json_decref(doc);
	return ret;
}

static int commit(struct store *st, struct tar_files *f, json_t *idx, char ***refs,
		  size_t *nr_refs, struct gadget_err *err)
{
	size_t n = json_array_size(json_object_get(idx, "manifests")), i;
	struct oci_descriptor *descs = calloc(n + 1, sizeof(*descs));
	char digest[OCI_DIGEST_MAX];
	const char **names = calloc(n + 1, sizeof(*names));
	json_t *e;
	int ret = 0;

	*refs = calloc(n + 1, sizeof(**refs));
	if (!descs || !names || !*refs)
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	/* Unreferenced blobs in the archive stay out: nothing would collect them. */
	for (i = 0; !ret && i < f->n; i++)
		if (f->v[i].used)
			ret = store_put_blob(st, f->v[i].data, f->v[i].len, digest, err);
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		names[i] = json_string_value(json_object_get(json_object_get(e, "annotations"),
							     ANNOT_REF_NAME));
		oci_descriptor_from_json(e, &descs[i]);
		descs[i].platform_arch[0] = '\0';
	}
	/* All tags in one index.json update. */
	if (!ret)
		ret = store_tag_many(st, names, descs, n, err);
	for (i = 0; !ret && i < n; i++)
		if (((*refs)[i] = strdup(names[i])))
			(*nr_refs)++;
	free(names);
	free(descs);
	return ret;
}

int layout_tar_import(struct store *st, const char *path, char ***refs, size_t *nr_refs,
		      struct gadget_err *err)
{
	struct tar_files f = { 0 };
	struct digest_set seen = { 0 };
	struct tar_file *t;
	struct oci_descriptor d;
	struct oci_ref r;
	json_t *idx = NULL, *layout, *e;
	size_t i;
	int ret;

	*refs = NULL;
	*nr_refs = 0;
	ret = read_all(path, &f, err);
	if (ret)
		goto out;
	ret = gadget_err_set(err, EBADMSG, "import %s: not an OCI image layout (no oci-layout file "
			     "with imageLayoutVersion 1.0.0)", path);
	t = tar_find(&f, "oci-layout");
	layout = t ? json_loadb(t->data, t->len, 0, NULL) : NULL;
	if (layout && !strcmp(json_string_value(json_object_get(layout, "imageLayoutVersion")) ?: "",
			      "1.0.0"))
		ret = 0;
	json_decref(layout);
	t = ret ? NULL : tar_find(&f, "index.json");
	idx = t ? json_loadb(t->data, t->len, 0, NULL) : NULL;
	if (!ret && !json_is_array(json_object_get(idx, "manifests")))
		ret = gadget_err_set(err, EBADMSG, "import %s: index.json is missing or invalid", path);
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		const char *name = json_string_value(json_object_get(json_object_get(e, "annotations"),
								     ANNOT_REF_NAME));
		if (ret)
			break;
		if (oci_descriptor_from_json(e, &d))
			ret = gadget_err_set(err, EBADMSG, "index.json: entry %zu is not a descriptor", i);
		else if (!name)
			ret = gadget_err_set(err, EBADMSG, "index.json: entry %zu has no %s annotation",
					     i, ANNOT_REF_NAME);
		else
			ret = ref_parse(name, &r, err) ?: check_tree(&f, &d, 0, &seen, err);
		if (ret)
			gadget_err_prefix(err, "import %s", path);
	}
	if (!ret && !json_array_size(json_object_get(idx, "manifests")))
		ret = gadget_err_set(err, ENOENT, "import %s: the archive names no image", path);
	if (!ret)
		ret = commit(st, &f, idx, refs, nr_refs, err);
out:
	digest_set_free(&seen);
	json_decref(idx);
	tar_files_free(&f);
	return ret;
}
