// SPDX-License-Identifier: Apache-2.0
/* gadget build: compile, validate and (with -t) package; gadget init: scaffold. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/file.h"
#include "compiler/compiler.h"
#include "packager/packager.h"
#include "validator/validator.h"

#define MAX_ARCHS 4

static const char build_usage[] =
"Usage: gadget build [DIR] [-o FILE.o] [-t REF] [--arch amd64,arm64] [--werror]\n"
"                    [-v] [-j N] [--no-cache] [--no-pch]\n"
"\n"
"Compile the gadget in DIR (default: .): every *.bpf.c, or the \"sources\"\n"
"of its build file gadget.json, with clang -target bpf, link them into one\n"
"object with libbpf's linker (DWARF dropped, BTF kept), validate it as\n"
"'gadget validate' does, and write it.  Same inputs give the same bytes.\n"
"\n"
"Options:\n"
"  -o FILE.o           write the object here (default: DIR/NAME.o, NAME from\n"
"                      gadget.json or the folder name); with several\n"
"                      architectures, FILE.<arch>.o each\n"
"  -t, --tag REF       also pack the objects into the local store as REF\n"
"  --arch LIST         comma-separated architectures (default: this machine's,\n"
"                      or the build file's \"arch\")\n"
"  --werror            treat validator warnings as errors\n"
"  -v, --verbose       print the clang command lines, cache and precompiled\n"
"                      header decisions\n"
"  -j, --jobs N        clang runs at once (default: one per CPU); every source\n"
"                      of every architecture compiles in parallel\n"
"  --no-cache          neither read nor write the build cache (nor a PCH)\n"
"  --no-pch            neither use nor make a precompiled header\n"
"  -h, --help          show this help\n"
"\n"
"Unchanged rebuilds come from the cache ($GADGET_CACHE_DIR, else\n"
"$XDG_CACHE_HOME/gadget, else ~/.cache/gadget), keyed by the clang version,\n"
"its arguments, the sources and every header they include.  Edited sources\n"
"compile against a precompiled header of vmlinux.h and libbpf's headers,\n"
"kept in the same cache and made in the background by the first build that\n"
"can use it (the object is the same with or without it).  The cache keeps\n"
"to $GADGET_CACHE_MAX_SIZE (default 1G), least recently used first.\n"
"\n"
"Exit status: 0 built, 1 compile/validation/IO error (nothing written),\n"
"2 bad usage.\n";

struct build_args {
	const char *dir;
	const char *output;
	const char *tag;
	char *archs[MAX_ARCHS];
	unsigned int nr_archs;
	bool werror, verbose, no_cache, no_pch;
	unsigned int jobs;
};

enum { OPT_ARCH = 256, OPT_WERROR, OPT_NO_CACHE, OPT_NO_PCH };

static const struct option build_long[] = {
	{ "output",   required_argument, NULL, 'o' },
	{ "tag",      required_argument, NULL, 't' },
	{ "arch",     required_argument, NULL, OPT_ARCH },
	{ "werror",   no_argument,       NULL, OPT_WERROR },
	{ "verbose",  no_argument,       NULL, 'v' },
	{ "jobs",     required_argument, NULL, 'j' },
	{ "no-cache", no_argument,       NULL, OPT_NO_CACHE },
	{ "no-pch",   no_argument,       NULL, OPT_NO_PCH },
	{ "help",     no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_archs(struct build_args *a, char *list)
{
	char *save = NULL;

	for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (!compiler_arch_known(s))
			return cli_usage_error("build", "unknown architecture '%s' (known: amd64, arm64)", s);
		for (unsigned int i = 0; i < a->nr_archs; i++)
			if (!strcmp(a->archs[i], s))
				return cli_usage_error("build", "architecture '%s' given twice", s);
		if (a->nr_archs == MAX_ARCHS)
			return cli_usage_error("build", "too many architectures");
		a->archs[a->nr_archs++] = s;
	}
	if (!a->nr_archs)
		return cli_usage_error("build", "--arch needs a list such as amd64,arm64");
	return -1;
}

static int build_parse(int argc, char **argv, struct build_args *a)
{
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:vj:h", build_long, NULL)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case 't': a->tag = optarg; break;
		case OPT_ARCH:
			ret = parse_archs(a, optarg);
			if (ret >= 0)
				return ret;
			break;
		case OPT_WERROR: a->werror = true; break;
		case 'v': a->verbose = true; break;
		case 'j': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (!*optarg || *end || n < 1 || n > 1024)
				return cli_usage_error("build", "-j needs a number of jobs from 1 to 1024, "
						       "not '%s'", optarg);
			a->jobs = n;
			break;
		}
		case OPT_NO_CACHE: a->no_cache = true; break;
		case OPT_NO_PCH: a->no_pch = true; break;
		case 'h': fputs(build_usage, stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("build", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("build", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("build", "too many arguments (one gadget folder at a time)");
	a->dir = optind < argc ? argv[optind] : ".";
	return -1;
}

/* One architecture's result on its way to the disk and the store. */
struct arch_build {
	const char *arch;
	struct build_result res;
	struct gadget_info *info;
	char path[PATH_MAX];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int build_validate(const struct build_spec *spec, const struct build_args *a,
			  struct arch_build *ab, struct gadget_err *err)
{
	struct validate_opts vo = {
		.obj_path = ab->path,
		.src_dir = spec->dir,
		.name = spec->name,
		.description = spec->description,
		.params_doc = spec->params,
		.werror = a->werror,
		.yaml = spec->yaml,
		.wasm = spec->wasm,
	};
	struct diag_list diags = {};
	int ret;

