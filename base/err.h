/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_ERR_H
#define GADGET_BASE_ERR_H

/*
 * Library code never prints. A function that can fail returns a negative
 * errno and, when given one, fills a struct gadget_err with a message the
 * CLI prints exactly once ("gadget: error: <msg>").  Messages that point at
 * a source line already carry "file:line:col: error: " and are printed as is.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define GADGET_ERR_MSG_MAX 4096

struct gadget_err {
	int errnum;			/* positive errno of the failure */
	bool located;			/* msg starts with "file:line:col: " */
	char msg[GADGET_ERR_MSG_MAX];
};

/* Fill err (may be NULL) and return -abs(errnum) (or -EINVAL if errnum is 0). */
int gadget_err_set(struct gadget_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gadget_err_vset(struct gadget_err *err, int errnum, const char *fmt, va_list ap);
/* Prepend "what: " to an already filled message (keeps errnum). */
int gadget_err_prefix(struct gadget_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gadget_err_clear(struct gadget_err *err);
/*
 * strerror() that also knows libbpf's own codes (LIBBPF_ERRNO__*, 4000 and
 * up: "Endian mismatch" instead of "Unknown error 4003").  errnum > 0.
 */
const char *gadget_strerror(int errnum, char *buf, size_t len);

#endif
