// SPDX-License-Identifier: Apache-2.0
/* Open, adapt to this kernel and libbpf, set params, load. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "runtime/core_btf.h"
#include "runtime/run.h"
#include "runtime/param_list.h"

/* libbpf's messages are kept and shown only when a load fails (or -v). */
/* its tail must fit in a gadget_err message (GADGET_ERR_MSG_MAX) with the text before it */
static char libbpf_log[3584];
static size_t libbpf_log_len;
static bool libbpf_verbose;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *all, *line;
	int n;

	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	/* one message holds a whole verifier log: its end says why */
	n = vasprintf(&all, fmt, ap);
	if (n < 0)
		return 0;
	if (libbpf_verbose)
		fputs(all, stderr);
	line = all;
	if ((size_t)n >= sizeof(libbpf_log)) {
		line += n - (sizeof(libbpf_log) - 1);
		n = sizeof(libbpf_log) - 1;
	}
	if (n > 0 && level != LIBBPF_DEBUG) {
		if (libbpf_log_len + n >= sizeof(libbpf_log)) {
			size_t drop = libbpf_log_len + n - sizeof(libbpf_log) + 1;

			if (drop > libbpf_log_len)
				drop = libbpf_log_len;
			memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
			libbpf_log_len -= drop;
		}
		memcpy(libbpf_log + libbpf_log_len, line, n);
		libbpf_log_len += n;
		libbpf_log[libbpf_log_len] = 0;
	}
	free(all);
	return 0;
}

/* What fits in an error message, from a line start: the verifier's verdict is last. */
static const char *log_tail(void)
{
	size_t keep = GADGET_ERR_MSG_MAX - 256;
	const char *p, *nl;

	if (libbpf_log_len <= keep)
		return libbpf_log;
	p = libbpf_log + libbpf_log_len - keep;
	nl = strchr(p, '\n');
	return nl ? nl + 1 : p;
}

static bool option_given(const struct run_opts *o, enum prog_target t)
{
	switch (t) {
	case TARGET_IFACE: return o->iface;
	default: return true;
	}
}

/*
 * libbpf reads tracepoint ids in tracefs.  Where nothing mounted it (a
 * fresh VM or container without systemd's sys-kernel-tracing.mount), mount
 * it at the kernel's own mount point, as systemd does at boot, and say so.
 * When that fails, the program check after this says what to do.
 */
