// SPDX-License-Identifier: Apache-2.0
/* Running clang: argv building, version, process, depfiles. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"
#include "base/sha256.h"
#include "compiler/clang.h"

int argv_push(struct argv_buf *a, const char *s)
{
	char *d;

	if (a->n + 2 > a->cap) {
		unsigned int cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	d = strdup(s);
	if (!d)
		return -ENOMEM;
	a->v[a->n++] = d;
	a->v[a->n] = NULL;
	return 0;
}

int argv_pushf(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	ret = argv_push(a, s);
	free(s);
	return ret;
}

void argv_free(struct argv_buf *a)
{
	for (unsigned int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int exe_find(const char *name, const char *path, char *buf, size_t len)
{
	char cand[PATH_MAX];

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, path, name) < (int)sizeof(cand) &&
		    access(cand, X_OK) == 0) {
			snprintf(buf, len, "%s", cand);
			return 0;
		}
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

int clang_find(char *buf, size_t len, struct gadget_err *err)
{
	const char *name = getenv("GADGET_CLANG");

	if (!name || !*name)
		name = "clang";
	if (strchr(name, '/')) {
		if (access(name, X_OK))
			return gadget_err_set(err, errno, "%s: %s", name, strerror(errno));
		snprintf(buf, len, "%s", name);
		return 0;
	}
	if (!exe_find(name, getenv("PATH"), buf, len))
		return 0;
	return gadget_err_set(err, ENOENT, "%s not found on PATH (install it: apt-get install clang, "
			      "or run 'make deps')", name);
}

/* The first line a tool prints for arg ("--version"), NUL-terminated in buf. */
int exe_first_line(const char *exe, const char *arg, char *buf, size_t len,
		   struct gadget_err *err)
{
	char cmd[PATH_MAX + 64];
	FILE *p;
	bool ok;

	if (strchr(exe, '\'') || strchr(arg, '\''))
		return gadget_err_set(err, EINVAL, "%s: a quote in the path", exe);
	snprintf(cmd, sizeof(cmd), "'%s' '%s' 2>/dev/null", exe, arg);
	p = popen(cmd, "r");
	if (!p)
		return gadget_err_set(err, errno, "%s: %s", exe, strerror(errno));
	ok = fgets(buf, len, p) != NULL;
	pclose(p);
	if (!ok)
		return gadget_err_set(err, EIO, "%s %s printed nothing", exe, arg);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int clang_identity(const char *clang, char **out, struct gadget_err *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(clang, real) || stat(real, &st))
		return gadget_err_set(err, errno, "%s: %s", clang, strerror(errno));
	if (asprintf(out, "%s\n%lld\n%lld.%09ld", real, (long long)st.st_size,
		     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) < 0)
		return gadget_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int clang_spawn(char *const argv[], const char *cwd, const char *log, pid_t *pid,
		struct gadget_err *err)
{
	posix_spawn_file_actions_t fa;
	extern char **environ;
	int ret;

	/*
	 * posix_spawn (vfork underneath) instead of fork: no copy of our page
	 * tables per source, which is measurable next to a 200 ms clang run.
	 */
	fflush(stderr);
	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		return gadget_err_set(err, ret, "cannot run %s: %s", argv[0], strerror(ret));
	if (cwd)
		ret = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (!ret && log)
		ret = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log,
						       O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!ret)
		ret = posix_spawn(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return gadget_err_set(err, ret, "cannot run %s: %s", argv[0], strerror(ret));
	return 0;
}

int clang_status(const char *what, int status, struct gadget_err *err)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return gadget_err_set(err, EINVAL, "%s killed by signal %d", what, WTERMSIG(status));
	return gadget_err_set(err, EINVAL, "%s exited with status %d", what, WEXITSTATUS(status));
}

int clang_run(char *const argv[], const char *cwd, const char *log, struct gadget_err *err)
{
	int status, ret;
	pid_t pid;

	ret = clang_spawn(argv, cwd, log, &pid, err);
	if (ret)
		return ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return gadget_err_set(err, errno, "waitpid: %s", strerror(errno));
	return clang_status(argv[0], status, err);
}

/* Next whitespace-separated word of a depfile; "\ " is a space in a path. */
static const char *depfile_word(const char *p, char *w, size_t len)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
	       (*p == '\\' && (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n'))))
		p += *p == '\\' ? (p[1] == '\r' ? 3 : 2) : 1;
	if (!*p)
		return NULL;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
		if (*p == '\\' && (p[1] == ' ' || p[1] == '#' || p[1] == '\\'))
			p++;
		else if (*p == '\\' && (p[1] == '\n' || p[1] == '\r'))
			break;
		else if (*p == '$' && p[1] == '$')
			p++;
		if (n + 1 < len)
			w[n++] = *p;
		p++;
	}
	w[n] = 0;
	return p;
}

int depfile_parse(const char *text, const char *cwd, const char *skip, struct argv_buf *out,
		  struct gadget_err *err)
{
	char w[PATH_MAX];
	const char *p = text;
	bool target = true;
	int ret;

	while ((p = depfile_word(p, w, sizeof(w)))) {
		size_t n = strlen(w);

		if (target) {
			/* "obj.o:" or "obj.o" ":" */
			if (n && w[n - 1] == ':')
				target = false;
			else if (!strcmp(w, ":"))
				target = false;
			continue;
		}
		if (skip && !strcmp(w, skip))
			continue;
		if (w[0] == '/')
			ret = argv_push(out, w);
		else
			ret = argv_pushf(out, "%s/%s", cwd, w);
		if (ret)
			return gadget_err_set(err, -ret, "out of memory");
	}
	if (target)
		return gadget_err_set(err, EINVAL, "depfile has no ':'");
	return 0;
}
