// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: image documents (manifest, index, config) as the pull
 * path parses them off the wire (regimg_parse) and as the store reads them
 * back (store_walk, store_check, packager_load: index -> platform manifest
 * -> config -> gadget metadata and program layer).
 *
 * Input: up to four JSON documents separated by NUL bytes.  A fuzzer cannot
 * compute SHA-256, so "@dN" in a document becomes the digest of document N
 * and "@sN" its size (N > the document's own number); the documents are
 * stored as blobs and document 0 is tagged.  Invariants: a parsed document
 * has only valid digests; whatever the store holds, check and load end with
 * an answer, and the store check finds nothing wrong with what we wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packager/packager.h"
#include "packager/registry_image.h"

#define NDOCS 4

struct doc {
	char *s;
	size_t len;
	char digest[OCI_DIGEST_MAX];
};

static struct store *st;
static char store_dir[] = "/dev/shm/fuzz-image-json.XXXXXX";

static void remove_store(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", store_dir);
	if (system(cmd))
		return;
}

static void parse_wire(const struct doc *d)
{
	static const char *const types[] = { NULL, MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_INDEX,
					     "application/vnd.docker.distribution.manifest.list.v2+json" };
	struct gadget_err err;
	struct regimg_doc doc;

	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		if (regimg_parse(d->s, d->len, types[t], &doc, &err))
			continue;
		for (size_t i = 0; i < doc.nr; i++)
			if (!oci_digest_valid(doc.descs[i].digest) || doc.descs[i].size < 0)
				abort();
		regimg_doc_free(&doc);
	}
}

/* doc->s with @dN/@sN replaced from the later documents. */
static void substitute(struct doc *docs, int k)
{
	size_t cap = docs[k].len * 8 + 1, n = 0;
	char *out = malloc(cap), *in = docs[k].s;

	for (size_t i = 0; i < docs[k].len; i++) {
		int m = i + 2 < docs[k].len + 1 && in[i] == '@' ? in[i + 2] - '0' : -1;

		if (m > k && m < NDOCS && docs[m].s && (in[i + 1] == 'd' || in[i + 1] == 's')) {
			n += in[i + 1] == 'd' ? snprintf(out + n, cap - n, "%s", docs[m].digest)
					      : snprintf(out + n, cap - n, "%zu", docs[m].len);
			i += 2;
		} else {
			out[n++] = in[i];
		}
		if (n + 80 > cap)
			out = realloc(out, cap *= 2);
	}
	free(docs[k].s);
	docs[k].s = out;
	docs[k].len = n;
	out[n] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc docs[NDOCS] = { 0 };
	struct store_check_report rep;
	struct oci_descriptor top = { 0 };
	struct gadget_image *img = NULL;
	struct gadget_err err;
	const uint8_t *p = data, *end = data + size;
	json_t *j;
	int nd = 0;

	if (!st) {
		if (!mkdtemp(store_dir) || store_open(store_dir, &st, &err))
			abort();
		atexit(remove_store);
	}
	while (nd < NDOCS && p <= end) {
		const uint8_t *nul = memchr(p, 0, end - p);
		size_t n = (nul ? nul : end) - p;

		docs[nd].s = malloc(n + 1);
		memcpy(docs[nd].s, p, n);
		docs[nd].s[n] = 0;
		docs[nd++].len = n;
		if (!nul)
			break;
		p = nul + 1;
	}
	for (int k = nd - 1; k >= 0; k--) {
		substitute(docs, k);
		oci_digest_compute(docs[k].s, docs[k].len, docs[k].digest);
	}
	parse_wire(&docs[0]);

	for (int k = 0; k < nd; k++)
		if (store_put_blob(st, docs[k].s, docs[k].len, docs[k].digest, &err))
			abort();
	j = json_loadb(docs[0].s, docs[0].len, 0, NULL);
	snprintf(top.media_type, sizeof(top.media_type), "%s",
		 json_string_value(json_object_get(j, "mediaType")) ?: MEDIA_TYPE_OCI_MANIFEST);
	json_decref(j);
	memcpy(top.digest, docs[0].digest, OCI_DIGEST_MAX);
	top.size = docs[0].len;
	if (store_tag(st, "fuzz:latest", &top, &err))
		abort();
	if (!packager_load(st, "fuzz:latest", "amd64", &img, &err))
		gadget_image_free(img);
	if (store_check(st, false, &rep, &err))
		abort();
	/* every blob we wrote is whole; only references may dangle */
	if (rep.bad_blobs || rep.temp_files)
		abort();
	store_check_report_free(&rep);
	store_untag(st, "fuzz:latest", &err);
	store_gc(st, &err);
	for (int k = 0; k < nd; k++)
		free(docs[k].s);
	return 0;
}
