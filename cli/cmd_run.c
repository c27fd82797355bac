// SPDX-License-Identifier: Apache-2.0
/* gadget run REF|FILE.o|DIR: the gadget author's test loop. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "base/array.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/run_input.h"
#include "info/gadget_info_text.h"
#include "packager/config.h"
#include "packager/input.h"
#include "packager/packager.h"
#include "runtime/enrich.h"
#include "runtime/run.h"
#include "validator/validator.h"

struct run_args {
	const char *output, *fields, *sort;
	struct cli_list filters, params, mntns, pids, mntns_of;
	unsigned long long max_rows, sample_freq, buffer_size, count;
	double timeout, interval;
	const char *iface, *cgroup, *netns, *container, *metrics_addr;
	const char *pull, *platform, *allowed, *pf;
	bool no_enrich, skip_verify, verbose, no_trunc;
};

/* The line's width: $COLUMNS, else the terminal's, else 0 (a pipe: the columns' own widths). */
static unsigned int term_cols(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (env && atoi(env) > 0)
		return atoi(env);
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 0;
}

static int parse_interval(const struct cli_option *o, const char *arg, void *dst)
{
	char *end;
	double d = strtod(arg, &end);

	(void)o;
	if (end == arg || *end || !(d > 0))
		return cli_usage_error("run", "--interval: '%s' is not a number of seconds > 0", arg);
	*(double *)dst = d;
	return 0;
}

/* N, NK or NM bytes, a power of 2 from a page to 1 GB (the kernel's rule for rings). */
static int parse_buffer_size(const struct cli_option *o, const char *v, void *dst)
{
	unsigned long long n;
	char *end;

	(void)o;
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
	*(unsigned long long *)dst = n;
	return 0;
}

static const struct cli_option run_options[] = {
	OPT_GROUP("Output:"),
	OPT_CHOICE('o', "output", struct run_args, output, OUTPUT_NAMES,
		   "columns (default), json (one object per line),\n"
		   "jsonpretty or yaml (a sequence of records)"),
	OPT_STRING(0, "fields", struct run_args, fields, "A,B", "columns to show, in this order",
		   .complete = CPL_FIELD),
	OPT_BOOL(0, "no-trunc", struct run_args, no_trunc,
		 "columns: never cut a value (on a terminal, or with\n"
		 "$COLUMNS, text columns share the line's width; a cut\n"
		 "value ends with \"\u2026\")"),
	OPT_LIST('F', "filter", struct run_args, filters, "EXPR",
		 "FIELD==V (or =), FIELD!=V, FIELD>V, FIELD<V, FIELD>=V,\n"
		 "FIELD<=V, FIELD~REGEX, FIELD!~REGEX; a comma ANDs\n"
		 "them (\\, is a comma in a value), as does repeating -F",
		 .complete = CPL_FIELD),
	OPT_STRING(0, "sort", struct run_args, sort, "FIELD[:asc|:desc]",
		   "topper and snapshotter order (topper default: its\n"
		   "first value number, biggest first)", .complete = CPL_FIELD),
	OPT_UINT(0, "max-rows", struct run_args, max_rows, "N", 0, UINT32_MAX,
		 "topper rows per interval, snapshotter rows per snapshot"),
	OPT_GROUP("Gadget:"),
	OPT_LIST('p', "param", struct run_args, params, "NAME=VALUE",
		 "set a gadget parameter (list them: gadget run X --help)"),
	OPT_STRING(0, "pf", struct run_args, pf, "EXPR",
		   "the packet filter of a gadget with GADGET_PF(): a pcap\n"
		   "expression, as tcpdump's (\"udp dst port 53\")"),
	OPT_SECONDS('t', "timeout", struct run_args, timeout,
		    "stop after S seconds (default: until Ctrl-C/SIGTERM)"),
	OPT_UINT('c', "count", struct run_args, count, "N", 1, ULLONG_MAX,
		 "stop after N events shown (after -F and --pid), or N\n"
		 "tables (topper, metrics) or snapshots (with --interval)"),
	OPT_CALLBACK(0, "buffer-size", struct run_args, buffer_size, "N[K|M]", parse_buffer_size,
		     "a tracer's ring buffer (a power of 2; the gadget's\n"
		     "by default, 1M): more rides out longer stalls"),
	OPT_CALLBACK('i', "interval", struct run_args, interval, "S", parse_interval,
		     "topper period (default 1), snapshot repeat"),
	OPT_GROUP("Targets:"),
	OPT_STRING(0, "iface", struct run_args, iface, "NAME", "interface for xdp and tc programs"),
	OPT_STRING(0, "cgroup", struct run_args, cgroup, "PATH",
		   "cgroup for cgroup programs (default: the cgroup2 root)", .complete = CPL_DIR),
	OPT_STRING(0, "netns", struct run_args, netns, "PATH",
		   "network namespace for socket, sk_lookup, flow_dissector\n"
		   "programs and snapshot iterators (iter/tcp, iter/udp)", .complete = CPL_FILE),
	OPT_UINT(0, "sample-freq", struct run_args, sample_freq, "HZ", 1, 1000000,
		 "perf_event programs: samples per second per CPU (49)"),
	OPT_GROUP("Processes and containers:"),
	OPT_LIST(0, "pid", struct run_args, pids, "PID",
		 "only events of this process (repeatable): in the kernel\n"
		 "with the gadget's targ_pid param when it has one, and\n"
		 "on the record's gadget_pid field"),
	OPT_LIST(0, "mntns-of", struct run_args, mntns_of, "PID",
		 "only events of PID's mount namespace (in the kernel)"),
	OPT_LIST(0, "mntns", struct run_args, mntns, "ID",
		 "only events of this mount namespace (in the kernel)"),
	OPT_STRING(0, "container", struct run_args, container, "NAME",
		   "only events of this container (id prefix, name, pod uid)"),
	OPT_BOOL(0, "no-enrich", struct run_args, no_enrich,
		 "no enrichment columns (container, user and group names)"),
	OPT_STRING(0, "metrics-addr", struct run_args, metrics_addr, "ADDR",
		   "serve counter_/gauge_/hist_ maps as Prometheus metrics"),
	OPT_GROUP("Registry:"),
	OPT_CHOICE(0, "pull", struct run_args, pull, "missing,always,never",
		   "missing (default): pull REF when the store lacks it;\n"
		   "always: pull every time; never: the store's copy only"),
	OPT_STRING(0, "platform", struct run_args, platform, "OS/ARCH",
		   "the manifest an image index gives (linux/arm64)"),
	OPT_STRING(0, "allowed", struct run_args, allowed, "LIST",
		   "run only images matching: PREFIX*, REPO@DIGEST or a\n"
		   "reference (comma-separated; replaces the config's)"),
	OPT_GROUP("Other:"),
	OPT_BOOL(0, "insecure-skip-verify", struct run_args, skip_verify,
		 "run without checking a signature (an unsigned image,\n"
		 "a folder or an object file while a key is configured)"),
	OPT_BOOL('v', "verbose", struct run_args, verbose, "show libbpf's messages"),
	OPT_END(),
};

