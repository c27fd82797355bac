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

	fd = open(path, O_RDONLY | O_CLOEXEC);
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

int file_write_atomic(const char *path, const void *buf, size_t len, struct gadget_err *err)
{
	char tmp[PATH_MAX];
	const char *p = buf;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return gadget_err_set(err, ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return gadget_err_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= w;
	}
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return gadget_err_set(err, e, "cannot write %s: %s", path, strerror(e));
}
