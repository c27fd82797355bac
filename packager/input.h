/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_INPUT_H
#define GADGET_PACKAGER_INPUT_H

/*
 * What a command's gadget argument names (`run`, `validate`, `inspect`),
 * decided in one place by one set of rules:
 *
 *   - written as a path ("/x", "./x", "../x", "." or ".."): a folder or an
 *     object file;
 *   - ending in ".o": an object file;
 *   - otherwise a valid image reference is the store's image, even where a
 *     folder of that name exists: a folder named "127.0.0.1:5050/demo:v1"
 *     in the working directory must not stand in for the signed image (its
 *     build file's cflags reach clang: -fplugin= runs code);
 *   - anything else that exists is a path.
 *
 * With a verification key configured (sign_verify_key_path()) and
 * .verify set, an image is loaded by the digest its signature verified, and
 * a folder or an object file, which carries no signature, is refused unless
 * skip_verify (--insecure-skip-verify).  in->what says what was run, for the
 * status line.  Images are ours or Inspektor Gadget's (packager/image_ig.h).
 * A short name the store lacks stands for the default registry's image
 * (packager/config.h); `run` pulls it (enum pull_policy) and, with an allow
 * list configured, runs only the images it names.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "compiler/compiler.h"
#include "packager/packager.h"
#include "validator/validator.h"

enum gadget_input_kind {
	GADGET_INPUT_FOLDER	= 1,
	GADGET_INPUT_OBJECT	= 2,
	GADGET_INPUT_IMAGE	= 4,
};

/*
 * When a reference is pulled from its registry: never by commands that look
 * at the store only (PULL_LOCAL, the zero value); by `run` when the store
 * lacks it (missing, the default, as ig and docker), every time (always:
 * a moved tag is followed), or never (the store's copy or an error).  What
 * was pulled is verified like any image (its .sig came with it).
 */
enum pull_policy { PULL_LOCAL, PULL_MISSING, PULL_ALWAYS, PULL_NEVER };
/* "missing", "always", "never"; -EINVAL with err filled otherwise. */
int pull_policy_parse(const char *s, enum pull_policy *out, struct gadget_err *err);

struct registry_opts;

struct gadget_input_opts {
	unsigned int kinds;	/* the kinds the command takes (bits) */
	enum pull_policy pull;
	const struct registry_opts *reg;	/* for pulls; NULL: defaults */
	const char *allowed;	/* --allowed A,B: replaces the configured allow list (run) */
	const char *store;	/* the store to look in; NULL: the default (store_default_path) */
	bool verify;		/* run: apply the verification-key policy, refuse an IG image
				 * that needs its wasm module (input.c wasm_policy) */
	bool skip_verify;	/* --insecure-skip-verify */
	const char *arch;	/* an image's platform; NULL: this machine */
};

struct gadget_input {
	enum gadget_input_kind kind;
	void *obj;			/* the ELF object */
	size_t len;
	char name[256];			/* the gadget's name: build file, file name or image */
	struct build_spec *spec;	/* FOLDER: its build file */
	struct build_result res;	/* FOLDER: owns obj */
	struct gadget_image *image;	/* IMAGE: owns obj, its analysis and config */
	struct oci_descriptor top;	/* IMAGE: what the reference resolved to (signature-checked) */
	char ref[768];			/* IMAGE: the reference as given */
	const char *key;		/* IMAGE: the key its signature verified with, or NULL */
	char what[1400];		/* "folder /abs/demo", "file x.o", "image REF@sha256:..." */
	char image_ref[800];		/* IMAGE: the reference loaded (the default registry's
					 * full name of a short one) */
};

int gadget_input_open(const char *arg, const struct gadget_input_opts *o, struct gadget_input *in,
		      struct gadget_err *err);
void gadget_input_close(struct gadget_input *in);

/*
 * Analyse an object the way every command does: the validator's options are
 * base's (what the command adds: werror, obj_path, a name) completed with
 * what a folder's build file says (spec, may be NULL: name, folder,
 * description, params, gadget.yaml, wasm).  Returns validator_analyze()'s
 * result.  gadget_input_analyze() is that for an opened folder or object
 * file; an image carries its analysis (in->image->info).
 */
int gadget_input_analyze_object(const void *obj, size_t len, const struct build_spec *spec,
				const struct validate_opts *base, struct gadget_info **info,
				struct diag_list *diags, struct gadget_err *err);
int gadget_input_analyze(const struct gadget_input *in, const struct validate_opts *base,
			 struct gadget_info **info, struct diag_list *diags, struct gadget_err *err);

#endif
