// SPDX-License-Identifier: Apache-2.0
/*
 * Blobs of the store (image-layout.md "Blobs"): written through an unnamed
 * temp file, checked against their digest and size, fsynced and linked
 * into blobs/sha256/ (nothing partial ever has a name there); read back
 * through a reader that checks every byte against the digest it is named
 * by, so a file changed in place is refused by whoever reads it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "packager/store.h"
#include "packager/store_int.h"

#define BLOB_MAX (1LL << 30)	/* refuse to slurp anything bigger into memory */
/* sha256 of nothing: the one blob with no byte to check */
#define EMPTY_DIGEST "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct store_blob_writer {
	struct store *st;
	EVP_MD_CTX *md;
	int fd;
	char tmp[PATH_MAX];		/* "": an O_TMPFILE file, no name to leave behind */
	char expected[OCI_DIGEST_MAX];
	int64_t expected_size;
	int64_t size;
};

int store_blob_path(struct store *st, const char *digest, char *buf, size_t buflen)
{
	if (!oci_digest_valid(digest))
		return -EINVAL;
	if (!buf)
		return 0;
	if ((size_t)snprintf(buf, buflen, "%s/blobs/sha256/%s", store_path(st), digest + 7) >= buflen)
		return -ENAMETOOLONG;
	return access(buf, F_OK) ? -ENOENT : 0;
}

bool store_has_blob(struct store *st, const char *digest)
{
	char buf[PATH_MAX];

	return !store_blob_path(st, digest, buf, sizeof(buf));
}

int store_blob_begin(struct store *st, const char *expected_digest, int64_t expected_size,
		     struct store_blob_writer **out, struct gadget_err *err)
{
	struct store_blob_writer *w;

	if (expected_digest && !oci_digest_valid(expected_digest))
		return gadget_err_set(err, EINVAL, "invalid digest '%s'", expected_digest);
	w = calloc(1, sizeof(*w));
	if (!w)
		return gadget_err_set(err, ENOMEM, "out of memory");
	w->st = st;
	w->expected_size = expected_size;
	if (expected_digest)
		snprintf(w->expected, sizeof(w->expected), "%s", expected_digest);
	if (expected_size > BLOB_MAX) {
		store_blob_abort(w);
		return gadget_err_set(err, EFBIG, "blob %s: %lld bytes is more than the store takes "
				      "(1 GiB)", expected_digest ? expected_digest : "(new)",
				      (long long)expected_size);
	}
	/*
	 * An unnamed file in tmp/ (O_TMPFILE), linked into blobs/ at commit:
	 * whatever ends the process (SIGTERM, SIGKILL, a crash), a partial blob
	 * vanishes with it.  Filesystems without O_TMPFILE get a mkstemp() name.
	 */
	snprintf(w->tmp, sizeof(w->tmp), "%s/tmp", store_path(st));
	w->fd = open(w->tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (w->fd >= 0) {
		w->tmp[0] = '\0';
	} else {
		snprintf(w->tmp, sizeof(w->tmp), "%s/tmp/blob.XXXXXX", store_path(st));
		w->fd = mkostemp(w->tmp, O_CLOEXEC);
	}
	w->md = EVP_MD_CTX_new();
	if (w->fd < 0 || !w->md || EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
		int e = w->fd < 0 ? errno : EIO;

		store_blob_abort(w);
		return gadget_err_set(err, e, "store %s: cannot create a blob: %s", store_path(st), strerror(e));
	}
	*out = w;
	return 0;
}

int store_blob_write(struct store_blob_writer *w, const void *data, size_t len,
		     struct gadget_err *err)
{
	size_t off = 0;
	ssize_t n;

	if (w->expected_size >= 0 && w->size + (int64_t)len > w->expected_size)
		return gadget_err_set(err, EFBIG, "blob %s is larger than its descriptor says (%lld bytes)",
				      w->expected[0] ? w->expected : "(new)", (long long)w->expected_size);
	if (w->size + (int64_t)len > BLOB_MAX)
		return gadget_err_set(err, EFBIG, "blob %s is larger than the store takes (1 GiB)",
				      w->expected[0] ? w->expected : "(new)");
	if (EVP_DigestUpdate(w->md, data, len) != 1)
		return gadget_err_set(err, EIO, "sha256 failed");
	while (off < len) {
		n = write(w->fd, (const char *)data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return gadget_err_set(err, errno, "writing blob: %m");
		}
		off += n;
	}
	w->size += len;
	return 0;
}

/*
 * Give an O_TMPFILE blob its name (open(2): linkat through /proc/self/fd).
 * A blob already there is the same bytes unless someone changed it: a
 * corrupt one is replaced.  Sets errno on failure.
 */
static int link_tmpfile(struct store *st, int fd, const char *digest, const char *dst)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, dst, AT_SYMLINK_FOLLOW))
		return 0;
	if (errno != EEXIST)
		return -1;
	if (!store_blob_verify(st, digest, NULL))
		return 0;
	if (unlink(dst) && errno != ENOENT)
		return -1;
	return linkat(AT_FDCWD, proc, AT_FDCWD, dst, AT_SYMLINK_FOLLOW) && errno != EEXIST ? -1 : 0;
}

