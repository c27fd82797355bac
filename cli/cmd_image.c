// SPDX-License-Identifier: Apache-2.0
/* gadget images / tag / rmi / inspect / export / import / store: the local store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/human.h"
#include "base/text.h"
#include "cli/cli.h"
#include "info/gadget_info_text.h"
#include "packager/config.h"
#include "packager/input.h"
#include "packager/layout_tar.h"
#include "packager/packager.h"
#include "packager/sign.h"
#include "packager/store.h"

#define ANNOT "org.opencontainers.image."
/* An image's strings on the terminal: its names, sections and descriptions are anyone's bytes. */
#define SAFE(s, buf) text_printable((s), false, (buf), sizeof(buf))

struct img_opts {
	bool json;
	bool all;
	bool repair;
	const char *arch;
};

struct img_usage {
	const char *cmd, *args, *text;
	int min, max;	/* positional arguments */
};

static const struct img_usage img_usages[] = {
	{ "images", "[-a] [-o json]", "List the images in the local store ($GADGET_STORE).\n"
	  "  -a, --all         also list signature images (sha256-<hex>.sig)\n", 0, 0 },
	{ "tag", "SOURCE TARGET", "Give the image SOURCE the additional name TARGET.\n", 2, 2 },
	{ "rmi", "REF...", "Remove image names; blobs no name reaches any more are deleted,\n"
	  "signatures of images that lose their last name too.\n", 1, 64 },
	{ "inspect", "[-o json] [--arch ARCH|--platform linux/ARCH] REF", "Show an image: manifest, config, the gadget's "
	  "programs, maps, event fields and params.\n", 1, 1 },
	{ "export", "REF FILE.tar", "Write REF (and its signature) as an OCI layout tar; the same "
	  "image gives the same bytes.\n", 2, 2 },
	{ "import", "FILE.tar", "Read an OCI layout tar into the store; every digest, size and "
	  "path is checked before anything is written.\n", 1, 1 },
	{ "store", "check [--repair] | gc | path", "check: verify every blob's digest, every name's "
	  "blobs, report temporary files\n  (--repair removes corrupt blobs and leftovers); gc: "
	  "delete unreferenced blobs; path: print the store's path.\n", 1, 1 },
};

static const struct option img_long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "all",    no_argument,       NULL, 'a' },
	{ "repair", no_argument,       NULL, 'r' },
	{ "arch",   required_argument, NULL, 'A' },
	{ "platform", required_argument, NULL, 'P' },
	{ "help",   no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct img_usage *usage_of(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(img_usages) / sizeof(img_usages[0]); i++)
		if (!strcmp(img_usages[i].cmd, cmd))
			return &img_usages[i];
	return NULL;
}

/* Returns the index of the first positional argument, or -(exit code). */
static int img_parse(int argc, char **argv, struct img_opts *o)
{
	const struct img_usage *u = usage_of(argv[0]);
	int c, n;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:ah", img_long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "table"))
				return -cli_usage_error(argv[0], "unknown output format '%s' (json, table)",
							optarg);
			o->json = !strcmp(optarg, "json");
			break;
		case 'a':
			o->all = true;
			break;
		case 'r':
			o->repair = true;
			break;
		case 'A':
			o->arch = optarg;
			break;
		case 'P': {
			struct gadget_err perr = { 0 };

			if (oci_platform_parse(optarg, &o->arch, &perr))
				return -cli_usage_error(argv[0], "%s", perr.msg);
			break;
		}
		case 'h':
			printf("Usage: gadget %s %s\n\n%s", u->cmd, u->args, u->text);
			return CLI_HELP_SHOWN;
		default:
			return -cli_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		}
	}
	n = argc - optind;
	if (!strcmp(argv[0], "store") && n >= 1)
		n = 1;	/* "store check --repair" parses its own tail */
	if (n < u->min || n > u->max)
		return -cli_usage_error(argv[0], "expected %s", u->args);
	return optind;
}

static int open_store(struct store **st, struct gadget_err *err)
{
	return store_open(store_default_path(), st, err);
}

/* What `images` and `inspect` show about a name, from its manifest and config. */
struct img_summary {
	char name[768];
	char tag[128];
	struct oci_descriptor desc;
	char category[32];
	char created[40];
	char archs[128];
	int64_t size;
};

static void summarize_manifest(struct store *st, const struct oci_descriptor *d,
			       struct img_summary *s)
{
	struct oci_descriptor c;
	json_t *man, *cfg, *l;
	const char *cat, *created;
	size_t i;

