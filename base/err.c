// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "base/err.h"

int gadget_err_vset(struct gadget_err *err, int errnum, const char *fmt, va_list ap)
{
	errnum = abs(errnum);
	if (!errnum)
		errnum = EINVAL;
	if (err) {
		err->errnum = errnum;
		err->located = false;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -errnum;
}

int gadget_err_set(struct gadget_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gadget_err_vset(err, errnum, fmt, ap);
	va_end(ap);
	return ret;
}

int gadget_err_prefix(struct gadget_err *err, const char *fmt, ...)
{
	char prefix[1024], old[GADGET_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is fine: the prefix and the start of the message matter. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %.3000s", prefix, old) < 0)
		err->msg[0] = 0;
	return -(err->errnum ? err->errnum : EINVAL);
}

void gadget_err_clear(struct gadget_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *gadget_strerror(int errnum, char *buf, size_t len)
{
	errnum = abs(errnum);
	if (errnum >= __LIBBPF_ERRNO__START && errnum < __LIBBPF_ERRNO__END &&
	    !libbpf_strerror(errnum, buf, len))
		return buf;
	snprintf(buf, len, "%s", strerror(errnum));
	return buf;
}
