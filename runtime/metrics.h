/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_METRICS_H
#define GADGET_RUNTIME_METRICS_H

/*
 * Metrics: a gadget declares them with map name prefixes (or the
 * GADGET_COUNTER / GADGET_GAUGE / GADGET_HISTOGRAM macros):
 *
 *   counter_NAME  value __u64            -> NS_NAME_total   (counter)
 *   gauge_NAME    value __s64            -> NS_NAME         (gauge)
 *   hist_NAME     value struct gadget_hist (32 log2 slots + sum + count)
 *                                        -> NS_NAME_bucket{le=..}, _sum, _count
 *
 * NS is the gadget name (characters outside [a-zA-Z0-9_] become '_').
 * The members of the key type become labels (nested members "a.b" as
 * "a_b"), the value the sample.  Slot i of a histogram holds the values v
 * with floor(log2(v)) == i (0 and 1 in slot 0): its upper bound le is
 * 2^(i+1) - 1, buckets are emitted cumulative, all 32 plus +Inf.
 * Output: the Prometheus text exposition format 0.0.4.
 */
#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"

struct bpf_object;
struct metrics;
struct metrics_server;

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Which metric a map is: its role, or its name prefix (MAP_ROLE_NONE if not a metric). */
enum map_role metrics_map_role(const struct gadget_map *map);

/* ns: metric name prefix, usually the gadget name (NULL: "gadget"). */
int metrics_new(const char *ns, struct metrics **out, struct gadget_err *err);
void metrics_free(struct metrics *m);
/* One metric map: def describes it (not copied, must outlive m), fd is its map. */
int metrics_add_map(struct metrics *m, const struct gadget_map *def, int fd, struct gadget_err *err);
/* Every metric map of info, found by name in a loaded obj.  Returns how many. */
int metrics_add_object(struct metrics *m, const struct gadget_info *info,
		       struct bpf_object *obj, struct gadget_err *err);
unsigned int metrics_count(const struct metrics *m);
/*
 * Label series whose key has a gadget_mntns_id (or gadget_pid) member with
 * container="NAME" too.  e is used from the server thread only (enrich is
 * not thread safe: give the metrics their own); not owned.
 */
struct enrich;
void metrics_set_enrich(struct metrics *m, struct enrich *e);

/* The exposition text of every map now; *text is malloc'ed. */
int metrics_render(struct metrics *m, char **text, size_t *len, struct gadget_err *err);

/*
 * Serve GET /metrics on addr ("127.0.0.1:9090", "[::1]:9090", ":9090";
 * port 0 picks a free one) from a thread of libmicrohttpd's own.
 * m must outlive the server.
 */
int metrics_server_start(const char *addr, struct metrics *m, struct metrics_server **out,
			 struct gadget_err *err);
unsigned short metrics_server_port(const struct metrics_server *s);
void metrics_server_stop(struct metrics_server *s);

/*
 * The same maps in the terminal (runtime/metrics_print.c), through the
 * printer's format: counters and gauges as a table per map (the key's
 * members as columns, decoded like any event, then "value"), histograms as
 * one log2 distribution per key, like biolatency:
 *
 *   disk = vda
 *        usecs               : count    distribution
 *            0 -> 1          : 0        |                                        |
 *            2 -> 3          : 4        |****************************************|
 *
 * The unit shown is the map name's last word: hist_latency_us -> "usecs"
 * (_ns nsecs, _us usecs, _ms msecs, _s secs, _bytes bytes, _kb kbytes,
 * _pkts packets; anything else "value").  The label line is left out when
 * the key is all zeros (a gadget's "no breakdown" case).  -o json prints one
 * object per series: {"metric":..,"type":..,<key members>,"value":..} or,
 * for a histogram, "unit", "count", "sum" and "buckets":[{"low","high","count"}]
 * up to the last non-empty slot.  Values are cumulative since the start.
 */
struct printer;
int metrics_print(struct metrics *m, struct printer *p, struct gadget_err *err);
/* "usecs" for hist_latency_us: the unit of a histogram map by its name. */
const char *metrics_hist_unit(const char *map_name);

/* ---- internal to runtime/: metrics.c, metrics_print.c ---- */
#include <stdint.h>

struct metric_map {
	const struct gadget_map *def;
	enum map_role role;
	int fd;
};

struct metrics {
	char *ns;
	struct enrich *enrich;	/* not owned; NULL: no container labels */
	struct metric_map *maps;
	unsigned int nr_maps;
};

/* "latency" for hist_latency: the name a metric map's series go by. */
const char *metrics_short_name(const struct metric_map *mm);

/* One series: its key bytes, Prometheus labels and value (summed over CPUs). */
struct sample {
	char *labels;
	uint8_t *key;
	uint8_t *value;
};

/* Every series of a map, sorted by labels. */
int metrics_read_samples(struct enrich *enrich, const struct metric_map *mm, struct sample **out,
			 size_t *nr);
void metrics_samples_free(struct sample *s, size_t n);

#endif
