/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_PROVENANCE_H
#define GADGET_COMPILER_PROVENANCE_H

/*
 * What a build knows about itself and an image cannot tell afterwards: the
 * facts the attestations (packager/attest.h) are made of.  `gadget build
 * --attest` records them in the image; `push --attest` turns them into an
 * SPDX SBOM and an SLSA provenance statement.
 *
 *   {"gadget": "<version>", "buildFile": {"name", "sha256", "sha1"},
 *    "sources": [{"name", "sha256", "sha1"}], "cflags": [...],
 *    "archs": [...], "bpfHeaders": "sha256:<hex>", "clang": "...",
 *    "libbpf": "v1.1", "bpftool": "...", "sourceDateEpoch": "..."}
 *
 * "bpfHeaders" names the whole bpf-headers folder: SHA-256 over the
 * sha256sum(1) listing of its files ("<hex>  <path>\n", paths relative to
 * the folder, byte order), so
 *   (cd bpf-headers && find . -type f -printf '%P\n' | LC_ALL=C sort |
 *    xargs sha256sum) | sha256sum
 * gives the same digest.  "bpftool" is the one on $PATH (the tool that
 * generated vmlinux.h; a build does not run it), absent when there is none.
 */
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "compiler/compiler.h"

/* The facts of building spec for archs (n of them); free with json_decref(). */
int compiler_build_facts(const struct build_spec *spec, const char *const *archs, unsigned int n,
			 json_t **out, struct gadget_err *err);

/* The headers digest above, of the folder dir: "sha256:<hex>". */
int compiler_headers_digest(const char *dir, char *out, size_t len, struct gadget_err *err);

/* The first line of `clang --version` ($GADGET_CLANG or $PATH's clang). */
int compiler_clang_version(char *buf, size_t len, struct gadget_err *err);

#endif