	if (store_read_json(st, d->digest, &man, NULL))
		return;
	s->size += d->size;
	if (!oci_descriptor_from_json(json_object_get(man, "config"), &c)) {
		s->size += c.size;
		if (!store_read_json(st, c.digest, &cfg, NULL)) {
			cat = json_string_value(json_object_get(json_object_get(cfg, "gadget"), "category"));
			if (cat && !s->category[0])
				snprintf(s->category, sizeof(s->category), "%s", cat);
			json_decref(cfg);
		}
	}
	json_array_foreach(json_object_get(man, "layers"), i, l)
		s->size += json_integer_value(json_object_get(l, "size"));
	created = json_string_value(json_object_get(json_object_get(man, "annotations"),
						    ANNOT "created"));
	if (created && !s->created[0])
		snprintf(s->created, sizeof(s->created), "%s", created);
	json_decref(man);
}

static void summarize(struct store *st, const char *ref, const struct oci_descriptor *d,
		      struct img_summary *s)
{
	struct oci_descriptor m;
	json_t *idx, *e;
	char *colon, *slash;
	size_t i, n;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", ref);
	slash = strrchr(s->name, '/');
	colon = strchr(slash ? slash : s->name, '@');	/* pulled by digest: no tag */
	if (colon) {
		*colon = '\0';
		snprintf(s->tag, sizeof(s->tag), "<none>");
		colon = NULL;
	} else {
		colon = strrchr(slash ? slash : s->name, ':');
	}
	if (colon) {
		*colon = '\0';
		snprintf(s->tag, sizeof(s->tag), "%s", colon + 1);
	}
	s->desc = *d;
	if (strcmp(d->media_type, MEDIA_TYPE_OCI_INDEX)) {
		summarize_manifest(st, d, s);
		return;
	}
	if (store_read_json(st, d->digest, &idx, NULL))
		return;
	s->size += d->size;
	json_array_foreach(json_object_get(idx, "manifests"), i, e) {
		if (oci_descriptor_from_json(e, &m))
			continue;
		summarize_manifest(st, &m, s);
		n = strlen(s->archs);
		snprintf(s->archs + n, sizeof(s->archs) - n, "%s%s", n ? "," : "", m.platform_arch);
	}
	json_decref(idx);
}

int cmd_images(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct store_entry *v;
	struct img_summary s;
	struct img_opts o;
	struct store *st;
	json_t *out = NULL;
	char size[32], cat[32], created[40];
	size_t n, i;
	int ret;

	ret = img_parse(argc, argv, &o);
	if (ret < 0)
		return cli_parse_exit(ret);
	if (open_store(&st, &err) || store_list(st, &v, &n, &err))
		return cli_fail(&err);
	if (o.json)
		out = json_array();
	else
		printf("%-32s %-16s %-19s %-12s %-8s %s\n", "NAME", "TAG", "DIGEST", "CATEGORY",
		       "SIZE", "CREATED");
	for (i = 0; i < n; i++) {
		summarize(st, v[i].ref, &v[i].desc, &s);
		if (!o.all && sign_is_sig_tag(s.tag))
			continue;
		if (o.json) {
			json_array_append_new(out, json_pack(
				"{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "name", s.name, "tag", s.tag,
				"digest", s.desc.digest, "mediaType", s.desc.media_type,
				"category", s.category, "size", (json_int_t)s.size, "created", s.created,
				"architectures", s.archs));
			continue;
		}
		human_size(s.size, "", size, sizeof(size));
		printf("%-32s %-16s %-19.19s %-12s %-8s %s\n", s.name, s.tag, s.desc.digest,
		       s.category[0] ? SAFE(s.category, cat) : "-", size,
		       s.created[0] ? SAFE(s.created, created) : "-");
	}
	if (out) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
	}
	store_entries_free(v, n);
	store_close(st);
	return EXIT_OK;
}