void run_input_free(struct run_input *ri)
{
	if (!ri->in.image)
		gadget_info_free(ri->info);
	gadget_input_close(&ri->in);
}

int run_input_load(const char *arg, const struct gadget_input_opts *o, struct run_input *ri,
		   struct gadget_err *err)
{
	struct gadget_input_opts io = *o;
	struct gadget_input *in = &ri->in;
	struct validate_opts vo = { .obj_path = arg };
	struct diag_list diags = {};
	int ret;

	io.kinds = GADGET_INPUT_FOLDER | GADGET_INPUT_OBJECT | GADGET_INPUT_IMAGE;
	io.verify = true;
	memset(ri, 0, sizeof(*ri));
	ret = gadget_input_open(arg, &io, in, err);
	if (ret)
		return ret;
	if (in->image) {
		ri->info = in->image->info;
		return 0;
	}
	ret = gadget_input_analyze(in, &vo, &ri->info, &diags, err);
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

/* A process id: a positive number. */
static int parse_pid(const char *opt, const char *s, uint32_t *out)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *end || n == 0 || n > INT32_MAX)
		return cli_usage_error("run", "%s %s: not a process id", opt, s);
	*out = (uint32_t)n;
	return 0;
}

/* --pid, --mntns and --mntns-of into arrays as long as the lists (no fixed limit). */
static int run_filters(const struct run_args *a, struct run_opts *o, uint32_t **pids,
		       uint64_t **mntns)
{
	struct gadget_err err = {};
	unsigned long long u;
	uint32_t pid;
	char *end;

	*pids = calloc(a->pids.n + 1, sizeof(**pids));
	*mntns = calloc(a->mntns.n + a->mntns_of.n + 1, sizeof(**mntns));
	if (!*pids || !*mntns)
		return cli_usage_error("run", "out of memory");
	for (unsigned int i = 0; i < a->pids.n; i++)
		if (parse_pid("--pid", a->pids.v[i], &(*pids)[o->nr_pids++]))
			return EXIT_USAGE;
	for (unsigned int i = 0; i < a->mntns.n; i++) {
		errno = 0;
		u = strtoull(a->mntns.v[i], &end, 0);
		if (errno || end == a->mntns.v[i] || *end || a->mntns.v[i][0] == '-')
			return cli_usage_error("run", "--mntns: '%s' is not a mount namespace id",
					       a->mntns.v[i]);
		(*mntns)[o->nr_mntns++] = u;
	}
	for (unsigned int i = 0; i < a->mntns_of.n; i++) {
		int ret;

		if (parse_pid("--mntns-of", a->mntns_of.v[i], &pid))
			return EXIT_USAGE;
		ret = enrich_proc_mntns(NULL, (pid_t)pid, &(*mntns)[o->nr_mntns++]);
		if (ret) {
			gadget_err_set(&err, -ret, "--mntns-of %u: %s", pid, strerror(-ret));
			return cli_fail(&err);
		}
	}
	o->pids = *pids;
	o->mntns = *mntns;
	o->filter_mntns = o->nr_mntns > 0;
	return 0;
}

