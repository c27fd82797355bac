// SPDX-License-Identifier: Apache-2.0
/* gadget images / tag / rmi / inspect / export / import / store: the local store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/human.h"
#include "base/text.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "info/gadget_info_text.h"
#include "packager/config.h"
#include "packager/input.h"
#include "packager/layout_tar.h"
#include "packager/packager.h"
#include "packager/remote.h"
#include "packager/sign.h"
#include "packager/store.h"
#include "runtime/btfgen.h"
#include "runtime/printer.h"

#define ANNOT "org.opencontainers.image."
/* An image's strings on the terminal: its names, sections and descriptions are anyone's bytes. */
#define SAFE(s, buf) text_printable((s), false, (buf), sizeof(buf))

/* What the store commands take; each command's table picks its options. */
struct img_args {
	const char *output;
	bool json, all, quiet, no_trunc, repair, remote;
	const char *arch, *platform;
};

#define IMG_OUTPUT OPT_CHOICE('o', "output", struct img_args, output, OUTPUT_NAMES, \
			      "columns (default), json, jsonpretty or yaml")

static const struct cli_option images_options[] = {
	IMG_OUTPUT,
	OPT_BOOL('a', "all", struct img_args, all,
		 "also list signature images (sha256-<hex>.sig)"),
	OPT_BOOL('q', "quiet", struct img_args, quiet, "print image ids only (short digests)"),
	OPT_BOOL(0, "no-trunc", struct img_args, no_trunc, "print whole digests"),
	OPT_END(),
};

static const struct cli_option inspect_options[] = {
	IMG_OUTPUT,
	OPT_STRING(0, "arch", struct img_args, arch, "ARCH",
		   "the manifest of this architecture in an index (default: this machine's)"),
	OPT_STRING(0, "platform", struct img_args, platform, "OS/ARCH", "--arch written linux/ARCH"),
	OPT_BOOL(0, "remote", struct img_args, remote,
		 "read it from its registry without storing it (the default\n"
		 "for a REGISTRY/REPO:TAG the store does not have)"),
	OPT_END(),
};

static const struct cli_option store_options[] = {
	IMG_OUTPUT,
	OPT_BOOL(0, "json", struct img_args, json, "the same as -o jsonpretty"),
	OPT_BOOL(0, "repair", struct img_args, repair,
		 "check: remove corrupt blobs, leftovers and dangling\n"
		 "signature tags, rebuild a damaged index.json"),
	OPT_END(),
};

static enum output_kind img_output(const struct img_args *a)
{
	enum output_kind k = a->json ? OUTPUT_JSONPRETTY : OUTPUT_COLUMNS;

	if (a->output)
		printer_kind_parse(a->output, &k);
	return k;
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
	char archs[128];		/* an index's platforms */
	char config_arch[32];		/* a single manifest's config */
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
			cat = json_string_value(json_object_get(cfg, "architecture"));
			if (cat && !s->config_arch[0])
				snprintf(s->config_arch, sizeof(s->config_arch), "%s", cat);
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

static json_t *image_row(const struct img_summary *s)
{
	json_t *archs = json_array();
	char buf[sizeof(s->archs)], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s->archs[0] ? s->archs : s->config_arch);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(archs, json_string(t));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "name", s->name, "tag", s->tag,
			 "digest", s->desc.digest, "mediaType", s->desc.media_type,
			 "category", s->category, "size", (json_int_t)s->size, "created", s->created,
			 "architectures", archs);
}

/* The rows of `images`: one per name (signatures with -a). */
static int image_rows(const struct img_args *a, json_t **out, struct gadget_err *err)
{
	struct store_entry *v;
	struct img_summary s;
	struct store *st;
	size_t n;

	if (open_store(&st, err) || store_list(st, &v, &n, err))
		return -EIO;
	*out = json_array();
	for (size_t i = 0; i < n; i++) {
		summarize(st, v[i].ref, &v[i].desc, &s);
		if (a->all || !sign_is_sig_tag(s.tag))
			json_array_append_new(*out, image_row(&s));
	}
	store_entries_free(v, n);
	store_close(st);
	return 0;
}

static const char *image_id(const char *digest, bool whole)
{
	const char *hex = strchr(digest, ':');

	if (whole || !hex)
		return digest;
	return hex + 1;
}

