// SPDX-License-Identifier: Apache-2.0
/* What a command's gadget argument names, and whether it may run (see input.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arch.h"
#include "base/file.h"
#include "packager/config.h"
#include "packager/image_ig.h"
#include "packager/input.h"
#include "packager/sign.h"

static bool written_as_path(const char *arg)
{
	return arg[0] == '/' || !strncmp(arg, "./", 2) || !strncmp(arg, "../", 3) ||
	       !strcmp(arg, ".") || !strcmp(arg, "..");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* The kind arg names by the rules of input.h; -ENOENT when a path is not there. */
static int classify(const char *arg, unsigned int kinds, enum gadget_input_kind *kind,
		    struct gadget_err *err)
{
	bool path = written_as_path(arg) || ends_with(arg, ".o") || !(kinds & GADGET_INPUT_IMAGE);
	struct gadget_err rerr = { 0 };
	struct oci_ref r;
	struct stat st;

	if (!path && !ref_parse(arg, &r, &rerr)) {
		*kind = GADGET_INPUT_IMAGE;
		return 0;
	}
	if (stat(arg, &st) && !path)
		return gadget_err_set(err, ENOENT, "'%s' is not a folder, an object file or an image "
				      "reference: %s", arg, rerr.msg);
	if (stat(arg, &st))
		return gadget_err_set(err, errno, "cannot open %s: %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode))
		*kind = GADGET_INPUT_FOLDER;
	else if (S_ISREG(st.st_mode))
		*kind = GADGET_INPUT_OBJECT;
	else	/* a FIFO or a device would block or never end */
		return gadget_err_set(err, EINVAL, "%s is not a folder or a regular file", arg);
	return 0;
}

static int open_folder(const char *arg, struct gadget_input *in, struct gadget_err *err)
{
	struct build_opts bo = {};
	int ret;

	ret = compiler_load_spec(arg, &in->spec, err);
	if (ret)
		return ret;
	ret = compiler_build(in->spec, &bo, &in->res, err);
	if (ret)
		return ret;
	in->obj = in->res.obj;
	in->len = in->res.len;
	snprintf(in->name, sizeof(in->name), "%s", in->spec->name);
	snprintf(in->what, sizeof(in->what), "folder %s", in->spec->dir);
	return 0;
}

static int open_object(const char *arg, struct gadget_input *in, struct gadget_err *err)
{
	const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
	int ret = file_read(arg, &in->obj, &in->len, err);

	/* the gadget's name is the file's: "trace_open.bpf.o" -> "trace_open" */
	snprintf(in->name, sizeof(in->name), "%.*s", (int)strcspn(base, "."), base);
	snprintf(in->what, sizeof(in->what), "file %s", arg);
	return ret;
}

/*
 * An Inspektor Gadget image's wasm module runs in IG's userspace (it may add
 * fields, rename or drop events); there is no wasm runtime here.  The eBPF
 * part runs alone when it has output of its own to show (a print_ map, an
 * iterator, metrics maps): the status line says the module did not run.
 * Otherwise nothing would be shown at all: refuse.
 */
static int wasm_policy(const char *arg, const struct gadget_image *img, struct gadget_err *err)
{
	if (img->info && img->info->category != GADGET_CAT_UNKNOWN)
		return 0;
	return gadget_err_set(err, ENOTSUP, "%s: this Inspektor Gadget image has a wasm module "
			      "(layer " MEDIA_TYPE_IG_WASM ") and its eBPF program has no output of its own (no print_ "
			      "map, iterator or metrics map): it needs the module, and gadget has no "
			      "wasm runtime; run it with ig", arg);
}

static const char *const pull_policy_names[] = {
	[PULL_MISSING] = "missing", [PULL_ALWAYS] = "always", [PULL_NEVER] = "never",
};

int pull_policy_parse(const char *s, enum pull_policy *out, struct gadget_err *err)
{
	for (size_t i = PULL_MISSING; i < sizeof(pull_policy_names) / sizeof(pull_policy_names[0]); i++)
		if (!strcmp(s, pull_policy_names[i])) {
			*out = i;
			return 0;
		}
	return gadget_err_set(err, EINVAL, "--pull %s: use missing, always or never", s);
}

/* Bring name into the store as the policy says; *pulled says whether it came down. */
static int fetch(struct store *st, const struct packager_config *cfg, const char *name,
		 const struct gadget_input_opts *o, bool *pulled, struct gadget_err *err)
{
	struct registry_opts ro = { .retries = -1 };
	struct oci_descriptor d;
	struct oci_ref r;
	bool have;
	int ret;

	*pulled = false;
	if (o->pull == PULL_LOCAL || !strncmp(name, "sha256:", 7))
		return 0;
	have = !store_resolve(st, name, &d, NULL);
	if (have && o->pull != PULL_ALWAYS)
		return 0;
	if (!have && o->pull == PULL_NEVER)
		return gadget_err_set(err, ENOENT, "%s is not in the store %s and --pull never forbids "
				      "pulling it (gadget pull %s, or --pull missing)", name,
				      store_path(st), name);
	ret = ref_parse(name, &r, err);
	if (ret)
		return ret;
	if (!r.registry[0]) {
		char canon[800];

		if (have)
			return 0;	/* --pull always on a local image: nothing to pull from */
		if (ref_format(&r, canon, sizeof(canon)))
			snprintf(canon, sizeof(canon), "%s", name);
		return gadget_err_set(err, ENOENT, "no image %s in the store %s, and the name has no "
				      "registry to pull it from (REGISTRY/REPO:TAG, or set "
				      "GADGET_DEFAULT_REGISTRY)", canon, store_path(st));
	}
	ret = packager_config_check_allowed(cfg, name, NULL, err);	/* refused: not even fetched */
	if (ret)
		return ret;
	if (o->reg)
		ro = *o->reg;
	if (!ro.arch)
		ro.arch = o->arch ? o->arch : arch_host();
	ret = packager_config_pull(st, cfg, name, &ro, NULL, err);
	if (ret)
		return gadget_err_prefix(err, "pulling %s", name);
	*pulled = true;
	return 0;
}

static int open_image(const char *arg, const struct gadget_input_opts *o,
		      const struct packager_config *cfg, struct gadget_input *in,
		      struct gadget_err *err)
{
	struct store *st = NULL;
	bool pulled = false;
	struct stat sb;
	int ret;

