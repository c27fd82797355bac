// SPDX-License-Identifier: Apache-2.0
/* gadget push's machine-readable results (push_report.h). */
#include <errno.h>
#include <string.h>
#include <jansson.h>

#include "base/file.h"
#include "packager/push_report.h"

int push_report_digest_file(const char *path, const struct registry_stats *stats,
			    struct gadget_err *err)
{
	const char *d = stats->top.digest;

	if (!*d)
		return gadget_err_set(err, EINVAL, "--digest-file: the push named no digest");
	return file_write_atomic(path, d, strlen(d), err);
}

int push_report_json(FILE *f, const char *ref, const struct registry_stats *stats,
		     double seconds, struct gadget_err *err)
{
	json_t *o;
	int ret;

	o = json_pack("{s:s, s:s, s:s, s:I, s:b, s:i, s:{s:i, s:i, s:i}, s:b, s:I, s:i, s:f}",
		      "reference", ref,
		      "digest", stats->top.digest,
		      "mediaType", stats->top.media_type,
		      "size", (json_int_t)stats->top.size,
		      "signature", stats->signature,
		      "attestations", (int)stats->attestations,
		      "blobs", "sent", (int)stats->blobs_sent, "skipped", (int)stats->blobs_skipped,
		      "mounted", (int)stats->blobs_mounted,
		      "upToDate", stats->up_to_date && !stats->blobs_sent && !stats->blobs_skipped &&
				  !stats->blobs_mounted,
		      "bytes", (json_int_t)stats->bytes,
		      "requests", (int)stats->requests,
		      "seconds", seconds);
	if (!o)
		return gadget_err_set(err, ENOMEM, "out of memory writing the push report");
	ret = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(o);
	if (ret || fputc('\n', f) == EOF || fflush(f))
		return gadget_err_set(err, errno ? errno : EIO, "writing the push report: %s",
				      strerror(errno ? errno : EIO));
	return 0;
}
