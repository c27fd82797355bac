// SPDX-License-Identifier: Apache-2.0
/* gadget run REF|FILE.o|DIR: the gadget author's test loop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "cli/cli.h"
#include "compiler/compiler.h"
#include "info/gadget_info_text.h"
#include "packager/config.h"
#include "packager/input.h"
#include "packager/packager.h"
#include "packager/sign.h"
#include "runtime/enrich.h"
#include "runtime/run.h"
#include "validator/validator.h"

static const char usage_text[] =
"Usage: gadget run REF|FILE.o|DIR [OPTIONS]\n"
"\n"
"Load a gadget, attach every program and show what it produces: a tracer's\n"
"events, a topper's table every interval, a snapshotter's rows. REF is an image\n"
"(ours or Inspektor Gadget's) in the local store, pulled from its registry when\n"
"the store lacks it (--pull; a short name under GADGET_DEFAULT_REGISTRY), verified\n"
"first when a key is configured (see 'gadget help verify'); FILE.o a built\n"
"object, DIR a gadget folder (built on the fly). An\n"
"argument that is a valid image reference names the store's image even where a\n"
"folder of that name exists: write folders as paths (./demo). With a key\n"
"configured, a folder or an object file runs only with --insecure-skip-verify.\n"
"\n"
"Output:\n"
"  -o, --output FORMAT      columns (default) or json (one object per line)\n"
"      --fields A,B         columns to show, in this order\n"
"  -F, --filter EXPR        FIELD=V, FIELD!=V, FIELD>V, FIELD<V, FIELD>=V, FIELD<=V,\n"
"                           FIELD~REGEX; repeat to AND them\n"
"      --sort FIELD[:asc|:desc]  topper order (default: first value number, desc)\n"
"      --max-rows N         topper rows per interval\n"
"Gadget:\n"
"  -p, --param NAME=VALUE   set a gadget parameter (list them: gadget run X --help)\n"
"  -t, --timeout S          stop after S seconds (default: until Ctrl-C/SIGTERM)\n"
"      --buffer-size N[K|M] a tracer's ring buffer (a power of 2; the gadget's\n"
"                           by default, 1M): more rides out longer stalls\n"
"  -i, --interval S         topper period (default 1), snapshot repeat\n"
"Targets:\n"
"      --iface NAME         interface for xdp and tc programs\n"
"      --cgroup PATH        cgroup for cgroup programs (default: the cgroup2 root)\n"
"      --netns PATH         network namespace for socket, sk_lookup, flow_dissector\n"
"                           programs and snapshot iterators (iter/tcp, iter/udp)\n"
"      --sample-freq HZ     perf_event programs: samples per second per CPU (49)\n"
"Containers:\n"
"      --mntns ID           only events of this mount namespace (in the kernel)\n"
"      --pid PID            only events of PID's mount namespace\n"
"      --container NAME     only events of this container (id prefix, name, pod uid)\n"
"      --no-enrich          no enrichment columns (container, user and group names)\n"
"      --metrics-addr ADDR  serve counter_/gauge_/hist_ maps as Prometheus metrics\n"
"Registry:\n"
"      --pull POLICY        missing (default): pull REF when the store lacks it;\n"
"                           always: pull every time; never: the store's copy only\n"
"      --platform OS/ARCH   the manifest an image index gives (linux/arm64)\n"
"      --allowed LIST       run only images matching: PREFIX*, REPO@DIGEST or\n"
"                           a reference (comma-separated; replaces the config's)\n"
"Other:\n"
"      --insecure-skip-verify  run without checking a signature (an unsigned image,\n"
"                           a folder or an object file while a key is configured)\n"
"  -v, --verbose            show libbpf's messages\n"
"  -h, --help               this help; with a gadget, also its parameters\n"
"\n"
"Exit status: 0 when stopped by the timeout, Ctrl-C or SIGTERM, 1 on error, 2 on bad usage.\n";

enum {
	OPT_FIELDS = 256, OPT_SORT, OPT_MAX_ROWS, OPT_IFACE, OPT_CGROUP, OPT_NETNS, OPT_SAMPLE_FREQ,
	OPT_MNTNS, OPT_PID, OPT_CONTAINER, OPT_NO_ENRICH, OPT_METRICS, OPT_SKIP_VERIFY, OPT_BUFFER_SIZE,
	OPT_PULL, OPT_ALLOWED, OPT_PLATFORM,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "fields", required_argument, NULL, OPT_FIELDS },
	{ "filter", required_argument, NULL, 'F' },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "max-rows", required_argument, NULL, OPT_MAX_ROWS },
	{ "param", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 't' },
	{ "interval", required_argument, NULL, 'i' },
	{ "iface", required_argument, NULL, OPT_IFACE },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "sample-freq", required_argument, NULL, OPT_SAMPLE_FREQ },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "mntns", required_argument, NULL, OPT_MNTNS },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "no-enrich", no_argument, NULL, OPT_NO_ENRICH },
	{ "metrics-addr", required_argument, NULL, OPT_METRICS },
	{ "insecure-skip-verify", no_argument, NULL, OPT_SKIP_VERIFY },
	{ "pull", required_argument, NULL, OPT_PULL },
	{ "allowed", required_argument, NULL, OPT_ALLOWED },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A gadget argument opened (packager/input.h), and its analysis. */
