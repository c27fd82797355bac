// SPDX-License-Identifier: Apache-2.0
/*
 * Attaching programs, driven by the program-type table: one attach
 * function per target kind (info/progtypes.h), not a chain of string
 * compares.  Everything attached is recorded so it can be undone, also
 * when a later program fails to attach.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "runtime/netns.h"
#include "runtime/run.h"
#include "runtime/uprobe_target.h"

struct tc_attachment {
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	bool created_hook;
};

struct attachments {
	struct bpf_link **links;
	unsigned int nr_links;
	int *fds;		/* sockets, perf events */
	unsigned int nr_fds;
	struct tc_attachment *tcs;
	unsigned int nr_tcs;
	unsigned int nr_progs;
};

struct attach_ctx {
	struct attachments *a;
	const struct run_opts *opts;
	struct gadget_err *err;
};

/* Kept to be undone; what cannot be kept is undone now. */
static int push_link(struct attachments *a, struct bpf_link *l)
{
	if (array_grow(a->links, a->nr_links)) {
		bpf_link__destroy(l);
		return -ENOMEM;
	}
	a->links[a->nr_links++] = l;
	return 0;
}

static int push_fd(struct attachments *a, int fd)
{
	if (array_grow(a->fds, a->nr_fds)) {
		close(fd);
		return -ENOMEM;
	}
	a->fds[a->nr_fds++] = fd;
	return 0;
}

static int link_or_err(struct attach_ctx *c, struct bpf_program *p, struct bpf_link *l,
		       const char *what)
{
	int e = errno;

	if (!l)
		return gadget_err_set(c->err, e, "program '%s' (%s): attaching %s failed: %s",
				      bpf_program__name(p), bpf_program__section_name(p), what, strerror(e));
	return push_link(c->a, l);
}

/*
 * libbpf attaches "uprobe/BINARY:FUNCTION" and "usdt/BINARY:PROVIDER:NAME"
 * from the section.  A bare "uprobe" or "usdt" (libbpf-bootstrap's) is
 * attached by the program's own loader, which knows the binary and offset;
 * libbpf then says only EOPNOTSUPP, so say what is missing.
 */
static int attach_auto(struct attach_ctx *c, struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	struct bpf_link *l = bpf_program__attach(p);

	if (!l && errno == EOPNOTSUPP && !strchr(sec, '/'))
		return gadget_err_set(c->err, EOPNOTSUPP, "program '%s' (%s): the section names no "
				      "binary, so nothing says where to attach it (a libbpf loader "
				      "attaches such a program from its own code); name it in the "
				      "section: SEC(\"%s/BINARY:%s\")", bpf_program__name(p), sec, sec,
				      strncmp(sec, "usdt", 4) ? "FUNCTION" : "PROVIDER:NAME");
	return link_or_err(c, p, l, "from its section");
}

/*
 * Inspektor Gadget's "uprobe/libc:malloc" names a library, not a file: IG
 * attaches to the one each traced process maps.  libbpf looks "libc" up as
 * a path and fails with ENOENT.  Here it is the library of that name that
 * gadget itself has mapped (the host's): processes using another copy of it
 * (a container's own libc) are not seen.  Paths and "libc.so.6" are left to
 * libbpf.
 */
/* /proc files have no size for file_read_all(): read to the end. */
static int read_proc_text(const char *path, char **out)
{
	FILE *f = fopen(path, "re"), *m;
	char chunk[4096];
	size_t n = 0, got;

	*out = NULL;
	if (!f)
		return -errno;
	m = open_memstream(out, &n);
	if (!m) {
		fclose(f);
		return -ENOMEM;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	return fclose(m) ? -ENOMEM : 0;
}

static int attach_binary(struct attach_ctx *c, struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	struct uprobe_section u;
	char path[PATH_MAX], what[PATH_MAX + 8];
	char *maps = NULL;
	int ret;

	if (uprobe_section_parse(sec, &u) || !uprobe_binary_is_shorthand(u.binary))
		return attach_auto(c, p);
	ret = read_proc_text("/proc/self/maps", &maps);
	if (!ret)
		ret = uprobe_library_in_maps(u.binary, maps, path, sizeof(path));
	free(maps);
	if (ret)
		return gadget_err_set(c->err, -ret, "program '%s' (%s): '%s' is Inspektor Gadget's "
				      "name for a library the traced processes load, and gadget has no "
				      "%s.so* mapped to stand for it: write the library's path in the "
				      "section (%s/PATH:%s)", bpf_program__name(p), sec, u.binary,
				      u.binary, u.retprobe ? "uretprobe" : "uprobe", u.func);
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = u.func, .retprobe = u.retprobe);
	snprintf(what, sizeof(what), "to %s", path);
	return link_or_err(c, p, bpf_program__attach_uprobe_opts(p, -1, path, u.offset, &opts),
			   what);
}

