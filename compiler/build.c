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
#include "compiler/jobs.h"
#include "compiler/pch.h"
#include "info/libbpf_log.h"
#include "info/libc_calls.h"

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

/* Is cflags[i] "-Idir", or "-I" or the "dir" after it? */
static bool is_include_dir(const struct build_spec *spec, unsigned int i)
{
	return !strncmp(spec->cflags[i], "-I", 2) || (i && !strcmp(spec->cflags[i - 1], "-I"));
}

/*
 * The argument lists shared by every source of one architecture.  They go
 * into the cache keys as they are, so nothing in them may vary from run to
 * run (temp paths are appended per source afterwards).  pch gets what
 * reaches the preprocessor, the same for every gadget; common adds the
 * gadget folder's file-name mapping.
 */
static int common_args(const struct build_spec *spec, const struct arch_def *a,
		       const char *clang, const char *hdrs, struct argv_buf *pch,
		       struct argv_buf *common, struct gadget_err *err)
{
	int ret = 0;

	ret |= argv_push(pch, clang);
	ret |= argv_push(pch, "-target");
	ret |= argv_push(pch, "bpf");
	ret |= argv_push(pch, "-O2");
	ret |= argv_push(pch, "-g");
	ret |= argv_pushf(pch, "-D__TARGET_ARCH_%s", a->bpf_target);
	/* the gadget's own -I come first: its include folder overrides ours (IG's) */
	for (unsigned int i = 0; i < spec->nr_cflags; i++)
		if (is_include_dir(spec, i))
			ret |= argv_push(pch, spec->cflags[i]);
	ret |= argv_pushf(pch, "-I%s/%s", hdrs, a->bpf_target);
	ret |= argv_pushf(pch, "-I%s", hdrs);
	/*
	 * libbpf-bootstrap/libbpf-tools programs include <linux/bpf.h> ->
	 * <asm/types.h>, which Debian keeps in the multiarch folder that a
	 * -target bpf clang does not search.  After everything else: it only
	 * fills what is missing.
	 */
	if (a->multiarch)
		ret |= argv_pushf(pch, "-idirafter/usr/include/%s", a->multiarch);
	/*
	 * libbpf's <bpf/...h> come from /usr/include, which clang searches for
	 * -target bpf already; an explicit -I/usr/include would put it ahead
	 * of clang's own headers.  Line info (.BTF.ext) names source files:
	 * map the gadget folder and bpf-headers to fixed names so a build in
	 * another folder or install gives the same bytes.
	 */
	ret |= argv_pushf(pch, "-ffile-prefix-map=%s=/gadget/bpf-headers", hdrs);
	for (unsigned int i = 0; i < spec->nr_cflags; i++)
		if (!is_include_dir(spec, i))
			ret |= argv_push(pch, spec->cflags[i]);
	for (unsigned int i = 0; i < pch->n; i++)
		ret |= argv_push(common, pch->v[i]);
	ret |= argv_pushf(common, "-ffile-prefix-map=%s=.", spec->dir);
	if (ret)
		return gadget_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static int cache_key_compute(const struct build_spec *spec, const struct arch_def *a,
			     const char *clang_id, const struct argv_buf *args,
			     char key[SHA256_HEX_LEN], struct gadget_err *err)
{
	struct cache_key k;
	char path[PATH_MAX];
	int ret;

	ret = cache_key_init(&k);
	if (ret)
		return gadget_err_set(err, -ret, "sha256 init failed");
	ret = cache_key_add_str(&k, "gadget build cache v2");
	ret = ret ?: cache_key_add_str(&k, clang_id);
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

/* libbpf's words while linking: the linker says which symbol it refused only there. */
static char link_log[1024];

/*
 * "failed to find BTF info for global/extern symbol 'f'": the object calls
 * f and has no type for it, because no declaration was ever seen (clang 14
 * only warns of an implicit declaration) or because clang itself emitted
 * the call (a builtin it did not inline).  -ENOENT alone would read "No
 * such file or directory": name the function and what to do.
 */
static int unresolved_call(const char *obj, int ret, struct gadget_err *err)
{
	static const char needle[] = "failed to find BTF info for global/extern symbol '";
	const char *p = strstr(link_log, needle), *instead;
	char sym[128];

	if (!p)
		return gadget_err_set(err, -ret, "linking %s: %s", obj, strerror(-ret));
	p += strlen(needle);
	snprintf(sym, sizeof(sym), "%.*s", (int)strcspn(p, "'"), p);
	link_log[strcspn(link_log, "\n")] = 0;
	if ((instead = libc_call_instead(sym)))
		return gadget_err_set(err, ENOEXEC, "the programs call '%s', which nothing defines: "
				      "BPF programs cannot call libc; use %s (%s)", sym,
				      instead, link_log);
	return gadget_err_set(err, ENOEXEC, "the programs call '%s', which no header declares and "
			      "nothing defines (clang's 'implicit declaration' warning above names the "
			      "line): include the header that defines it or correct the name; a BPF "
			      "program calls only its own functions, BPF helpers and kernel functions "
			      "declared __ksym (%s)", sym, link_log);
}

static int link_objects(char **objs, unsigned int n, const char *out, struct gadget_err *err)
{
	struct bpf_linker *l = bpf_linker__new(out, NULL);
	libbpf_print_fn_t old_print;
	int ret = 0;

	if (!l)
		return gadget_err_set(err, errno ?: EINVAL, "cannot start the BPF linker on %s: %s",
				      out, strerror(errno ?: EINVAL));
	old_print = libbpf_log_capture(link_log, sizeof(link_log));
	for (unsigned int i = 0; !ret && i < n; i++) {
		ret = bpf_linker__add_file(l, objs[i], NULL);
		if (ret)
			unresolved_call(objs[i], ret, err);
	}
	if (!ret) {
		ret = bpf_linker__finalize(l);
		if (ret)
			gadget_err_set(err, -ret, "linking %s: %s", out, strerror(-ret));
	}
	libbpf_set_print(old_print);
	bpf_linker__free(l);
	return ret;
}

/* One architecture of a build on its way through the cache, clang and the linker. */
struct arch_job {
	const struct arch_def *a;
	struct argv_buf pch_args, common, headers, objs;
	char key[SHA256_HEX_LEN];
	struct pch pch;
	struct build_result *out;
};

/* What every architecture of one build shares. */
struct build_ctx {
	const struct build_spec *spec;
	const struct build_opts *opts;
	char hdrs[PATH_MAX], clang[PATH_MAX], cache[PATH_MAX];
	char *clang_id;		/* clang_identity() */
	struct digest_memo *memo;	/* the cache's header digests */
	bool use_cache, use_pch;
	uint64_t max_size;
	char tmp[PATH_MAX - 64];
	bool *fits;			/* per source: may use the PCH */
	struct arch_job *archs;
	unsigned int nr_archs;
	struct clang_job *jobs;		/* archs x sources, in that order */
	unsigned int nr_jobs;
	struct argv_buf tmpfiles;	/* in tmp, removed at the end */
};

#define NOTE(ctx, ...) do { if ((ctx)->opts->verbose) fprintf(stderr, "  " __VA_ARGS__); } while (0)

/* Which sources may use a PCH at all; false when none may. */
static bool pch_wanted(struct build_ctx *c)
{
	const struct build_spec *spec = c->spec;
	char why[PATH_MAX + 256];
	bool any = false;

	if (!c->use_cache || c->opts->no_pch) {
		NOTE(c, "pch: skipped: %s\n", c->opts->no_pch ? "--no-pch" : "no build cache");
		return false;
	}
	if (!pch_cflags_fit(spec->cflags, spec->nr_cflags, why, sizeof(why))) {
		NOTE(c, "pch: skipped: %s\n", why);
		return false;
	}
	for (unsigned int i = 0; i < spec->nr_sources; i++) {
		c->fits[i] = pch_source_fits(spec->dir, spec->sources[i], why, sizeof(why));
		if (!c->fits[i])
			NOTE(c, "pch: skipped for %s: %s\n", spec->sources[i], why);
		any |= c->fits[i];
	}
	return any;
}

/* cflags with include paths may name folders relative to the gadget's: key the PCH on it. */
static bool cflags_name_paths(const struct build_spec *spec)
{
	for (unsigned int i = 0; i < spec->nr_cflags; i++)
		if (!strncmp(spec->cflags[i], "-I", 2) || !strncmp(spec->cflags[i], "-i", 2) ||
		    !strncmp(spec->cflags[i], "--sysroot", 9))
			return true;
	return false;
}

static int arch_pch_prepare(struct build_ctx *c, struct arch_job *aj)
{
	int ret = pch_prepare(c->cache, c->clang_id, aj->a->oci, &aj->pch_args, c->spec->dir,
			      cflags_name_paths(c->spec), c->memo, &aj->pch);

	if (ret)
		return ret;
	switch (aj->pch.state) {
	case PCH_READY:
		NOTE(c, "pch: used %s\n", aj->pch.path);
		break;
	case PCH_MAKING:
		break;		/* said once the maker starts: arch_pch_start() */
	default:
		NOTE(c, "pch: skipped: %s\n", aj->pch.why);
		break;
	}
	return 0;
}

/* After this build's compile: start making the PCH it found missing (see pch.h). */
static void arch_pch_start(struct build_ctx *c, struct arch_job *aj)
{
	if (aj->pch.state != PCH_MAKING)
		return;
	pch_start(&aj->pch, c->cache, &aj->pch_args, c->spec->dir);
	if (aj->pch.state == PCH_MAKING)
		NOTE(c, "pch: making %s in the background (pid %d); this build compiles without it\n",
		     aj->pch.path, (int)aj->pch.maker);
	else
		NOTE(c, "pch: skipped: %s\n", aj->pch.why);
}

/* The colours clang would use on a terminal, although its stderr is now a file. */
static bool stderr_has_colors(void)
{
	const char *term = getenv("TERM");

	return isatty(STDERR_FILENO) && term && *term && strcmp(term, "dumb");
}

static int job_args(const struct arch_job *aj, const char *src, const char *obj, const char *dep,
		    bool with_pch, struct argv_buf *a)
{
	int ret = 0;

	for (unsigned int i = 0; i < aj->common.n; i++)
		ret |= argv_push(a, aj->common.v[i]);
	if (with_pch)
		ret |= pch_add_use_args(&aj->pch, a);
	/* clang's stderr is a file now: keep the colours it would use on our terminal */
	if (stderr_has_colors())
		ret |= argv_push(a, "-fcolor-diagnostics");
	ret |= argv_push(a, "-MD");
	ret |= argv_push(a, "-MF");
	ret |= argv_push(a, dep);
	ret |= argv_push(a, "-c");
	ret |= argv_push(a, src);
	ret |= argv_push(a, "-o");
	ret |= argv_push(a, obj);
	return ret;
}

/* clang for source s of one architecture: with the PCH when it may, then without as the fallback. */
static int job_init(struct build_ctx *c, struct arch_job *aj, unsigned int s, struct clang_job *j)
{
	const char *src = c->spec->sources[s];
	bool with_pch = aj->pch.state == PCH_READY && c->fits[s];
	char obj[PATH_MAX], dep[PATH_MAX];
	int ret = 0;

	snprintf(obj, sizeof(obj), "%s/%s-%u.o", c->tmp, aj->a->oci, s);
	snprintf(dep, sizeof(dep), "%s/%s-%u.d", c->tmp, aj->a->oci, s);
	snprintf(j->log, sizeof(j->log), "%s/%s-%u.log", c->tmp, aj->a->oci, s);
	j->cwd = c->spec->dir;	/* so clang's diagnostics say "x.bpf.c:3:5" */
	ret |= job_args(aj, src, obj, dep, with_pch, &j->argv);
	if (with_pch)
		ret |= job_args(aj, src, obj, dep, false, &j->fallback);
	ret |= argv_push(&aj->objs, obj);
	ret |= argv_push(&c->tmpfiles, obj);
	ret |= argv_push(&c->tmpfiles, dep);
	ret |= argv_push(&c->tmpfiles, j->log);
	return ret ? -ENOMEM : 0;
}

/* What one compile read, less the PCH's own covering header. */
static int job_headers(struct build_ctx *c, struct arch_job *aj, unsigned int s)
{
	struct argv_buf all = {};
	char dep[PATH_MAX];
	size_t len;
	void *text;
	int ret;

	snprintf(dep, sizeof(dep), "%s/%s-%u.d", c->tmp, aj->a->oci, s);
	ret = file_read_all(dep, &text, &len);
	if (ret)
		return ret;
	ret = depfile_parse(text, c->spec->dir, c->spec->sources[s], &all, NULL);
	free(text);
	for (unsigned int i = 0; !ret && i < all.n; i++)
		if (!pch_owns(&aj->pch, all.v[i]))
			ret = argv_push(&aj->headers, all.v[i]);
	argv_free(&all);
	return ret;
}

/* Every source of every architecture that missed the cache, at once. */
static int compile_all(struct build_ctx *c, struct gadget_err *err)
{
	unsigned int ns = c->spec->nr_sources;
	int failed, ret = 0;

	c->jobs = calloc((size_t)c->nr_archs * ns, sizeof(*c->jobs));
	if (!c->jobs)
		return gadget_err_set(err, ENOMEM, "out of memory");
	for (unsigned int a = 0; a < c->nr_archs; a++) {
		if (c->archs[a].out->cache_hit)
			continue;
		for (unsigned int s = 0; !ret && s < ns; s++)
			ret = job_init(c, &c->archs[a], s, &c->jobs[c->nr_jobs++]);
	}
	if (ret)
		return gadget_err_set(err, -ret, "out of memory");
	ret = clang_jobs_run(c->jobs, c->nr_jobs, c->opts->jobs, c->opts->verbose, &failed, err);
	for (unsigned int i = 0; i < c->nr_jobs; i++)
		if (c->jobs[i].fell_back)
			NOTE(c, "pch: %s did not compile with the PCH; compiled again without it\n",
			     c->spec->sources[i % ns]);
	if (ret == -EINVAL && failed >= 0)
		return gadget_err_set(err, EINVAL, "%s/%s: compilation failed%s%s", c->spec->dir,
				      c->spec->sources[failed % ns], c->jobs[failed].hint ? ": " : "",
				      c->jobs[failed].hint ? c->jobs[failed].hint : "");
	return ret;
}

static int source_paths(const struct build_spec *spec, struct argv_buf *out)
{
	int ret = 0;

	for (unsigned int s = 0; s < spec->nr_sources; s++)
		ret |= argv_pushf(out, "%s/%s", spec->dir, spec->sources[s]);
	return ret ? -ENOMEM : 0;
}

/* Link one architecture's objects and keep the result in the cache. */
static int arch_finish(struct build_ctx *c, struct arch_job *aj, const struct timespec *start,
		       struct gadget_err *err)
{
	struct argv_buf inputs = {};
	char path[PATH_MAX];
	uint64_t written = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/%s-linked.o", c->tmp, aj->a->oci);
	if (argv_push(&c->tmpfiles, path))
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = link_objects(aj->objs.v, aj->objs.n, path, err);
	if (ret)
		return ret;
	ret = file_read_all(path, &aj->out->obj, &aj->out->len);
	if (ret)
		return gadget_err_set(err, -ret, "cannot read %s: %s", path, strerror(-ret));
	if (!c->use_cache)
		return 0;
	for (unsigned int s = 0; s < c->spec->nr_sources; s++)
		if (job_headers(c, aj, s))
			return 0;	/* not cached: what it read is unknown */
	headers_uniq(&aj->headers);
	ret = source_paths(c->spec, &inputs);
	for (unsigned int i = 0; i < aj->headers.n; i++)
		ret |= argv_push(&inputs, aj->headers.v[i]);
	/* A cache that cannot be written only costs speed next time. */
	if (ret || cache_inputs_changed(&inputs, start))
		NOTE(c, "not cached: an input changed during the build\n");
	else if (!cache_store(c->cache, aj->key, aj->out->obj, aj->out->len, &aj->headers,
			      c->memo, &written, NULL))
		cache_account(c->cache, c->max_size, written);
	argv_free(&inputs);
	return 0;
}

/* The cache folder, absolute: clang runs in the gadget's folder. */
static bool find_cache(struct build_ctx *c)
{
	char rel[PATH_MAX], cwd[PATH_MAX];

	if (c->opts->no_cache || cache_dir_default(rel, sizeof(rel), NULL))
		return false;
	if (rel[0] == '/')
		snprintf(c->cache, sizeof(c->cache), "%s", rel);
	else if (!getcwd(cwd, sizeof(cwd)) ||
		 snprintf(c->cache, sizeof(c->cache), "%s/%s", cwd, rel) >= (int)sizeof(c->cache))
		return false;
	return true;
}

static int ctx_init(struct build_ctx *c, const struct build_spec *spec, const struct build_opts *opts,
		    const char *const *archs, unsigned int n, struct build_result *outs,
		    struct gadget_err *err)
{
	char vmlinux[PATH_MAX + 32];
	int ret;

	c->spec = spec;
	c->opts = opts;
	c->nr_archs = n;
	c->archs = calloc(n, sizeof(*c->archs));
	c->fits = calloc(spec->nr_sources ?: 1, sizeof(*c->fits));
	if (!c->archs || !c->fits)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = compiler_find_data("bpf-headers", c->hdrs, sizeof(c->hdrs), err);
	ret = ret ?: clang_find(c->clang, sizeof(c->clang), err);
	for (unsigned int i = 0; !ret && i < n; i++) {
		const char *name = archs[i] ? archs[i] : arch_host();
		const struct arch_def *a = buildable_arch(name);

		if (!a)
			return gadget_err_set(err, EINVAL, "unknown architecture '%s' (known: %s)",
					      name, arch_buildable_names());
		/*
		 * CO-RE relocates field offsets, not the types themselves: an
		 * x86 vmlinux.h on arm64 gets struct pt_regs, syscall wrappers
		 * and arch-only types wrong.  Without the arch's own vmlinux.h,
		 * refuse.
		 */
		snprintf(vmlinux, sizeof(vmlinux), "%s/%s/vmlinux.h", c->hdrs, a->bpf_target);
		if (access(vmlinux, R_OK))
			return gadget_err_set(err, ENOENT, "--arch %s needs %s, which is missing (generate "
					      "it on an %s machine: bpftool btf dump file "
					      "/sys/kernel/btf/vmlinux format c > vmlinux.h)",
					      a->oci, vmlinux, a->oci);
		c->archs[i].a = a;
		c->archs[i].out = &outs[i];
		ret = common_args(spec, a, c->clang, c->hdrs, &c->archs[i].pch_args,
				  &c->archs[i].common, err);
	}
	if (ret)
		return ret;
	c->use_cache = find_cache(c);
	if (c->use_cache) {
		ret = cache_max_size(&c->max_size, err);
		ret = ret ?: clang_identity(c->clang, &c->clang_id, err);
		c->memo = digest_memo_open(c->cache);
	}
	return ret;
}

static void ctx_free(struct build_ctx *c)
{
	for (unsigned int i = 0; i < c->nr_jobs; i++)
		clang_job_free(&c->jobs[i]);
	for (unsigned int i = 0; i < c->tmpfiles.n; i++)
		unlink(c->tmpfiles.v[i]);
	argv_free(&c->tmpfiles);
	for (unsigned int i = 0; c->archs && i < c->nr_archs; i++) {
		struct arch_job *aj = &c->archs[i];

		pch_release(&aj->pch);
		argv_free(&aj->pch_args);
		argv_free(&aj->common);
		argv_free(&aj->headers);
		argv_free(&aj->objs);
	}
	if (c->tmp[0])
		rmdir(c->tmp);
	free(c->jobs);
	free(c->archs);
	free(c->fits);
	free(c->clang_id);
	digest_memo_close(c->memo);
}

/* Answer what the cache can; true when nothing is left to compile. */
static int lookup_all(struct build_ctx *c, bool *all_hit, struct gadget_err *err)
{
	int ret = 0;

	*all_hit = true;
	for (unsigned int i = 0; !ret && i < c->nr_archs; i++) {
		struct arch_job *aj = &c->archs[i];

		if (!c->use_cache) {
			*all_hit = false;
			continue;
		}
		ret = cache_key_compute(c->spec, aj->a, c->clang_id, &aj->common, aj->key, err);
		if (ret)
			break;
		if (cache_lookup(c->cache, aj->key, c->memo, &aj->out->obj, &aj->out->len)) {
			aj->out->cache_hit = true;
			NOTE(c, "cache hit %s/builds/%s.json (clang not run)\n", c->cache, aj->key);
		} else {
			*all_hit = false;
			NOTE(c, "cache miss %s\n", aj->key);
		}
	}
	return ret;
}

static int build_misses(struct build_ctx *c, struct gadget_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	struct argv_buf sources = {};
	struct timespec start = {};
	int ret = 0;

	if (c->use_cache) {
		/* what clang reads is hashed after start: see cache_inputs_changed() */
		if (source_paths(c->spec, &sources)) {
			argv_free(&sources);
			return gadget_err_set(err, ENOMEM, "out of memory");
		}
		cache_clock_start(&start, &sources);
		argv_free(&sources);
		for (unsigned int i = 0; !ret && i < c->nr_archs; i++)
			if (!c->archs[i].out->cache_hit)
				ret = cache_key_compute(c->spec, c->archs[i].a, c->clang_id,
							&c->archs[i].common, c->archs[i].key, err);
		if (ret)
			return ret;
	}
	c->use_pch = pch_wanted(c);
	for (unsigned int i = 0; !ret && c->use_pch && i < c->nr_archs; i++)
		if (!c->archs[i].out->cache_hit)
			ret = arch_pch_prepare(c, &c->archs[i]);
	if (ret)
		return gadget_err_set(err, -ret, "out of memory");
	snprintf(c->tmp, sizeof(c->tmp), "%s/gadget-build.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(c->tmp)) {
		ret = gadget_err_set(err, errno, "cannot create a temp folder in %s: %s",
				     tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
		c->tmp[0] = 0;
		return ret;
	}
	ret = compile_all(c, err);
	for (unsigned int i = 0; !ret && i < c->nr_archs; i++)
		if (!c->archs[i].out->cache_hit)
			ret = arch_finish(c, &c->archs[i], &start, err);
	/*
	 * Last: the maker is a fork of this process, so until the build ends
	 * each page it writes is copied; linking and caching first saves that.
	 */
	for (unsigned int i = 0; i < c->nr_archs; i++)
		arch_pch_start(c, &c->archs[i]);
	return ret;
}

int compiler_build_archs(const struct build_spec *spec, const struct build_opts *opts,
			 const char *const *archs, unsigned int n, struct build_result *outs,
			 struct gadget_err *err)
{
	const struct build_opts defaults = {};
	struct build_ctx c = {};
	bool all_hit;
	int ret;

	memset(outs, 0, n * sizeof(*outs));
	if (!opts)
		opts = &defaults;
	ret = ctx_init(&c, spec, opts, archs, n, outs, err);
	ret = ret ?: lookup_all(&c, &all_hit, err);
	if (!ret && !all_hit)
		ret = build_misses(&c, err);
	if (ret)
		for (unsigned int i = 0; i < n; i++)
			build_result_free(&outs[i]);
	ctx_free(&c);
	return ret;
}

int compiler_build(const struct build_spec *spec, const struct build_opts *opts,
		   struct build_result *out, struct gadget_err *err)
{
	const char *arch = opts ? opts->arch : NULL;

	return compiler_build_archs(spec, opts, &arch, 1, out, err);
}

void build_result_free(struct build_result *res)
{
	if (!res)
		return;
	free(res->obj);
	res->obj = NULL;
	res->len = 0;
}
