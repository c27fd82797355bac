// SPDX-License-Identifier: Apache-2.0
/* gadget key generate / sign / verify: cosign key-based signatures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "packager/attest.h"
#include "packager/remote.h"
#include "packager/sign.h"
#include "packager/store.h"

struct sign_args {
	const char *key;
	const char *prefix;
	bool remote, attestations;
};

static const struct cli_option key_options[] = {
	OPT_STRING(0, "output-key-prefix", struct sign_args, prefix, "PREFIX",
		   "write PREFIX.key and PREFIX.pub (default: cosign)", .complete = CPL_FILE),
	OPT_END(),
};

static const struct cli_option sign_options[] = {
	OPT_STRING('k', "key", struct sign_args, key, "KEY", "the private key (PEM PKCS#8)",
		   .complete = CPL_FILE),
	OPT_END(),
};

static const struct cli_option verify_options[] = {
	OPT_STRING('k', "key", struct sign_args, key, "PUB", "the public key (PEM)",
		   .complete = CPL_FILE),
	OPT_BOOL(0, "remote", struct sign_args, remote,
		 "check the registry's image and signatures without storing\n"
		 "them (the default for a REGISTRY/REPO:TAG the store lacks)"),
	OPT_BOOL(0, "attestations", struct sign_args, attestations,
		 "check the image's attestations (push --attest) instead of\n"
		 "its signature: each one's DSSE signature and subject"),
	OPT_END(),
};

const char *cli_key_passphrase(void)
{
	const char *p = getenv("GADGET_KEY_PASSWORD");

	return p ? p : getenv("COSIGN_PASSWORD");
}

/* On a terminal with no $GADGET_KEY_PASSWORD: ask twice, echo off; empty: no encryption. */
static char *ask_passphrase(void)
{
	struct termios old, quiet;
	char a[1024] = "", b[1024] = "";
	bool ok;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &old))
		return NULL;
	quiet = old;
	quiet.c_lflag &= ~ECHO;
	tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	fprintf(stderr, "Passphrase for the private key (empty: not encrypted): ");
	ok = fgets(a, sizeof(a), stdin) != NULL;
	fprintf(stderr, "\nAgain: ");
	ok = ok && fgets(b, sizeof(b), stdin) != NULL;
	fputc('\n', stderr);
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	a[strcspn(a, "\n")] = 0;
	b[strcspn(b, "\n")] = 0;
	ok = ok && !strcmp(a, b);
	OPENSSL_cleanse(b, sizeof(b));
	if (!ok) {
		OPENSSL_cleanse(a, sizeof(a));
		fprintf(stderr, "gadget: the passphrases differ\n");
		return strdup("\n");	/* never a passphrase: the caller refuses it */
	}
	if (!a[0])
		fprintf(stderr, "gadget: note: no passphrase: the private key is written unencrypted\n");
	return strdup(a);
}

static int run_key(void *args, char **operands, int n)
{
	struct sign_args *a = args;
	struct gadget_err err = { 0 };
	char priv[4096], pub[4096], *asked = NULL;
	const char *pass = cli_key_passphrase();
	int ret;

	(void)operands;
	(void)n;
	if (!a->prefix)
		a->prefix = "cosign";
	if (!pass)
		pass = asked = ask_passphrase();
	if (asked && !strcmp(asked, "\n")) {
		free(asked);
		return EXIT_ERROR;
	}
	snprintf(priv, sizeof(priv), "%s.key", a->prefix);
	snprintf(pub, sizeof(pub), "%s.pub", a->prefix);
	ret = sign_key_generate(priv, pub, pass && *pass ? pass : NULL, &err);
	if (asked) {
		OPENSSL_cleanse(asked, strlen(asked));
		free(asked);
	}
	if (ret)
		return cli_fail(&err);
	printf("Private key written to %s\nPublic key written to %s\n", priv, pub);
	return EXIT_OK;
}

/* One line per attestation; any that fails fails the command. */
static int verify_attestations(struct store *st, const char *ref, const char *key, bool remote,
			       struct gadget_err *err)
{
	struct registry_opts o = { .retries = -1 };
	struct oci_descriptor top;
	struct attest_check *c;
	size_t n, bad = 0;
	int ret;

