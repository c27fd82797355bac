/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_FILE_H
#define GADGET_BASE_FILE_H

#include <stdbool.h>
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

/*
 * Whole-file replacement: a temp file created with mkstemp(3) (O_EXCL, an
 * unguessable name: nothing planted in a shared folder is followed), then
 * renamed over path.
 */
int file_write_atomic(const char *path, const void *buf, size_t len, struct gadget_err *err);
struct file_write_opts {
	const char *tmp_dir;	/* where the temp file is made (same filesystem); NULL: beside path */
	mode_t mode;		/* 0: 0644 */
	bool durable;		/* fsync the file, and its folder after the rename */
};
int file_write_atomic_opts(const char *path, const void *buf, size_t len,
			   const struct file_write_opts *o, struct gadget_err *err);
/*
 * The two halves, for writers that stream (export's tar): create returns
 * the fd of "<tmp_dir or path's folder>/.<name>.XXXXXX" (tmp gets its name)
 * or -errno; commit closes it and renames it over path, or removes it.
 */
int file_temp_create(const char *path, const char *tmp_dir, mode_t mode, char *tmp, size_t tmplen);
int file_temp_commit(int fd, const char *tmp, const char *path, bool durable);
/* mkdir -p: 0 or -errno */
int mkdir_parents(const char *path, mode_t mode);

#endif
