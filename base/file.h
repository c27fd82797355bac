/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_FILE_H
#define GADGET_BASE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read a whole regular file into a malloc'd buffer (NUL-terminated one past
 * len, so text can be parsed in place).  Returns 0 or -errno (-EINVAL for
 * something that is not a regular file).
 */
int file_read_all(const char *path, void **buf, size_t *len);

/* The same, with a message for the user in err. */
struct gadget_err;
int file_read(const char *path, void **buf, size_t *len, struct gadget_err *err);

/* Write a whole file: to "<path>.tmp.<pid>", then rename over path. */
int file_write_atomic(const char *path, const void *buf, size_t len, struct gadget_err *err);
/* mkdir -p: 0 or -errno */
int mkdir_parents(const char *path, mode_t mode);

#endif