	ret = packager_attest_verify(st, ref, key, remote ? &o : NULL, &top, &c, &n, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		printf("Attestation %s %s: %s%s\n", c[i].predicate_type, c[i].digest,
		       c[i].ok ? "verified" : "FAILED: ", c[i].ok ? "" : c[i].why);
		bad += !c[i].ok;
	}
	free(c);
	if (bad)
		return gadget_err_set(err, EKEYREJECTED, "%s (%s): %zu of %zu attestations failed "
				      "verification with key %s", ref, top.digest, bad, n, key);
	printf("Verified OK: %s (%s) has %zu attestations signed by %s%s\n", ref, top.digest, n,
	       key, remote ? " (checked in the registry, not stored)" : "");
	return 0;
}

/* sign and verify: the key, the store, one packager call, one line of output. */
static int sign_or_verify(const char *cmd, const struct sign_args *a, const char *ref, bool sign)
{
	struct gadget_err err = { 0 };
	struct remote_image ri = { 0 };
	struct store *st;
	int ret;

	if (!a->key)
		return cli_usage_error(cmd, "--key is required");
	if (store_open(store_default_path(), &st, &err))
		return cli_fail(&err);
	if (!sign && (a->remote || remote_wanted(st, ref))) {
		/* the registry's image and signatures, in a private store */
		store_close(st);
		if (remote_image_fetch(ref, NULL, &ri, &err))
			return cli_fail(&err);
		st = ri.st;
		ref = ri.ref;
	}
	if (a->attestations)
		ret = verify_attestations(st, ref, a->key, ri.st != NULL, &err);
	else
		ret = sign ? sign_image(st, ref, a->key, cli_key_passphrase(), &err)
			   : sign_verify_ref(st, ref, a->key, &err);
	if (ri.st)
		remote_image_release(&ri);
	else
		store_close(st);
	if (ret)
		return cli_fail(&err);
	if (sign)
		printf("Signed %s\n", ref);
	else if (!a->attestations)
		printf("Verified OK: %s is signed by %s%s\n", ref, a->key,
		       ri.ref[0] ? " (checked in the registry, not stored)" : "");
	return EXIT_OK;
}

static int run_sign(void *args, char **operands, int n)
{
	(void)n;
	return sign_or_verify("sign", args, operands[0], true);
}

static int run_verify(void *args, char **operands, int n)
{
	(void)n;
	return sign_or_verify("verify", args, operands[0], false);
}

const struct cli_command cmd_key = {
	.name = "key", .summary = "generate a signing key pair",
	.synopsis = "generate",
	.description =
"Create an ECDSA P-256 key pair: PREFIX.key (PEM PKCS#8, mode 0600, encrypted\n"
"with $GADGET_KEY_PASSWORD when set, else with a passphrase asked for on a\n"
"terminal; empty: not encrypted) and PREFIX.pub (PEM).\n",
	.opts = key_options, .args_size = sizeof(struct sign_args),
	.min_operands = 1, .max_operands = 1, .subcommands = "generate", .run = run_key,
};

const struct cli_command cmd_sign = {
	.name = "sign", .summary = "sign an image (cosign format)",
	.synopsis = "REF",
	.description =
"Sign the image REF (its manifest or index digest) in cosign's format; the\n"
"signature is stored as REPO:sha256-<hex>.sig and travels with push/export.\n"
"An encrypted key's passphrase comes from $GADGET_KEY_PASSWORD.\n",
	.opts = sign_options, .args_size = sizeof(struct sign_args),
	.min_operands = 1, .max_operands = 1, .operand = CPL_IMAGE, .run = run_sign,
};

const struct cli_command cmd_verify = {
	.name = "verify", .summary = "verify an image's signature",
	.synopsis = "REF",
	.description =
"Check that REF carries a signature by the key PUB over its current digest.\n"
"'gadget run' verifies images itself when a key is configured:\n"
"$GADGET_VERIFY_KEY, else ~/.config/gadget/verify.pub, else\n"
"/etc/gadget/verify.pub (--insecure-skip-verify to run without).\n"
"With --attestations, REF's attestations (push --attest) are checked\n"
"instead: each one's DSSE signature by PUB and that its statement is\n"
"about REF's digest; one line each, exit 1 if any fails.\n",
	.opts = verify_options, .args_size = sizeof(struct sign_args),
	.min_operands = 1, .max_operands = 1, .operand = CPL_IMAGE, .run = run_verify,
};
