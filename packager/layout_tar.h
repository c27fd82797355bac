/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_LAYOUT_TAR_H
#define GADGET_PACKAGER_LAYOUT_TAR_H

/*
 * `gadget export` / `gadget import`: an OCI image layout (image-layout.md)
 * in a tar archive, the same shape `skopeo copy oci-archive:` reads.
 */
#include <stddef.h>

#include "base/err.h"
#include "packager/store.h"

#define LAYOUT_TAR_ENTRY_MAX	(256LL << 20)	/* one blob */
#define LAYOUT_TAR_TOTAL_MAX	(1LL << 30)	/* the whole archive, unpacked */

/*
 * Write ref (and its cosign signature image, when the store has one) as a
 * layout tar.  Deterministic: ustar, entries sorted, mtime 0, uid/gid 0,
 * fixed modes; the same image gives the same bytes.
 */
int layout_tar_export(struct store *st, const char *ref, const char *path,
		      struct gadget_err *err);

/*
 * Read a layout tar into the store.  Everything is checked first (entry
 * types and paths, sizes, every blob's digest, every descriptor resolvable);
 * nothing is written unless the whole archive is valid.  refs gets the
 * imported names (free each and the array).
 */
int layout_tar_import(struct store *st, const char *path, char ***refs, size_t *nr_refs,
		      struct gadget_err *err);

#endif
