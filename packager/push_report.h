/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_PUSH_REPORT_H
#define GADGET_PACKAGER_PUSH_REPORT_H

/*
 * What a pipeline reads after `gadget push`: the digest that was pushed in a
 * file (--digest-file, as podman and buildah write it: the digest alone, no
 * newline), or one JSON object on stdout (-o json), so that the next step
 * (sign, verify, deploy by digest) never parses human text.
 */
#include <stdio.h>

#include "base/err.h"
#include "packager/registry.h"

/* Write stats->top.digest to path, atomically (a reader never sees half). */
int push_report_digest_file(const char *path, const struct registry_stats *stats,
			    struct gadget_err *err);
/* One line of JSON: reference, digest, mediaType, size, signature, blob and
 * byte counts, requests, seconds. */
int push_report_json(FILE *f, const char *ref, const struct registry_stats *stats,
		     double seconds, struct gadget_err *err);

#endif
