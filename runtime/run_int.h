/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_RUN_INT_H
#define GADGET_RUNTIME_RUN_INT_H

/*
 * Inside runtime_run(): the state of one run, shared by its life
 * (run.c) and the loop of each category (tracer.c, topper.c,
 * snapshotter.c).  Not for other stages.
 */
#include <stdbool.h>
#include <stdint.h>

#include "runtime/filter.h"
#include "runtime/printer.h"
#include "runtime/run.h"

struct gadget_run {
	const struct gadget_info *info;
	struct run_opts opts;
	struct bpf_object *obj;
	struct attachments *att;
	struct schema *schema;
	struct filter filter;
	struct printer out;
	struct enrich *enrich;
	uint64_t *own_mntns;		/* --container's and the asked ones, NULL: none */
	struct users *users;
	struct metrics *metrics;
	struct metrics_server *metrics_srv;
	struct stacks *stacks;
	int stats_fd;
	unsigned long long lost;
	const void *obj_bytes;		/* the object as given, for core_btf_learn() */
	size_t obj_len;
	char btf_path[4096];		/* the btfgen layer's BTF, until the load ("": none) */
	uint8_t *pad;			/* tracer: a record shorter than the event, zero-padded */
	uint64_t rows;			/* struct row seq */
	unsigned long long done;	/* events shown, or tables printed, toward --count */
	unsigned long long drain_budget;	/* records still shown after a stop */
	bool draining;
	double deadline;
	double t_start, t_loaded;	/* run_now() at the start and once loaded, for -v */
};

/* Stop now: a signal, the deadline, --count reached, or the output failed. */
bool run_should_stop(struct gadget_run *r);
/* --count reached: nothing more is shown, not even what a stop would drain. */
bool run_count_reached(const struct gadget_run *r);
/* Was it a signal (SIGINT, SIGTERM)? */
bool run_stopped_by_signal(void);
/* Sleep up to s seconds, waking early on a stop. */
void run_nap(struct gadget_run *r, double s);
double run_now(void);
/* One row through the -F filters to the printer (0 or the printer's error). */
int run_emit(struct gadget_run *r, const struct row *row);
/* The same, up to --max-rows rows (*shown counts them: a table's interval or snapshot). */
int run_emit_limited(struct gadget_run *r, const struct row *row, unsigned long long *shown);

/* The loop of each category, until a stop. */
int tracer_run(struct gadget_run *r, struct gadget_err *err);
int topper_run(struct gadget_run *r, struct gadget_err *err);
int snapshotter_run(struct gadget_run *r, struct gadget_err *err);

#endif