static void run_opts_from_args(const struct run_args *a, struct run_opts *o)
{
	*o = (struct run_opts){
		.status = stderr, .fields = a->fields, .sort = a->sort, .max_rows = a->max_rows,
		.filters = a->filters.v, .nr_filters = a->filters.n,
		.params = a->params.v, .nr_params = a->params.n, .pf = a->pf,
		.timeout = a->timeout, .count = a->count, .interval = a->interval, .interval_set = a->interval > 0,
		.iface = a->iface, .cgroup = a->cgroup, .netns = a->netns,
		.sample_freq = a->sample_freq, .buffer_size = a->buffer_size,
		.container = a->container, .no_enrich = a->no_enrich,
		.metrics_addr = a->metrics_addr, .verbose = a->verbose,
		.no_trunc = a->no_trunc, .term_cols = term_cols(),
	};
	printer_kind_parse(a->output ? a->output : "columns", &o->output);
}

/* What run's registry options ask of the argument's image. */
static int run_input_opts(const struct run_args *a, struct gadget_input_opts *io)
{
	struct gadget_err err = {};

	*io = (struct gadget_input_opts){ .skip_verify = a->skip_verify, .pull = PULL_MISSING,
					  .allowed = a->allowed };
	if ((a->pull && pull_policy_parse(a->pull, &io->pull, &err)) ||
	    (a->platform && oci_platform_parse(a->platform, &io->arch, &err)))
		return cli_usage_error("run", "%s", err.msg);
	return 0;
}

static int run_run(void *args, char **operands, int n)
{
	const struct run_args *a = args;
	struct gadget_err err = {};
	uint32_t *pids = NULL;
	uint64_t *mntns = NULL;
	struct gadget_input_opts io;
	struct run_opts opts;
	struct run_input in;
	int ret;

	(void)n;
	ret = run_input_opts(a, &io);
	if (ret)
		return ret;
	run_opts_from_args(a, &opts);
	ret = run_filters(a, &opts, &pids, &mntns);
	if (!ret) {
		ret = run_input_load(operands[0], &io, &in, &err);
		if (!ret) {
			opts.source = in.in.what;
			if (in.in.image) {
				opts.btfgen = in.in.image->btfgen;
				opts.btfgen_len = in.in.image->btfgen_len;
			}
			ret = runtime_run(in.in.obj, in.in.len, in.info, &opts, &err);
			run_input_free(&in);
		}
		ret = ret ? cli_fail(&err) : EXIT_OK;
	}
	free(pids);
	free(mntns);
	return ret;
}

/* `gadget run X --help`: X's params after the options. */
static int run_help_params(void *args, char **operands, int n)
{
	const struct run_args *a = args;
	struct gadget_input_opts io;
	struct gadget_err err = {};
	struct run_input in;
	int ret;

	(void)n;
	ret = run_input_opts(a, &io);
	if (ret)
		return ret;
	if (run_input_load(operands[0], &io, &in, &err))
		return cli_fail(&err);
	printf("\n");
	gadget_info_print(in.info, GADGET_INFO_VIEW_PARAMS, stdout);
	run_input_free(&in);
	return EXIT_OK;
}

const struct cli_command cmd_run = {
	.name = "run",
	.summary = "load a gadget and show its events, tables or snapshots",
	.synopsis = "REF|FILE.o|DIR",
	.description =
"Load a gadget, attach every program and show what it produces: a tracer's\n"
"events, a topper's table every interval, a snapshotter's rows. REF is an image\n"
"(ours or Inspektor Gadget's) in the local store, pulled from its registry when\n"
"the store lacks it (--pull; a short name under GADGET_DEFAULT_REGISTRY), verified\n"
"first when a key is configured (see 'gadget help verify'); FILE.o a built\n"
"object, DIR a gadget folder (built on the fly). An\n"
"argument that is a valid image reference names the store's image even where a\n"
"folder of that name exists: write folders as paths (./demo). With a key\n"
"configured, a folder or an object file runs only with --insecure-skip-verify.\n",
	.footer = "Exit status: 0 when stopped by the timeout, --count, Ctrl-C or SIGTERM, 1 on error, "
		  "2 on bad usage.\n",
	.opts = run_options,
	.args_size = sizeof(struct run_args),
	.min_operands = 1, .max_operands = 1,
	.operand = CPL_GADGET,
	.run = run_run,
	.help_extra = run_help_params,
};