int cmd_tag(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct oci_descriptor d;
	struct img_opts o;
	struct store *st;
	int i, ret;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = store_resolve(st, argv[i], &d, &err) ?: store_tag(st, argv[i + 1], &d, &err);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

/* Drop the signature names of digest once no other name points at it. */
static void untag_orphan_sigs(struct store *st, const char *digest)
{
	struct store_entry *v;
	char sigtag[80];
	size_t n, i;
	bool used = false;

	if (store_list(st, &v, &n, NULL))
		return;
	snprintf(sigtag, sizeof(sigtag), ":sha256-%.64s.sig", digest + 7);
	for (i = 0; i < n; i++)
		if (!strcmp(v[i].desc.digest, digest) && !strstr(v[i].ref, ".sig"))
			used = true;
	for (i = 0; !used && i < n; i++) {
		size_t rl = strlen(v[i].ref), tl = strlen(sigtag);

		if (rl > tl && !strcmp(v[i].ref + rl - tl, sigtag))
			store_untag(st, v[i].ref, NULL);
	}
	store_entries_free(v, n);
}

int cmd_rmi(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct oci_descriptor d;
	struct img_opts o;
	struct store *st;
	int i, ret = 0;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (open_store(&st, &err))
		return cli_fail(&err);
	for (; !ret && i < argc; i++) {
		ret = store_resolve(st, argv[i], &d, &err) ?: store_untag(st, argv[i], &err);
		if (!ret) {
			untag_orphan_sigs(st, d.digest);
			printf("Untagged: %s\n", argv[i]);
		}
	}
	if (!ret)
		ret = store_gc(st, &err);
	if (ret == -EBUSY) {
		/* the names are gone as asked; their blobs wait for the next gc */
		fprintf(stderr, "gadget: warning: %s\n", err.msg);
		ret = 0;
	}
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

/* The name of ref's cosign signature image when the store has one, else "". */
static void signature_of(struct store *st, const char *ref, const char *digest, char *buf,
			 size_t len)
{
	struct oci_descriptor d;

	if (sign_ref_name(ref, digest, buf, len, NULL) || store_resolve(st, buf, &d, NULL))
		buf[0] = '\0';
}

static json_t *inspect_json(struct store *st, const struct img_summary *s,
			    const struct gadget_image *img)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "name", s->name, "tag", s->tag,
			      "digest", s->desc.digest, "size", (json_int_t)s->size), *doc;
	char sig[1024];

	json_object_set_new(j, "descriptor", oci_descriptor_to_json(&s->desc));
	if (!strcmp(s->desc.media_type, MEDIA_TYPE_OCI_INDEX) &&
	    !store_read_json(st, s->desc.digest, &doc, NULL))
		json_object_set_new(j, "index", doc);
	if (!store_read_json(st, img->manifest.digest, &doc, NULL))
		json_object_set_new(j, "manifest", doc);
	json_object_set_new(j, "format", json_string(img->format == IMAGE_FORMAT_IG ? "ig" : "gadget"));
	if (img->config)
		json_object_set(j, "config", img->config);
	else	/* IG: the gadget.yaml text, or null for the empty config */
		json_object_set_new(j, "config", img->gadget_yaml ? json_string(img->gadget_yaml)
								   : json_null());
	signature_of(st, s->name[0] ? s->name : "", s->desc.digest, sig, sizeof(sig));
	json_object_set_new(j, "signature", sig[0] ? json_string(sig) : json_null());
	return j;
}