struct run_input {
	struct gadget_input in;
	struct gadget_info *info;	/* images carry theirs (in.image->info) */
};

static void run_input_free(struct run_input *ri)
{
	if (!ri->in.image)
		gadget_info_free(ri->info);
	gadget_input_close(&ri->in);
}

static int load_input(const char *arg, const struct gadget_input_opts *io, struct run_input *ri,
		      struct gadget_err *err)
{
	struct gadget_input *in = &ri->in;
	struct validate_opts vo = { .obj_path = arg, .name = in->name };
	struct diag_list diags = {};
	int ret;

	memset(ri, 0, sizeof(*ri));
	ret = gadget_input_open(arg, io, in, err);
	if (ret)
		return ret;
	if (in->image) {
		ri->info = in->image->info;
		return 0;
	}
	if (in->spec) {
		vo.description = in->spec->description;
		vo.params_doc = in->spec->params;
		vo.src_dir = arg;
		vo.yaml = in->spec->yaml;
	}
	ret = validator_analyze(in->obj, in->len, &vo, &ri->info, &diags, err);
	/* warnings were shown at build time; a run only needs the errors */
	if (ret == -EINVAL) {
		diag_list_print(&diags, stderr);
		ret = gadget_err_set(err, EINVAL, "%s does not validate (errors above)", arg);
	}
	diag_list_free(&diags);
	if (ret)
		run_input_free(ri);
	return ret;
}

static int parse_seconds(const char *opt, const char *v, double *out)
{
	char *end;

	*out = strtod(v, &end);
	if (end == v || *end || *out < 0)
		return cli_usage_error("run", "%s: '%s' is not a number of seconds", opt, v);
	return 0;
}

static int parse_uint(const char *opt, const char *v, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno || end == v || *end || v[0] == '-')
		return cli_usage_error("run", "%s: '%s' is not a positive number", opt, v);
	return 0;
}

/* N, NK or NM bytes, a power of 2 from a page to 1 GB (the kernel's rule for rings). */
static int parse_buffer_size(const char *v, unsigned long long *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (*end == 'K' || *end == 'k') {
		n <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		n <<= 20;
		end++;
	}
	if (errno || end == v || *end || v[0] == '-' || n < (unsigned long long)getpagesize() ||
	    n > (1ULL << 30) || (n & (n - 1)))
		return cli_usage_error("run", "--buffer-size: '%s' is not a power of 2 from %dK to 1024M "
				       "(e.g. 4M)", v, getpagesize() / 1024);
	*out = n;
	return 0;
}

static int push_arg(char ***v, unsigned int *n, char *s)
{
	char **p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	*v = p;
	p[(*n)++] = s;
	return 0;
}