static int blob_commit(struct store_blob_writer *w, char digest_out[OCI_DIGEST_MAX],
		       struct gadget_err *err)
{
	char digest[OCI_DIGEST_MAX], dst[PATH_MAX], dir[PATH_MAX];

	if (oci_digest_finish(w->md, digest))
		return gadget_err_set(err, EIO, "sha256 failed");
	if (w->expected[0] && strcmp(digest, w->expected))
		return gadget_err_set(err, EBADMSG, "blob digest mismatch: expected %s, got %s",
				      w->expected, digest);
	if (w->expected_size >= 0 && w->size != w->expected_size)
		return gadget_err_set(err, EBADMSG, "blob %s: expected %lld bytes, got %lld", digest,
				      (long long)w->expected_size, (long long)w->size);
	if (fchmod(w->fd, 0644) || fsync(w->fd))
		return gadget_err_set(err, errno, "writing blob: %m");
	snprintf(dst, sizeof(dst), "%s/blobs/sha256/%s", store_path(w->st), digest + 7);
	if (w->tmp[0] ? rename(w->tmp, dst) : link_tmpfile(w->st, w->fd, digest, dst))
		return gadget_err_set(err, errno, "storing blob %s: %m", digest);
	close(w->fd);
	w->fd = -1;
	w->tmp[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", store_path(w->st));
	store_fsync_dir(dir);
	if (digest_out)
		memcpy(digest_out, digest, OCI_DIGEST_MAX);
	return 0;
}

int store_blob_commit(struct store_blob_writer *w, struct gadget_err *err)
{
	int ret = blob_commit(w, NULL, err);

	store_blob_abort(w);
	return ret;
}

void store_blob_abort(struct store_blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp[0])
		unlink(w->tmp);
	EVP_MD_CTX_free(w->md);
	free(w);
}

int store_put_blob(struct store *st, const void *data, size_t len,
		   char digest_out[OCI_DIGEST_MAX], struct gadget_err *err)
{
	struct store_blob_writer *w;
	int ret;

	if (oci_digest_compute(data, len, digest_out))
		return gadget_err_set(err, EIO, "sha256 failed");
	if (store_has_blob(st, digest_out))
		return 0;
	ret = store_blob_begin(st, digest_out, len, &w, err);
	if (ret)
		return ret;
	ret = store_blob_write(w, data, len, err);
	if (!ret)
		ret = blob_commit(w, NULL, err);
	store_blob_abort(w);
	return ret;
}

/*
 * Reading a blob checks it against its name (image-layout.md: the content
 * address is the point): the bytes are hashed as they are handed out, in
 * order, and the read that would hand out the last byte of a blob whose
 * digest differs fails instead.  Every reader (verify, run, inspect,
 * export, push) goes through here.
 */
struct store_blob_reader {
	char digest[OCI_DIGEST_MAX];
	char path[PATH_MAX];
	int fd;
	int64_t size;
	int64_t hashed;		/* bytes [0, hashed) went through md */
	EVP_MD_CTX *md;
	bool bad, verified;
};

int store_blob_open(struct store *st, const char *digest, struct store_blob_reader **out,
		    int64_t *size, struct gadget_err *err)
{
	struct store_blob_reader *r;
	struct stat sb;

	if (store_blob_path(st, digest, NULL, 0) == -EINVAL)
		return gadget_err_set(err, EINVAL, "invalid digest '%s'", digest);
	r = calloc(1, sizeof(*r));
	if (!r)
		return gadget_err_set(err, ENOMEM, "out of memory");
	snprintf(r->digest, sizeof(r->digest), "%s", digest);
	if (store_blob_path(st, digest, r->path, sizeof(r->path))) {
		free(r);
		return gadget_err_set(err, ENOENT, "blob %s is not in the store %s", digest, store_path(st));
	}
	r->fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	r->md = EVP_MD_CTX_new();
	if (r->fd < 0 || fstat(r->fd, &sb) || !r->md ||
	    EVP_DigestInit_ex(r->md, EVP_sha256(), NULL) != 1) {
		int e = errno ? errno : EIO;

		store_blob_close(r);
		return gadget_err_set(err, e, "%s: %s", digest, strerror(e));
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > BLOB_MAX) {
		store_blob_close(r);
		return gadget_err_set(err, EFBIG, "blob %s in the store %s is %s: run 'gadget store "
				      "check'", digest, store_path(st), S_ISREG(sb.st_mode) ?
				      "larger than 1 GiB" : "not a regular file");
	}
	r->size = sb.st_size;
	if (size)
		*size = r->size;
	*out = r;
	return 0;
}

static int corrupt_blob(struct gadget_err *err, const char *digest, const char *got)
{
	return gadget_err_set(err, EBADMSG, "blob %s in the store is corrupt (its content has digest "
			      "%s): run 'gadget store check'", digest, got);
}

