// SPDX-License-Identifier: Apache-2.0
/* Metrics: exposition text of real BPF maps described by synthetic types, and /metrics over HTTP. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/enrich.h"
#include "runtime/metrics.h"

/* struct key { __u32 pid; char comm[8]; enum op op; } */
struct key {
	uint32_t pid;
	char comm[8];
	int32_t op;
};

static struct gadget_enum_val op_vals[] = { { "OP_READ", 0 }, { "OP_WRITE", 1 } };

static struct gadget_field key_fields[] = {
	{ .name = "pid", .offset = 0, .size = 4, .kind = FIELD_UINT },
	{ .name = "comm", .offset = 4, .size = 8, .kind = FIELD_STRING, .array_len = 8 },
	{ .name = "op", .offset = 12, .size = 4, .kind = FIELD_ENUM,
	  .enum_vals = op_vals, .nr_enum_vals = 2 },
};
static struct gadget_type key_type = { "struct key", 16, key_fields, 3 };

static int new_map(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max)
{
	int fd = bpf_map_create(type, NULL, key_size, value_size, max, NULL);

	assert_true(fd >= 0);
	return fd;
}

static char *render(struct metrics *m)
{
	struct gadget_err err = { 0 };
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(metrics_render(m, &text, &len, &err), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

static void test_counter_and_gauge(void **state)
{
	struct gadget_map counter = { .name = "counter_ops", .type = BPF_MAP_TYPE_HASH,
		.role = MAP_ROLE_COUNTER, .key_size = 16, .value_size = 8, .max_entries = 8,
		.key = &key_type };
	/* role left NONE: the name prefix decides */
	struct gadget_map gauge = { .name = "gauge_inflight", .type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4, .value_size = 8, .max_entries = 1 };
	struct gadget_err err = { 0 };
	struct key k1 = { 42, "cat", 1 }, k2 = { 7, "a\"b\\c", 5 };
	uint64_t v;
	int64_t g = -3;
	uint32_t zero = 0;
	struct metrics *m;
	int cfd, gfd;
	char *text;

	(void)state;
	cfd = new_map(BPF_MAP_TYPE_HASH, 16, 8, 8);
	gfd = new_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	v = 10;
	assert_int_equal(bpf_map_update_elem(cfd, &k1, &v, 0), 0);
	v = 3;
	assert_int_equal(bpf_map_update_elem(cfd, &k2, &v, 0), 0);
	assert_int_equal(bpf_map_update_elem(gfd, &zero, &g, 0), 0);

	assert_int_equal(metrics_new("my-gadget", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &counter, cfd, &err), 0);
	assert_int_equal(metrics_add_map(m, &gauge, gfd, &err), 0);
	assert_int_equal(metrics_count(m), 2);
	text = render(m);
	assert_string_equal(text,
		"# HELP my_gadget_ops_total counter of gadget map counter_ops\n"
		"# TYPE my_gadget_ops_total counter\n"
		"my_gadget_ops_total{pid=\"42\",comm=\"cat\",op=\"OP_WRITE\"} 10\n"
		"my_gadget_ops_total{pid=\"7\",comm=\"a\\\"b\\\\c\",op=\"5\"} 3\n"
		"# HELP my_gadget_inflight gauge of gadget map gauge_inflight\n"
		"# TYPE my_gadget_inflight gauge\n"
		"my_gadget_inflight -3\n");
	free(text);
	metrics_free(m);
	close(cfd);
	close(gfd);
}

/* struct gadget_hist: 32 log2 slots, sum, count; per-CPU values are added up. */
struct hist {
	uint64_t slots[32];
	uint64_t sum, count;
};

static void test_histogram_percpu(void **state)
{
	static struct gadget_field f = { .name = "value", .size = 4, .kind = FIELD_UINT };
	static struct gadget_type u32_type = { "__u32", 4, &f, 1 };
	struct gadget_map hist = { .name = "hist_latency", .type = BPF_MAP_TYPE_PERCPU_HASH,
		.role = MAP_ROLE_HISTOGRAM, .key_size = 4, .value_size = sizeof(struct hist),
		.max_entries = 4, .key = &u32_type };
	int ncpus = libbpf_num_possible_cpus();
	struct hist *vals = calloc(ncpus, sizeof(*vals));
	struct gadget_err err = { 0 };
	struct metrics *m;
	uint32_t key = 9;
	char *text, *p;
	int fd;

	(void)state;
	assert_true(ncpus >= 1);
	fd = new_map(BPF_MAP_TYPE_PERCPU_HASH, 4, sizeof(struct hist), 4);
	/* 0 and 1 -> slot 0, 2..3 -> slot 1, 5 -> slot 2, 1000 -> slot 9 */
	vals[0].slots[0] = 2;
	vals[0].slots[2] = 1;
	vals[ncpus - 1].slots[1] += 1;
	vals[ncpus - 1].slots[9] += 1;
	vals[0].sum = 0 + 1 + 5;
	vals[0].count = 3;
	vals[ncpus - 1].sum += 3 + 1000;
	vals[ncpus - 1].count += 2;
	assert_int_equal(bpf_map_update_elem(fd, &key, vals, 0), 0);

	assert_int_equal(metrics_new(NULL, &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &hist, fd, &err), 0);
	text = render(m);
	assert_non_null(strstr(text, "# TYPE gadget_latency histogram\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"1\"} 2\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"3\"} 3\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"7\"} 4\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"511\"} 4\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"1023\"} 5\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"4294967295\"} 5\n"));
	assert_non_null(strstr(text, "gadget_latency_bucket{key=\"9\",le=\"+Inf\"} 5\n"));
	assert_non_null(strstr(text, "gadget_latency_sum{key=\"9\"} 1009\n"));
	assert_non_null(strstr(text, "gadget_latency_count{key=\"9\"} 5\n"));
	/* 32 buckets + Inf, in increasing order */
	int n = 0;
	for (p = text; (p = strstr(p, "_bucket{")); p++)
		n++;
	assert_int_equal(n, 33);
	free(text);
	metrics_free(m);
	free(vals);
	close(fd);
}

static void test_rejects_wrong_value_size(void **state)
{
	struct gadget_map bad = { .name = "hist_x", .type = BPF_MAP_TYPE_HASH,
		.key_size = 4, .value_size = 8, .max_entries = 1 };
	struct gadget_map none = { .name = "events", .type = BPF_MAP_TYPE_HASH,
		.key_size = 4, .value_size = 8, .max_entries = 1 };
	struct gadget_err err = { 0 };
	struct metrics *m;

	(void)state;
	assert_int_equal(metrics_new("g", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &bad, -1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "hist_x"));
	assert_non_null(strstr(err.msg, "struct gadget_hist"));
	assert_int_equal(metrics_add_map(m, &none, -1, &err), -EINVAL);
	assert_int_equal(metrics_map_role(&none), MAP_ROLE_NONE);
	metrics_free(m);
}

/* A key with a gadget_mntns_id gets the container's name as a label. */
static void test_container_label(void **state)
{
	static struct gadget_field f[] = {
		{ .name = "mntns_id", .size = 8, .kind = FIELD_UINT, .special = SPECIAL_MNTNS_ID },
	};
	static struct gadget_type kt = { "struct k", 8, f, 1 };
	struct gadget_map counter = { .name = "counter_by_ns", .type = BPF_MAP_TYPE_HASH,
		.key_size = 8, .value_size = 8, .max_entries = 4, .key = &kt };
	char root[] = "/tmp/test_metrics.XXXXXX", path[256], cmd[300];
	struct enrich_opts eo = { .proc_root = root };
	struct gadget_err err = { 0 };
	uint64_t k = 4026532999ull, host = 4026531840ull, v = 2;
	struct enrich *e;
	struct metrics *m;
	char *text;
	FILE *fp;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/77", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/77/ns", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/77/ns/mnt", root);
	assert_int_equal(symlink("mnt:[4026532999]", path), 0);
	snprintf(path, sizeof(path), "%s/77/cgroup", root);
	assert_non_null(fp = fopen(path, "w"));
	fputs("0::/system.slice/docker-"
	      "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789.scope\n", fp);
	fclose(fp);
	assert_int_equal(enrich_new(&eo, &e, &err), 0);

	fd = new_map(BPF_MAP_TYPE_HASH, 8, 8, 4);
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, 0), 0);
	assert_int_equal(bpf_map_update_elem(fd, &host, &v, 0), 0);
	assert_int_equal(metrics_new("g", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &counter, fd, &err), 0);
	metrics_set_enrich(m, e);
	text = render(m);
	assert_non_null(strstr(text, "g_by_ns_total{mntns_id=\"4026532999\",container=\"abcdef012345\"} 2\n"));
	/* a namespace that is no container gets no container label */
	assert_non_null(strstr(text, "g_by_ns_total{mntns_id=\"4026531840\"} 2\n"));
	free(text);
	metrics_free(m);
	enrich_free(e);
	close(fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static size_t collect(char *data, size_t size, size_t n, void *cls)
{
	FILE *f = cls;

	return fwrite(data, size, n, f);
}

static long http_get(const char *url, char **body, char **ctype)
{
	CURL *c = curl_easy_init();
	size_t len;
	FILE *f = open_memstream(body, &len);
	long code = 0;
	char *ct = NULL;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	*ctype = ct ? strdup(ct) : NULL;
	fclose(f);
	curl_easy_cleanup(c);
	return code;
}

static void test_http_server(void **state)
{
	struct gadget_map counter = { .name = "counter_hits", .type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4, .value_size = 8, .max_entries = 1 };
	struct gadget_err err = { 0 };
	struct metrics_server *s, *s2;
	struct metrics *m;
	uint32_t zero = 0;
	uint64_t v = 1234;
	char url[64], *body, *ct;
	int fd;

	(void)state;
	fd = new_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	assert_int_equal(bpf_map_update_elem(fd, &zero, &v, 0), 0);
	assert_int_equal(metrics_new("t", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &counter, fd, &err), 0);
	assert_int_equal(metrics_server_start("127.0.0.1:0", m, &s, &err), 0);
	assert_true(metrics_server_port(s) > 0);

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/metrics", metrics_server_port(s));
	assert_int_equal(http_get(url, &body, &ct), 200);
	assert_non_null(strstr(body, "\nt_hits_total 1234\n"));
	assert_string_equal(ct, METRICS_CONTENT_TYPE);
	free(body);
	free(ct);
	/* the map is read at every scrape */
	v = 1235;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &v, 0), 0);
	assert_int_equal(http_get(url, &body, &ct), 200);
	assert_non_null(strstr(body, "\nt_hits_total 1235\n"));
	free(body);
	free(ct);

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", metrics_server_port(s));
	assert_int_equal(http_get(url, &body, &ct), 404);
	free(body);
	free(ct);

	/* the same port twice: a clear error */
	snprintf(url, sizeof(url), "127.0.0.1:%u", metrics_server_port(s));
	assert_true(metrics_server_start(url, m, &s2, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot listen"));
	assert_int_equal(metrics_server_start("localhost", m, &s2, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "HOST:PORT"));

	metrics_server_stop(s);
	metrics_free(m);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_and_gauge),
		cmocka_unit_test(test_histogram_percpu),
		cmocka_unit_test(test_rejects_wrong_value_size),
		cmocka_unit_test(test_http_server),
		cmocka_unit_test(test_container_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
