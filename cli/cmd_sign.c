// SPDX-License-Identifier: Apache-2.0
/* gadget key generate / sign / verify: cosign key-based signatures. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "packager/remote.h"
#include "packager/sign.h"
#include "packager/store.h"


struct sign_usage {
	const char *cmd, *text;
};

static const struct sign_usage sign_usages[] = {
	{ "key", "Usage: gadget key generate [--output-key-prefix PREFIX]\n\n"
		 "Create an ECDSA P-256 key pair: PREFIX.key (PEM PKCS#8, mode 0600, encrypted\n"
		 "with $GADGET_KEY_PASSWORD when set) and PREFIX.pub (PEM). PREFIX: cosign.\n" },
	{ "sign", "Usage: gadget sign --key KEY REF\n\n"
		  "Sign the image REF (its manifest or index digest) in cosign's format; the\n"
		  "signature is stored as REPO:sha256-<hex>.sig and travels with push/export.\n"
		  "An encrypted key's passphrase comes from $GADGET_KEY_PASSWORD.\n" },
	{ "verify", "Usage: gadget verify --key PUB [--remote] REF\n\n"
		    "Check that REF carries a signature by the key PUB over its current digest.\n"
		    "  --remote   check the registry's image and signatures without storing them\n"
		    "             (the default for a REGISTRY/REPO:TAG the store does not have)\n" },
};

static const struct option sign_long_opts[] = {
	{ "key",               required_argument, NULL, 'k' },
	{ "output-key-prefix", required_argument, NULL, 'p' },
	{ "remote",            no_argument,       NULL, 'R' },
	{ "help",              no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct sign_opts {
	const char *key;
	const char *prefix;
	bool remote;
};

static int sign_parse(int argc, char **argv, int nargs, struct sign_opts *o)
{
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:h", sign_long_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->key = optarg;
			break;
		case 'p':
			o->prefix = optarg;
			break;
		case 'R':
			o->remote = true;
			break;
		case 'h':
			for (i = 0; i < sizeof(sign_usages) / sizeof(sign_usages[0]); i++)
				if (!strcmp(sign_usages[i].cmd, argv[0]))
					fputs(sign_usages[i].text, stdout);
			return CLI_HELP_SHOWN;
		default:
			return -cli_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != nargs)
		return -cli_usage_error(argv[0], "expected %d argument%s", nargs, nargs == 1 ? "" : "s");
	if (strcmp(argv[0], "key") && !o->key)
		return -cli_usage_error(argv[0], "--key is required");
	return optind;
}

static const char *passphrase(void)
{
	const char *p = getenv("GADGET_KEY_PASSWORD");

	return p ? p : getenv("COSIGN_PASSWORD");
}

int cmd_key(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	char priv[4096], pub[4096];
	struct sign_opts o;
	int i;

	i = sign_parse(argc, argv, 1, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (strcmp(argv[i], "generate"))
		return cli_usage_error("key", "unknown subcommand '%s' (generate)", argv[i]);
	if (!o.prefix)
		o.prefix = "cosign";
	snprintf(priv, sizeof(priv), "%s.key", o.prefix);
	snprintf(pub, sizeof(pub), "%s.pub", o.prefix);
	if (sign_key_generate(priv, pub, passphrase(), &err))
		return cli_fail(&err);
	printf("Private key written to %s\nPublic key written to %s\n", priv, pub);
	return EXIT_OK;
}

int cmd_sign(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct sign_opts o;
	struct store *st;
	int i, ret;

	i = sign_parse(argc, argv, 1, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (store_open(store_default_path(), &st, &err))
		return cli_fail(&err);
	ret = packager_sign(st, argv[i], o.key, passphrase(), &err);
	store_close(st);
	if (ret)
		return cli_fail(&err);
	printf("Signed %s\n", argv[i]);
	return EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct remote_image ri = { 0 };
	struct sign_opts o;
	struct store *st;
	const char *name;
	int i, ret;

	i = sign_parse(argc, argv, 1, &o);
	if (i < 0)
		return cli_parse_exit(i);
	name = argv[i];
	if (store_open(store_default_path(), &st, &err))
		return cli_fail(&err);
	if (o.remote || remote_wanted(st, name)) {
		store_close(st);
		if (remote_image_fetch(name, NULL, &ri, &err))
			return cli_fail(&err);
		st = ri.st;
		name = ri.ref;
	}
	ret = packager_verify_ref(st, name, o.key, &err);
	if (ri.st)
		remote_image_release(&ri);
	else
		store_close(st);
	if (ret)
		return cli_fail(&err);
	printf("Verified OK: %s is signed by %s%s\n", name, o.key,
	       ri.ref[0] ? " (checked in the registry, not stored)" : "");
	return EXIT_OK;
}
