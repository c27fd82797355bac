// SPDX-License-Identifier: Apache-2.0
/* The pid -> mount-ns tracker: load runtime/bpf/pidmntns.bpf.c, read its map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/enrich.h"
#include "pidmntns.skel.h"

/* Must match struct pidmntns_val in runtime/bpf/pidmntns.bpf.c. */
struct pidmntns_val {
	uint64_t mntns;
	uint64_t exit_ns;
};

struct enrich_pidmap {
	struct pidmntns *skel;
	int map_fd;
	uint64_t ttl_ns;
};

static uint64_t boot_ns(void)
{
	struct timespec ts;

	/* the same clock as bpf_ktime_get_boot_ns() */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int enrich_pidmap_new(unsigned int ttl_ms, struct enrich_pidmap **out, struct gadget_err *err)
{
	struct enrich_pidmap *pm = calloc(1, sizeof(*pm));
	int ret;

	if (!pm)
		return gadget_err_set(err, ENOMEM, "pid tracker: out of memory");
	pm->ttl_ns = (uint64_t)ttl_ms * 1000000ull;
	pm->skel = pidmntns__open_and_load();
	if (!pm->skel) {
		ret = -errno;
		free(pm);
		return gadget_err_set(err, -ret, "pid tracker: cannot load its BPF program: %s",
				      strerror(-ret));
	}
	ret = pidmntns__attach(pm->skel);
	if (ret) {
		enrich_pidmap_free(pm);
		return gadget_err_set(err, -ret, "pid tracker: cannot attach to sched tracepoints: %s",
				      strerror(-ret));
	}
	pm->map_fd = bpf_map__fd(pm->skel->maps.gadget_pid_mntns);
	*out = pm;
	return 0;
}

void enrich_pidmap_free(struct enrich_pidmap *pm)
{
	if (!pm)
		return;
	pidmntns__destroy(pm->skel);
	free(pm);
}

int enrich_pidmap_lookup(struct enrich_pidmap *pm, pid_t pid, uint64_t *mntns)
{
	struct pidmntns_val v;
	uint32_t key = pid;

	if (bpf_map_lookup_elem(pm->map_fd, &key, &v))
		return -ENOENT;
	*mntns = v.mntns;
	return 0;
}

int enrich_pidmap_expire(struct enrich_pidmap *pm)
{
	uint64_t now = boot_ns();
	uint32_t key, next, *prev = NULL;
	struct pidmntns_val v;
	int n = 0;

	while (!bpf_map_get_next_key(pm->map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(pm->map_fd, &key, &v) || !v.exit_ns ||
		    now - v.exit_ns < pm->ttl_ns)
			continue;
		/* deleting the current key is fine: get_next_key restarts at the head */
		if (!bpf_map_delete_elem(pm->map_fd, &key))
			n++;
	}
	return n;
}
