// SPDX-License-Identifier: Apache-2.0
/*
 * counter_/gauge_/hist_ maps -> Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "runtime/enrich.h"
#include "runtime/format.h"
#include "runtime/metrics.h"

enum map_role metrics_map_role(const struct gadget_map *map)
{
	enum map_role by_name = map_role_of_name(map->name);

	if (map_role_is_metric(map->role))
		return map->role;
	return map_role_is_metric(by_name) ? by_name : MAP_ROLE_NONE;
}

const char *metrics_short_name(const struct metric_map *mm)
{
	return map_role_short_name(mm->role, mm->def->name);
}

/* Metric and label names: [a-zA-Z_][a-zA-Z0-9_]* (colons are for recording rules). */
static void put_name(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			  (p != s && c >= '0' && c <= '9');

		fputc(ok ? c : '_', out);
	}
}

static void put_metric_name(FILE *out, const struct metrics *m, const struct metric_map *mm,
			    const char *suffix)
{
	put_name(out, m->ns);
	fputc('_', out);
	put_name(out, metrics_short_name(mm));
	fputs(suffix, out);
}

/* Label values escape backslash, double quote and newline (format 0.0.4). */
static void put_label_char(FILE *out, char c)
{
	if (c == '\\' || c == '"')
		fputc('\\', out);
	if (c == '\n') {
		fputs("\\n", out);
		return;
	}
	fputc(c, out);
}

/* The value as the columns printer shows it (enums by name, errno names, addresses). */
static void put_label_value(FILE *out, const struct gadget_field *f, const uint8_t *rec)
{
	char text[512];

	format_field(f, rec, FMT_TEXT, text, sizeof(text));
	for (const char *p = text; *p; p++)
		put_label_char(out, *p);
}

/*
 * A key holding a mount-ns id (or a pid) also gets the container it belongs
 * to as label "container", so per-container series need no join.
 */
static void put_container_label(FILE *out, struct enrich *e, const struct gadget_type *t,
				const uint8_t *key)
{
	const struct gadget_field *by = NULL;
	const struct enrich_info *info = NULL;

	for (unsigned int i = 0; i < t->nr_fields; i++)
		if (enrich_by_field(&t->fields[i]) > enrich_by_field(by))
			by = &t->fields[i];
	if (!by || enrich_lookup_field(e, by, key, &info) || !info->in_container)
		return;
	fputs(",container=\"", out);
	for (const char *p = info->container.name; *p; p++)
		put_label_char(out, *p);
	fputc('"', out);
}

/* {a="1",b="x"} from the key's fields; "" when the key carries nothing. */
static char *labels_of(struct enrich *enrich, const struct gadget_map *def, const uint8_t *key)
{
	const struct gadget_type *t = def->key;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	bool scalar;

	if (!out)
		return NULL;
	/* a one-entry array has nothing to tell apart */
	if (def->type == BPF_MAP_TYPE_ARRAY && def->max_entries == 1)
		t = NULL;
	scalar = t && (!t->name || strncmp(t->name, "struct ", 7));
	if (t && t->nr_fields) {
		fputc('{', out);
		for (unsigned int i = 0; i < t->nr_fields; i++) {
			const struct gadget_field *f = &t->fields[i];

			if (i)
				fputc(',', out);
			put_name(out, scalar ? "key" : f->name);
			fputs("=\"", out);
			put_label_value(out, f, key);
			fputc('"', out);
		}
		if (enrich)
			put_container_label(out, enrich, t, key);
		fputc('}', out);
	} else if (!t && !(def->type == BPF_MAP_TYPE_ARRAY && def->max_entries == 1)) {
		/* no BTF for the key: its bytes */
		fputs("{key=\"", out);
		for (uint32_t i = 0; i < def->key_size; i++)
			fprintf(out, "%02x", key[i]);
		fputs("\"}", out);
	}
	fclose(out);
	return buf;
}

