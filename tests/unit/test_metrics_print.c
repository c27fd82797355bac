// SPDX-License-Identifier: Apache-2.0
/* Metrics in the terminal: tables and log2 histograms of real BPF maps, in columns and JSON. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <bpf/bpf.h>

#include "runtime/metrics.h"
#include "runtime/printer.h"

struct hist {
	uint64_t slots[32];
	uint64_t sum, count;
};

/* struct key { char disk[8]; enum op op; } */
struct key {
	char disk[8];
	int32_t op;
};

static struct gadget_enum_val op_vals[] = { { "READ", 0 }, { "WRITE", 1 } };
static struct gadget_field key_fields[] = {
	{ .name = "disk", .offset = 0, .size = 8, .kind = FIELD_STRING, .array_len = 8 },
	{ .name = "op", .offset = 8, .size = 4, .kind = FIELD_ENUM, .enum_vals = op_vals, .nr_enum_vals = 2 },
};
static struct gadget_type key_type = { "struct key", 12, key_fields, 2 };

static int new_map(uint32_t key_size, uint32_t value_size)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, key_size, value_size, 8, NULL);

	assert_true(fd >= 0);
	return fd;
}

/* Everything metrics_print() wrote, through a printer of the given kind. */
static char *print_all(struct metrics *m, enum output_kind kind)
{
	struct gadget_err err = { 0 };
	struct printer p;
	char *buf = calloc(1, 65536);
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	assert_int_equal(printer_init(&p, kind, NULL, fileno(f)), 0);
	assert_int_equal(metrics_print(m, &p, &err), 0);
	printer_fini(&p);
	rewind(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void add_hist(int fd, const char *disk, int op, const uint64_t *slots, unsigned int n,
		     uint64_t sum)
{
	struct key k = { .op = op };
	struct hist h = { .sum = sum };

	strncpy(k.disk, disk, sizeof(k.disk));
	for (unsigned int i = 0; i < n; i++) {
		h.slots[i] = slots[i];
		h.count += slots[i];
	}
	assert_int_equal(bpf_map_update_elem(fd, &k, &h, 0), 0);
}

static void test_hist_units(void **state)
{
	(void)state;
	assert_string_equal(metrics_hist_unit("hist_latency_us"), "usecs");
	assert_string_equal(metrics_hist_unit("hist_rtt_ms"), "msecs");
	assert_string_equal(metrics_hist_unit("hist_size_bytes"), "bytes");
	assert_string_equal(metrics_hist_unit("hist_x_ns"), "nsecs");
	assert_string_equal(metrics_hist_unit("hist_latency"), "value");
	assert_string_equal(metrics_hist_unit("hist_bus"), "value");
}

static void test_histogram_text(void **state)
{
	struct gadget_map def = { .name = "hist_latency_us", .type = BPF_MAP_TYPE_HASH,
		.role = MAP_ROLE_HISTOGRAM, .key_size = sizeof(struct key),
		.value_size = sizeof(struct hist), .max_entries = 8, .key = &key_type };
	struct gadget_err err = { 0 };
	const uint64_t vda[] = { 0, 1, 4, 2 }, all[] = { 3 };
	struct metrics *m;
	int fd = new_map(sizeof(struct key), sizeof(struct hist));
	char *out;

	(void)state;
	add_hist(fd, "vda", 1, vda, 4, 2 + 4 * 5 + 2 * 10);
	add_hist(fd, "", 0, all, 1, 1);	/* an all-zero key: no label line */
	assert_int_equal(metrics_new("t", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &def, fd, &err), 0);
	out = print_all(m, OUTPUT_COLUMNS);
	/* sorted by labels: the empty disk first */
	assert_string_equal(out,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 3        |****************************************|\n"
		"     count 3, average 0.3 usecs\n"
		"\n"
		"disk = vda, op = WRITE\n"
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 0        |                                        |\n"
		"         2 -> 3          : 1        |**********                              |\n"
		"         4 -> 7          : 4        |****************************************|\n"
		"         8 -> 15         : 2        |********************                    |\n"
		"     count 7, average 6.0 usecs\n"
		"\n");
	free(out);
	metrics_free(m);
	close(fd);
}

static void test_histogram_json(void **state)
{
	struct gadget_map def = { .name = "hist_latency_us", .type = BPF_MAP_TYPE_HASH,
		.role = MAP_ROLE_HISTOGRAM, .key_size = sizeof(struct key),
		.value_size = sizeof(struct hist), .max_entries = 8, .key = &key_type };
	struct gadget_err err = { 0 };
	const uint64_t vda[] = { 0, 1, 4 };
	struct metrics *m;
	int fd = new_map(sizeof(struct key), sizeof(struct hist));
	json_t *j, *b;
	char *out;

	(void)state;
	add_hist(fd, "vda", 0, vda, 3, 22);
	assert_int_equal(metrics_new("t", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &def, fd, &err), 0);
	out = print_all(m, OUTPUT_JSON);
	/* one series, one line */
	assert_non_null(strchr(out, '\n'));
	assert_string_equal(strchr(out, '\n'), "\n");
	j = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "metric")), "latency_us");
	assert_string_equal(json_string_value(json_object_get(j, "type")), "histogram");
	assert_string_equal(json_string_value(json_object_get(j, "disk")), "vda");
	assert_string_equal(json_string_value(json_object_get(j, "op")), "READ");
	assert_string_equal(json_string_value(json_object_get(j, "unit")), "usecs");
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 5);
	assert_int_equal(json_integer_value(json_object_get(j, "sum")), 22);
	b = json_object_get(j, "buckets");
	assert_int_equal(json_array_size(b), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 2), "low")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 2), "high")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(b, 2), "count")), 4);
	json_decref(j);
	free(out);
	metrics_free(m);
	close(fd);
}