	ret = validator_analyze(ab->res.obj, ab->res.len, &vo, &ab->info, &diags, err);
	diag_list_print(&diags, stderr);
	if (ret == -EINVAL && !err->msg[0])
		gadget_err_set(err, EINVAL, "%s (%s): validation failed with %d error(s); nothing written",
			       spec->name, ab->arch, diag_list_count(&diags, DIAG_ERROR) +
			       (a->werror ? diag_list_count(&diags, DIAG_WARNING) : 0));
	diag_list_free(&diags);
	return ret;
}

static void output_path(const struct build_spec *spec, const struct build_args *a,
			const char *arch, bool multi, char *buf, size_t len)
{
	if (a->output && !multi)
		snprintf(buf, len, "%s", a->output);
	else if (a->output) {
		size_t n = strlen(a->output);
		int stem = n > 2 && !strcmp(a->output + n - 2, ".o") ? (int)n - 2 : (int)n;

		snprintf(buf, len, "%.*s.%s.o", stem, a->output, arch);
	} else if (multi)
		snprintf(buf, len, "%s/%s.%s.o", spec->dir, spec->name, arch);
	else
		snprintf(buf, len, "%s/%s.o", spec->dir, spec->name);
}

static int build_pack(const struct build_spec *spec, const char *ref, struct arch_build *abs,
		      unsigned int n, struct gadget_err *err)
{
	struct pack_object objs[MAX_ARCHS];
	struct pack_meta meta = {
		.title = spec->name,
		.description = spec->description,
		.annotations = spec->annotations,
	};
	struct oci_descriptor d;
	struct store *st;
	int ret;

	for (unsigned int i = 0; i < n; i++)
		objs[i] = (struct pack_object){ abs[i].arch, abs[i].res.obj, abs[i].res.len, abs[i].info };
	ret = store_open(NULL, &st, err);
	if (ret)
		return ret;
	ret = packager_pack(st, ref, objs, n, &meta, &d, err);
	store_close(st);
	return ret;
}

int cmd_build(int argc, char **argv)
{
	struct arch_build abs[MAX_ARCHS] = {};
	struct build_result results[MAX_ARCHS];
	const char *archs[MAX_ARCHS];
	struct build_opts bo;
	struct build_args a = {};
	struct build_spec *spec = NULL;
	struct gadget_err err = {};
	unsigned int n = 0, progs;
	double t0 = now();
	bool all_cached = true;
	int ret;

	ret = build_parse(argc, argv, &a);
	if (ret >= 0)
		return ret;
	bo = (struct build_opts){ .verbose = a.verbose, .no_cache = a.no_cache, .no_pch = a.no_pch,
				  .jobs = a.jobs };
	ret = compiler_load_spec(a.dir, &spec, &err);
	if (ret)
		return cli_fail(&err);
	if (!a.nr_archs) {
		/* The build file's list (checked by compiler_load_spec), else this machine. */
		for (unsigned int i = 0; i < spec->nr_archs && a.nr_archs < MAX_ARCHS; i++)
			a.archs[a.nr_archs++] = spec->archs[i];
		if (!a.nr_archs)
			a.archs[a.nr_archs++] = (char *)compiler_host_arch();
	}

	for (n = 0; n < a.nr_archs; n++) {
		abs[n].arch = a.archs[n];
		output_path(spec, &a, abs[n].arch, a.nr_archs > 1, abs[n].path, sizeof(abs[n].path));
		archs[n] = a.archs[n];
	}
	ret = compiler_build_archs(spec, &bo, archs, n, results, &err);
	if (ret)
		goto fail;
	for (unsigned int i = 0; i < n; i++) {
		abs[i].res = results[i];
		all_cached &= abs[i].res.cache_hit;
	}
	for (unsigned int i = 0; i < n; i++) {
		ret = build_validate(spec, &a, &abs[i], &err);
		if (ret)
			goto fail;
	}
	/* Everything validated: only now touch the disk and the store. */
	for (unsigned int i = 0; i < n; i++) {
		ret = file_write_atomic(abs[i].path, abs[i].res.obj, abs[i].res.len, &err);
		if (ret)
			goto fail;
	}
	if (a.tag) {
		ret = build_pack(spec, a.tag, abs, n, &err);
		if (ret)
			goto fail;
	}
	progs = abs[0].info->nr_progs;
	fprintf(stderr, "built %s (%s, %u program%s) -> %s%s in %.2fs%s\n", spec->name,
		gadget_category_name(abs[0].info->category), progs, progs == 1 ? "" : "s",
		abs[0].path, n > 1 ? " ..." : "", now() - t0,
		a.no_cache ? "" : all_cached ? " [cached]" : "");
	if (a.tag)
		fprintf(stderr, "tagged %s\n", a.tag);
	ret = EXIT_OK;
	goto out;
fail:
	ret = cli_fail(&err);
out:
	for (unsigned int i = 0; i < n && i < MAX_ARCHS; i++) {
		build_result_free(&abs[i].res);
		gadget_info_free(abs[i].info);
	}
	build_spec_free(spec);
	return ret;
}

/* ---- gadget init ---- */

static const char init_usage[] =
"Usage: gadget init NAME [--type tracer|topper|snapshotter] [--dir PATH]\n"
"\n"
"Create a new gadget folder (PATH, default ./NAME) from a template: a\n"
"program, a gadget.json build file and a README.  Build it with\n"
"'gadget build NAME'.  An existing non-empty folder is never touched.\n"
"\n"
"Templates (all run on kernels without kprobes):\n"
"  tracer       one event per openat(2) (tracepoint), the default\n"
"  topper       read/write calls and bytes per process (tracepoints)\n"
"  snapshotter  the running processes (iter/task)\n"
"\n"
"NAME: lower-case letters, digits, '_', '-' and '.', starting with a letter\n"
"or digit (it becomes the image name).\n";

static const char *const init_types[] = { "tracer", "topper", "snapshotter" };

#define TEMPLATE_NAME_VAR	"{{name}}"	/* in file contents */
#define TEMPLATE_NAME_FILE	"__name__"	/* in file names */

static bool init_name_valid(const char *s)
{
	if (!*s || strlen(s) > 64 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-")] == 0;
}

/* Every occurrence of from replaced by to; returns a new string. */
static char *str_replace_all(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = malloc(strlen(s) + n * nt + 1);
	if (!out)
		return NULL;
	for (o = out; (p = strstr(s, from)); s = p + nf) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, to, nt);
		o += nt;
	}
	strcpy(o, s);
	return out;
}