static int sample_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sample *)a)->labels, ((const struct sample *)b)->labels);
}

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Every u64 word of the value is summed over CPUs: counts, sums, slots. */
static void sum_percpu(uint8_t *dst, const uint8_t *src, uint32_t size, int ncpus)
{
	uint32_t stride = (size + 7) & ~7u;

	memset(dst, 0, size);
	for (int c = 0; c < ncpus; c++)
		for (uint32_t w = 0; w + 8 <= size; w += 8) {
			uint64_t a, b;

			memcpy(&a, dst + w, 8);
			memcpy(&b, src + (size_t)c * stride + w, 8);
			a += b;
			memcpy(dst + w, &a, 8);
		}
}

void metrics_samples_free(struct sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].labels);
		free(s[i].key);
		free(s[i].value);
	}
	free(s);
}

int metrics_read_samples(struct enrich *enrich, const struct metric_map *mm, struct sample **out,
			size_t *nr)
{
	const struct gadget_map *def = mm->def;
	bool percpu = is_percpu(def->type);
	int ncpus = percpu ? libbpf_num_possible_cpus() : 1;
	size_t vbuf_size = percpu ? (size_t)ncpus * ((def->value_size + 7) & ~7u) : def->value_size;
	uint8_t *key = calloc(1, def->key_size + 1), *next = calloc(1, def->key_size + 1);
	uint8_t *vbuf = calloc(1, vbuf_size);
	struct sample *s = NULL;
	size_t n = 0;
	void *prev = NULL;
	int err = 0;

	if (ncpus < 0 || !key || !next || !vbuf) {
		err = ncpus < 0 ? ncpus : -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(mm->fd, prev, next)) {
		memcpy(key, next, def->key_size);
		prev = key;
		if (bpf_map_lookup_elem(mm->fd, key, vbuf))
			continue;	/* deleted meanwhile */
		if (array_grow(s, n)) {
			err = -ENOMEM;
			goto out;
		}
		s[n].labels = labels_of(enrich, def, key);
		s[n].key = malloc(def->key_size + 1);
		s[n].value = malloc(def->value_size);
		if (!s[n].labels || !s[n].key || !s[n].value) {
			n++;
			err = -ENOMEM;
			goto out;
		}
		memcpy(s[n].key, key, def->key_size);
		if (percpu)
			sum_percpu(s[n].value, vbuf, def->value_size, ncpus);
		else
			memcpy(s[n].value, vbuf, def->value_size);
		n++;
	}
	if (n)
		qsort(s, n, sizeof(*s), sample_cmp);
out:
	free(key);
	free(next);
	free(vbuf);
	if (err) {
		metrics_samples_free(s, n);
		return err;
	}
	*out = s;
	*nr = n;
	return 0;
}

/* Histogram labels: the key's labels plus le="..." (kept in one brace pair). */
static void put_bucket(FILE *out, const struct metrics *m, const struct metric_map *mm,
		       const char *labels, const char *le, uint64_t v)
{
	put_metric_name(out, m, mm, "_bucket");
	if (*labels)
		fprintf(out, "%.*s,le=\"%s\"} %" PRIu64 "\n", (int)strlen(labels) - 1, labels, le, v);
	else
		fprintf(out, "{le=\"%s\"} %" PRIu64 "\n", le, v);
}

static void put_histogram(FILE *out, const struct metrics *m, const struct metric_map *mm,
			  const struct sample *s)
{
	struct gadget_hist h;
	uint64_t cum = 0;
	char le[32];

	memcpy(&h, s->value, sizeof(h));
	for (int i = 0; i < GADGET_HIST_SLOTS; i++) {
		cum += h.slots[i];
		snprintf(le, sizeof(le), "%" PRIu64, ((uint64_t)2 << i) - 1);
		put_bucket(out, m, mm, s->labels, le, cum);
	}
	/* +Inf is the total count, which the program kept alongside the slots */
	put_bucket(out, m, mm, s->labels, "+Inf", h.count > cum ? h.count : cum);
	put_metric_name(out, m, mm, "_sum");
	fprintf(out, "%s %" PRIu64 "\n", s->labels, h.sum);
	put_metric_name(out, m, mm, "_count");
	fprintf(out, "%s %" PRIu64 "\n", s->labels, h.count > cum ? h.count : cum);
}

