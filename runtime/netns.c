// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "runtime/netns.h"

int netns_open(const char *path, struct gadget_err *err)
{
	int fd = open(path ? path : NETNS_SELF, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return gadget_err_set(err, errno, "--netns %s: %s", path ? path : NETNS_SELF,
				      strerror(errno));
	return fd;
}

int netns_enter(const char *path, int *saved, struct gadget_err *err)
{
	int target, ret = 0;

	*saved = -1;
	if (!path)
		return 0;
	target = netns_open(path, err);
	if (target < 0)
		return target;
	*saved = open(NETNS_SELF, O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(target, CLONE_NEWNET)) {
		ret = gadget_err_set(err, errno, "--netns %s: cannot enter: %s", path, strerror(errno));
		if (*saved >= 0)
			close(*saved);
		*saved = -1;
	}
	close(target);
	return ret;
}

int netns_leave(int saved, struct gadget_err *err)
{
	int ret = 0;

	if (saved < 0)
		return 0;
	if (setns(saved, CLONE_NEWNET))
		ret = gadget_err_set(err, errno, "cannot return to our network namespace: %s",
				     strerror(errno));
	close(saved);
	return ret;
}