static ssize_t pread_full(int fd, void *buf, size_t len, int64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/* Hash [r->hashed, end) from the file itself: a reader skipping ahead leaves no gap. */
static int reader_hash_to(struct store_blob_reader *r, int64_t end)
{
	char buf[64 * 1024];

	while (r->hashed < end) {
		size_t want = end - r->hashed < (int64_t)sizeof(buf) ? (size_t)(end - r->hashed)
								     : sizeof(buf);
		ssize_t n = pread_full(r->fd, buf, want, r->hashed);

		if (n <= 0)
			return n ? (int)n : -EIO;
		EVP_DigestUpdate(r->md, buf, n);
		r->hashed += n;
	}
	return 0;
}

ssize_t store_blob_pread(struct store_blob_reader *r, void *buf, size_t len, int64_t off,
			 struct gadget_err *err)
{
	char got[OCI_DIGEST_MAX];
	ssize_t n;
	int ret;

	if (r->bad)
		return -EBADMSG;
	if (off >= r->size || !len)
		return 0;
	if ((int64_t)len > r->size - off)
		len = r->size - off;
	ret = off > r->hashed ? reader_hash_to(r, off) : 0;
	n = ret ? ret : pread_full(r->fd, buf, len, off);
	if (n >= 0 && n < (ssize_t)len)
		n = -EIO;	/* the file shrank under us */
	if (n < 0)
		return gadget_err_set(err, -n, "reading blob %s: %s", r->digest, strerror(-n));
	if (off + n > r->hashed) {
		EVP_DigestUpdate(r->md, (char *)buf + (r->hashed - off), off + n - r->hashed);
		r->hashed = off + n;
	}
	if (r->verified || r->hashed < r->size)
		return n;
	if (oci_digest_finish(r->md, got) || strcmp(got, r->digest)) {
		r->bad = true;
		return corrupt_blob(err, r->digest, got);
	}
	/* later reads (a retried upload) need no hashing */
	r->verified = true;
	r->hashed = INT64_MAX;
	return n;
}

int store_blob_verify(struct store *st, const char *digest, struct gadget_err *err)
{
	char got[OCI_DIGEST_MAX];
	int ret = store_blob_file_digest(st, digest, got);

	if (ret == -ENOENT)
		return gadget_err_set(err, ENOENT, "blob %s is missing from the store %s: run 'gadget "
				      "store check'", digest, store_path(st));
	if (ret)
		return gadget_err_set(err, -ret, "blob %s: %s", digest, strerror(-ret));
	return strcmp(got, digest) ? corrupt_blob(err, digest, got) : 0;
}

int store_blob_file_digest(struct store *st, const char *digest, char got[OCI_DIGEST_MAX])
{
	struct store_blob_reader *r;
	int ret = store_blob_open(st, digest, &r, NULL, NULL);

	if (ret)
		return ret;
	ret = reader_hash_to(r, r->size) ?: oci_digest_finish(r->md, got);
	store_blob_close(r);
	return ret;
}

void store_blob_close(struct store_blob_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	EVP_MD_CTX_free(r->md);
	free(r);
}

int store_read_blob(struct store *st, const char *digest, void **data, size_t *len,
		    struct gadget_err *err)
{
	struct store_blob_reader *r;
	int64_t size;
	ssize_t n = 0;
	char *buf;
	int ret;

	ret = store_blob_open(st, digest, &r, &size, err);
	if (ret)
		return ret;
	buf = malloc(size + 1);
	if (!buf) {
		store_blob_close(r);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	if (size)
		n = store_blob_pread(r, buf, size, 0, err);
	else if (strcmp(digest, EMPTY_DIGEST))
		n = gadget_err_set(err, EBADMSG, "blob %s in the store is corrupt (it is empty): "
				   "run 'gadget store check'", digest);
	store_blob_close(r);
	if (n < 0) {
		free(buf);
		return n;
	}
	buf[size] = '\0';	/* JSON blobs can be parsed in place */
	*data = buf;
	*len = size;
	return 0;
}

int store_put_blob_desc(struct store *st, const void *data, size_t len, const char *media_type,
			struct oci_descriptor *desc, struct gadget_err *err)
{
	memset(desc, 0, sizeof(*desc));
	snprintf(desc->media_type, sizeof(desc->media_type), "%s", media_type);
	desc->size = len;
	return store_put_blob(st, data, len, desc->digest, err);
}

int store_put_json(struct store *st, const json_t *doc, const char *media_type,
		   struct oci_descriptor *desc, struct gadget_err *err)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	int ret;

	if (!s)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = store_put_blob_desc(st, s, strlen(s), media_type, desc, err);
	free(s);
	return ret;
}

int store_read_json(struct store *st, const char *digest, json_t **out, struct gadget_err *err)
{
	json_error_t jerr;
	void *data;
	size_t len;
	int ret;

	ret = store_read_blob(st, digest, &data, &len, err);
	if (ret)
		return ret;
	*out = json_loadb(data, len, 0, &jerr);
	free(data);
	if (!*out)
		return gadget_err_set(err, EBADMSG, "blob %s is not JSON: %s", digest, jerr.text);
	return 0;
}
