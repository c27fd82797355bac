// SPDX-License-Identifier: Apache-2.0
/*
 * Running an iter/ program once: a snapshotter's output, a topper's fill
 * every interval, a tracer's start-up pass (the socket enricher's
 * iter/task_file).  One place, so all three create the iterator the same
 * way and see the same errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/netns.h"
#include "runtime/run.h"

int runtime_iter_run(struct bpf_program *p, const char *netns, char **buf, size_t *len,
		     struct gadget_err *err)
{
	struct bpf_link *link = bpf_program__attach_iter(p, NULL);
	char scratch[4096], *out = scratch;
	size_t cap = sizeof(scratch), used = 0;
	int fd, saved, ret;
	ssize_t n;

	if (buf)
		*buf = NULL;
	if (!link)
		return gadget_err_set(err, errno, "program '%s' (%s): creating the iterator: %s",
				      bpf_program__name(p), bpf_program__section_name(p), strerror(errno));
	/* a network iterator walks the namespace its creator is in */
	ret = netns_enter(netns, &saved, err);
	if (ret) {
		bpf_link__destroy(link);
		return ret;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	n = fd < 0 ? -errno : 0;
	ret = netns_leave(saved, err);
	if (!ret && n)
		ret = gadget_err_set(err, -n, "program '%s': bpf_iter_create: %s", bpf_program__name(p),
				     strerror(-n));
	if (ret)
		goto out;
	if (buf) {
		cap = 65536;
		out = malloc(cap);
		if (!out) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (;;) {
		if (buf && used + 4096 > cap) {
			char *nb = realloc(out, cap *= 2);

			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			out = nb;
		}
		n = read(fd, out + (buf ? used : 0), cap - (buf ? used : 0));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = gadget_err_set(err, errno, "program '%s': running the iterator: %s",
					     bpf_program__name(p), strerror(errno));
			break;
		}
		if (!n)
			break;
		if (buf)
			used += n;
	}
	if (buf && !ret) {
		*buf = out;
		*len = used;
	} else if (buf) {
		free(out);
	}
out:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	return ret;
}
