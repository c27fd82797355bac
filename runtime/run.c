// SPDX-License-Identifier: Apache-2.0
/* runtime_run(): the life of one `gadget run`, by category. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "base/kernel_btf.h"
#include "runtime/btfgen.h"
#include "runtime/core_btf.h"
#include "runtime/enrich.h"
#include "runtime/filter.h"
#include "runtime/kernel_enum.h"
#include "runtime/metrics.h"
#include "runtime/run_int.h"
#include "runtime/stacks.h"
#include "runtime/users.h"
#include "validator/kernel_feature.h"
#include "validator/maps_fold.h"

static volatile sig_atomic_t stop_signal;

/*
 * Once stopping, SIGALRM repeats every 200 ms until the run is over: a
 * write(2) that had just blocked on a full pipe when the stop came is
 * interrupted by the next one (the printer never blocks after a stop).
 */
static void arm_timer(double first, double every)
{
	struct itimerval it = { 0 };

	it.it_value.tv_sec = (time_t)first;
	it.it_value.tv_usec = (suseconds_t)((first - (double)it.it_value.tv_sec) * 1e6);
	if (first > 0 && !it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	it.it_interval.tv_usec = (suseconds_t)(every * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);	/* a plain syscall: fine in a handler */
}

static void on_signal(int sig)
{
	if (!stop_signal && sig != SIGALRM)
		arm_timer(0.2, 0.2);
	stop_signal = sig;
}

double run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool run_stopped_by_signal(void)
{
	return stop_signal;
}

bool run_count_reached(const struct gadget_run *r)
{
	return r->opts.count && r->done >= r->opts.count;
}

bool run_should_stop(struct gadget_run *r)
{
	return stop_signal || r->out.error || run_count_reached(r) ||
	       (r->deadline && run_now() >= r->deadline);
}

/* Sleep up to s seconds, waking early on a signal or the deadline. */
void run_nap(struct gadget_run *r, double s)
{
	double end = run_now() + s;

	while (!run_should_stop(r) && run_now() < end) {
		double left = end - run_now();
		struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)((left < 0.1 ? left : 0.1) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

int run_emit(struct gadget_run *r, const struct row *row)
{
	int ret;

	if (filter_active(&r->filter) && !filter_match(&r->filter, r->schema, row))
		return 0;
	ret = printer_row(&r->out, row);
	if (!ret)
		r->done++;
	return ret;
}

int run_emit_limited(struct gadget_run *r, const struct row *row, unsigned long long *shown)
{
	if (filter_active(&r->filter) && !filter_match(&r->filter, r->schema, row))
		return 0;
	if (r->opts.max_rows && *shown >= r->opts.max_rows)
		return 0;
	++*shown;
	return printer_row(&r->out, row);
}

/* ---- metrics: printed when the run ends, and every --interval ---- */

static int run_metrics(struct gadget_run *r, struct gadget_err *err)
{
	int ret = 0;

	printer_flush(&r->out);
	do {
		run_nap(r, r->opts.interval_set ? r->opts.interval : 1e9);
		if (r->out.error)
			break;
		ret = metrics_print(r->metrics, &r->out, err);
		r->done++;
	} while (!ret && !run_should_stop(r));
	return ret;
}

/* ---- set-up ---- */

/* gadget_mntns_id or gadget_pid -> the container (runtime/enrich.h) */
static int enrich_containers(struct gadget_run *r, struct gadget_err *err)
{
	enum enrich_by by = enrich_schema_needs(r->schema);
	struct enrich_opts eo = { .track_pids = by == ENRICH_BY_PID };
	int ret;

	if (by == ENRICH_BY_NONE)
		return 0;
	/* the pid tracker is a tp_btf program: attached by kernel BTF ids, which no layer gives */
	if (eo.track_pids && !kernel_btf_present()) {
		eo.track_pids = false;
		if (r->opts.status)
			fprintf(r->opts.status, "gadget: this kernel has no BTF (" KERNEL_BTF_PATH "): "
				"pids are matched to containers through /proc only (a process that "
				"exits before its event is read shows none)\n");
	}
	if (!r->enrich) {
		ret = enrich_new(&eo, &r->enrich, err);
		if (ret)
			return ret;
	}
	return enrich_schema_attach(r->enrich, r->schema, err);
}

/* gadget_uid / gadget_gid -> user and group names (runtime/users.h) */
static int enrich_users(struct gadget_run *r, struct gadget_err *err)
{
	int ret;

	if (!users_schema_needs(r->schema))
		return 0;
	ret = users_new(NULL, NULL, &r->users, err);
	return ret ? ret : users_schema_attach(r->users, r->schema, err);
}

/* The enrichment providers, in the order their columns follow the gadget's. */
static int (*const enrichers[])(struct gadget_run *r, struct gadget_err *err) = {
	enrich_containers,
	enrich_users,
};

static int build_schema(struct gadget_run *r, struct gadget_err *err)
{
	const struct gadget_info *info = r->info;
	int ret;

	r->schema = schema_new();
	if (!r->schema)
		return -ENOMEM;
	if (!info->event)
		return 0;	/* text-protocol snapshot: columns come with the data */
	ret = kernel_enum_resolve(info->event, err);
	if (!ret)
		ret = kernel_enum_resolve(info->key, err);
	if (!ret && info->category == GADGET_CAT_TOPPER && info->key)
		ret = schema_add_type(r->schema, info->key, ROW_KEY);
	if (!ret)
		ret = schema_add_type(r->schema, info->event, ROW_EVENT);
	/* each returns how many columns it added */
	for (unsigned int i = 0; ret >= 0 && !r->opts.no_enrich && i < ARRAY_SIZE(enrichers); i++)
		ret = enrichers[i](r, err);
	if (ret < 0)
		return ret == -ENOMEM ? gadget_err_set(err, ENOMEM, "out of memory") : ret;
	ret = schema_select(r->schema, r->opts.fields, r->opts.output != OUTPUT_COLUMNS, err);
	for (unsigned int i = 0; !ret && i < r->opts.nr_filters; i++)
		ret = filter_add(&r->filter, r->schema, r->opts.filters[i], err);
	if (!ret && r->opts.nr_pids)
		ret = filter_add_pids(&r->filter, r->schema, r->opts.pids, r->opts.nr_pids,
				      runtime_pid_param(info, &r->opts) != NULL, err);
	return ret;
}

/* --container: its mount namespaces join the ones asked for (the array is ours). */
static int resolve_container(struct gadget_run *r, struct gadget_err *err)
{
	/* a container has a few mount namespaces; a pod, one per container */
	const size_t room = 1024;
	uint64_t *all;
	int n;

	if (!r->opts.container)
		return 0;
	if (!r->enrich) {
		int ret = enrich_new(NULL, &r->enrich, err);

		if (ret)
			return ret;
	}
	all = calloc(r->opts.nr_mntns + room, sizeof(*all));
	if (!all)
		return gadget_err_set(err, ENOMEM, "out of memory");
	if (r->opts.nr_mntns)
		memcpy(all, r->opts.mntns, r->opts.nr_mntns * sizeof(*all));
	r->own_mntns = all;
	n = enrich_container_mntns(r->enrich, r->opts.container, all + r->opts.nr_mntns, room);
	if (n <= 0)
		return gadget_err_set(err, ENOENT, "--container %s: no running container matches "
				      "(an id prefix of 4+ characters, a short id or a pod uid)", r->opts.container);
	r->opts.mntns = all;
	r->opts.nr_mntns += n;
	r->opts.filter_mntns = true;
	return 0;
}

static int start_metrics(struct gadget_run *r, struct gadget_err *err)
{
	int ret;

	/* a metrics gadget prints its maps itself, served or not */
	if (!r->opts.metrics_addr && r->info->category != GADGET_CAT_METRICS)
		return 0;
	ret = metrics_new(r->info->name, &r->metrics, err);
	if (!ret)
		ret = metrics_add_object(r->metrics, r->info, r->obj, err);
	if (ret == 0)
		return gadget_err_set(err, EINVAL, "--metrics-addr: gadget %s has no counter_, gauge_ or "
				      "hist_ map to export", r->info->name);
	if (ret < 0)
		return ret;
	if (!r->opts.metrics_addr)
		return 0;
	ret = metrics_server_start(r->opts.metrics_addr, r->metrics, &r->metrics_srv, err);
	if (!ret && r->opts.status)
		fprintf(r->opts.status, "gadget: serving metrics on http://%s/metrics (port %u)\n",
			r->opts.metrics_addr, metrics_server_port(r->metrics_srv));
	return ret;
}

/*
 * How the run ended, on stderr: events dropped in the kernel (ring buffer
 * full, perf buffer overwritten) are never silent.  The text line is what
 * scripts parse ("gadget: lost N events"); with -o json a JSON status line
 * follows, for a consumer that parses everything it reads.
 */
static void report_losses(const struct gadget_run *r)
{
	json_t *j;

	if (!r->opts.status || !r->lost)
		return;
	fprintf(r->opts.status, "gadget: lost %llu events\n", r->lost);
	if (r->opts.output == OUTPUT_COLUMNS)
		return;
	j = json_pack("{s:s, s:s, s:I, s:I}", "status", "lost events",
		      "gadget", r->info->name ? r->info->name : "", "events", (json_int_t)r->out.rows,
		      "lost", (json_int_t)r->lost);
	if (j) {
		json_dumpf(j, r->opts.status, JSON_COMPACT);
		fputc('\n', r->opts.status);
		json_decref(j);
	}
}

/* A closed pipe (and a stop while blocked on one) ends a run cleanly; a full disk does not. */
static int output_result(struct gadget_run *r, struct gadget_err *err)
{
	int e = r->out.error ? r->out.error : printer_flush(&r->out);

	if (!e || e == -EPIPE || e == -EINTR)
		return 0;
	return gadget_err_set(err, -e, "writing the output: %s", strerror(-e));
}

static int (*const run_by_category[])(struct gadget_run *, struct gadget_err *) = {
	[GADGET_CAT_TRACER] = tracer_run,
	[GADGET_CAT_TOPPER] = topper_run,
	[GADGET_CAT_SNAPSHOTTER] = snapshotter_run,
	[GADGET_CAT_METRICS] = run_metrics,
};

static void btf_path_remove(struct gadget_run *r)
{
	if (r->btf_path[0])
		unlink(r->btf_path);
	r->btf_path[0] = '\0';
}

/* Everything up to a loaded object, and what reads its maps. */
static int run_prepare(struct gadget_run *r, const void *obj, size_t len, struct gadget_err *err)
{
	int ret;

	format_init();
	ret = runtime_check_privileges(err);
	if (!ret)
		ret = runtime_check_programs(r->info, &r->opts, err);
	if (!ret)
		ret = resolve_container(r, err);
	if (!ret)
		ret = build_schema(r, err);
	if (!ret)
		ret = printer_init(&r->out, r->opts.output, r->schema, STDOUT_FILENO);
	if (!ret)
		printer_layout(&r->out, r->opts.term_cols, r->opts.no_trunc);
	r->out.stop = &stop_signal;
	if (!ret)
		ret = btfgen_use(r->opts.btfgen, r->opts.btfgen_len, r->opts.status, r->opts.verbose,
				 r->btf_path, sizeof(r->btf_path), err);
	if (!ret)
		ret = runtime_open(obj, len, r->info, &r->opts, r->btf_path[0] ? r->btf_path : NULL,
				   &r->obj, err);
	if (!ret)
		ret = runtime_load(r->obj, &r->opts, err);
	r->t_loaded = run_now();
	btf_path_remove(r);	/* libbpf read it at load */
	if (!ret)
		ret = stacks_attach(r->schema, r->obj, &r->stacks, err);
	if (!ret)
		ret = runtime_enable_stats(r->obj, &r->stats_fd, err);
	return ret;
}

/* The signals that end a run; no SA_RESTART: a signal must interrupt the poll. */
static const int run_signals[] = { SIGINT, SIGTERM, SIGPIPE, SIGALRM };

static void signals_catch(struct sigaction old[])
{
	struct sigaction sa = { .sa_handler = on_signal }, ign = { .sa_handler = SIG_IGN };

	stop_signal = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(run_signals); i++)
		sigaction(run_signals[i], run_signals[i] == SIGPIPE ? &ign : &sa, &old[i]);
}

static void signals_restore(const struct sigaction old[])
{
	arm_timer(0, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(run_signals); i++)
		sigaction(run_signals[i], &old[i], NULL);
}

/* What ends this run, for the status line. */
static void say_until(const struct gadget_run *r, char *buf, size_t len)
{
	static const char *const counted[] = {
		[GADGET_CAT_TRACER] = "event", [GADGET_CAT_TOPPER] = "table",
		[GADGET_CAT_SNAPSHOTTER] = "snapshot", [GADGET_CAT_METRICS] = "table",
	};
	enum gadget_category cat = r->info->category;
	const char *what = (unsigned int)cat < ARRAY_SIZE(counted) && counted[cat] ? counted[cat] : "row";

	if (cat == GADGET_CAT_SNAPSHOTTER && !r->opts.interval_set)
		snprintf(buf, len, "taking a snapshot");
	else if (r->opts.count)
		snprintf(buf, len, "stopping after %llu %s%s%s", r->opts.count, what,
			 r->opts.count == 1 ? "" : "s", r->opts.timeout > 0 ? " or the timeout" : "");
	else
		snprintf(buf, len, "%s", r->opts.timeout > 0 ? "running until the timeout" : "Ctrl-C to stop");
}

static void say_attached(const struct gadget_run *r)
{
	unsigned int n = attachments_count(r->att);
	char until[96];

	if (!r->opts.status)
		return;
	say_until(r, until, sizeof(until));
	fprintf(r->opts.status, "gadget: %s (%s)%s%s: attached %u program%s; %s\n", r->info->name,
		gadget_category_name(r->info->category), r->opts.source ? " from " : "",
		r->opts.source ? r->opts.source : "", n, n == 1 ? "" : "s", until);
	/* the first attach is what issue 11 times (bench/first_attach.sh) */
	if (r->opts.verbose)
		fprintf(r->opts.status, "gadget: loaded in %.0f ms, attached in %.0f ms from the run's start\n",
			(r->t_loaded - r->t_start) * 1e3, (run_now() - r->t_start) * 1e3);
	fflush(r->opts.status);
}

/* Attach, then the category's loop until a stop; how the output went. */
static int run_attached(struct gadget_run *r, struct gadget_err *err)
{
	enum gadget_category cat = r->info->category;
	int ret = attach_all(r->obj, r->info, &r->opts, &r->att, err);

	if (!ret)
		ret = start_metrics(r, err);
	if (ret)
		return ret;
	say_attached(r);
	/*
	 * The first run of an object on a kernel learns its small CO-RE BTF
	 * (loads it again, ~1 s with many relocations): after attaching, so the
	 * programs run from the start and their events wait in the ring buffer;
	 * --timeout counts from after it, as it did when this came first.
	 */
	core_btf_learn(r->obj_bytes, r->obj_len, r->obj);
	kernel_btf_reuse_heap(false);
	if (r->opts.timeout > 0) {
		r->deadline = run_now() + r->opts.timeout;
		/* --timeout as a timer too: it interrupts a write blocked on a full pipe */
		arm_timer(r->opts.timeout, 0.2);
	}
	if ((unsigned int)cat >= ARRAY_SIZE(run_by_category) || !run_by_category[cat])
		return gadget_err_set(err, EINVAL, "gadget %s: no run loop for its category", r->info->name);
	ret = run_by_category[cat](r, err);
	return ret ? ret : output_result(r, err);
}

static void run_free(struct gadget_run *r)
{
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	metrics_server_stop(r->metrics_srv);
	metrics_free(r->metrics);
	attachments_free(r->att);
	bpf_object__close(r->obj);
	printer_fini(&r->out);
	filter_free(&r->filter);
	free(r->own_mntns);
	schema_free(r->schema);
	stacks_free(r->stacks);
	enrich_free(r->enrich);
	users_free(r->users);
	btf_path_remove(r);
}

int runtime_run(const void *obj, size_t len, const struct gadget_info *info,
		const struct run_opts *opts, struct gadget_err *err)
{
	struct gadget_run r = { .info = info, .opts = *opts, .stats_fd = -1,
				.obj_bytes = obj, .obj_len = len, .t_start = run_now() };
	struct sigaction old[ARRAY_SIZE(run_signals)];
	struct maps_fold fold;
	int ret;

	if (info->category == GADGET_CAT_UNKNOWN)
		return gadget_err_set(err, EINVAL, "gadget %s has no category (no print_ map, iterator or "
				      "metric map): see 'gadget validate'", info->name);
	if ((info->category == GADGET_CAT_TRACER || info->category == GADGET_CAT_TOPPER) && !info->event)
		return gadget_err_set(err, EINVAL, "gadget %s: its print_ map has no value type to decode",
				      info->name);
	/* bumblebee's map sections, as the validator saw them (validator/maps_fold.h) */
	ret = maps_fold(obj, len, &fold, err);
	if (ret)
		return ret;
	if (fold.obj) {
		r.obj_bytes = obj = fold.obj;
		r.obj_len = len = fold.len;
	}
	kernel_btf_reuse_heap(true);
	ret = run_prepare(&r, obj, len, err);
	if (!ret) {
		signals_catch(old);
		ret = run_attached(&r, err);
		signals_restore(old);
		report_losses(&r);
	}
	run_free(&r);
	kernel_btf_reuse_heap(false);
	maps_fold_free(&fold);
	return ret;
}