	snprintf(in->ref, sizeof(in->ref), "%s", arg);
	ret = store_open(o->store, &st, err);
	if (ret)
		return ret;
	in->key = o->verify && !o->skip_verify ? sign_verify_key_path() : NULL;
	ret = packager_config_qualify(st, cfg, arg, in->image_ref, sizeof(in->image_ref), err) ?:
	      fetch(st, cfg, in->image_ref, o, &pulled, err) ?:
	      sign_load_verified(st, in->image_ref, o->arch, !in->key, &in->image, err);
	store_close(st);
	if (ret == -ENOENT && !stat(arg, &sb))
		return gadget_err_prefix(err, "%s names an image; to use the %s of that name here, "
					 "write ./%s", arg, S_ISDIR(sb.st_mode) ? "folder" : "file", arg);
	if (ret)
		return ret;
	if (o->verify) {
		ret = packager_config_check_allowed(cfg, in->image_ref, in->image->top.digest, err);
		if (!ret && in->image->has_wasm)
			ret = wasm_policy(arg, in->image, err);
		if (!ret && in->image->invalid[0])
			ret = gadget_err_set(err, EINVAL, "%s: %s", arg, in->image->invalid);
		if (ret)
			return ret;
	}
	in->obj = in->image->obj;
	in->len = in->image->len;
	in->top = in->image->top;
	snprintf(in->name, sizeof(in->name), "%s", in->image->info && in->image->info->name ?
		 in->image->info->name : arg);
	snprintf(in->what, sizeof(in->what), "%simage %s %s%s%s%s%s",
		 in->image->format == IMAGE_FORMAT_IG ? "Inspektor Gadget " : "", in->image_ref,
		 in->top.digest, pulled ? " (pulled)" : "",
		 in->key ? ", signature verified with " : "", in->key ? in->key : "",
		 in->image->has_wasm ? ", its wasm module not run (no wasm runtime here)" : "");
	return 0;
}

int gadget_input_open(const char *arg, const struct gadget_input_opts *o, struct gadget_input *in,
		      struct gadget_err *err)
{
	const char *key = o->verify && !o->skip_verify ? sign_verify_key_path() : NULL;
	struct packager_config cfg = { 0 };
	int ret;