static void mount_tracefs_if_absent(const struct gadget_info *info, const struct run_opts *opts)
{
	static const char dir[] = "/sys/kernel/tracing";
	bool needed = false;

	for (unsigned int i = 0; i < info->nr_progs; i++)
		needed |= info->progs[i].def && info->progs[i].def->feature == KFEAT_TRACEFS;
	if (!needed || kernel_feature_probe(KFEAT_TRACEFS, NULL, 0) == 1)
		return;
	if (mount("tracefs", dir, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return;
	kernel_feature_forget(KFEAT_TRACEFS);	/* the analysis probed it already */
	if (opts->status)
		fprintf(opts->status, "gadget: tracefs was not mounted: mounted it on %s\n", dir);
}

/*
 * A tracepoint newer than this kernel (capability:cap_capable came with
 * 6.14) would fail in libbpf with a CO-RE relocation against a missing
 * trace_event_raw_* type or a bare ENOENT: name the tracepoint instead.
 */
static bool tracepoint_exists(const char *section)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *name = strchr(section, '/');
	char path[PATH_MAX];

	if (!name || !strchr(name + 1, '/'))
		return true;	/* not a "tracepoint/CAT/NAME" libbpf can attach: its error says why */
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events%s", dirs[i], name);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

int runtime_check_programs(const struct gadget_info *info, const struct run_opts *opts,
			   struct gadget_err *err)
{
	mount_tracefs_if_absent(info, opts);
	/* Before anything is loaded: a half-attached gadget helps nobody. */
	for (unsigned int i = 0; i < info->nr_progs; i++) {
		const struct gadget_prog *p = &info->progs[i];
		char why[512] = "";

		if (!p->def)
			return gadget_err_set(err, EINVAL, "program '%s': section \"%s\" is not a known "
					      "program type", p->name, p->section);
		if (p->def->target == TARGET_UNSUPPORTED)
			return gadget_err_set(err, EOPNOTSUPP, "program '%s' (%s): the gadget runtime "
					      "does not attach %s programs", p->name, p->section, p->def->sec);
		if (kernel_feature_probe(p->def->feature, why, sizeof(why)) != 1)
			return gadget_err_set(err, EOPNOTSUPP, "program '%s' (%s): %s", p->name,
					      p->section, why[0] ? why : "a kernel feature it needs is missing");
		if (p->def->feature == KFEAT_TRACEFS && !tracepoint_exists(p->section))
			return gadget_err_set(err, ENOENT, "program '%s' (%s): this kernel has no tracepoint "
					      "%s (not in tracefs' events/): it is newer than this kernel, "
					      "or its subsystem is not built in", p->name, p->section,
					      strchr(p->section, '/') + 1);
		if (!option_given(opts, p->def->target))
			return gadget_err_set(err, EINVAL, "program '%s' (%s) attaches to a network "
					      "interface: give one with --iface NAME", p->name, p->section);
	}
	return 0;
}

static int rodata_var(struct bpf_object *obj, const char *name, void **ptr, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *m, *rodata = NULL;
	size_t len;
	char *data;
	int id;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t l = strlen(n);

		if (bpf_map__is_internal(m) && l >= 7 && !strcmp(n + l - 7, ".rodata"))
			rodata = m;
	}
	if (!btf || !rodata)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id <= 0)
		return -ENOENT;
	/* libbpf 1.1 returns it const, but it is the writable mmap of the
	 * map's initial contents until load: the documented way to set
	 * const volatile globals without a skeleton. */
	data = (char *)bpf_map__initial_value(rodata, &len);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; data && i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), name) || vs->offset + vs->size > len)
			continue;
		*ptr = data + vs->offset;
		*size = vs->size;
		return 0;
	}
	return -ENOENT;
}

static int parse_int_param(const struct gadget_param *p, const char *v, void *dst, size_t size,
			   struct gadget_err *err)
{
	const struct gadget_field *f = &p->field;
	unsigned int bits = size * 8;
	char *end;

	errno = 0;
	if (f->kind == FIELD_INT) {
		long long x = strtoll(v, &end, 0);
		long long lo = bits >= 64 ? INT64_MIN : -(1LL << (bits - 1));
		long long hi = bits >= 64 ? INT64_MAX : (1LL << (bits - 1)) - 1;

		if (errno || end == v || *end || x < lo || x > hi)
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an integer from %lld to %lld",
					      p->name, v, lo, hi);
		memcpy(dst, &x, size);
	} else {
		unsigned long long x = strtoull(v, &end, 0);
		unsigned long long hi = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;

		if (errno || end == v || *end || v[0] == '-' || x > hi)
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an integer from 0 to %llu",
					      p->name, v, hi);
		memcpy(dst, &x, size);
	}
	return 0;
}

/* struct gadget_l3endpoint_t from "10.0.0.1" or "::1" ("" leaves it unset: no filter). */
static int parse_addr_param(const struct gadget_param *p, const char *v, void *dst, size_t size,
			    struct gadget_err *err)
{
	uint8_t ep[20] = { 0 };	/* 16 address bytes, then the version */

	if (size < sizeof(ep))
		return gadget_err_set(err, EINVAL, "--param %s: not an address parameter", p->name);
	if (*v) {
		if (inet_pton(AF_INET, v, ep) == 1)
			ep[16] = 4;
		else if (inet_pton(AF_INET6, v, ep) == 1)
			ep[16] = 6;
		else
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected an IPv4 or IPv6 address",
					      p->name, v);
	}
	memset(dst, 0, size);
	memcpy(dst, ep, sizeof(ep));
	return 0;
}

