// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string.h>

#include "base/err.h"
#include "base/file.h"

int file_read_all(const char *path, void **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *p;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	p = malloc(st.st_size + 1);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, st.st_size - got);

		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			if (r < 0 && e == EINTR)
				continue;
			free(p);
			close(fd);
			return -e;
		}
		got += r;
	}
	close(fd);
	p[got] = 0;	/* callers parse some files as text */
	*buf = p;
	*len = got;
	return 0;
}

int file_read(const char *path, void **buf, size_t *len, struct gadget_err *err)
{
	int ret = file_read_all(path, buf, len);

	if (ret == -EINVAL)
		return gadget_err_set(err, EINVAL, "%s is not a regular file", path);
	if (ret)
		return gadget_err_set(err, -ret, "cannot read %s: %s", path, strerror(-ret));
	return 0;
}

int mkdir_parents(const char *path, mode_t mode)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, mode) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * A name no one can have planted: mkstemp(3) creates it with O_EXCL, so a
 * symlink or file put at a guessable "<path>.tmp.<pid>" in a shared folder
 * is never opened, let alone followed, truncated or written through.
 */
int file_temp_create(const char *path, const char *tmp_dir, mode_t mode, char *tmp, size_t tmplen)
{
	const char *base = strrchr(path, '/');
	int n, fd;

	if (tmp_dir)
		n = snprintf(tmp, tmplen, "%s/.%s.XXXXXX", tmp_dir, base ? base + 1 : path);
	else if (base)
		n = snprintf(tmp, tmplen, "%.*s/.%s.XXXXXX", (int)(base - path), path, base + 1);
	else
		n = snprintf(tmp, tmplen, ".%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= tmplen)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mkstemp makes 0600; the caller's mode, as open(2) would give it */
	if (fchmod(fd, mode)) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return -e;
	}
	return fd;
}

int file_temp_commit(int fd, const char *tmp, const char *path, bool durable)
{
	int ret = 0;

	if (durable && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	if (durable) {
		char dir[PATH_MAX];
		const char *slash = strrchr(path, '/');
		int dfd;

		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
			 slash ? path : ".");
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsync(dfd))
			ret = -errno;
		if (dfd >= 0)
			close(dfd);
	}
	return ret;
}

int file_write_atomic_opts(const char *path, const void *buf, size_t len,
			   const struct file_write_opts *o, struct gadget_err *err)
{
	char tmp[PATH_MAX];
	const char *p = buf;
	int fd, ret = 0;

	fd = file_temp_create(path, o->tmp_dir, o->mode ? o->mode : 0644, tmp, sizeof(tmp));
	if (fd < 0)
		return gadget_err_set(err, -fd, "cannot write %s: %s", path, strerror(-fd));
	while (len && !ret) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			break;
		}
		p += w;
		len -= w;
	}
	if (ret) {
		close(fd);
		unlink(tmp);
	} else {
		ret = file_temp_commit(fd, tmp, path, o->durable);
	}
	return ret ? gadget_err_set(err, -ret, "cannot write %s: %s", path, strerror(-ret)) : 0;
}

int file_write_atomic(const char *path, const void *buf, size_t len, struct gadget_err *err)
{
	static const struct file_write_opts o = { 0 };

	return file_write_atomic_opts(path, buf, len, &o, err);
}