static void images_print_columns(const struct img_args *a, json_t *rows)
{
	char size[32], cat[32], created[40];
	json_t *r;
	size_t i;

	if (a->quiet) {
		/* ids once each, in listing order, as docker images -q */
		json_array_foreach(rows, i, r) {
			const char *d = json_string_value(json_object_get(r, "digest"));
			bool seen = false;

			for (size_t k = 0; k < i && !seen; k++)
				seen = !strcmp(d, json_string_value(json_object_get(json_array_get(rows, k),
										      "digest")));
			if (!seen)
				printf("%.*s\n", a->no_trunc ? 80 : 12, image_id(d, a->no_trunc));
		}
		return;
	}
	printf("%-32s %-16s %-*s %-12s %-8s %s\n", "NAME", "TAG", a->no_trunc ? 71 : 19, "DIGEST",
	       "CATEGORY", "SIZE", "CREATED");
	json_array_foreach(rows, i, r) {
		const char *c = json_string_value(json_object_get(r, "category"));
		const char *t = json_string_value(json_object_get(r, "created"));

		human_size(json_integer_value(json_object_get(r, "size")), "", size, sizeof(size));
		printf("%-32s %-16s %-*.*s %-12s %-8s %s\n", json_string_value(json_object_get(r, "name")),
		       json_string_value(json_object_get(r, "tag")), a->no_trunc ? 71 : 19,
		       a->no_trunc ? 71 : 19, json_string_value(json_object_get(r, "digest")),
		       c[0] ? SAFE(c, cat) : "-", size, t[0] ? SAFE(t, created) : "-");
	}
}

static int run_images(void *args, char **operands, int n)
{
	struct img_args *a = args;
	struct gadget_err err = { 0 };
	enum output_kind k = img_output(a);
	json_t *rows;

	(void)operands;
	(void)n;
	if (image_rows(a, &rows, &err))
		return cli_fail(&err);
	if (k == OUTPUT_COLUMNS)
		images_print_columns(a, rows);
	else if (a->quiet) {
		json_t *ids = json_array(), *r;
		size_t i;

		json_array_foreach(rows, i, r)
			json_array_append(ids, json_object_get(r, "digest"));
		output_doc(k, ids, stdout);
		json_decref(ids);
	} else
		output_doc(k, rows, stdout);
	json_decref(rows);
	return EXIT_OK;
}