	memset(in, 0, sizeof(*in));
	ret = classify(arg, o->kinds, &in->kind, err);
	if (ret)
		return ret;
	if (!(o->kinds & in->kind))
		return gadget_err_set(err, EINVAL, "%s is a %s; this command takes %s", arg,
				      in->kind == GADGET_INPUT_FOLDER ? "folder" : "file",
				      o->kinds & GADGET_INPUT_IMAGE ? "an image reference"
								    : "an object file or a folder");
	if (in->kind == GADGET_INPUT_IMAGE || o->verify) {
		ret = packager_config_load(&cfg, err);
		if (!ret && o->allowed)
			ret = packager_config_allow(&cfg, o->allowed, false, err);
		if (ret)
			return ret;
	}
	if (o->verify && cfg.nr_allowed && in->kind != GADGET_INPUT_IMAGE)
		return gadget_err_set(err, EPERM, "refusing to run the %s %s: an allow list of images "
				      "is configured (%s%s)", in->kind == GADGET_INPUT_FOLDER ? "folder"
				      : "file", arg, cfg.allowed[0], cfg.nr_allowed > 1 ? ", ..." : "");
	if (key && in->kind != GADGET_INPUT_IMAGE)
		return gadget_err_set(err, EPERM, "refusing to run the %s %s: a verification key is "
				      "configured (%s) and a %s carries no signature "
				      "(--insecure-skip-verify runs it anyway)",
				      in->kind == GADGET_INPUT_FOLDER ? "folder" : "file", arg, key,
				      in->kind == GADGET_INPUT_FOLDER ? "folder" : "file");
	switch (in->kind) {
	case GADGET_INPUT_FOLDER:
		ret = open_folder(arg, in, err);
		break;
	case GADGET_INPUT_OBJECT:
		ret = open_object(arg, in, err);
		break;
	default:
		ret = open_image(arg, o, &cfg, in, err);
		break;
	}
	if (!ret && !key && o->verify && o->skip_verify && sign_verify_key_path())
		snprintf(in->what + strlen(in->what), sizeof(in->what) - strlen(in->what),
			 ", signature not checked (--insecure-skip-verify)");
	if (ret)
		gadget_input_close(in);
	return ret;
}

void gadget_input_close(struct gadget_input *in)
{
	if (in->image)
		gadget_image_free(in->image);
	else if (in->spec)
		build_result_free(&in->res);
	else
		free(in->obj);
	build_spec_free(in->spec);
	memset(in, 0, sizeof(*in));
}

int gadget_input_analyze_object(const void *obj, size_t len, const struct build_spec *spec,
				const struct validate_opts *base, struct gadget_info **info,
				struct diag_list *diags, struct gadget_err *err)
{
	struct validate_opts vo = *base;

	if (spec) {
		vo.name = spec->name;
		vo.src_dir = spec->dir;
		vo.description = spec->description;
		vo.params_doc = spec->params;
		vo.yaml = spec->yaml;
		vo.wasm = spec->wasm;
	}
	return validator_analyze(obj, len, &vo, info, diags, err);
}

int gadget_input_analyze(const struct gadget_input *in, const struct validate_opts *base,
			 struct gadget_info **info, struct diag_list *diags, struct gadget_err *err)
{
	struct validate_opts vo = *base;

	if (!vo.name && in->name[0])
		vo.name = in->name;
	return gadget_input_analyze_object(in->obj, in->len, in->spec, &vo, info, diags, err);
}
