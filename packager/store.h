/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_STORE_H
#define GADGET_PACKAGER_STORE_H

/*
 * The local store: an OCI image layout (image-spec v1.1 "image-layout.md":
 * oci-layout, index.json, blobs/sha256/<hex>) under $GADGET_STORE, else
 * /var/lib/gadget/store for root and $XDG_DATA_HOME/gadget/store otherwise.
 *
 * Blobs are written to an unnamed temp file in tmp/ (O_TMPFILE; a mkstemp()
 * name where the filesystem has none), verified against their digest,
 * fsynced and linked in: a blob's presence means it was whole and correct,
 * and every read checks that it still is (store_blob.c).  index.json
 * is the only mutable file, replaced atomically under an flock on
 * "<store>/.lock".  Tags are "org.opencontainers.image.ref.name"
 * annotations on index.json entries, holding the full reference
 * ("registry/repo:tag" or "name:tag").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "packager/oci.h"


struct store;

int store_open(const char *path, struct store **out, struct gadget_err *err);
void store_close(struct store *st);
const char *store_path(const struct store *st);
/* Default path for this user (see above); returns a static string. */
const char *store_default_path(void);

/* Blobs. digest is "sha256:<hex>". */
bool store_has_blob(struct store *st, const char *digest);
int store_put_blob(struct store *st, const void *data, size_t len,
		   char digest_out[OCI_DIGEST_MAX], struct gadget_err *err);
int store_read_blob(struct store *st, const char *digest, void **data, size_t *len,
		    struct gadget_err *err);
/* Path of a blob file; returns -ENOENT if absent. */
int store_blob_path(struct store *st, const char *digest, char *buf, size_t buflen);

/*
 * Every read of a blob is checked against its digest: store_read_blob()
 * fails with -EBADMSG (naming the blob and 'gadget store check') when the
 * file's bytes are not the digest's.  Streaming reads (push): the bytes are
 * hashed as they are handed out, and the read reaching the end of a blob
 * that does not match fails instead of returning its last bytes.
 */
struct store_blob_reader;
int store_blob_open(struct store *st, const char *digest, struct store_blob_reader **out,
		    int64_t *size, struct gadget_err *err);
/* Up to len bytes at off (fewer only at the end of the blob); -errno with err filled. */
ssize_t store_blob_pread(struct store_blob_reader *r, void *buf, size_t len, int64_t off,
			 struct gadget_err *err);
void store_blob_close(struct store_blob_reader *r);
/* Hash a whole blob file against its name (streamed, not read into memory). */
int store_blob_verify(struct store *st, const char *digest, struct gadget_err *err);

/*
 * Streaming blob write, for pulls and imports: the digest and size are
 * checked at commit; nothing appears in the store before a successful commit.
 */
struct store_blob_writer;
int store_blob_begin(struct store *st, const char *expected_digest, int64_t expected_size,
		     struct store_blob_writer **out, struct gadget_err *err);
int store_blob_write(struct store_blob_writer *w, const void *data, size_t len,
		     struct gadget_err *err);
int store_blob_commit(struct store_blob_writer *w, struct gadget_err *err);	/* frees w */
void store_blob_abort(struct store_blob_writer *w);				/* frees w */

/* References (tags). ref is normalised by ref_parse() first. */
int store_tag(struct store *st, const char *ref, const struct oci_descriptor *desc,
	      struct gadget_err *err);
/* Several names in one index.json update (an import of thousands of tags). */
int store_tag_many(struct store *st, const char *const *refs, const struct oci_descriptor *descs,
		   size_t n, struct gadget_err *err);
int store_resolve(struct store *st, const char *ref, struct oci_descriptor *out,
		  struct gadget_err *err);
int store_untag(struct store *st, const char *ref, struct gadget_err *err);
/*
 * Remove blobs that no tagged manifest/index references.  While another
 * process uses the store (it may hold blobs it has not tagged yet) gc waits
 * up to 5 s, then fails with -EBUSY having deleted nothing.
 */
int store_gc(struct store *st, struct gadget_err *err);

struct store_entry {
	char *ref;
	struct oci_descriptor desc;
};
int store_list(struct store *st, struct store_entry **out, size_t *n, struct gadget_err *err);
void store_entries_free(struct store_entry *v, size_t n);

/*
 * References: "[registry[:port]/]repo[:tag][@sha256:...]".  A reference
 * with no registry part names a local image ("mygadget:latest").
 */
struct oci_ref {
	char registry[256];	/* "" for local */
	char repo[256];
	char tag[128];		/* "latest" when none given and no digest */
	char digest[OCI_DIGEST_MAX];
};
int ref_parse(const char *s, struct oci_ref *out, struct gadget_err *err);
/* Canonical string form written into the store: "registry/repo:tag". */
int ref_format(const struct oci_ref *r, char *buf, size_t len);

#include <jansson.h>
/*
 * JSON documents as blobs.  put dumps canonically (compact, sorted keys) so
 * the same document always has the same digest; desc gets type/digest/size.
 */
int store_put_json(struct store *st, const json_t *doc, const char *media_type,
		   struct oci_descriptor *desc, struct gadget_err *err);
int store_read_json(struct store *st, const char *digest, json_t **out, struct gadget_err *err);
/* Any bytes as a blob; desc gets media_type, digest and size. */
int store_put_blob_desc(struct store *st, const void *data, size_t len, const char *media_type,
			struct oci_descriptor *desc, struct gadget_err *err);

/*
 * Every blob a descriptor reaches (itself, and for a manifest its config and
 * layers, for an index its manifests, recursively); cb is called once per
 * blob, missing blobs included.  Returns the first cb error.
 */
int store_walk(struct store *st, const struct oci_descriptor *top,
	       int (*cb)(const struct oci_descriptor *d, bool present, void *ctx), void *ctx,
	       struct gadget_err *err);

/*
 * fsck: every blob's digest, index.json readable, every tag resolvable,
 * signature tags whose image is gone, leftover temp files.  repair removes
 * corrupt blobs, leftovers and dangling signature tags, and rebuilds a
 * damaged index.json from the blobs (see store_repair.c).  A name whose
 * blobs are missing cannot be repaired: pull or import it again.
 */
struct store_check_report {
	unsigned int blobs, bad_blobs, missing_blobs, bad_tags, temp_files, removed;
	unsigned int dangling_sigs;	/* REPO:sha256-<hex>.sig with no name on that digest */
	unsigned int bad_index;	/* index.json unreadable: every name is lost (--repair rebuilds) */
	char **problems;	/* one line each */
	size_t nr_problems;
};
int store_check(struct store *st, bool repair, struct store_check_report *rep,
		struct gadget_err *err);
void store_check_report_free(struct store_check_report *rep);

#endif