static int run_tag(void *args, char **operands, int n)
{
	struct gadget_err err = { 0 };
	struct oci_descriptor d;
	struct store *st;
	int ret;

	(void)args;
	(void)n;
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = store_resolve(st, operands[0], &d, &err) ?: store_tag(st, operands[1], &d, &err);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

/* Drop the signature names of digest once no other name points at it. */
static void untag_orphan_sigs(struct store *st, const char *digest)
{
	struct store_entry *v;
	char sig[1024];
	size_t n, i;
	bool used = false;

	if (store_list(st, &v, &n, NULL))
		return;
	for (i = 0; i < n; i++) {
		const char *colon = strrchr(v[i].ref, ':');

		if (!strcmp(v[i].desc.digest, digest) && !(colon && sign_is_sig_tag(colon + 1)))
			used = true;
	}
	/* a signature's name is the one sign_ref_name() gives its repository and digest */
	for (i = 0; !used && i < n; i++)
		if (!sign_ref_name(v[i].ref, digest, sig, sizeof(sig), NULL) && !strcmp(sig, v[i].ref))
			store_untag(st, v[i].ref, NULL);
	store_entries_free(v, n);
}

static int run_rmi(void *args, char **operands, int n)
{
	struct gadget_err err = { 0 };
	struct oci_descriptor d;
	struct store *st;
	int i, ret = 0;

	(void)args;
	if (open_store(&st, &err))
		return cli_fail(&err);
	for (i = 0; !ret && i < n; i++) {
		ret = store_resolve(st, operands[i], &d, &err) ?: store_untag(st, operands[i], &err);
		if (!ret) {
			untag_orphan_sigs(st, d.digest);
			printf("Untagged: %s\n", operands[i]);
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
	if (img->btfgen) {
		struct btfgen_report r;

		if (!btfgen_report(img->btfgen, img->btfgen_len, &r, NULL))
			json_object_set_new(j, "btfgen", json_pack("{s:i, s:s?, s:b, s:b}", "entries",
				(int)r.scan.entries, "hostEntry", r.entry[0] ? r.entry : NULL,
				"hostMatch", r.scan.found, "kernelBtf", r.kernel_btf));
	}
	signature_of(st, s->name[0] ? s->name : "", s->desc.digest, sig, sizeof(sig));
	json_object_set_new(j, "signature", sig[0] ? json_string(sig) : json_null());
	return j;
}

/* "BTFgen:      2 BTFs; this host's debian/12/x86_64/6.1.0-18-amd64.btf: yes; ..." */
static void inspect_print_btfgen(const struct gadget_image *img)
{
	struct gadget_err err = {};
	struct btfgen_report r;
	char val[1024];

	if (btfgen_report(img->btfgen, img->btfgen_len, &r, &err)) {
		printf("BTFgen:      unreadable: %s\n", SAFE(err.msg, val));
		return;
	}
	printf("BTFgen:      %u BTF%s; this host's %s: %s; %s\n", r.scan.entries,
	       r.scan.entries == 1 ? "" : "s", r.entry[0] ? SAFE(r.entry, val) : "(no os-release)",
	       r.scan.found ? "yes" : "no", r.kernel_btf ? "not used here (this kernel has BTF)" :
	       r.scan.found ? "used here (this kernel has no BTF)" :
	       "this kernel has no BTF: cannot run here");
}

static void inspect_print_text(struct store *st, const char *ref, const struct img_summary *s,
			       const struct gadget_image *img, bool remote)
{
	char size[32], sig[1024], key[256], val[4096];
	json_t *man = NULL, *v;
	const char *k;

	human_size(s->size, "", size, sizeof(size));
	printf("Name:        %s:%s\nDigest:      %s\nMediaType:   %s\nSize:        %s\n", s->name,
	       s->tag, s->desc.digest, s->desc.media_type, size);
	if (s->archs[0])
		printf("Platforms:   %s\n", SAFE(s->archs, val));
	if (remote)
		printf("Remote:      read from the registry, not stored\n");
	signature_of(st, ref, s->desc.digest, sig, sizeof(sig));
	printf("Signature:   %s\n", sig[0] ? sig : "none");
	printf("Format:      %s\n", image_format_name(img->format));
	printf("Manifest:    %s (%s)\n", img->manifest.digest,
	       SAFE(json_string_value(json_object_get(img->config, "architecture")) ?:
		    (img->manifest.platform_arch[0] ? img->manifest.platform_arch : "?"), key));
	if (img->format == IMAGE_FORMAT_IG)
		printf("IG layers:   ebpf%s%s; gadget.yaml: %s\n", img->has_wasm ? ", wasm" : "",
		       img->has_btfgen ? ", btfgen" : "", img->gadget_yaml ? "yes" : "none (empty config)");
	if (img->btfgen)
		inspect_print_btfgen(img);
	if (img->invalid[0])
		printf("Cannot run:  %s\n", SAFE(img->invalid, val));
	store_read_json(st, img->manifest.digest, &man, NULL);
	json_object_foreach(json_object_get(man, "annotations"), k, v)
		printf("  %-40s %s\n", SAFE(k, key), SAFE(json_string_value(v), val));
	json_decref(man);
	if (img->info)
		gadget_info_print(img->info, GADGET_INFO_VIEW_BRIEF, stdout);
}

/* The store holding name's image: the local one, or a private copy of the registry's. */
static int inspect_open(const struct img_args *a, const char *name, struct store **st,
			struct remote_image *ri, struct gadget_err *err)
{
	if (open_store(st, err))
		return -1;
	if (!a->remote && !remote_wanted(*st, name))
		return 0;
	if (remote_image_fetch(name, a->arch, ri, err)) {
		store_close(*st);
		return -1;
	}
	store_close(*st);
	*st = ri->st;
	return 0;
}

static int run_inspect(void *args, char **operands, int n)
{
	struct img_args *a = args;
	struct gadget_input_opts io = { .kinds = GADGET_INPUT_IMAGE };
	struct gadget_err err = { 0 };
	struct gadget_input in = { 0 };
	struct remote_image ri = { 0 };
	enum output_kind k = img_output(a);
	const char *name = operands[0];
	struct img_summary s;
	struct store *st;

	(void)n;
	if (a->platform && oci_platform_parse(a->platform, &a->arch, &err))
		return cli_usage_error("inspect", "%s", err.msg);
	io.arch = a->arch;
	if (inspect_open(a, name, &st, &ri, &err))
		return cli_fail(&err);
	if (ri.st) {	/* the registry's image, in a private store */
		name = ri.ref;
		io.store = ri.dir;
	}
	if (gadget_input_open(name, &io, &in, &err)) {
		gadget_input_close(&in);
		ri.st ? remote_image_release(&ri) : store_close(st);
		return cli_fail(&err);
	}
	summarize(st, name, &in.top, &s);
	if (k == OUTPUT_COLUMNS) {
		inspect_print_text(st, name, &s, in.image, ri.st != NULL);
	} else {
		json_t *j = inspect_json(st, &s, in.image);

		output_doc(k, j, stdout);
		json_decref(j);
	}
	gadget_input_close(&in);
	if (ri.st)
		remote_image_release(&ri);
	else
		store_close(st);
	return EXIT_OK;
}

static int run_export(void *args, char **operands, int n)
{
	struct gadget_err err = { 0 };
	struct store *st;
	int ret;

	(void)args;
	(void)n;
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = layout_tar_export(st, operands[0], operands[1], &err);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

static int run_import(void *args, char **operands, int n)
{
	struct gadget_err err = { 0 };
	struct store *st;
	char **refs = NULL;
	size_t nr = 0, k;
	int ret;

	(void)args;
	(void)n;
	if (open_store(&st, &err))
		return cli_fail(&err);
	ret = layout_tar_import(st, operands[0], &refs, &nr, &err);
	for (k = 0; k < nr; k++) {
		if (!ret)
			printf("Imported: %s\n", refs[k]);
		free(refs[k]);
	}
	free(refs);
	store_close(st);
	return ret ? cli_fail(&err) : EXIT_OK;
}

static json_t *check_json(struct store *st, const struct store_check_report *rep)
{
	json_t *j = json_pack("{s:s, s:i, s:i, s:i, s:i, s:b, s:i, s:i, s:i, s:[]}",
			      "store", store_path(st), "blobs", rep->blobs, "bad_blobs", rep->bad_blobs,
			      "missing_blobs", rep->missing_blobs, "bad_tags", rep->bad_tags,
			      "bad_index", rep->bad_index, "temp_files", rep->temp_files,
			      "dangling_signatures", rep->dangling_sigs, "removed", rep->removed,
			      "problems");

	for (size_t i = 0; i < rep->nr_problems; i++)
		json_array_append_new(json_object_get(j, "problems"), json_string(rep->problems[i]));
	return j;
}

static void check_print_text(struct store *st, const struct store_check_report *rep, bool repair)
{
	/* --repair fixes all but missing blobs: those names need a pull or an import */
	bool fixable = rep->bad_blobs || rep->temp_files || rep->bad_index || rep->dangling_sigs;
	char dangling[64] = "";

	for (size_t i = 0; i < rep->nr_problems; i++)
		printf("%s\n", rep->problems[i]);
	if (rep->dangling_sigs)
		snprintf(dangling, sizeof(dangling), ", %u dangling signatures", rep->dangling_sigs);
	printf("%s: %u blobs, %u corrupt, %u missing, %u broken names%s, %u temporary files%s%s%s\n",
	       store_path(st), rep->blobs, rep->bad_blobs, rep->missing_blobs, rep->bad_tags, dangling,
	       rep->temp_files, rep->bad_index ? ", index.json damaged" : "",
	       !repair && fixable ? " (--repair to fix)" : "",
	       rep->missing_blobs ? " (names with missing blobs: pull or import them again)" : "");
}

static int store_check_cmd(struct store *st, bool repair, enum output_kind kind)
{
	struct store_check_report rep;
	struct gadget_err err = { 0 };
	int ret;

	ret = store_check(st, repair, &rep, &err);
	if (ret)
		return cli_fail(&err);
	if (kind == OUTPUT_COLUMNS) {
		check_print_text(st, &rep, repair);
	} else {
		json_t *j = check_json(st, &rep);

		output_doc(kind, j, stdout);
		json_decref(j);
	}
	/* Leftover temp files alone are not an error; corruption is (until repaired). */
	ret = rep.bad_index || (rep.bad_blobs + rep.missing_blobs + rep.bad_tags + rep.dangling_sigs &&
				!(repair && !rep.missing_blobs));
	store_check_report_free(&rep);
	return ret ? EXIT_ERROR : EXIT_OK;
}

static int run_store(void *args, char **operands, int n)
{
	struct img_args *a = args;
	struct gadget_err err = { 0 };
	const char *sub = operands[0];
	struct store *st;
	int ret;

	(void)n;
	if (strcmp(sub, "check") && (a->repair || a->output || a->json))
		return cli_usage_error("store", "--repair, -o and --json go with 'store check'");
	if (!strcmp(sub, "path")) {
		printf("%s\n", store_default_path());
		return EXIT_OK;
	}
	if (open_store(&st, &err))
		return cli_fail(&err);
	if (!strcmp(sub, "check"))
		ret = store_check_cmd(st, a->repair, img_output(a));
	else
		ret = store_gc(st, &err) ? cli_fail(&err) : EXIT_OK;
	store_close(st);
	return ret;
}

const struct cli_command cmd_images = {
	.name = "images", .summary = "list the images in the local store",
	.synopsis = "", .description = "List the images in the local store ($GADGET_STORE).\n",
	.opts = images_options, .args_size = sizeof(struct img_args),
	.min_operands = 0, .max_operands = 0, .run = run_images,
};

const struct cli_command cmd_tag = {
	.name = "tag", .summary = "give an image another name",
	.synopsis = "SOURCE TARGET", .description = "Give the image SOURCE the additional name TARGET.\n",
	.args_size = sizeof(struct img_args), .min_operands = 2, .max_operands = 2,
	.operand = CPL_IMAGE, .run = run_tag,
};

const struct cli_command cmd_rmi = {
	.name = "rmi", .summary = "remove an image from the local store",
	.synopsis = "REF...",
	.description = "Remove image names; blobs no name reaches any more are deleted,\n"
		       "signatures of images that lose their last name too.\n",
	.args_size = sizeof(struct img_args), .min_operands = 1, .max_operands = -1,
	.operand = CPL_IMAGE, .run = run_rmi,
};

const struct cli_command cmd_inspect = {
	.name = "inspect", .summary = "show an image's manifest, config and metadata",
	.synopsis = "REF",
	.description = "Show an image: manifest, config, the gadget's programs, maps, event fields "
		       "and params.\n",
	.opts = inspect_options, .args_size = sizeof(struct img_args),
	.min_operands = 1, .max_operands = 1, .operand = CPL_IMAGE, .run = run_inspect,
};

const struct cli_command cmd_export = {
	.name = "export", .summary = "write an image to a tar file (OCI layout)",
	.synopsis = "REF FILE.tar|-",
	.description = "Write REF (and its signature) as an OCI layout tar, to standard output\n"
		       "for '-'; the same image gives the same bytes.\n",
	.args_size = sizeof(struct img_args), .min_operands = 2, .max_operands = 2,
	.operand = CPL_IMAGE, .run = run_export,
};

const struct cli_command cmd_import = {
	.name = "import", .summary = "load images from a tar file (OCI layout)",
	.synopsis = "FILE.tar|-",
	.description = "Read an OCI layout tar ('-': standard input) into the store; every digest,\n"
		       "size and path is checked before anything is written.\n",
	.args_size = sizeof(struct img_args), .min_operands = 1, .max_operands = 1,
	.operand = CPL_FILE, .run = run_import,
};

const struct cli_command cmd_store = {
	.name = "store", .summary = "check and repair the local store",
	.synopsis = "check|gc|path",
	.description = "check: verify every blob's digest, every name's blobs, signature tags whose\n"
		       "image is gone, report temporary files (--repair removes corrupt blobs,\n"
		       "leftovers and dangling signature tags; a name whose blobs are missing needs\n"
		       "a pull or an import); gc: delete unreferenced blobs; path: print the\n"
		       "store's path.\n",
	.opts = store_options, .args_size = sizeof(struct img_args),
	.min_operands = 1, .max_operands = 1, .subcommands = "check,gc,path", .run = run_store,
};
