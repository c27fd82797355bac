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
#include "runtime/core_btf.h"
#include "runtime/enrich.h"
#include "runtime/filter.h"
#include "runtime/kernel_enum.h"
#include "runtime/metrics.h"
#include "runtime/run.h"
#include "runtime/stacks.h"
#include "runtime/snapshot_text.h"
#include "runtime/users.h"

struct gadget_run {
	const struct gadget_info *info;
	struct run_opts opts;
	struct bpf_object *obj;
	struct attachments *att;
	struct schema *schema;
	struct filter filter;
	struct printer out;
	struct enrich *enrich;
	struct users *users;
	struct metrics *metrics;
	struct metrics_server *metrics_srv;
	struct stacks *stacks;
	int stats_fd;
	unsigned long long lost, short_records;
	uint64_t rows;			/* struct row seq */
	unsigned long long drain_budget;	/* records still shown after a stop */
	bool draining;
	double deadline;
};

/* 1 ms of events at 500 k/s is ~150 KB, well inside a 1 MB ring buffer */
#define RUN_BATCH_NS 1000000

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool should_stop(struct gadget_run *r)
{
	return stop_signal || r->out.error || (r->deadline && now_s() >= r->deadline);
}

/* Sleep up to s seconds, waking early on a signal or the deadline. */
static void nap(struct gadget_run *r, double s)
{
	double end = now_s() + s;

	while (!should_stop(r) && now_s() < end) {
		double left = end - now_s();
		struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)((left < 0.1 ? left : 0.1) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static int emit(struct gadget_run *r, const struct row *row)
{
	if (r->filter.nr && !filter_match(&r->filter, r->schema, row))
		return 0;
	return printer_row(&r->out, row);
}

/* ---- tracer ---- */

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	struct gadget_run *r = ctx;
	struct row row = { .rec = { data, NULL }, .seq = ++r->rows };

	/*
	 * libbpf's ring_buffer__poll() keeps consuming while the producer
	 * keeps producing: a callback error is the only way out of it, so a
	 * stop (signal, deadline) must not wait for a quiet moment.
	 */
	if (r->draining ? !r->drain_budget-- : should_stop(r))
		return -EINTR;
	if (size < r->info->event->size) {
		r->short_records++;
		return 0;
	}
	return emit(r, &row);
}

static void on_perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	on_ringbuf(ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	(void)cpu;
	((struct gadget_run *)ctx)->lost += n;
}

/*
 * Events a full ring buffer dropped in the kernel, counted per CPU by
 * gadget_reserve_buf() in "gadget_lost_<name>" for "print_<name>".
 */
static unsigned long long kernel_lost(struct gadget_run *r)
{
	const char *print = r->info->print_map->name;
	unsigned long long sum = 0, *v;
	int ncpu = libbpf_num_possible_cpus();
	struct bpf_map *m;
	char name[BPF_OBJ_NAME_LEN + 16];
	__u32 zero = 0;

	snprintf(name, sizeof(name), GADGET_LOST_PREFIX "%s", map_role_short_name(MAP_ROLE_PRINT, print));
	m = bpf_object__find_map_by_name(r->obj, name);
	if (!m || ncpu <= 0 || bpf_map__value_size(m) != sizeof(*v) || !(v = calloc(ncpu, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(m), &zero, v))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

static int run_tracer(struct gadget_run *r, struct gadget_err *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(r->obj, r->info->print_map->name);
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	int ret = 0;

	if (!m)
		return gadget_err_set(err, ENOENT, "map %s not found", r->info->print_map->name);
	if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
		rb = ring_buffer__new(bpf_map__fd(m), on_ringbuf, r, NULL);
	else
		pb = perf_buffer__new(bpf_map__fd(m), r->opts.buffer_size ? r->opts.buffer_size / getpagesize() : 64,
				      on_perf_sample, on_perf_lost, r, NULL);
	if (!rb && !pb)
		return gadget_err_set(err, errno, "reading %s: %s", bpf_map__name(m), strerror(errno));
	printer_header(&r->out);
	printer_flush(&r->out);
	while (!should_stop(r)) {
		ret = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (ret == -EINTR)
			ret = 0;
		if (ret < 0)
			break;
		/*
		 * The kernel wakes a reader that has caught up for every
		 * event: under load that is most of the reader's CPU (and a
		 * wake-up IPI per event for the traced process).  After a poll
		 * that found events, let the next ones pile up for a moment,
		 * without wake-ups, and take them as one batch; an idle gadget
		 * still shows its first event at once.
		 */
		if (ret > 0) {
			struct timespec batch = { .tv_nsec = RUN_BATCH_NS };

			nanosleep(&batch, NULL);
		}
		ret = printer_flush(&r->out);
	}
	/* what the kernel had written when we stopped is still shown, no more */
	if (rb && !r->out.error) {
		r->draining = true;
		r->drain_budget = bpf_map__max_entries(m) / ((r->info->event->size + 8 + 7) / 8 * 8) + 1;
		ring_buffer__consume(rb);
	}
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	r->lost += kernel_lost(r);
	/* output errors are reported by runtime_run() */
	if (ret < 0 && ret != r->out.error)
		return gadget_err_set(err, -ret, "reading events: %s", strerror(-ret));
	return 0;
}

/* ---- topper ---- */

struct top_entry {
	uint8_t *key, *value;
};

/* The order of a topper's rows (--sort). */
struct top_sort {
	const struct schema *schema;
	const struct column *col;	/* NULL: as the map gives them */
	bool desc;
};

static int cmp_entries(const void *a, const void *b, void *ctx)
{
	const struct top_sort *o = ctx;
	const struct top_entry *x = a, *y = b;
	struct row rx = { .rec = { x->value, x->key } }, ry = { .rec = { y->value, y->key } };
	int c = column_compare(o->schema, o->col, &rx, &ry);

	return o->desc ? -c : c;
}

static int parse_sort(struct gadget_run *r, struct top_sort *o, struct gadget_err *err)
{
	char name[256], names[2048];
	const char *colon;
	int col;

	*o = (struct top_sort){ .schema = r->schema, .desc = true };
	if (!r->opts.sort) {
		/* default: the first number of the value, biggest first */
		for (unsigned int i = 0; !o->col && i < r->schema->nr_cols; i++) {
			const struct column *c = &r->schema->cols[i];

			if (c->field && c->src == ROW_EVENT && field_is_numeric(c->field))
				o->col = c;
		}
		return 0;
	}
	colon = strchr(r->opts.sort, ':');
	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - r->opts.sort) : 255, r->opts.sort);
	if (colon && strcmp(colon, ":asc") && strcmp(colon, ":desc"))
		return gadget_err_set(err, EINVAL, "--sort %s: use FIELD, FIELD:asc or FIELD:desc", r->opts.sort);
	o->desc = !colon || !strcmp(colon, ":desc");
	col = schema_find(r->schema, name);
	if (col < 0) {
		schema_names(r->schema, names, sizeof(names));
		return gadget_err_set(err, EINVAL, "--sort: unknown field '%s' (fields: %s)", name, names);
	}
	o->col = &r->schema->cols[col];
	return 0;
}

/* A topper's iter/ programs fill its table: run each once, output unused. */
static int run_fill_iterators(struct gadget_run *r, struct gadget_err *err)
{
	for (unsigned int i = 0; i < r->info->nr_progs; i++) {
		const struct gadget_prog *gp = &r->info->progs[i];
		int ret;

		if (!gp->def || gp->def->target != TARGET_ITER)
			continue;
		ret = runtime_iter_run(bpf_object__find_program_by_name(r->obj, gp->name), NULL, NULL, NULL, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* A topper's table, read whole into memory each interval. */
struct top_table {
	int fd;
	size_t ksz, vsz, cap, n;
	uint8_t *keys, *vals;
	struct top_entry *ents;
};

/*
 * Read everything, then delete what was read: counts made while we print
 * belong to the next interval.  A key deleted meanwhile by the gadget is
 * skipped, and so is its failed delete here.
 */
static void top_read_and_clear(struct top_table *t)
{
	void *prev = NULL;

	t->n = 0;
	while (t->n < t->cap && !bpf_map_get_next_key(t->fd, prev, t->keys + t->n * t->ksz)) {
		uint8_t *key = t->keys + t->n * t->ksz, *val = t->vals + t->n * t->vsz;

		prev = key;
		if (bpf_map_lookup_elem(t->fd, key, val))
			continue;
		t->ents[t->n++] = (struct top_entry){ key, val };
	}
	for (size_t i = 0; i < t->n; i++)
		(void)bpf_map_delete_elem(t->fd, t->ents[i].key);
}

static void top_print(struct gadget_run *r, struct top_table *t, struct top_sort *o)
{
	if (o->col)
		qsort_r(t->ents, t->n, sizeof(*t->ents), cmp_entries, o);
	if (r->opts.output == OUTPUT_COLUMNS)
		printer_header(&r->out);
	for (size_t i = 0, shown = 0; i < t->n && !r->out.error; i++) {
		struct row row = { .rec = { t->ents[i].value, t->ents[i].key } };

		if (r->filter.nr && !filter_match(&r->filter, r->schema, &row))
			continue;
		if (r->opts.max_rows && shown++ >= r->opts.max_rows)
			break;
		printer_row(&r->out, &row);
	}
	if (r->opts.output == OUTPUT_COLUMNS)
		printer_text(&r->out, "\n");
	printer_flush(&r->out);
}

static int top_table_new(struct gadget_run *r, struct bpf_map *m, struct top_table *t,
			 struct gadget_err *err)
{
	*t = (struct top_table){ .fd = bpf_map__fd(m), .ksz = bpf_map__key_size(m),
				 .vsz = bpf_map__value_size(m), .cap = bpf_map__max_entries(m) };
	if (t->vsz < r->info->event->size || (r->info->key && t->ksz < r->info->key->size))
		return gadget_err_set(err, EINVAL, "map %s: key/value sizes do not match their types",
				      bpf_map__name(m));
	t->keys = calloc(t->cap + 1, t->ksz);
	t->vals = calloc(t->cap + 1, t->vsz);
	t->ents = calloc(t->cap + 1, sizeof(*t->ents));
	if (!t->keys || !t->vals || !t->ents)
		return gadget_err_set(err, ENOMEM, "map %s: out of memory for %zu entries",
				      bpf_map__name(m), t->cap);
	return 0;
}

static void top_table_free(struct top_table *t)
{
	free(t->keys);
	free(t->vals);
	free(t->ents);
}

static int run_topper(struct gadget_run *r, struct gadget_err *err)
{
	struct bpf_map *m = bpf_object__find_map_by_name(r->obj, r->info->print_map->name);
	double interval = r->opts.interval_set ? r->opts.interval : 1.0;
	struct top_table t = { 0 };
	struct top_sort order;
	int ret;

	if (!m)
		return gadget_err_set(err, ENOENT, "map %s not found", r->info->print_map->name);
	ret = parse_sort(r, &order, err);
	if (!ret)
		ret = top_table_new(r, m, &t, err);
	while (!ret && !should_stop(r)) {
		nap(r, interval);
		if (stop_signal && !r->opts.timeout)
			break;
		ret = run_fill_iterators(r, err);
		if (ret)
			break;
		top_read_and_clear(&t);
		top_print(r, &t, &order);
	}
	top_table_free(&t);
	return ret;
}

/* ---- snapshotter ---- */

struct text_snapshot {
	struct gadget_run *r;
	struct gadget_err *err;
};

/* A text-protocol record: the first one fixes the columns (--fields, -F). */
static int text_row(void *ctx, struct schema *s, const struct row *row)
{
	struct text_snapshot *t = ctx;
	struct gadget_run *r = t->r;
	int ret;

	if (!s->shown) {
		ret = schema_select(s, r->opts.fields, r->opts.output == OUTPUT_JSON, t->err);
		if (ret)
			return ret;
		r->out.schema = s;
		r->schema = s;
		for (unsigned int i = 0; i < r->opts.nr_filters; i++) {
			ret = filter_add(&r->filter, s, r->opts.filters[i], t->err);
			if (ret)
				return ret;
		}
		printer_header(&r->out);
	}
	emit(r, row);
	return 0;
}

static int print_text_snapshot(struct gadget_run *r, const char *buf, size_t len,
			       struct schema **text_schema, struct gadget_err *err)
{
	struct text_snapshot t = { .r = r, .err = err };

	return snaptext_parse(buf, len, text_schema, text_row, &t);
}

static int run_snapshotter(struct gadget_run *r, struct gadget_err *err)
{
	struct schema *text_schema = NULL, *orig = r->schema;
	bool header_done = false;
	int ret = 0;

	do {
		for (unsigned int i = 0; i < r->info->nr_progs && !ret; i++) {
			const struct gadget_prog *gp = &r->info->progs[i];
			struct bpf_program *p;
			char *buf = NULL;
			size_t len = 0;

			if (!gp->def || gp->def->target != TARGET_ITER)
				continue;
			p = bpf_object__find_program_by_name(r->obj, gp->name);
			ret = runtime_iter_run(p, r->opts.netns, &buf, &len, err);
			if (ret)
				break;
			if (gp->output_type && gp->output_type->size) {
				size_t sz = gp->output_type->size;

				if (!header_done)
					printer_header(&r->out);
				header_done = true;
				for (size_t off = 0; off + sz <= len; off += sz) {
					struct row row = { .rec = { (uint8_t *)buf + off, NULL } };

					emit(r, &row);
				}
			} else {
				ret = print_text_snapshot(r, buf, len, &text_schema, err);
			}
			free(buf);
		}
		printer_flush(&r->out);
		if (!r->opts.interval_set || ret)
			break;
		nap(r, r->opts.interval);
		if (r->opts.output == OUTPUT_COLUMNS && !should_stop(r))
			printer_text(&r->out, "\n");
		header_done = false;
		if (text_schema) {
			free(text_schema->shown);
			text_schema->shown = NULL;
			filter_free(&r->filter);
		}
	} while (!should_stop(r));
	printer_flush(&r->out);
	r->schema = orig;
	r->out.schema = orig;
	schema_free(text_schema);
	return ret;
}

/* ---- metrics: printed when the run ends, and every --interval ---- */

static int run_metrics(struct gadget_run *r, struct gadget_err *err)
{
	int ret = 0;

	printer_flush(&r->out);
	do {
		nap(r, r->opts.interval_set ? r->opts.interval : 1e9);
		if (r->out.error)
			break;
		ret = metrics_print(r->metrics, &r->out, err);
	} while (!ret && !should_stop(r));
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
	ret = schema_select(r->schema, r->opts.fields, r->opts.output == OUTPUT_JSON, err);
	for (unsigned int i = 0; !ret && i < r->opts.nr_filters; i++)
		ret = filter_add(&r->filter, r->schema, r->opts.filters[i], err);
	return ret;
}

static int resolve_container(struct gadget_run *r, struct gadget_err *err)
{
	int n;

	if (!r->opts.container)
		return 0;
	if (!r->enrich) {
		int ret = enrich_new(NULL, &r->enrich, err);

		if (ret)
			return ret;
	}
	n = enrich_container_mntns(r->enrich, r->opts.container, r->opts.mntns + r->opts.nr_mntns,
				   RUN_MAX_MNTNS - r->opts.nr_mntns);
	if (n <= 0)
		return gadget_err_set(err, ENOENT, "--container %s: no running container matches "
				      "(an id prefix of 4+ characters, a short id or a pod uid)", r->opts.container);
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

	if (!r->opts.status || (!r->lost && !r->short_records))
		return;
	fprintf(r->opts.status, "gadget: lost %llu events, %llu short records\n", r->lost,
		r->short_records);
	if (r->opts.output != OUTPUT_JSON)
		return;
	j = json_pack("{s:s, s:s, s:I, s:I, s:I}", "status", "lost events",
		      "gadget", r->info->name ? r->info->name : "", "events", (json_int_t)r->out.rows,
		      "lost", (json_int_t)r->lost, "short_records", (json_int_t)r->short_records);
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
	[GADGET_CAT_TRACER] = run_tracer,
	[GADGET_CAT_TOPPER] = run_topper,
	[GADGET_CAT_SNAPSHOTTER] = run_snapshotter,
	[GADGET_CAT_METRICS] = run_metrics,
};

/* Everything up to a loaded object, and what reads its maps. */
static int run_prepare(struct gadget_run *r, const void *obj, size_t len, struct gadget_err *err)
{
	int ret;

	format_init();
	ret = runtime_check_programs(r->info, &r->opts, err);
	if (!ret)
		ret = resolve_container(r, err);
	if (!ret)
		ret = build_schema(r, err);
	if (!ret)
		ret = printer_init(&r->out, r->opts.output, r->schema, STDOUT_FILENO);
	r->out.stop = &stop_signal;
	if (!ret)
		ret = runtime_open(obj, len, r->info, &r->opts, &r->obj, err);
	if (!ret)
		ret = runtime_load(r->obj, &r->opts, err);
	if (!ret)
		ret = stacks_attach(r->schema, r->obj, &r->stacks, err);
	if (!ret)
		ret = runtime_enable_stats(r->obj, &r->stats_fd, err);
	if (!ret)
		core_btf_learn(obj, len, r->obj);
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

static void say_attached(const struct gadget_run *r)
{
	unsigned int n = attachments_count(r->att);

	if (!r->opts.status)
		return;
	fprintf(r->opts.status, "gadget: %s (%s): attached %u program%s; %s\n", r->info->name,
		gadget_category_name(r->info->category), n, n == 1 ? "" : "s",
		r->info->category == GADGET_CAT_SNAPSHOTTER && !r->opts.interval_set ? "taking a snapshot" :
		r->opts.timeout > 0 ? "running until the timeout" : "Ctrl-C to stop");
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
	if (r->opts.timeout > 0) {
		r->deadline = now_s() + r->opts.timeout;
		/* --timeout as a timer too: it interrupts a write blocked on a full pipe */
		arm_timer(r->opts.timeout, 0.2);
	}
	say_attached(r);
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
	schema_free(r->schema);
	stacks_free(r->stacks);
	enrich_free(r->enrich);
	users_free(r->users);
}

int runtime_run(const void *obj, size_t len, const struct gadget_info *info,
		const struct run_opts *opts, struct gadget_err *err)
{
	struct gadget_run r = { .info = info, .opts = *opts, .stats_fd = -1 };
	struct sigaction old[ARRAY_SIZE(run_signals)];
	int ret;

	if (info->category == GADGET_CAT_UNKNOWN)
		return gadget_err_set(err, EINVAL, "gadget %s has no category (no print_ map, iterator or "
				      "metric map): see 'gadget validate'", info->name);
	if ((info->category == GADGET_CAT_TRACER || info->category == GADGET_CAT_TOPPER) && !info->event)
		return gadget_err_set(err, EINVAL, "gadget %s: its print_ map has no value type to decode",
				      info->name);
	ret = run_prepare(&r, obj, len, err);
	if (!ret) {
		signals_catch(old);
		ret = run_attached(&r, err);
		signals_restore(old);
		report_losses(&r);
	}
	run_free(&r);
	return ret;
}