static int init_copy(const char *src, const char *dst, const char *name, struct gadget_err *err)
{
	struct dirent *de;
	DIR *d = opendir(src);
	int ret = 0;

	if (!d)
		return gadget_err_set(err, errno, "cannot read template %s: %s", src, strerror(errno));
	while (!ret && (de = readdir(d))) {
		char from[PATH_MAX + 300], to[2 * PATH_MAX], *fname, *text;
		size_t len;
		void *buf;

		if (de->d_name[0] == '.')
			continue;
		fname = str_replace_all(de->d_name, TEMPLATE_NAME_FILE, name);
		if (!fname) {
			ret = gadget_err_set(err, ENOMEM, "out of memory");
			break;
		}
		snprintf(from, sizeof(from), "%s/%s", src, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", dst, fname);
		free(fname);
		ret = file_read_all(from, &buf, &len);
		if (ret) {
			ret = gadget_err_set(err, -ret, "cannot read %s: %s", from, strerror(-ret));
			break;
		}
		text = str_replace_all(buf, TEMPLATE_NAME_VAR, name);
		free(buf);
		if (!text) {
			ret = gadget_err_set(err, ENOMEM, "out of memory");
			break;
		}
		ret = file_write_atomic(to, text, strlen(text), err);
		free(text);
	}
	closedir(d);
	return ret;
}

static bool dir_empty(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

enum { OPT_TYPE = 300, OPT_DIR };

static const struct option init_long[] = {
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "dir",  required_argument, NULL, OPT_DIR },
	{ "help", no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_init(int argc, char **argv)
{
	const char *type = "tracer", *dir = NULL, *name;
	char tmpl[PATH_MAX], src[PATH_MAX + 32];
	struct gadget_err err = {};
	struct stat st;
	bool known = false;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", init_long, NULL)) != -1) {
		switch (c) {
		case OPT_TYPE: type = optarg; break;
		case OPT_DIR: dir = optarg; break;
		case 'h': fputs(init_usage, stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("init", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("init", argc == optind ? "missing NAME" : "too many arguments");
	name = argv[optind];
	if (!init_name_valid(name))
		return cli_usage_error("init", "invalid name '%s': use lower-case letters, digits, "
				       "'_', '-', '.', starting with a letter or digit", name);
	for (size_t i = 0; i < sizeof(init_types) / sizeof(init_types[0]); i++)
		known |= !strcmp(type, init_types[i]);
	if (!known)
		return cli_usage_error("init", "unknown type '%s' (tracer, topper, snapshotter)", type);
	if (!dir)
		dir = name;

	ret = compiler_find_data("templates", tmpl, sizeof(tmpl), &err);
	if (ret)
		return cli_fail(&err);
	snprintf(src, sizeof(src), "%s/%s", tmpl, type);
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !dir_empty(dir)) {
			gadget_err_set(&err, EEXIST, "%s already exists and is not an empty folder; "
				       "nothing written", dir);
			return cli_fail(&err);
		}
	} else if ((ret = mkdir_parents(dir, 0755))) {
		gadget_err_set(&err, -ret, "cannot create %s: %s", dir, strerror(-ret));
		return cli_fail(&err);
	}
	ret = init_copy(src, dir, name, &err);
	if (ret)
		return cli_fail(&err);
	fprintf(stderr, "created %s gadget %s in %s/ (build it: gadget build %s)\n", type, name, dir, dir);
	return EXIT_OK;
}