static int mntns_of_pid(const char *pid, uint64_t *out, struct gadget_err *err)
{
	unsigned long long n;
	char *end;
	int ret;

	errno = 0;
	n = strtoull(pid, &end, 10);
	if (errno || end == pid || *end || n == 0 || n > INT32_MAX)
		return gadget_err_set(err, EINVAL, "--pid %s: not a process id", pid);
	ret = enrich_proc_mntns(NULL, (pid_t)n, out);
	if (ret)
		return gadget_err_set(err, -ret, "--pid %s: %s", pid, strerror(-ret));
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts opts = { .output = OUTPUT_COLUMNS, .status = stderr };
	struct gadget_err err = {};
	struct run_input in;
	struct gadget_input_opts io = { .kinds = GADGET_INPUT_FOLDER | GADGET_INPUT_OBJECT |
						 GADGET_INPUT_IMAGE, .verify = true, .pull = PULL_MISSING };
	bool help = false;
	unsigned long long u;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:F:p:t:i:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (printer_kind_parse(optarg, &opts.output))
				return cli_usage_error("run", "-o %s: use columns or json", optarg);
			break;
		case OPT_FIELDS: opts.fields = optarg; break;
		case 'F': push_arg(&opts.filters, &opts.nr_filters, optarg); break;
		case 'p': push_arg(&opts.params, &opts.nr_params, optarg); break;
		case OPT_SORT: opts.sort = optarg; break;
		case OPT_MAX_ROWS:
			if (parse_uint("--max-rows", optarg, &u))
				return EXIT_USAGE;
			opts.max_rows = u;
			break;
		case 't':
			if (parse_seconds("--timeout", optarg, &opts.timeout))
				return EXIT_USAGE;
			break;
		case 'i':
			if (parse_seconds("--interval", optarg, &opts.interval) || opts.interval <= 0)
				return opts.interval <= 0 ? cli_usage_error("run", "--interval must be > 0") : EXIT_USAGE;
			opts.interval_set = true;
			break;
		case OPT_IFACE: opts.iface = optarg; break;
		case OPT_CGROUP: opts.cgroup = optarg; break;
		case OPT_NETNS: opts.netns = optarg; break;
		case OPT_SAMPLE_FREQ:
			if (parse_uint("--sample-freq", optarg, &u) || !u)
				return cli_usage_error("run", "--sample-freq must be a positive number");
			opts.sample_freq = u;
			break;
		case OPT_BUFFER_SIZE:
			if (parse_buffer_size(optarg, &u))
				return EXIT_USAGE;
			opts.buffer_size = u;
			break;
		case OPT_MNTNS:
			if (parse_uint("--mntns", optarg, &u))
				return EXIT_USAGE;
			if (opts.nr_mntns < RUN_MAX_MNTNS)
				opts.mntns[opts.nr_mntns++] = u;
			opts.filter_mntns = true;
			break;
		case OPT_PID:
			if (opts.nr_mntns < RUN_MAX_MNTNS &&
			    mntns_of_pid(optarg, &opts.mntns[opts.nr_mntns], &err))
				return cli_fail(&err);
			opts.nr_mntns++;
			opts.filter_mntns = true;
			break;
		case OPT_CONTAINER: opts.container = optarg; break;
		case OPT_NO_ENRICH: opts.no_enrich = true; break;
		case OPT_METRICS: opts.metrics_addr = optarg; break;
		case OPT_SKIP_VERIFY: io.skip_verify = true; break;
		case OPT_PULL:
			if (pull_policy_parse(optarg, &io.pull, &err))
				return cli_usage_error("run", "%s", err.msg);
			break;
		case OPT_ALLOWED: io.allowed = optarg; break;
		case OPT_PLATFORM:
			if (oci_platform_parse(optarg, &io.arch, &err))
				return cli_usage_error("run", "%s", err.msg);
			break;
		case 'v': opts.verbose = true; break;
		case 'h': help = true; break;
		default:
			return cli_usage_error("run", "unknown option");
		}
	}
	if (help) {
		fputs(usage_text, stdout);
		if (optind < argc) {
			if (load_input(argv[optind], &io, &in, &err)) {
				free(opts.filters);
				free(opts.params);
				return cli_fail(&err);
			}
			printf("\n");
			gadget_info_print(in.info, GADGET_INFO_VIEW_PARAMS, stdout);
			run_input_free(&in);
		}
		free(opts.filters);
		free(opts.params);
		return EXIT_OK;
	}
	if (optind + 1 != argc) {
		free(opts.filters);
		free(opts.params);
		return cli_usage_error("run", optind == argc ? "missing the gadget (REF, FILE.o or DIR)"
							     : "one gadget at a time");
	}
	ret = load_input(argv[optind], &io, &in, &err);
	if (!ret) {
		opts.source = in.in.what;
		ret = runtime_run(in.in.obj, in.in.len, in.info, &opts, &err);
		run_input_free(&in);
	}
	free(opts.filters);
	free(opts.params);
	return ret ? cli_fail(&err) : EXIT_OK;
}
