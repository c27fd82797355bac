/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_CLANG_H
#define GADGET_COMPILER_CLANG_H

/* Running clang (fork/exec, no shell) and reading what it tells us. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* A growable NULL-terminated argv. */
struct argv_buf {
	char **v;
	unsigned int n, cap;
};

int argv_push(struct argv_buf *a, const char *s);
int argv_pushf(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_free(struct argv_buf *a);

/* name found in the ':'-separated path (NULL: /usr/bin:/bin); -ENOENT when not. */
int exe_find(const char *name, const char *path, char *buf, size_t len);
/* The first line exe prints for arg ("--version"), without its newline. */
int exe_first_line(const char *exe, const char *arg, char *buf, size_t len,
		   struct gadget_err *err);

/* Absolute path of the clang to run: $GADGET_CLANG, else "clang" on $PATH. */
int clang_find(char *buf, size_t len, struct gadget_err *err);

/*
 * What identifies the clang binary in the cache keys: its resolved path,
 * size and mtime (ccache's default compiler check).  An upgrade changes
 * them.  Running `clang --version` instead cost a first build ~15% of a
 * compile (the process loads all of LLVM to print one line).
 */
int clang_identity(const char *clang, char **out, struct gadget_err *err);

/*
 * Start argv in cwd (NULL: ours) with stdout inherited and stderr into the
 * file log (NULL: inherited); *pid to wait for.
 */
int clang_spawn(char *const argv[], const char *cwd, const char *log, pid_t *pid,
		struct gadget_err *err);
/* A wait status as a result: 0 for exit 0, else -EINVAL and why in err. */
int clang_status(const char *what, int status, struct gadget_err *err);
/* Run argv in cwd, stderr into log (NULL: inherited); -EINVAL if it exits non-zero. */
int clang_run(char *const argv[], const char *cwd, const char *log, struct gadget_err *err);

/*
 * The prerequisites of a Make-style depfile (clang -MD -MF), less the
 * source itself (skip, as written on clang's command line); relative paths
 * are made absolute against cwd.  The source is not always the first: the
 * inputs of a precompiled header come before it.
 */
int depfile_parse(const char *text, const char *cwd, const char *skip, struct argv_buf *out,
		  struct gadget_err *err);

#endif
