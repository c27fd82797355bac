// SPDX-License-Identifier: Apache-2.0
/*
 * cosign key-based signatures (sigstore/cosign specs/SIGNATURE_SPEC.md).
 *
 * Payload ("simple signing", containers/image docs/containers-signature.5.md):
 *   {"critical":{"identity":{"docker-reference":"<repo>"},
 *                "image":{"docker-manifest-digest":"sha256:..."},
 *                "type":"cosign container image signature"},
 *    "optional":null}
 * The signature is ECDSA P-256 over SHA-256(payload), ASN.1 DER, base64;
 * `openssl dgst -sha256 -verify pub.pem -signature sig.der payload` accepts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "packager/packager.h"
#include "packager/referrers.h"
#include "packager/registry_image.h"
#include "packager/sign.h"

#define COSIGN_TYPE "cosign container image signature"
#define OCI_CONFIG_MT "application/vnd.oci.image.config.v1+json"

static int write_pem(const char *path, mode_t mode, EVP_PKEY *pk, bool priv, const char *pass,
		     struct gadget_err *err)
{
	int fd, ok;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return gadget_err_set(err, errno, "%s: %m%s", path,
				      errno == EEXIST ? " (refusing to overwrite a key)" : "");
	fchmod(fd, mode);	/* umask must not loosen or tighten what we promise */
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return gadget_err_set(err, errno, "%s: %m", path);
	}
	if (priv)
		ok = PEM_write_PKCS8PrivateKey(f, pk, pass && *pass ? EVP_aes_256_cbc() : NULL,
					       (char *)pass, pass ? strlen(pass) : 0, NULL, NULL);
	else
		ok = PEM_write_PUBKEY(f, pk);
	if (fclose(f) || !ok) {
		unlink(path);
		return gadget_err_set(err, EIO, "%s: cannot write the key", path);
	}
	return 0;
}

int sign_key_generate(const char *priv_path, const char *pub_path, const char *passphrase,
		      struct gadget_err *err)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	int ret;

	if (!pk)
		return gadget_err_set(err, EIO, "cannot generate an ECDSA P-256 key");
	ret = write_pem(priv_path, 0600, pk, true, passphrase, err);
	if (!ret) {
		ret = write_pem(pub_path, 0644, pk, false, NULL, err);
		if (ret)
			unlink(priv_path);
	}
	EVP_PKEY_free(pk);
	return ret;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	int n;

	(void)rwflag;
	if (!pass)
		return -1;
	n = strlen(pass);
	if (n > size)
		n = size;
	memcpy(buf, pass, n);
	return n;
}

int sign_load_key(const char *path, bool priv, const char *pass, EVP_PKEY **out,
		  struct gadget_err *err)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *pk;

	if (!f)
		return gadget_err_set(err, errno, "%s: %m", path);
	pk = priv ? PEM_read_PrivateKey(f, NULL, pass_cb, (void *)(pass ? pass : ""))
		  : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!pk)
		return gadget_err_set(err, EKEYREJECTED, "%s: not a PEM %s key%s", path,
				      priv ? "private" : "public",
				      priv ? " (or wrong passphrase: set GADGET_KEY_PASSWORD)" : "");
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC) {
		EVP_PKEY_free(pk);
		return gadget_err_set(err, EKEYREJECTED, "%s: not an ECDSA key", path);
	}
	*out = pk;
	return 0;
}

/* The repository part cosign puts in "docker-reference": no tag, no digest. */
int sign_ref_identity(const char *ref, char *buf, size_t len, struct gadget_err *err)
{
	struct oci_ref r;
	int ret = ref_parse(ref, &r, err);

	if (ret)
		return ret;
	r.tag[0] = r.digest[0] = '\0';
	return ref_format(&r, buf, len) ? gadget_err_set(err, ENAMETOOLONG, "reference too long") : 0;
}

int sign_ref_name(const char *ref, const char *digest, char *buf, size_t len,
		  struct gadget_err *err)
{
	struct oci_ref r;
	int ret = ref_parse(ref, &r, err);

	if (ret)
		return ret;
	regimg_sig_tag(digest, r.tag, sizeof(r.tag));
	r.digest[0] = '\0';
	return ref_format(&r, buf, len) ? gadget_err_set(err, ENAMETOOLONG, "reference too long") : 0;
}

