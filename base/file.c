// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
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
