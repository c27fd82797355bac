// SPDX-License-Identifier: Apache-2.0
/*
 * compiler_build(): clang per source, libbpf's linker over the results, the
 * build cache around both.  The linker is used even for one source so every
 * object has the same shape, and it already leaves DWARF out (libbpf's
 * linker.c skips .debug_* sections) while keeping .BTF and .BTF.ext: linking
 * is the strip step, no llvm-strip run needed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "base/arch.h"
#include "compiler/cache.h"
#include "compiler/clang.h"
#include "compiler/compiler.h"

/* An architecture gadgets can be built for: a row of base/arch.h with a BPF target. */
static const struct arch_def *buildable_arch(const char *name)
{
	const struct arch_def *a = arch_find(name);

	return a && a->bpf_target ? a : NULL;
}

bool compiler_arch_known(const char *arch)
{
	return buildable_arch(arch) != NULL;
}

const char *compiler_host_arch(void)
{
	return arch_host();
}

/*
 * The argument list shared by every source of one build: it goes into the
 * cache key as is, so nothing in it may vary from run to run (temp paths
 * are appended per source afterwards).
 */
static int common_args(const struct build_spec *spec, const struct arch_def *a,
		       const char *clang, const char *hdrs, struct argv_buf *args,
		       struct gadget_err *err)
{
	int ret = 0;

	ret |= argv_push(args, clang);
	ret |= argv_push(args, "-target");
	ret |= argv_push(args, "bpf");
	ret |= argv_push(args, "-O2");
	ret |= argv_push(args, "-g");
	ret |= argv_pushf(args, "-D__TARGET_ARCH_%s", a->bpf_target);
	ret |= argv_pushf(args, "-I%s/%s", hdrs, a->bpf_target);
	ret |= argv_pushf(args, "-I%s", hdrs);
	/*
	 * libbpf's <bpf/...h> come from /usr/include, which clang searches for
	 * -target bpf already; an explicit -I/usr/include would put it ahead
	 * of clang's own headers.  Line info (.BTF.ext) names source files:
	 * map the gadget folder and bpf-headers to fixed names so a build in
	 * another folder or install gives the same bytes.
	 */
	ret |= argv_pushf(args, "-ffile-prefix-map=%s=.", spec->dir);
	ret |= argv_pushf(args, "-ffile-prefix-map=%s=/gadget/bpf-headers", hdrs);
	for (unsigned int i = 0; i < spec->nr_cflags; i++)
		ret |= argv_push(args, spec->cflags[i]);
	if (ret)
		return gadget_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static int cache_key_compute(const struct build_spec *spec, const struct arch_def *a,
			     const char *version, const struct argv_buf *args,
			     char key[SHA256_HEX_LEN], struct gadget_err *err)
{
	struct cache_key k;
	char path[PATH_MAX];
	int ret;

	ret = cache_key_init(&k);
	if (ret)
		return gadget_err_set(err, -ret, "sha256 init failed");
	ret = cache_key_add_str(&k, "gadget build cache v1");
	ret = ret ?: cache_key_add_str(&k, version);
	ret = ret ?: cache_key_add_str(&k, a->oci);
	for (unsigned int i = 0; !ret && i < args->n; i++)
		ret = cache_key_add_str(&k, args->v[i]);
	for (unsigned int i = 0; !ret && i < spec->nr_sources; i++) {
		snprintf(path, sizeof(path), "%s/%s", spec->dir, spec->sources[i]);
		ret = cache_key_add_file(&k, spec->sources[i], path, err);
		if (ret) {
			cache_key_abort(&k);
			return ret;
		}
	}
	if (ret) {
		cache_key_abort(&k);
		return gadget_err_set(err, -ret, "sha256 failed");
	}
	return cache_key_final(&k, key);
}

/*
 * A file written while clang ran may or may not be what it read: such a
 * build must not be cached (ccache's "too new" rule).  The kernel stamps
 * files from the coarse realtime clock, so compare against that clock.
 */
static bool changed_since(const struct build_spec *spec, const struct argv_buf *headers,
			  const struct timespec *start)
{
	char path[PATH_MAX];
	struct stat st;

	for (unsigned int i = 0; i < spec->nr_sources + headers->n; i++) {
		if (i < spec->nr_sources)
			snprintf(path, sizeof(path), "%s/%s", spec->dir, spec->sources[i]);
		else
			snprintf(path, sizeof(path), "%s", headers->v[i - spec->nr_sources]);
		if (stat(path, &st) || st.st_mtim.tv_sec > start->tv_sec ||
		    (st.st_mtim.tv_sec == start->tv_sec && st.st_mtim.tv_nsec >= start->tv_nsec))
			return true;
	}
	return false;
}

/*
 * The start of a build, on a tick of the coarse clock that has just begun:
 * a file written before it then has an older stamp, one written during the
 * build never does.  Without the wait, a source written a moment before
 * the build (`gadget init x && gadget build x`) shares start's tick and
 * would look written during it, and the build would never be cached.  A
 * tick is a few ms; only a cache miss, with clang to run, waits.
 */
static void fresh_coarse_tick(struct timespec *start)
{
	struct timespec t0, nap = { .tv_nsec = 500000 };

	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	do {
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, start);
	} while (start->tv_sec == t0.tv_sec && start->tv_nsec == t0.tv_nsec);
}

