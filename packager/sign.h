/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_SIGN_H
#define GADGET_PACKAGER_SIGN_H

/*
 * Key-based image signatures in cosign's format (sigstore/cosign
 * specs/SIGNATURE_SPEC.md): a "simple signing" JSON payload naming the
 * manifest digest, ECDSA P-256 over SHA-256 of the payload, stored as an
 * image tagged "<repo>:sha256-<hex>.sig" whose layer is the payload
 * (application/vnd.dev.cosign.simplesigning.v1+json) with the base64 DER
 * signature in the "dev.cosignproject.cosign/signature" annotation.
 */
#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "base/err.h"
#include "packager/store.h"

#define MEDIA_TYPE_COSIGN_SIMPLESIGNING	"application/vnd.dev.cosign.simplesigning.v1+json"
#define COSIGN_SIG_ANNOTATION		"dev.cosignproject.cosign/signature"

/*
 * A tag of cosign's form "sha256-<hex>.sig" (or ".att", the attestations
 * packager/attest.h keeps): a signature, not an image.
 */
bool sign_is_sig_tag(const char *tag);
/* "<registry/repo>:sha256-<hex>.sig": where ref's signature for digest is stored. */
int sign_ref_name(const char *ref, const char *digest, char *buf, size_t len,
		  struct gadget_err *err);

/* "REGISTRY/REPO" of ref, no tag or digest: cosign's docker-reference, a statement's subject name. */
int sign_ref_identity(const char *ref, char *buf, size_t len, struct gadget_err *err);

/* PEM keys: PKCS#8 private key (AES-256 encrypted when passphrase), mode 0600; SPKI public. */
int sign_key_generate(const char *priv_path, const char *pub_path, const char *passphrase,
		      struct gadget_err *err);

/*
 * The pieces, for the attestations (packager/attest.h): a PEM key (a
 * private one decrypted with pass), ECDSA P-256 over SHA-256 as base64 DER
 * (free *sig64), its check, and base64 both ways.
 */
int sign_load_key(const char *path, bool priv, const char *pass, EVP_PKEY **out,
		  struct gadget_err *err);
int sign_data(EVP_PKEY *pk, const void *data, size_t len, char **sig64, struct gadget_err *err);
bool sign_data_valid(EVP_PKEY *pk, const char *sig64, const void *data, size_t len);
char *sign_b64(const unsigned char *in, size_t len);
int sign_b64_decode(const char *s, unsigned char **out, size_t *len);

/* Sign ref's top manifest/index digest; stores and tags the signature image. */
int sign_image(struct store *st, const char *ref, const char *key_path,
		  const char *passphrase, struct gadget_err *err);

/*
 * Verify ref against a public key: its signature image must hold a payload
 * naming ref's digest, signed by that key.  -ENOENT: no signature,
 * -EKEYREJECTED: no valid signature.
 */
int sign_verify_ref(struct store *st, const char *ref, const char *pubkey_path,
			struct gadget_err *err);

/*
 * The verification key `gadget run` uses: $GADGET_VERIFY_KEY, else
 * $XDG_CONFIG_HOME/gadget/verify.pub (~/.config/...), else
 * /etc/gadget/verify.pub, the first that is set/exists; NULL when none
 * (no verification).  Returns a static buffer.
 */
const char *sign_verify_key_path(void);

/*
 * What `gadget run REF` calls: when a verification key is configured
 * (sign_verify_key_path()) and skip_verify is false, ref's signature is
 * verified first and the image loaded by the verified digest (a re-tag in
 * between cannot swap it); a missing or bad signature fails with a message
 * naming the key and --insecure-skip-verify.  arch NULL: this machine.
 */
struct gadget_image;
int sign_load_verified(struct store *st, const char *ref, const char *arch, bool skip_verify,
			   struct gadget_image **out, struct gadget_err *err);

/*
 * Push the store's signature image sig_ref as an OCI 1.1 referrer of
 * subject in repo_ref (artifactType application/vnd.dev.cosign.artifact.sig.v1+json,
 * its payload layers with their signature annotations; packager/referrers.h),
 * beside the .sig tag cosign's older layout uses.
 */
struct registry_opts;
int sign_push_referrer(struct store *st, const char *sig_ref, const struct oci_descriptor *subject,
		       const char *repo_ref, const struct registry_opts *o, struct gadget_err *err);

#endif
