/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_RUN_H
#define GADGET_RUNTIME_RUN_H

/*
 * gadget run: load a gadget object with libbpf, attach every program by
 * its section (the program-type table), and print what the gadget
 * produces, by category: tracer events, topper tables, snapshots.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "base/err.h"
#include "runtime/printer.h"
#include "info/gadget_info.h"

struct run_opts {
	enum output_kind output;
	const char *fields;		/* --fields a,b */
	char **filters;			/* -F exprs */
	unsigned int nr_filters;
	char **params;			/* --param name=value */
	unsigned int nr_params;
	const char *pf;			/* --pf EXPR: the packet filter "pf" (runtime/pfilter.h) */
	double timeout;			/* seconds, 0: until SIGINT/SIGTERM */
	unsigned long long count;	/* stop after this many events or tables, 0: no limit */
	double interval;		/* topper/snapshot period, seconds */
	bool interval_set;
	const char *iface;		/* xdp, tc */
	const char *cgroup;		/* cgroup programs (default: cgroup2 root) */
	const char *netns;		/* socket, sk_lookup, flow_dissector */
	const uint64_t *mntns;		/* in-kernel mount-namespace filter (--mntns, --mntns-of) */
	unsigned int nr_mntns;
	bool filter_mntns;
	/*
	 * --pid: only these processes.  In the kernel through the gadget's
	 * targ_pid param when it has one and one pid is given, and always in
	 * user space on the record's gadget_pid field.
	 */
	const uint32_t *pids;
	unsigned int nr_pids;
	unsigned int sample_freq;	/* perf_event programs */
	uint64_t buffer_size;		/* tracer ring (perf: per CPU) bytes, 0: the gadget's */
	const char *sort;		/* topper: FIELD[:asc|:desc] */
	unsigned int max_rows;		/* topper: 0 = all */
	const char *metrics_addr;	/* serve Prometheus metrics */
	const char *container;		/* --container NAME */
	bool no_enrich;
	unsigned int term_cols;		/* columns: fit the line to this width (0: no fitting) */
	bool no_trunc;			/* columns: never cut a value */
	bool verbose;			/* libbpf's log on stderr */
	FILE *status;			/* progress lines ("attached 2 programs"), may be NULL */
	const char *source;		/* what is run, for the status line ("folder /x/demo"), or NULL */
	const void *btfgen;		/* an IG image's btfgen layer (runtime/btfgen.h), or NULL */
	size_t btfgen_len;
};

int runtime_run(const void *obj, size_t len, const struct gadget_info *info,
		const struct run_opts *opts, struct gadget_err *err);

/* ---- internal to runtime/: load.c, attach.c ---- */
/* Root, or CAP_BPF and CAP_PERFMON: else one clear error before anything is tried. */
int runtime_check_privileges(struct gadget_err *err);
struct bpf_object;
int runtime_check_programs(const struct gadget_info *info, const struct run_opts *opts,
			   struct gadget_err *err);
/* btf_path: the CO-RE target BTF (the btfgen layer's); NULL: the kernel's, or the learned one */
int runtime_open(const void *obj, size_t len, const struct gadget_info *info,
		 const struct run_opts *opts, const char *btf_path, struct bpf_object **out,
		 struct gadget_err *err);
int runtime_load(struct bpf_object *obj, const struct run_opts *opts, struct gadget_err *err);
/* The param --pid sets in the kernel ("targ_pid"), or NULL when it filters in user space only. */
const char *runtime_pid_param(const struct gadget_info *info, const struct run_opts *opts);
/* GADGET_BPF_STATS: BPF run-time statistics on while *stats_fd is open (-1: not asked). */
int runtime_enable_stats(struct bpf_object *obj, int *stats_fd, struct gadget_err *err);

/*
 * Run iterator program p once, created in network namespace netns (NULL:
 * ours).  Its output is returned in *buf (malloc'ed, *len bytes), or
 * discarded when buf is NULL.
 */
int runtime_iter_run(struct bpf_program *p, const char *netns, char **buf, size_t *len,
		     struct gadget_err *err);
/*
 * An opened object as this kernel and libbpf take it: its print_ maps (ring
 * buffer size: 0, the gadget's) and programs in sections only we know.
 */
void runtime_object_fixup(struct bpf_object *obj, const char *print_map, uint64_t ring_size);
/* The in-kernel mount-ns filter: its switch before load, its map after. */
int mntns_filter_enable(struct bpf_object *obj, struct gadget_err *err);
int mntns_filter_fill(struct bpf_object *obj, const uint64_t *ids, unsigned int n,
		      struct gadget_err *err);

struct attachments;
int attach_all(struct bpf_object *obj, const struct gadget_info *info, const struct run_opts *opts,
	       struct attachments **out, struct gadget_err *err);
void attachments_free(struct attachments *a);
unsigned int attachments_count(const struct attachments *a);

#endif