static int set_param(struct bpf_object *obj, const struct gadget_info *info, const char *kv,
		     struct gadget_err *err)
{
	const char *eq = strchr(kv, '=');
	const struct gadget_param *p = NULL;
	char name[256], names[1024] = "";
	size_t size, n;
	void *dst;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(name))
		return gadget_err_set(err, EINVAL, "--param '%s': expected NAME=VALUE", kv);
	memcpy(name, kv, eq - kv);
	name[eq - kv] = 0;
	for (unsigned int i = 0; i < info->nr_params; i++) {
		n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "", info->params[i].name);
		if (!strcmp(info->params[i].name, name))
			p = &info->params[i];
	}
	if (!p)
		return gadget_err_set(err, EINVAL, "--param %s: this gadget has no such parameter (%s)",
				      name, info->nr_params ? names : "it has none");
	if (rodata_var(obj, name, &dst, &size))
		return gadget_err_set(err, ENOENT, "--param %s: not found in the object's .rodata", name);
	if (!size)	/* hostile BTF: nothing to set, and no width to parse into */
		return gadget_err_set(err, EINVAL, "--param %s: the object gives it no size", name);
	eq++;
	/* an array of integers (not an address, not a string): a list, "80,443" */
	if (p->field.kind == FIELD_BYTES && p->field.special == SPECIAL_NONE && p->field.array_len)
		return param_set_list(p, eq, dst, size, err);
	switch (p->field.kind) {
	case FIELD_BOOL:
		if (strcmp(eq, "true") && strcmp(eq, "false") && strcmp(eq, "1") && strcmp(eq, "0"))
			return gadget_err_set(err, EINVAL, "--param %s=%s: expected true or false", name, eq);
		memset(dst, 0, size);
		*(uint8_t *)dst = !strcmp(eq, "true") || !strcmp(eq, "1");
		return 0;
	case FIELD_STRING:
		if (strlen(eq) >= size)
			return gadget_err_set(err, EINVAL, "--param %s: at most %zu characters", name, size - 1);
		memset(dst, 0, size);
		memcpy(dst, eq, strlen(eq));
		return 0;
	case FIELD_ENUM:
		for (unsigned int i = 0; i < p->field.nr_enum_vals; i++) {
			if (!strcmp(p->field.enum_vals[i].name, eq)) {
				int64_t v = p->field.enum_vals[i].value;

				memcpy(dst, &v, size > 8 ? 8 : size);
				return 0;
			}
		}
		/* not a name: a number */
		__attribute__((fallthrough));
	case FIELD_INT:
	case FIELD_UINT:
		return parse_int_param(p, eq, dst, size > 8 ? 8 : size, err);
	case FIELD_BYTES:
		if (p->field.special == SPECIAL_L3ENDPOINT)
			return parse_addr_param(p, eq, dst, size, err);
		__attribute__((fallthrough));
	default:
		return gadget_err_set(err, EINVAL, "--param %s: parameters of type %s cannot be set",
				      name, p->field.type_name ? p->field.type_name : "?");
	}
}

/*
 * The seed declares the event type on the print_ map itself.  The kernel
 * wants key/value size 0 for a ring buffer and 4/4 (fds) for a perf event
 * array, and libbpf 1.1 passes the declared sizes through: fix the sizes
 * here; libbpf then retries the creation without BTF.  Without ring
 * buffers (kernels before 5.8) the same map becomes a perf event array,
 * which gadget_submit_buf() in the gadget headers writes to instead.
 */
static int fixup_print_maps(struct bpf_object *obj, uint64_t ring_size)
{
	bool have_ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		enum bpf_map_type t = bpf_map__type(m);

		if (t == BPF_MAP_TYPE_RINGBUF && !have_ringbuf) {
			bpf_map__set_type(m, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
			bpf_map__set_max_entries(m, 0);
			t = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
		}
		if (t == BPF_MAP_TYPE_RINGBUF) {
			bpf_map__set_key_size(m, 0);
			bpf_map__set_value_size(m, 0);
			if (ring_size && !strncmp(bpf_map__name(m), "print_", 6))
				bpf_map__set_max_entries(m, ring_size);
		} else if (t == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
			bpf_map__set_key_size(m, 4);
			bpf_map__set_value_size(m, 4);
		}
	}
	return 0;
}

