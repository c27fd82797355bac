// SPDX-License-Identifier: Apache-2.0
/* Looking at a registry's image without pulling it into the store (remote.h). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arch.h"
#include "packager/remote.h"

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void remote_image_release(struct remote_image *ri)
{
	if (ri->st)
		store_close(ri->st);
	ri->st = NULL;
	if (ri->dir[0])
		nftw(ri->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	ri->dir[0] = '\0';
}

int remote_image_fetch(const char *ref, const char *arch, struct remote_image *ri,
		       struct gadget_err *err)
{
	struct registry_opts o = { .retries = -1, .arch = arch ? arch : arch_host() };
	const char *tmp = getenv("TMPDIR");
	struct packager_config cfg;
	struct oci_ref r;
	int ret;

	memset(ri, 0, sizeof(*ri));
	snprintf(ri->dir, sizeof(ri->dir), "%s/gadget-remote-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(ri->dir)) {
		ret = gadget_err_set(err, errno, "%s: %s", ri->dir, strerror(errno));
		ri->dir[0] = '\0';
		return ret;
	}
	ret = packager_config_load(&cfg, err) ?: store_open(ri->dir, &ri->st, err);
	if (!ret)	/* qualified against the empty store: a short name is the default registry's */
		ret = packager_config_qualify(ri->st, &cfg, ref, ri->ref, sizeof(ri->ref), err);
	if (!ret && (ret = ref_parse(ri->ref, &r, err)) == 0 && !r.registry[0])
		ret = gadget_err_set(err, EINVAL, "%s names no registry to look in (REGISTRY/REPO:TAG, "
				     "or set GADGET_DEFAULT_REGISTRY)", ref);
	if (!ret)
		ret = packager_config_pull(ri->st, &cfg, ri->ref, &o, NULL, err);
	if (ret)
		remote_image_release(ri);
	return ret;
}

bool remote_wanted(struct store *st, const char *ref)
{
	struct oci_descriptor d;
	struct oci_ref r;

	return strncmp(ref, "sha256:", 7) && !ref_parse(ref, &r, NULL) && r.registry[0] &&
	       store_resolve(st, ref, &d, NULL) == -ENOENT;
}
