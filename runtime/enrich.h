/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_ENRICH_H
#define GADGET_RUNTIME_ENRICH_H

/*
 * Enrichment: from a mount namespace id (or a pid) to the container it
 * belongs to.  What the machine knows is read from /proc: for every mount
 * namespace, one process in it, its comm and the cgroup path that names the
 * container (docker, containerd, cri-o, podman, systemd-nspawn scopes and
 * kubepods slices).  The cache is keyed by mount-ns id, refreshed from /proc
 * on a miss (at most every min_refresh_ms) and forgets namespaces that have
 * not been seen for ttl_ms.
 *
 * Gadgets that report only a gadget_pid are enriched through the pid
 * tracker (enrich_pid.c): a small tracepoint program of our own keeps a
 * pid -> mount-ns map in the kernel, so a pid resolves even after the
 * process is gone (entries are dropped ttl_ms after the process exited).
 *
 * Not thread safe: one enrich per thread (the metrics server owns its own).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define ENRICH_ID_LEN		64
#define ENRICH_NAME_LEN		64
#define ENRICH_POD_UID_LEN	36
#define ENRICH_COMM_LEN		16

/* What a cgroup path says about the container (enrich_parse_cgroup). */
struct container_ref {
	const char *runtime;		/* "docker", "containerd", "cri-o", "podman", ... (static) */
	char id[ENRICH_ID_LEN + 1];	/* full id as in the path */
	char name[ENRICH_NAME_LEN + 1];	/* short id (12 chars) or the scope's machine name */
	char pod_uid[ENRICH_POD_UID_LEN + 1];	/* Kubernetes pod uid, "" if none */
};

struct enrich_info {
	uint64_t mntns;
	pid_t pid;			/* one process seen in the namespace */
	char comm[ENRICH_COMM_LEN + 1];
	bool in_container;		/* false: host namespace or unknown cgroup */
	struct container_ref container;
};

/*
 * The columns enrichment appends after a gadget's own fields, in this
 * order; the same names are the JSON keys and the -F field names.
 */
enum enrich_column {
	ENRICH_COL_CONTAINER,		/* name (short id) */
	ENRICH_COL_CONTAINER_ID,
	ENRICH_COL_RUNTIME,
	ENRICH_COL_POD_UID,
	ENRICH_COL_COMM,
	ENRICH_COL_MAX,
};

struct enrich_column_def {
	const char *name;
	unsigned int width;		/* column width for the columns printer */
};
extern const struct enrich_column_def enrich_columns[ENRICH_COL_MAX];
/* Text of one column for an info (never NULL; "" when unknown). */
const char *enrich_column_value(const struct enrich_info *info, enum enrich_column col);

/*
 * Parse one cgroup path ("/system.slice/docker-<id>.scope").  Returns 0 and
 * fills ref when a component of the path names a container, -ENOENT if not.
 * The innermost (last) matching component wins.
 */
int enrich_parse_cgroup(const char *path, struct container_ref *ref);

struct enrich_opts {
	const char *proc_root;		/* "/proc" if NULL (tests point it elsewhere) */
	unsigned int ttl_ms;		/* forget namespaces unseen this long; 0: 30000 */
	unsigned int min_refresh_ms;	/* rescans on misses at most this often; 0: 100 */
	bool track_pids;		/* load the pid -> mount-ns tracker program */
};

struct enrich;

int enrich_new(const struct enrich_opts *opts, struct enrich **out, struct gadget_err *err);
void enrich_free(struct enrich *e);

/* Rescan /proc now (also done lazily by the lookups). */
int enrich_refresh(struct enrich *e);

/* 0 and *info (valid until the next call on e), or -ENOENT. */
int enrich_lookup_mntns(struct enrich *e, uint64_t mntns, const struct enrich_info **info);
/* Through the pid tracker if loaded, else /proc/PID/ns/mnt. */
int enrich_lookup_pid(struct enrich *e, pid_t pid, const struct enrich_info **info);
/* The one of those two field f of record rec calls for (-ENOENT: it names no process). */
struct gadget_field;
int enrich_lookup_field(struct enrich *e, const struct gadget_field *f, const uint8_t *rec,
			const struct enrich_info **info);

/*
 * --container NAME: does info belong to NAME?  NAME matches the container
 * name, a prefix (at least 4 characters) of the container id, or the pod uid.
 */
bool enrich_container_matches(const struct enrich_info *info, const char *name);

/*
 * Every mount namespace currently known to belong to container NAME
 * (after a refresh): for filling the gadget_mntns_filter map.  Returns the
 * number of ids written to ids (at most max), or -errno.
 */
int enrich_container_mntns(struct enrich *e, const char *name, uint64_t *ids, size_t max);

/* Read the mount-ns id of a pid from /proc (0 and *mntns, or -errno). */
int enrich_proc_mntns(const char *proc_root, pid_t pid, uint64_t *mntns);

/*
 * The decoder's side (runtime/schema.h).  A row is enriched by its first
 * gadget_mntns_id, else by its first gadget_pid (info/special_types.h says
 * which types those are): enrich_by_field() ranks one field, higher is
 * better.  enrich_schema_needs() tells, from the columns of a gadget,
 * whether rows carry a mount-ns id, only a pid (then create the enrich with
 * track_pids), or neither.  enrich_schema_attach() appends the
 * enrich_columns as computed columns (only "container" shown by default in
 * columns output; all in JSON) and returns 1, or 0 when the rows carry
 * nothing to enrich.
 */
struct schema;
struct row;
enum enrich_by { ENRICH_BY_NONE, ENRICH_BY_PID, ENRICH_BY_MNTNS };
enum enrich_by enrich_by_field(const struct gadget_field *f);
enum enrich_by enrich_schema_needs(const struct schema *s);
int enrich_schema_attach(struct enrich *e, struct schema *s, struct gadget_err *err);
/* The info of a row of an attached schema (NULL if unknown): for --container in user space. */
const struct enrich_info *enrich_row(struct enrich *e, const struct row *r);

/* The pid tracker (enrich_pid.c); used by enrich_new when track_pids. */
struct enrich_pidmap;
int enrich_pidmap_new(unsigned int ttl_ms, struct enrich_pidmap **out, struct gadget_err *err);
void enrich_pidmap_free(struct enrich_pidmap *pm);
/* 0 and *mntns, or -ENOENT; expires exited processes older than the ttl. */
int enrich_pidmap_lookup(struct enrich_pidmap *pm, pid_t pid, uint64_t *mntns);
/* Drop entries of processes that exited more than ttl ago; returns how many. */
int enrich_pidmap_expire(struct enrich_pidmap *pm);

#endif