static void test_counter_table(void **state)
{
	struct gadget_map def = { .name = "counter_ios", .type = BPF_MAP_TYPE_HASH,
		.role = MAP_ROLE_COUNTER, .key_size = sizeof(struct key), .value_size = 8,
		.max_entries = 8, .key = &key_type };
	struct gadget_map gdef = { .name = "gauge_depth", .type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4, .value_size = 8, .max_entries = 1 };
	struct gadget_err err = { 0 };
	struct key k = { "sda", 1 };
	uint64_t v = 42;
	int64_t g = -2;
	uint32_t zero = 0;
	struct metrics *m;
	int fd = new_map(sizeof(struct key), 8);
	int gfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	json_t *j;
	char *out;

	(void)state;
	assert_true(gfd >= 0);
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, 0), 0);
	assert_int_equal(bpf_map_update_elem(gfd, &zero, &g, 0), 0);
	assert_int_equal(metrics_new("t", &m, &err), 0);
	assert_int_equal(metrics_add_map(m, &def, fd, &err), 0);
	assert_int_equal(metrics_add_map(m, &gdef, gfd, &err), 0);
	out = print_all(m, OUTPUT_COLUMNS);
	assert_string_equal(out,
		"ios (counter)\n"
		"DISK     OP           VALUE\n"
		"sda      WRITE        42\n"
		"\n"
		"depth (gauge)\n"
		"VALUE\n"
		"-2\n"
		"\n");
	free(out);
	out = print_all(m, OUTPUT_JSON);
	j = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "metric")), "ios");
	assert_string_equal(json_string_value(json_object_get(j, "type")), "counter");
	assert_string_equal(json_string_value(json_object_get(j, "disk")), "sda");
	assert_int_equal(json_integer_value(json_object_get(j, "value")), 42);
	json_decref(j);
	assert_non_null(strstr(out, "{\"metric\":\"depth\",\"type\":\"gauge\",\"value\":-2}\n"));
	free(out);
	metrics_free(m);
	close(fd);
	close(gfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_units),
		cmocka_unit_test(test_histogram_text),
		cmocka_unit_test(test_histogram_json),
		cmocka_unit_test(test_counter_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
