/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REMOTE_H
#define GADGET_PACKAGER_REMOTE_H

/*
 * `inspect --remote` and `verify --remote` (like skopeo inspect and cosign
 * verify): the image is read from its registry into a private store in a
 * fresh $TMPDIR folder, with everything a pull checks (digests, sizes, caps)
 * and its signatures (the .sig tag, OCI 1.1 referrers), looked at there and
 * deleted; the user's store is never written.
 */
#include <limits.h>

#include "base/err.h"
#include "packager/config.h"
#include "packager/registry.h"
#include "packager/store.h"

struct remote_image {
	char dir[PATH_MAX];	/* the private store, removed by remote_image_release() */
	struct store *st;
	char ref[800];		/* the reference fetched (a short name qualified) */
};

/* arch: the platform an index must have (NULL: this machine's); mirrors from config.h. */
int remote_image_fetch(const char *ref, const char *arch, struct remote_image *ri,
		       struct gadget_err *err);
void remote_image_release(struct remote_image *ri);

/* Is ref an image to look at remotely: it has a registry and the store lacks it? */
bool remote_wanted(struct store *st, const char *ref);

#endif