static void print_argv(char *const *v)
{
	fputs("  ", stderr);
	for (; *v; v++)
		fprintf(stderr, "%s%s", *v, v[1] ? " " : "\n");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop repeats: several sources include the same headers. */
static void headers_uniq(struct argv_buf *h)
{
	unsigned int j = 0;

	if (!h->n)
		return;
	qsort(h->v, h->n, sizeof(char *), cmp_str);
	for (unsigned int i = 1; i < h->n; i++) {
		if (!strcmp(h->v[i], h->v[j]))
			free(h->v[i]);
		else
			h->v[++j] = h->v[i];
	}
	h->n = j + 1;
	h->v[h->n] = NULL;
}

static int compile_one(const struct build_spec *spec, const struct build_opts *opts,
		       const struct argv_buf *common, const char *src, const char *obj,
		       const char *dep, struct argv_buf *headers, struct gadget_err *err)
{
	struct argv_buf args = {};
	size_t len;
	void *text;
	int ret = 0;

	for (unsigned int i = 0; i < common->n; i++)
		ret |= argv_push(&args, common->v[i]);
	ret |= argv_push(&args, "-MD");
	ret |= argv_push(&args, "-MF");
	ret |= argv_push(&args, dep);
	ret |= argv_push(&args, "-c");
	ret |= argv_push(&args, src);
	ret |= argv_push(&args, "-o");
	ret |= argv_push(&args, obj);
	if (ret) {
		argv_free(&args);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	if (opts->verbose)
		print_argv(args.v);
	/* cwd = the gadget folder, so clang's diagnostics say "x.bpf.c:3:5". */
	ret = clang_run(args.v, spec->dir, err);
	argv_free(&args);
	if (ret)
		return gadget_err_set(err, EINVAL, "%s/%s: compilation failed", spec->dir, src);
	ret = file_read_all(dep, &text, &len);
	if (ret)
		return gadget_err_set(err, -ret, "%s: cannot read clang's depfile", dep);
	ret = depfile_parse(text, spec->dir, headers, err);
	free(text);
	return ret;
}

static int link_objects(char **objs, unsigned int n, const char *out, struct gadget_err *err)
{
	struct bpf_linker *l = bpf_linker__new(out, NULL);
	int ret = 0;

	if (!l)
		return gadget_err_set(err, errno ?: EINVAL, "cannot start the BPF linker on %s: %s",
				      out, strerror(errno ?: EINVAL));
	for (unsigned int i = 0; !ret && i < n; i++) {
		ret = bpf_linker__add_file(l, objs[i], NULL);
		if (ret)
			gadget_err_set(err, -ret, "linking %s: %s", objs[i], strerror(-ret));
	}
	if (!ret) {
		ret = bpf_linker__finalize(l);
		if (ret)
			gadget_err_set(err, -ret, "linking %s: %s", out, strerror(-ret));
	}
	bpf_linker__free(l);
	return ret;
}

/* clang and link in a private temp folder; headers gets what was included. */
static int build_fresh(const struct build_spec *spec, const struct build_opts *opts,
		       const struct argv_buf *common, struct argv_buf *headers,
		       struct build_result *out, struct gadget_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char dir[PATH_MAX - 64], path[PATH_MAX];
	struct argv_buf objs = {}, tmpfiles = {};
	int ret = 0;

	snprintf(dir, sizeof(dir), "%s/gadget-build.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir))
		return gadget_err_set(err, errno, "cannot create a temp folder in %s: %s",
				      tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
	for (unsigned int i = 0; !ret && i < spec->nr_sources; i++) {
		char obj[PATH_MAX], dep[PATH_MAX];

		snprintf(obj, sizeof(obj), "%s/%u.o", dir, i);
		snprintf(dep, sizeof(dep), "%s/%u.d", dir, i);
		if (argv_push(&tmpfiles, obj) || argv_push(&tmpfiles, dep) || argv_push(&objs, obj)) {
			ret = gadget_err_set(err, ENOMEM, "out of memory");
			break;
		}
		ret = compile_one(spec, opts, common, spec->sources[i], obj, dep, headers, err);
	}
	snprintf(path, sizeof(path), "%s/linked.o", dir);
	if (!ret && !argv_push(&tmpfiles, path)) {
		ret = link_objects(objs.v, objs.n, path, err);
		if (!ret) {
			ret = file_read_all(path, &out->obj, &out->len);
			if (ret)
				gadget_err_set(err, -ret, "cannot read %s: %s", path, strerror(-ret));
		}
	}
	for (unsigned int i = 0; i < tmpfiles.n; i++)
		unlink(tmpfiles.v[i]);
	rmdir(dir);
	argv_free(&objs);
	argv_free(&tmpfiles);
	headers_uniq(headers);
	return ret;
}

int compiler_build(const struct build_spec *spec, const struct build_opts *opts,
		   struct build_result *out, struct gadget_err *err)
{
	char hdrs[PATH_MAX], vmlinux[PATH_MAX + 32], clang[PATH_MAX], cache[PATH_MAX];
	char key[SHA256_HEX_LEN];
	struct argv_buf common = {}, headers = {};
	const struct build_opts defaults = {};
	const struct arch_def *a;
	struct timespec start;
	bool use_cache;
	char *version = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	a = buildable_arch(opts->arch ? opts->arch : arch_host());
	if (!a)
		return gadget_err_set(err, EINVAL, "unknown architecture '%s' (known: %s)",
				      opts->arch ? opts->arch : arch_host(), arch_buildable_names());
	ret = compiler_find_data("bpf-headers", hdrs, sizeof(hdrs), err);
	if (ret)
		return ret;
	/*
	 * CO-RE relocates field offsets, not the types themselves: an x86
	 * vmlinux.h on arm64 gets struct pt_regs, syscall wrappers and
	 * arch-only types wrong.  Without the arch's own vmlinux.h, refuse.
	 */
	snprintf(vmlinux, sizeof(vmlinux), "%s/%s/vmlinux.h", hdrs, a->bpf_target);
	if (access(vmlinux, R_OK))
		return gadget_err_set(err, ENOENT, "--arch %s needs %s, which is missing (generate it on "
				      "an %s machine: bpftool btf dump file /sys/kernel/btf/vmlinux "
				      "format c > vmlinux.h)", a->oci, vmlinux, a->oci);
	ret = clang_find(clang, sizeof(clang), err);
	if (ret)
		return ret;
	ret = common_args(spec, a, clang, hdrs, &common, err);
	if (ret)
		goto out;

	use_cache = !opts->no_cache && cache_dir_default(cache, sizeof(cache), NULL) == 0;
	if (use_cache) {
		ret = clang_version(clang, cache, &version, err);
		ret = ret ?: cache_key_compute(spec, a, version, &common, key, err);
		if (ret)
			goto out;
		if (cache_lookup(cache, key, &out->obj, &out->len)) {
			out->cache_hit = true;
			if (opts->verbose)
				fprintf(stderr, "  cache hit %s/builds/%s.json (clang not run)\n", cache, key);
			goto out;
		}
		if (opts->verbose)
			fprintf(stderr, "  cache miss %s\n", key);
		/* what clang reads is hashed after start: see changed_since() */
		fresh_coarse_tick(&start);
		ret = cache_key_compute(spec, a, version, &common, key, err);
		if (ret)
			goto out;
	}
	ret = build_fresh(spec, opts, &common, &headers, out, err);
	if (ret)
		goto out;
	/* A cache that cannot be written only costs speed next time. */
	if (use_cache && changed_since(spec, &headers, &start)) {
		if (opts->verbose)
			fprintf(stderr, "  not cached: an input changed during the build\n");
	} else if (use_cache) {
		cache_store(cache, key, out->obj, out->len, &headers, NULL);
	}
out:
	if (ret)
		build_result_free(out);
	free(version);
	argv_free(&common);
	argv_free(&headers);
	return ret;
}

void build_result_free(struct build_result *res)
{
	if (!res)
		return;
	free(res->obj);
	res->obj = NULL;
	res->len = 0;
}