char *sign_b64(const unsigned char *in, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, len);
	return out;
}

int sign_b64_decode(const char *s, unsigned char **out, size_t *len)
{
	size_t n = strlen(s), pad;
	unsigned char *p;
	int dlen;

	if (n % 4)
		return -EINVAL;
	p = malloc(n / 4 * 3 + 1);
	if (!p)
		return -ENOMEM;
	/* EVP_DecodeBlock counts the padding as zero bytes: take them off */
	pad = n ? (s[n - 1] == '=') + (n > 1 && s[n - 2] == '=') : 0;
	dlen = EVP_DecodeBlock(p, (const unsigned char *)s, n);
	if (dlen < 0) {
		free(p);
		return -EINVAL;
	}
	*out = p;
	*len = dlen - pad;
	return 0;
}

int sign_data(EVP_PKEY *pk, const void *data, size_t len, char **sig64, struct gadget_err *err)
{
	unsigned char sig[256];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1 &&
		  EVP_DigestSign(ctx, sig, &siglen, data, len) == 1;

	EVP_MD_CTX_free(ctx);
	*sig64 = ok ? sign_b64(sig, siglen) : NULL;
	return *sig64 ? 0 : gadget_err_set(err, EIO, "signing failed");
}

int sign_image(struct store *st, const char *ref, const char *key_path,
		  const char *passphrase, struct gadget_err *err)
{
	char ident[768], sref[768];
	struct oci_descriptor top, pd, cd, md;
	EVP_PKEY *pk = NULL;
	json_t *payload, *layer, *config, *man;
	char *ps = NULL, *sig64 = NULL;
	int ret;

	ret = store_resolve(st, ref, &top, err) ?: sign_ref_identity(ref, ident, sizeof(ident), err) ?:
	      sign_ref_name(ref, top.digest, sref, sizeof(sref), err) ?:
	      sign_load_key(key_path, true, passphrase, &pk, err);
	if (ret)
		return ret;
	payload = json_pack("{s:{s:{s:s}, s:{s:s}, s:s}, s:n}", "critical", "identity",
			    "docker-reference", ident, "image", "docker-manifest-digest", top.digest,
			    "type", COSIGN_TYPE, "optional");
	ps = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(payload);
	if (!ps || sign_data(pk, ps, strlen(ps), &sig64, err)) {
		ret = gadget_err_set(err, EIO, "signing %s failed", ref);
		goto out;
	}
	ret = store_put_blob_desc(st, ps, strlen(ps), MEDIA_TYPE_COSIGN_SIMPLESIGNING, &pd, err);
	if (ret)
		goto out;
	/* cosign's signature image: an OCI config listing the payload as its only diff_id. */
	config = json_pack("{s:s, s:s, s:s, s:{s:s, s:[s]}, s:{}}", "architecture", "", "os", "",
			   "created", "0001-01-01T00:00:00Z", "rootfs", "type", "layers",
			   "diff_ids", pd.digest, "config");
	ret = store_put_json(st, config, OCI_CONFIG_MT, &cd, err);
	json_decref(config);
	if (ret)
		goto out;
	layer = oci_descriptor_to_json(&pd);
	json_object_set_new(layer, "annotations", json_pack("{s:s}", COSIGN_SIG_ANNOTATION, sig64));
	man = json_pack("{s:i, s:s, s:o, s:[o]}", "schemaVersion", 2, "mediaType",
			MEDIA_TYPE_OCI_MANIFEST, "config", oci_descriptor_to_json(&cd), "layers", layer);
	ret = store_put_json(st, man, MEDIA_TYPE_OCI_MANIFEST, &md, err);
	json_decref(man);
	if (!ret)
		ret = store_tag(st, sref, &md, err);
out:
	free(ps);
	free(sig64);
	EVP_PKEY_free(pk);
	return ret;
}

/*
 * The payload must name this exact digest, and as its identity the
 * repository being verified (containers-signature.5.md: docker-reference):
 * a signature copied next to a retagged copy of another image names that
 * other repository.  *wrong_repo says which one when only that differs.
 */
