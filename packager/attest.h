/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_ATTEST_H
#define GADGET_PACKAGER_ATTEST_H

/*
 * Attestations: an SPDX 2.3 SBOM and an SLSA v1 provenance, each an in-toto
 * Statement v1 (in-toto/attestation spec/v1/statement.md) whose subject is
 * the image's top digest, in a DSSE envelope (secure-systems-lab/dsse
 * envelope.md) signed with the `gadget sign` key: ECDSA P-256 over SHA-256
 * of PAE(payloadType, payload), as cosign's `attest --key` signs.
 *
 * Where they come from: `gadget build --attest` records what only the build
 * knows (compiler/provenance.h: sources and their digests, build file,
 * cflags, architectures, the bpf-headers digest, clang/libbpf/bpftool) and
 * the programs' sections (the kernel hooks) in the image itself, as the
 * annotation "dev.gadget.build" of the top manifest or index: covered by
 * the image digest and its signature.  `push --attest` makes the documents
 * from it (the same image gives the same statements, byte for byte), signs
 * them and attaches each to the pushed image as an OCI 1.1 referrer
 * (packager/referrers.h; cosign's attestation layout: one layer
 * application/vnd.dsse.envelope.v1+json annotated with its predicateType).
 * The store keeps them too, listed by an index tagged REPO:sha256-<hex>.att
 * (the shape of the referrers fallback index), which `verify
 * --attestations` reads for a store image; for a registry's it lists the
 * referrers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "packager/packager.h"
#include "packager/registry.h"
#include "packager/store.h"

#define ATTEST_ANNOTATION	"dev.gadget.build"
#define MEDIA_TYPE_DSSE		"application/vnd.dsse.envelope.v1+json"
#define DSSE_PAYLOAD_TYPE	"application/vnd.in-toto+json"
#define INTOTO_STATEMENT_V1	"https://in-toto.io/Statement/v1"
#define PREDICATE_SPDX		"https://spdx.dev/Document"
#define PREDICATE_SLSA_V1	"https://slsa.dev/provenance/v1"
#define ANNOTATION_PREDICATE	"predicateType"

/*
 * The annotation's value: the build facts with "name" and "hooks" (every
 * program's section and name, over all objects, sorted), compact JSON with
 * sorted keys.  Free *out.
 */
int attest_record(const json_t *facts, const char *name, const struct pack_object *objs,
		  unsigned int n, char **out, struct gadget_err *err);

/* What a statement is about: the image's repository, top digest and creation time. */
struct attest_subject {
	const char *name;	/* "REGISTRY/REPO" */
	const char *digest;	/* "sha256:<hex>" */
	const char *created;	/* RFC 3339, the image's org.opencontainers.image.created */
};

/*
 * The statements (compact JSON, sorted keys: the same record and subject
 * give the same bytes): predicateType PREDICATE_SPDX (an SPDX 2.3 document)
 * or PREDICATE_SLSA_V1.  Free *out.
 */
int attest_statement(const char *predicate_type, const json_t *record,
		     const struct attest_subject *s, char **out, size_t *len,
		     struct gadget_err *err);

/* DSSE's pre-authentication encoding: "DSSEv1 <len> <type> <len> <body>".  Free *out. */
int dsse_pae(const char *type, const void *body, size_t len, unsigned char **out,
	     size_t *out_len);

/*
 * Make ref's attestations from its recorded build (none recorded: an error
 * saying to build with --attest), sign them with key_path, keep them in the
 * store and, when remote_ref is not NULL, push them as referrers of top in
 * remote_ref's repository.  An unchanged image keeps its envelopes (the
 * signatures are not made again), so pushing twice adds no referrers.
 * *nr (may be NULL) gets how many were attached.
 */
int packager_attest(struct store *st, const char *ref, const char *remote_ref,
		    const char *key_path, const char *passphrase, const struct registry_opts *o,
		    unsigned int *nr, struct gadget_err *err);

struct attest_check {
	char predicate_type[128];
	char digest[OCI_DIGEST_MAX];	/* the attestation's manifest */
	bool ok;
	char why[512];			/* !ok: what is wrong */
};

/*
 * Check ref's attestations against pubkey_path: from the store (o NULL) or
 * from ref's registry (the referrers of its digest).  Each: a DSSE envelope
 * of an in-toto statement, a signature valid for the key over its PAE, the
 * statement's subject the image's digest.  -ENOENT when there are none;
 * otherwise 0 with one check per attestation in *out (free it); the caller
 * decides what a failed one means.
 */
int packager_attest_verify(struct store *st, const char *ref, const char *pubkey_path,
			   const struct registry_opts *o, struct oci_descriptor *top,
			   struct attest_check **out, size_t *n, struct gadget_err *err);

#endif