/* Iterators and run-once programs are driven by the run loop, not here. */
static int attach_later(struct attach_ctx *c, struct bpf_program *p)
{
	(void)c;
	(void)p;
	return 0;
}

/* A packet socket, made in --netns, sees every packet of the namespace, both directions. */
static int socket_in_ns(struct attach_ctx *c, struct bpf_program *p)
{
	int prog_fd = bpf_program__fd(p);
	int s;

	s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s < 0)
		return gadget_err_set(c->err, errno, "program '%s': packet socket: %s",
				      bpf_program__name(p), strerror(errno));
	if (setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd))) {
		int e = errno;

		close(s);
		return gadget_err_set(c->err, e, "program '%s': SO_ATTACH_BPF: %s",
				      bpf_program__name(p), strerror(e));
	}
	return push_fd(c->a, s);
}

static int attach_socket(struct attach_ctx *c, struct bpf_program *p)
{
	int saved, ret = netns_enter(c->opts->netns, &saved, c->err), back;

	if (ret)
		return ret;
	ret = socket_in_ns(c, p);
	back = netns_leave(saved, c->err);
	return back ? back : ret;
}

static int attach_netns(struct attach_ctx *c, struct bpf_program *p)
{
	int nsfd = netns_open(c->opts->netns, c->err), ret;

	if (nsfd < 0)
		return nsfd;
	ret = link_or_err(c, p, bpf_program__attach_netns(p, nsfd), "to the network namespace");
	close(nsfd);
	return ret;
}

static int iface_index(struct attach_ctx *c, struct bpf_program *p)
{
	int idx = if_nametoindex(c->opts->iface);

	if (!idx)
		return gadget_err_set(c->err, ENODEV, "program '%s': --iface %s: no such interface",
				      bpf_program__name(p), c->opts->iface);
	return idx;
}

static int attach_iface(struct attach_ctx *c, struct bpf_program *p)
{
	struct tc_attachment *t;
	int idx = iface_index(c, p), ret;

	if (idx < 0)
		return idx;
	if (bpf_program__type(p) == BPF_PROG_TYPE_XDP)
		return link_or_err(c, p, bpf_program__attach_xdp(p, idx), "XDP");
	if (array_grow(c->a->tcs, c->a->nr_tcs))
		return -ENOMEM;
	t = &c->a->tcs[c->a->nr_tcs];
	memset(t, 0, sizeof(*t));
	t->hook.sz = sizeof(t->hook);
	t->hook.ifindex = idx;
	t->hook.attach_point = BPF_TC_INGRESS;
	t->opts.sz = sizeof(t->opts);
	t->opts.prog_fd = bpf_program__fd(p);
	ret = bpf_tc_hook_create(&t->hook);
	/* an existing clsact qdisc is someone else's: leave it in place afterwards */
	if (ret && ret != -EEXIST)
		return gadget_err_set(c->err, -ret, "program '%s': tc hook on %s: %s",
				      bpf_program__name(p), c->opts->iface, strerror(-ret));
	t->created_hook = !ret;
	ret = bpf_tc_attach(&t->hook, &t->opts);
	if (ret) {
		if (t->created_hook)
			bpf_tc_hook_destroy(&t->hook);
		return gadget_err_set(c->err, -ret, "program '%s': tc attach on %s: %s",
				      bpf_program__name(p), c->opts->iface, strerror(-ret));
	}
	c->a->nr_tcs++;
	return 0;
}

