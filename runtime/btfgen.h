/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_BTFGEN_H
#define GADGET_RUNTIME_BTFGEN_H

/*
 * Inspektor Gadget's btfgen layer (IG's docs/spec/oci.md "The btfgen
 * layer", its btfgen operator): a tar.gz of minimal BTF files (bpftool gen
 * min_core_btf), laid out like btfhub-archive, one plain .btf per kernel:
 *
 *     <os-release ID>/<VERSION_ID>/<arch>/<uname -r>.btf
 *
 * with arch as btfhub names it (x86_64, arm64: base/arch.h).  On a kernel
 * without BTF of its own (no /sys/kernel/btf/vmlinux) this host's file is
 * what libbpf relocates CO-RE reads against; with it, the layer is unused.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct btfgen_host {
	char id[64];		/* os-release ID: "debian" */
	char version_id[64];	/* os-release VERSION_ID: "12" */
	char arch[65];		/* btfhub's: "x86_64", "arm64" */
	char release[65];	/* uname -r */
};

/* ID and VERSION_ID of an os-release(5) text, unquoted; -ENOENT if either is missing. */
int btfgen_os_release_parse(const char *text, struct btfgen_host *h);
/* btfhub's name of a uname(2) machine: "aarch64" -> "arm64". */
const char *btfgen_arch(const char *machine);
/*
 * This host: os-release from ROOT/etc/os-release, else ROOT/usr/lib/os-release
 * (os-release(5); root NULL: /), uname(2).
 */
int btfgen_host_read(const char *root, struct btfgen_host *h, struct gadget_err *err);
/* h's entry in a layer: "debian/12/x86_64/6.1.0-18-amd64.btf". */
int btfgen_host_entry(const struct btfgen_host *h, char *buf, size_t cap);

struct btfgen_scan {
	unsigned int entries;	/* .btf files in the layer */
	bool found;		/* the entry asked for is one of them */
	char listing[512];	/* the first few, for messages: "a.btf, b.btf, ..." */
	unsigned int xz;	/* btfhub-archive's own .btf.tar.xz files, which IG's layers
				 * never hold (its builder reduces each to a .btf) */
};

/* What a layer holds, and whether entry is among it. */
int btfgen_scan(const void *tgz, size_t len, const char *entry, struct btfgen_scan *s,
		struct gadget_err *err);
/*
 * Write the layer's entry to a new private file (mode 0600, in $TMPDIR or
 * /tmp; path gets its name; the caller removes it).  A layer without it:
 * -ENOENT, naming the entry and what the layer holds.
 */
int btfgen_extract(const void *tgz, size_t len, const char *entry, char *path, size_t cap,
		   struct gadget_err *err);
/* For inspect: the layer's entries, this host's entry and whether it is there. */
struct btfgen_report {
	struct btfgen_scan scan;
	char entry[512];	/* this host's ("": its os-release could not be read) */
	bool kernel_btf;	/* this kernel has its own: the layer would not be used */
};
int btfgen_report(const void *tgz, size_t len, struct btfgen_report *r, struct gadget_err *err);
/*
 * A run's btfgen layer (tgz NULL: none): on a kernel without BTF, this host's
 * entry extracted to path (removed by the caller after the load) and said on
 * status; on one with BTF, path "" and, verbose, a line that the layer is unused.
 */
int btfgen_use(const void *tgz, size_t len, FILE *status, bool verbose, char *path, size_t cap,
	       struct gadget_err *err);

#endif
