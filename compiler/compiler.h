/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_COMPILER_H
#define GADGET_COMPILER_COMPILER_H

/*
 * The compiler stage: a gadget folder (its *.bpf.c and optional build file
 * "gadget.json") in, one linked BPF object per architecture out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "info/gadget_yaml.h"

#include "base/err.h"

#define BUILD_FILE_NAME "gadget.json"

/* The build file, or what was inferred without one. */
struct build_spec {
	char *dir;		/* absolute path of the gadget folder */
	char *name;		/* "name", default: folder name */
	char *description;
	char **sources;		/* "sources", default: every *.bpf.c, sorted */
	unsigned int nr_sources;
	char **cflags;		/* "cflags": extra clang flags */
	unsigned int nr_cflags;
	char **archs;		/* "arch": ["amd64", "arm64"], default: this machine's */
	unsigned int nr_archs;
	json_t *params;		/* "params": {"name": {"description": "..."}} (owned) */
	json_t *annotations;	/* "annotations": {"org.opencontainers.image.source": ...} */
	struct gadget_yaml *yaml;	/* Inspektor Gadget's gadget.yaml, NULL if none */
	char *wasm;		/* build.yaml's wasm module (never built here), NULL if none */
};

int compiler_load_spec(const char *dir, struct build_spec **out, struct gadget_err *err);
/* IG's folder layout (compiler/ig_layout.c): build.yaml and gadget.yaml into spec. */
int compiler_read_ig_layout(struct build_spec *spec, struct gadget_err *err);
void build_spec_free(struct build_spec *spec);

struct build_opts {
	const char *arch;	/* compiler_build(): "amd64", "arm64"; NULL: this machine */
	bool verbose;		/* print the clang command lines, cache and PCH decisions */
	bool no_cache;		/* neither read nor write the build cache (no PCH either) */
	bool no_pch;		/* neither use nor make a precompiled header */
	unsigned int jobs;	/* clang runs at once; 0: one per CPU */
};

struct build_result {
	void *obj;		/* linked, DWARF-stripped object (BTF, BTF.ext kept) */
	size_t len;
	bool cache_hit;
};

/*
 * Compile and link spec's sources for one architecture.  clang's
 * diagnostics go to stderr unchanged; a failed compile returns -EINVAL with
 * err saying which source failed.
 */
int compiler_build(const struct build_spec *spec, const struct build_opts *opts,
		   struct build_result *out, struct gadget_err *err);
/*
 * The same for n architectures at once (archs[i] NULL: this machine's),
 * outs[i] for archs[i]: every source of every architecture compiles in
 * parallel, opts->jobs at a time.
 */
int compiler_build_archs(const struct build_spec *spec, const struct build_opts *opts,
			 const char *const *archs, unsigned int n, struct build_result *outs,
			 struct gadget_err *err);
void build_result_free(struct build_result *res);

/* "amd64" for x86_64, "arm64" for aarch64. */
const char *compiler_host_arch(void);
/* True for the architectures compiler_build() knows ("amd64", "arm64"). */
bool compiler_arch_known(const char *arch);

/*
 * Find a data folder ("bpf-headers", "templates"): $GADGET_BPF_HEADERS /
 * $GADGET_TEMPLATES, else <binary's folder>/../NAME (source tree), else
 * <binary's folder>/../share/gadget/NAME (any install prefix, DESTDIR
 * included), else GADGET_DATADIR/NAME.  buf gets an absolute path.
 */
int compiler_find_data(const char *what, char *buf, size_t len, struct gadget_err *err);

#endif