/* The cgroup2 mount (hybrid hosts put it at /sys/fs/cgroup/unified). */
static int cgroup2_root(char *buf, size_t len)
{
	char line[1024], dev[256], dir[768], type[64];
	FILE *f = fopen("/proc/mounts", "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %767s %63s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
			snprintf(buf, len, "%s", dir);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static int attach_cgroup(struct attach_ctx *c, struct bpf_program *p)
{
	char root[768];
	const char *path = c->opts->cgroup;
	int fd, ret;

	if (!path) {
		if (cgroup2_root(root, sizeof(root)))
			return gadget_err_set(c->err, ENOENT, "program '%s': no cgroup2 mount found; "
					      "give a cgroup with --cgroup PATH", bpf_program__name(p));
		path = root;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return gadget_err_set(c->err, errno, "--cgroup %s: %s", path, strerror(errno));
	ret = link_or_err(c, p, bpf_program__attach_cgroup(p, fd), path);
	close(fd);
	return ret;
}

static int attach_perf_event(struct attach_ctx *c, struct bpf_program *p)
{
	int ncpus = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.size = sizeof(attr),
			.freq = 1,
			.sample_freq = c->opts->sample_freq ? c->opts->sample_freq : 49,
		};
		int fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		int ret;

		if (fd < 0) {
			if (errno == ENODEV)	/* possible but offline CPU */
				continue;
			return gadget_err_set(c->err, errno, "program '%s': perf_event_open on CPU %d: %s",
					      bpf_program__name(p), cpu, strerror(errno));
		}
		ret = link_or_err(c, p, bpf_program__attach_perf_event(p, fd), "to a perf event");
		if (ret) {
			close(fd);
			return ret;
		}
		/* the link owns the event fd from now on */
	}
	return 0;
}

/*
 * A tracer's or topper's iterator fills the gadget's maps with what existed
 * before it started (the socket enricher's iter/task_file): it runs once,
 * after every other program is attached so that nothing created in between
 * is missed, and what it writes is discarded.  A snapshotter's iterators
 * are its output: the run loop reads them.
 */
static int run_startup_iter(struct attach_ctx *c, struct bpf_program *p)
{
	return runtime_iter_run(p, NULL, NULL, NULL, c->err);
}

static int unsupported(struct attach_ctx *c, struct bpf_program *p)
{
	return gadget_err_set(c->err, EOPNOTSUPP, "program '%s' (%s): the gadget runtime does not "
			      "attach this program type", bpf_program__name(p), bpf_program__section_name(p));
}

static int (*const attach_by_target[])(struct attach_ctx *, struct bpf_program *) = {
	[TARGET_NONE] = attach_auto,
	[TARGET_KERNEL_FUNC] = attach_auto,
	[TARGET_BINARY] = attach_binary,
	[TARGET_ITER] = attach_later,
	[TARGET_SOCKET] = attach_socket,
	[TARGET_IFACE] = attach_iface,
	[TARGET_CGROUP] = attach_cgroup,
	[TARGET_NETNS] = attach_netns,
	[TARGET_PERF_EVENT] = attach_perf_event,
	[TARGET_RUN_ONCE] = attach_later,
	[TARGET_UNSUPPORTED] = unsupported,
};

int attach_all(struct bpf_object *obj, const struct gadget_info *info, const struct run_opts *opts,
	       struct attachments **out, struct gadget_err *err)
{
	struct attach_ctx c = { .opts = opts, .err = err };
	struct bpf_program *p;
	int ret = 0;

	c.a = calloc(1, sizeof(*c.a));
	if (!c.a)
		return -ENOMEM;
	bpf_object__for_each_program(p, obj) {
		const struct prog_type_def *d = progtype_find(bpf_program__section_name(p));

		ret = d ? attach_by_target[d->target](&c, p) : unsupported(&c, p);
		if (ret)
			break;
		c.a->nr_progs++;
	}
	/* run-once (syscall) programs and start-up iterators run after
	 * everything else is in place */
	bpf_object__for_each_program(p, obj) {
		const struct prog_type_def *d = progtype_find(bpf_program__section_name(p));
		LIBBPF_OPTS(bpf_test_run_opts, topts);

		if (!ret && d && d->target == TARGET_ITER && info->category != GADGET_CAT_SNAPSHOTTER) {
			ret = run_startup_iter(&c, p);
			continue;
		}
		if (ret || !d || d->target != TARGET_RUN_ONCE)
			continue;
		if (bpf_prog_test_run_opts(bpf_program__fd(p), &topts))
			ret = gadget_err_set(err, errno, "program '%s' (syscall): running it failed: %s",
					     bpf_program__name(p), strerror(errno));
	}
	if (ret) {
		attachments_free(c.a);
		return ret;
	}
	*out = c.a;
	return 0;
}

unsigned int attachments_count(const struct attachments *a)
{
	return a ? a->nr_progs : 0;
}

void attachments_free(struct attachments *a)
{
	if (!a)
		return;
	for (unsigned int i = 0; i < a->nr_links; i++)
		bpf_link__destroy(a->links[i]);
	for (unsigned int i = 0; i < a->nr_fds; i++)
		close(a->fds[i]);
	for (unsigned int i = 0; i < a->nr_tcs; i++) {
		struct tc_attachment *t = &a->tcs[i];

		t->opts.prog_fd = t->opts.prog_id = 0;	/* detach by handle/priority */
		t->opts.flags = 0;
		bpf_tc_detach(&t->hook, &t->opts);
	}
	/*
	 * A clsact qdisc this run made goes with it.  libbpf deletes the
	 * qdisc only for a hook naming both directions: one direction alone
	 * just flushes that direction's filters and leaves the qdisc behind.
	 */
	for (unsigned int i = 0; i < a->nr_tcs; i++) {
		struct tc_attachment *t = &a->tcs[i];

		if (!t->created_hook)
			continue;
		t->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&t->hook);
	}
	free(a->links);
	free(a->fds);
	free(a->tcs);
	free(a);
}