/*
 * A socket filter cannot tell which network namespace its packets are in:
 * a gadget that declares gadget_sockets_netns (gadget/sockets.h) gets the
 * inode of the one its socket programs are attached in (--netns or ours).
 */
static int set_netns_var(struct bpf_object *obj, const struct run_opts *opts, struct gadget_err *err)
{
	const char *path = opts->netns ? opts->netns : "/proc/self/ns/net";
	struct stat st;
	size_t size;
	void *dst;
	__u32 ino;

	if (rodata_var(obj, "gadget_sockets_netns", &dst, &size) || size != sizeof(ino))
		return 0;
	if (stat(path, &st))
		return gadget_err_set(err, errno, "--netns %s: %s", path, strerror(errno));
	ino = st.st_ino;
	memcpy(dst, &ino, sizeof(ino));
	return 0;
}

int runtime_open(const void *obj, size_t len, const struct gadget_info *info,
		 const struct run_opts *opts, struct bpf_object **out, struct gadget_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct bpf_object *o;
	char name[64], btf_path[PATH_MAX];
	int ret;

	libbpf_verbose = opts->verbose;
	libbpf_log_len = 0;
	libbpf_log[0] = 0;
	libbpf_set_print(capture_print);
	/* the object name prefixes .rodata etc.: keep it short and plain */
	snprintf(name, sizeof(name), "%.15s", info->name && *info->name ? info->name : "gadget");
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			*c = '_';
	oopts.object_name = name;
	/* a proven small CO-RE BTF spares libbpf reading the kernel's whole one */
	if (!core_btf_cache_path(obj, len, btf_path, sizeof(btf_path)) && !access(btf_path, R_OK))
		oopts.btf_custom_path = btf_path;
	o = bpf_object__open_mem(obj, len, &oopts);
	if (!o)
		return gadget_err_set(err, errno, "cannot open the gadget object: %s\n%s",
				      strerror(errno), log_tail());
	fixup_print_maps(o, opts->buffer_size);
	for (unsigned int i = 0; i < opts->nr_params; i++) {
		ret = set_param(o, info, opts->params[i], err);
		if (ret)
			goto fail;
	}
	if (opts->filter_mntns) {
		void *dst;
		size_t size;

		if (rodata_var(o, "gadget_filter_by_mntns", &dst, &size)) {
			ret = gadget_err_set(err, EINVAL, "this gadget does not support in-kernel container "
					     "filtering (--mntns/--pid/--container): it does not use "
					     "gadget_should_discard_mntns_id() from <gadget/filter.h>");
			goto fail;
		}
		memset(dst, 0, size);
		*(uint8_t *)dst = 1;
	}
	ret = set_netns_var(o, opts, err);
	if (ret)
		goto fail;
	*out = o;
	return 0;
fail:
	bpf_object__close(o);
	return ret;
}

int runtime_load(struct bpf_object *obj, const struct run_opts *opts, struct gadget_err *err)
{
	struct bpf_map *m;
	int ret = bpf_object__load(obj);

	if (ret)
		return gadget_err_set(err, -ret, "loading the gadget into the kernel failed: %s\n%s",
				      strerror(-ret), log_tail());
	if (!opts->filter_mntns)
		return 0;
	m = bpf_object__find_map_by_name(obj, "gadget_mntns_filter");
	if (!m)
		return gadget_err_set(err, EINVAL, "the gadget has no gadget_mntns_filter map");
	for (unsigned int i = 0; i < opts->nr_mntns; i++) {
		__u32 one = 1;

		if (bpf_map_update_elem(bpf_map__fd(m), &opts->mntns[i], &one, BPF_ANY))
			return gadget_err_set(err, errno, "filling the mount-namespace filter: %s", strerror(errno));
	}
	return 0;
}