static int render_map(FILE *out, const struct metrics *m, const struct metric_map *mm)
{
	const struct map_role_def *kind = map_role_def(mm->role);
	const char *suffix = kind->metric_suffix;
	struct sample *s = NULL;
	size_t n = 0;
	int err = metrics_read_samples(m->enrich, mm, &s, &n);

	if (err)
		return err;
	fputs("# HELP ", out);
	put_metric_name(out, m, mm, suffix);
	fprintf(out, " %s of gadget map %s\n", kind->metric, mm->def->name);
	fputs("# TYPE ", out);
	put_metric_name(out, m, mm, suffix);
	fprintf(out, " %s\n", kind->metric);
	for (size_t i = 0; i < n; i++) {
		uint64_t u;

		if (mm->role == MAP_ROLE_HISTOGRAM) {
			put_histogram(out, m, mm, &s[i]);
			continue;
		}
		memcpy(&u, s[i].value, sizeof(u));
		put_metric_name(out, m, mm, suffix);
		if (mm->role == MAP_ROLE_GAUGE)
			fprintf(out, "%s %" PRId64 "\n", s[i].labels, (int64_t)u);
		else
			fprintf(out, "%s %" PRIu64 "\n", s[i].labels, u);
	}
	metrics_samples_free(s, n);
	return 0;
}

int metrics_render(struct metrics *m, char **text, size_t *len, struct gadget_err *err)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int ret = 0;

	if (!out)
		return gadget_err_set(err, errno, "metrics: %s", strerror(errno));
	for (unsigned int i = 0; i < m->nr_maps && !ret; i++) {
		ret = render_map(out, m, &m->maps[i]);
		if (ret)
			gadget_err_set(err, -ret, "metrics: reading map %s: %s",
				       m->maps[i].def->name, strerror(-ret));
	}
	fclose(out);
	if (ret) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = size;
	return 0;
}

int metrics_new(const char *ns, struct metrics **out, struct gadget_err *err)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->ns = strdup(ns && *ns ? ns : "gadget"))) {
		free(m);
		return gadget_err_set(err, ENOMEM, "metrics: out of memory");
	}
	*out = m;
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->maps);
	free(m->ns);
	free(m);
}

void metrics_set_enrich(struct metrics *m, struct enrich *e)
{
	m->enrich = e;
}

unsigned int metrics_count(const struct metrics *m)
{
	return m->nr_maps;
}

int metrics_add_map(struct metrics *m, const struct gadget_map *def, int fd, struct gadget_err *err)
{
	enum map_role role = metrics_map_role(def);
	const struct map_role_def *kind = map_role_def(role);
	if (!kind->metric)
		return gadget_err_set(err, EINVAL, "map %s: not a counter_, gauge_ or hist_ map",
				      def->name);
	if (def->value_size != kind->value_size)
		return gadget_err_set(err, EINVAL,
				      "map %s: a %s map's value must be %u bytes (%s), not %u",
				      def->name, kind->metric, kind->value_size, kind->value_type,
				      def->value_size);
	if (array_grow(m->maps, m->nr_maps))
		return gadget_err_set(err, ENOMEM, "metrics: out of memory");
	m->maps[m->nr_maps++] = (struct metric_map){ def, role, fd };
	return 0;
}

int metrics_add_object(struct metrics *m, const struct gadget_info *info,
		       struct bpf_object *obj, struct gadget_err *err)
{
	int n = 0;

	for (unsigned int i = 0; i < info->nr_maps; i++) {
		const struct gadget_map *def = &info->maps[i];
		struct bpf_map *map;
		int ret;

		if (metrics_map_role(def) == MAP_ROLE_NONE)
			continue;
		map = bpf_object__find_map_by_name(obj, def->name);
		if (!map || bpf_map__fd(map) < 0)
			return gadget_err_set(err, ENOENT, "metrics: map %s is not loaded", def->name);
		ret = metrics_add_map(m, def, bpf_map__fd(map), err);
		if (ret)
			return ret;
		n++;
	}
	return n;
}
