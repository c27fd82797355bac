/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_CLANG_H
#define GADGET_COMPILER_CLANG_H

/* Running clang (fork/exec, no shell) and reading what it tells us. */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* A growable NULL-terminated argv. */
struct argv_buf {
	char **v;
	unsigned int n, cap;
};

int argv_push(struct argv_buf *a, const char *s);
int argv_pushf(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_free(struct argv_buf *a);

/* Absolute path of the clang to run: $GADGET_CLANG, else "clang" on $PATH. */
int clang_find(char *buf, size_t len, struct gadget_err *err);

/*
 * "Debian clang version 14.0.6" for the binary at path.  Running
 * `clang --version` costs more than a cached build, so the answer is kept
 * in cache_dir under a name derived from the binary's identity (path,
 * size, mtime, inode); cache_dir may be NULL.
 */
int clang_version(const char *clang, const char *cache_dir, char **out, struct gadget_err *err);

/* Run argv in cwd with stdout/stderr inherited; -EINVAL if it exits non-zero. */
int clang_run(char *const argv[], const char *cwd, struct gadget_err *err);

/*
 * The prerequisites of a Make-style depfile (clang -MD -MF), skipping the
 * first (the source itself); relative paths are made absolute against cwd.
 */
int depfile_parse(const char *text, const char *cwd, struct argv_buf *out, struct gadget_err *err);

#endif