int runtime_enable_stats(struct bpf_object *obj, int *stats_fd, struct gadget_err *err)
{
	void *flag;
	size_t size;
	int fd;

	*stats_fd = -1;
	if (rodata_var(obj, "gadget_bpf_stats", &flag, &size) || !size || !*(uint8_t *)flag)
		return 0;
	/* the kernel counts run time while any such fd is open */
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0)
		return gadget_err_set(err, -fd, "the gadget needs BPF statistics (GADGET_BPF_STATS): "
				      "BPF_ENABLE_STATS failed: %s", strerror(-fd));
	*stats_fd = fd;
	return 0;
}

/* Programs for which libbpf reads the kernel's BTF anyway (attach ids). */
static bool needs_kernel_btf(const struct bpf_program *p)
{
	switch (bpf_program__type(p)) {
	case BPF_PROG_TYPE_TRACING: case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS: case BPF_PROG_TYPE_EXT:
		return true;
	default:
		return false;
	}
}

/* Same relocated instructions, map references aside (their fds differ). */
static bool same_insns(const struct bpf_program *a, const struct bpf_program *b)
{
	const struct bpf_insn *x = bpf_program__insns(a), *y = bpf_program__insns(b);
	size_t n = bpf_program__insn_cnt(a);

	if (!n || n != bpf_program__insn_cnt(b))
		return false;
	for (size_t i = 0; i < n; i++) {
		bool map_ref = x[i].code == (BPF_LD | BPF_IMM | BPF_DW) && x[i].src_reg &&
			       x[i].src_reg != BPF_PSEUDO_FUNC && i + 1 < n;

		if (x[i].code != y[i].code || x[i].dst_reg != y[i].dst_reg ||
		    x[i].src_reg != y[i].src_reg || x[i].off != y[i].off)
			return false;
		if (map_ref) {
			i++;	/* the fd, then the offset into the map's value */
			if (x[i].imm != y[i].imm)
				return false;
			continue;
		}
		if (x[i].imm != y[i].imm)
			return false;
	}
	return true;
}

void runtime_learn_core_btf(const void *obj, size_t len, struct bpf_object *live)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	struct bpf_program *p, *q;
	struct bpf_object *o;
	bool same = true;
	int ret;

	if (core_btf_cache_path(obj, len, path, sizeof(path)) || !access(path, F_OK))
		return;
	bpf_object__for_each_program(p, live)
		if (needs_kernel_btf(p))
			return;
	snprintf(tmp, sizeof(tmp), "%s.new.%d", path, (int)getpid());
	ret = core_btf_build(obj, len, tmp);
	if (ret) {
		unlink(tmp);
		return;
	}
	oopts.object_name = bpf_object__name(live);
	oopts.btf_custom_path = tmp;
	o = bpf_object__open_mem(obj, len, &oopts);
	if (o)
		fixup_print_maps(o, 0);
	if (!o || bpf_object__load(o)) {
		same = false;
	} else {
		bpf_object__for_each_program(p, live) {
			q = bpf_object__find_program_by_name(o, bpf_program__name(p));
			if (!q || !same_insns(p, q))
				same = false;
		}
	}
	bpf_object__close(o);
	if (!same || rename(tmp, path))
		unlink(tmp);
}

void runtime_print_params(const struct gadget_info *info, FILE *f)
{
	if (!info->nr_params) {
		fprintf(f, "Gadget %s has no parameters.\n", info->name);
		return;
	}
	fprintf(f, "Parameters of gadget %s (--param NAME=VALUE):\n", info->name);
	for (unsigned int i = 0; i < info->nr_params; i++) {
		const struct gadget_param *p = &info->params[i];
		char type[128];

		snprintf(type, sizeof(type), "%s", p->field.type_name ? p->field.type_name : field_kind_name(p->field.kind));
		fprintf(f, "  %-20s %-16s default %-10s %s\n", p->name, type,
			p->default_value && *p->default_value ? p->default_value : "\"\"",
			p->description ? p->description : "");
		if (p->field.kind == FIELD_ENUM) {
			fprintf(f, "  %-20s one of:", "");
			for (unsigned int k = 0; k < p->field.nr_enum_vals; k++)
				fprintf(f, " %s", p->field.enum_vals[k].name);
			fprintf(f, "\n");
		}
	}
}