static bool payload_names(const void *data, size_t len, const char *digest, const char *ident,
			  char *wrong_repo, size_t wrong_len)
{
	json_t *p = json_loadb(data, len, 0, NULL), *c = json_object_get(p, "critical");
	const char *d = json_string_value(json_object_get(json_object_get(c, "image"),
							   "docker-manifest-digest"));
	const char *type = json_string_value(json_object_get(c, "type"));
	const char *who = json_string_value(json_object_get(json_object_get(c, "identity"),
							     "docker-reference"));
	bool ok = d && type && !strcmp(d, digest) && !strcmp(type, COSIGN_TYPE);

	if (ok && (!who || strcmp(who, ident))) {
		snprintf(wrong_repo, wrong_len, "%s", who ? who : "(none)");
		ok = false;
	}
	json_decref(p);
	return ok;
}

bool sign_data_valid(EVP_PKEY *pk, const char *sig64, const void *data, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	size_t dlen;
	bool ok;

	ok = ctx && *sig64 && !sign_b64_decode(sig64, &der, &dlen) &&
	     EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1 &&
	     EVP_DigestVerify(ctx, der, dlen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	free(der);
	return ok;
}

struct verify_walk {
	struct store *st;
	struct gadget_err *err;
};

static int verify_ref(struct store *st, const char *ref, const char *pubkey_path,
		      struct oci_descriptor *verified, struct gadget_err *err)
{
	struct oci_descriptor top, sd, ld;
	char sref[768], ident[768], wrong_repo[768] = "";
	EVP_PKEY *pk = NULL;
	json_t *man = NULL, *layers, *l;
	void *data;
	size_t len, i;
	int ret;

	ret = store_resolve(st, ref, &top, err) ?: sign_ref_identity(ref, ident, sizeof(ident), err) ?:
	      sign_ref_name(ref, top.digest, sref, sizeof(sref), err) ?:
	      sign_load_key(pubkey_path, false, NULL, &pk, err);
	if (ret)
		return ret;
	if (store_resolve(st, sref, &sd, NULL)) {
		ret = gadget_err_set(err, ENOENT, "%s (%s) is not signed: no signature %s in the store",
				     ref, top.digest, sref);
		goto out;
	}
	ret = store_read_blob(st, sd.digest, &data, &len, err);
	if (ret)
		goto out;
	man = json_loadb(data, len, 0, NULL);
	free(data);
	layers = json_object_get(man, "layers");
	ret = -EKEYREJECTED;
	json_array_foreach(layers, i, l) {
		const char *s64 = json_string_value(json_object_get(json_object_get(l, "annotations"),
								     COSIGN_SIG_ANNOTATION));

		if (!s64 || oci_descriptor_from_json(l, &ld) ||
		    strcmp(ld.media_type, MEDIA_TYPE_COSIGN_SIMPLESIGNING) ||
		    store_read_blob(st, ld.digest, &data, &len, NULL))
			continue;
		/* The signature must cover this exact payload and the payload this exact image. */
		if (sign_data_valid(pk, s64, data, len) &&
		    payload_names(data, len, top.digest, ident, wrong_repo, sizeof(wrong_repo)))
			ret = 0;
		free(data);
		if (!ret)
			break;
	}
	if (ret && wrong_repo[0])
		gadget_err_set(err, EKEYREJECTED, "%s (%s): the signature valid for key %s is for %s, "
			       "not %s", ref, top.digest, pubkey_path, wrong_repo, ident);
	else if (ret)
		gadget_err_set(err, EKEYREJECTED, "%s (%s): no signature valid for key %s", ref,
			       top.digest, pubkey_path);
out:
	json_decref(man);
	EVP_PKEY_free(pk);
	if (!ret && verified)
		*verified = top;
	return ret;
}

bool sign_is_sig_tag(const char *tag)
{
	size_t n = strlen(tag);

	/* .att: the store's index of an image's attestations (packager/attest.h) */
	return !strncmp(tag, "sha256-", 7) && n > 4 &&
	       (!strcmp(tag + n - 4, ".sig") || !strcmp(tag + n - 4, ".att"));
}

static bool is_sig_name(const char *ref)
{
	const char *colon = strrchr(ref, ':');

	return colon && sign_is_sig_tag(colon + 1);
}

/*
 * An image named by its digest alone ("sha256:<hex>") has no repository to
 * find its signature under: it is verified under the names the store gives
 * that digest, and passes when one of them carries a valid signature.
 */
static int verify_digest(struct store *st, const char *digest, const char *pubkey_path,
			 struct oci_descriptor *verified, struct gadget_err *err)
{
	struct store_entry *v;
	struct gadget_err one = { 0 };
	size_t n, i;
	int ret;

	ret = store_list(st, &v, &n, err);
	if (ret)
		return ret;
	ret = gadget_err_set(err, ENOENT, "%s is not signed: no name the store gives it has a "
			     "signature", digest);
	for (i = 0; ret && i < n; i++) {
		if (strcmp(v[i].desc.digest, digest) || is_sig_name(v[i].ref))
			continue;
		ret = verify_ref(st, v[i].ref, pubkey_path, verified, &one);
		if (ret != -ENOENT)
			*err = one;
	}
	store_entries_free(v, n);
	return ret;
}

static int verify_any(struct store *st, const char *ref, const char *pubkey_path,
		      struct oci_descriptor *verified, struct gadget_err *err)
{
	if (!strncmp(ref, "sha256:", 7))
		return oci_digest_valid(ref) ? verify_digest(st, ref, pubkey_path, verified, err)
			: gadget_err_set(err, EINVAL, "invalid digest '%s'", ref);
	return verify_ref(st, ref, pubkey_path, verified, err);
}

/* "Verified OK" covers the content too: every blob the signed digest reaches hashes to its name. */
static int blob_whole(const struct oci_descriptor *d, bool present, void *ctx)
{
	struct verify_walk *w = ctx;

	(void)present;
	return store_blob_verify(w->st, d->digest, w->err);
}

int sign_verify_ref(struct store *st, const char *ref, const char *pubkey_path,
			struct gadget_err *err)
{
	struct verify_walk w = { st, err };
	struct oci_descriptor top;
	int ret = verify_any(st, ref, pubkey_path, &top, err);

	if (ret)
		return ret;
	ret = store_walk(st, &top, blob_whole, &w, err);
	return ret ? gadget_err_prefix(err, "%s (%s)", ref, top.digest) : 0;
}

int sign_load_verified(struct store *st, const char *ref, const char *arch, bool skip_verify,
			   struct gadget_image **out, struct gadget_err *err)
{
	const char *key = skip_verify ? NULL : sign_verify_key_path();
	struct oci_descriptor top;
	int ret;

	if (!key)
		return packager_load(st, ref, arch, out, err);
	ret = verify_any(st, ref, key, &top, err);
	if (ret) {
		gadget_err_prefix(err, "refusing to run %s: signature check with %s failed "
				  "(--insecure-skip-verify runs it anyway)", ref, key);
		return ret;
	}
	return packager_load(st, top.digest, arch, out, err);
}

const char *sign_verify_key_path(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("GADGET_VERIFY_KEY"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return env;
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/gadget/verify.pub", xdg);
	else
		snprintf(buf, sizeof(buf), "%s/.config/gadget/verify.pub", home ? home : "");
	if (!access(buf, F_OK))
		return buf;
	if (!access("/etc/gadget/verify.pub", F_OK))
		return "/etc/gadget/verify.pub";
	return NULL;
}

int sign_push_referrer(struct store *st, const char *sig_ref, const struct oci_descriptor *subject,
		       const char *repo_ref, const struct registry_opts *o, struct gadget_err *err)
{
	struct referrer_layer ls[8];
	struct oci_descriptor sd, lds[8];
	json_t *man, *l;
	size_t i, n = 0;
	int ret;

	ret = store_resolve(st, sig_ref, &sd, err) ?: store_read_json(st, sd.digest, &man, err);
	if (ret)
		return ret;
	/* the signature image's payload layers, each with its signature annotation */
	json_array_foreach(json_object_get(man, "layers"), i, l) {
		if (n == sizeof(lds) / sizeof(lds[0]) || oci_descriptor_from_json(l, &lds[n]))
			continue;
		ls[n].desc = &lds[n];
		ls[n].annotations = json_object_get(l, "annotations");
		n++;
	}
	ret = n ? referrers_push(st, repo_ref, subject, ARTIFACT_TYPE_COSIGN_SIG, ls, n, NULL, o,
				 NULL, err)
		: gadget_err_set(err, EBADMSG, "%s has no signature layer", sig_ref);
	json_decref(man);
	return ret;
}