int cmd_inspect(int argc, char **argv)
{
	struct gadget_input_opts io = { .kinds = GADGET_INPUT_IMAGE };
	struct gadget_err err = { 0 };
	struct gadget_input in = { 0 };
	struct gadget_image *img;
	struct img_summary s;
	struct img_opts o;
	struct store *st;
	json_t *man = NULL, *a, *v;
	const char *k;
	char size[32], sig[1024], key[256], val[4096];
	int i;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	io.arch = o.arch;
	if (gadget_input_open(argv[i], &io, &in, &err) || open_store(&st, &err)) {
		gadget_input_close(&in);
		return cli_fail(&err);
	}
	img = in.image;
	summarize(st, argv[i], &in.top, &s);
	if (o.json) {
		json_t *j = inspect_json(st, &s, img);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		goto out;
	}
	human_size(s.size, "", size, sizeof(size));
	printf("Name:        %s:%s\nDigest:      %s\nMediaType:   %s\nSize:        %s\n", s.name,
	       s.tag, s.desc.digest, s.desc.media_type, size);
	if (s.archs[0])
		printf("Platforms:   %s\n", SAFE(s.archs, val));
	signature_of(st, argv[i], s.desc.digest, sig, sizeof(sig));
	printf("Signature:   %s\n", sig[0] ? sig : "none");
	printf("Format:      %s\n", image_format_name(img->format));
	printf("Manifest:    %s (%s)\n", img->manifest.digest,
	       SAFE(json_string_value(json_object_get(img->config, "architecture")) ?:
		    (img->manifest.platform_arch[0] ? img->manifest.platform_arch : "?"), key));
	if (img->format == IMAGE_FORMAT_IG)
		printf("IG layers:   ebpf%s%s; gadget.yaml: %s\n", img->has_wasm ? ", wasm" : "",
		       img->has_btfgen ? ", btfgen" : "", img->gadget_yaml ? "yes" : "none (empty config)");
	if (img->invalid[0])
		printf("Cannot run:  %s\n", SAFE(img->invalid, val));
	store_read_json(st, img->manifest.digest, &man, NULL);
	a = json_object_get(man, "annotations");
	json_object_foreach(a, k, v)
		printf("  %-40s %s\n", SAFE(k, key), SAFE(json_string_value(v), val));
	json_decref(man);
	if (img->info)
		gadget_info_print(img->info, GADGET_INFO_VIEW_BRIEF, stdout);
out:
	gadget_input_close(&in);
	store_close(st);
	return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct img_opts o;
	struct store *st;
	int i, ret;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = layout_tar_export(st, argv[i], argv[i + 1], &err);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct img_opts o;
	struct store *st;
	char **refs = NULL;
	size_t n = 0, k;
	int i, ret;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = layout_tar_import(st, argv[i], &refs, &n, &err);
	for (k = 0; k < n; k++) {
		if (!ret)
			printf("Imported: %s\n", refs[k]);
		free(refs[k]);
	}
	free(refs);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

static int store_check_cmd(struct store *st, bool repair, bool json)
{
	struct store_check_report rep;
	struct gadget_err err = { 0 };
	json_t *j;
	size_t i;
	int ret;

	ret = store_check(st, repair, &rep, &err);
	if (ret)
		return cli_fail(&err);
	if (json) {
		j = json_pack("{s:s, s:i, s:i, s:i, s:i, s:b, s:i, s:i, s:[]}", "store", store_path(st),
			      "blobs", rep.blobs, "bad_blobs", rep.bad_blobs, "missing_blobs",
			      rep.missing_blobs, "bad_tags", rep.bad_tags, "bad_index", rep.bad_index,
			      "temp_files", rep.temp_files, "removed", rep.removed, "problems");
		for (i = 0; i < rep.nr_problems; i++)
			json_array_append_new(json_object_get(j, "problems"),
					      json_string(rep.problems[i]));
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		for (i = 0; i < rep.nr_problems; i++)
			printf("%s\n", rep.problems[i]);
		printf("%s: %u blobs, %u corrupt, %u missing, %u broken names, %u temporary files%s%s\n",
		       store_path(st), rep.blobs, rep.bad_blobs, rep.missing_blobs, rep.bad_tags,
		       rep.temp_files, rep.bad_index ? ", index.json damaged" : "",
		       repair ? "" : (rep.nr_problems ? " (--repair to fix)" : ""));
	}
	/* Leftover temp files alone are not an error; corruption is (until repaired). */
	ret = rep.bad_index ||
	      (rep.bad_blobs + rep.missing_blobs + rep.bad_tags && !(repair && !rep.missing_blobs));
	store_check_report_free(&rep);
	return ret ? EXIT_ERROR : EXIT_OK;
}

int cmd_store(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct img_opts o;
	struct store *st;
	const char *sub;
	int i, ret, k;

	i = img_parse(argc, argv, &o);
	if (i < 0)
		return cli_parse_exit(i);
	sub = argv[i];
	/* Options after the subcommand ("store check --repair"). */
	for (k = i + 1; k < argc; k++) {
		if (!strcmp(argv[k], "--repair"))
			o.repair = true;
		else if (!strcmp(argv[k], "-o") && k + 1 < argc)
			o.json = !strcmp(argv[++k], "json");
		else
			return cli_usage_error("store", "unexpected argument '%s'", argv[k]);
	}
	if (!strcmp(sub, "path")) {
		printf("%s\n", store_default_path());
		return EXIT_OK;
	}
	if (strcmp(sub, "check") && strcmp(sub, "gc"))
		return cli_usage_error("store", "unknown subcommand '%s' (check, gc, path)", sub);
	if (open_store(&st, &err))
		return cli_fail(&err);
	if (!strcmp(sub, "check"))
		ret = store_check_cmd(st, o.repair, o.json);
	else
		ret = store_gc(st, &err) ? cli_fail(&err) : EXIT_OK;
	store_close(st);
	return ret;
}
