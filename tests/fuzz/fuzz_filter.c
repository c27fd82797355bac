// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: -F filter expressions, compiled against a schema with
 * every field kind and special type the decoder knows, then matched against
 * records.  Input: expressions, one per line, then a NUL, then the bytes of
 * up to two records (zero-padded to the event size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/filter.h"
#include "info/gadget_info.h"

/* The tracer fixture's event plus one field of every special type. */
static const char schema_json[] =
	"{\"name\":\"fuzz\",\"category\":\"tracer\",\"print_map\":\"print_ev\",\"maps\":[{\"name\":\"print_ev\",\"role"
	"\":\"print\",\"type\":\"ringbuf\",\"value\":{\"fields\":[{\"kind\":\"uint\",\"name\":\"mntns_id\",\"offset\":0,"
	"\"size\":8,\"special\":\"mntns_id\",\"type\":\"gadget_mntns_id\"},{\"kind\":\"uint\",\"name\":\"timestamp\","
	"\"offset\":8,\"size\":8,\"special\":\"timestamp\",\"type\":\"gadget_timestamp\"},{\"kind\":\"uint\",\"name\""
	":\"pid\",\"offset\":16,\"size\":4,\"type\":\"__u32\"},{\"kind\":\"int\",\"name\":\"ret\",\"offset\":20,\"size\":"
	"4,\"type\":\"__s32\"},{\"array_len\":16,\"kind\":\"string\",\"name\":\"comm\",\"offset\":24,\"size\":16,\"spe"
	"cial\":\"comm\",\"type\":\"gadget_comm\"},{\"array_len\":64,\"kind\":\"string\",\"name\":\"fname\",\"offset\""
	":40,\"size\":64,\"type\":\"char[64]\"},{\"enum\":[{\"name\":\"MODE_READ\",\"value\":0},{\"name\":\"MODE_WRI"
	"TE\",\"value\":1},{\"name\":\"MODE_RDWR\",\"value\":2}],\"kind\":\"enum\",\"name\":\"mode\",\"offset\":104,\"s"
	"ize\":4,\"type\":\"enum fixture_mode\"},{\"enum\":[{\"name\":\"OPEN_CREAT\",\"value\":1},{\"name\":\"OPEN_"
	"TRUNC\",\"value\":2},{\"name\":\"OPEN_APPEND\",\"value\":4}],\"kind\":\"flags\",\"name\":\"flags\",\"offset\""
	":108,\"size\":4,\"type\":\"enum fixture_open_flags\"},{\"bit_offset\":0,\"bit_size\":3,\"kind\":\"uint\""
	",\"name\":\"bits.a\",\"offset\":112,\"size\":1,\"type\":\"__u8\"},{\"bit_offset\":3,\"bit_size\":5,\"kind\":"
	"\"uint\",\"name\":\"bits.b\",\"offset\":112,\"size\":1,\"type\":\"__u8\"},{\"kind\":\"bool\",\"name\":\"ok\",\"of"
	"fset\":113,\"size\":1,\"type\":\"bool\"},{\"array_len\":6,\"kind\":\"bytes\",\"name\":\"raw\",\"offset\":114,"
	"\"size\":6,\"type\":\"__u8[6]\"},{\"kind\":\"int\",\"name\":\"err\",\"offset\":120,\"size\":4,\"special\":\"err"
	"no\",\"type\":\"gadget_errno\"},{\"kind\":\"uint\",\"name\":\"sig\",\"offset\":124,\"size\":4,\"special\":\"si"
	"gnal\",\"type\":\"gadget_signal\"},{\"kind\":\"uint\",\"name\":\"nr\",\"offset\":128,\"size\":4,\"special\":\""
	"syscall\",\"type\":\"gadget_syscall\"},{\"kind\":\"uint\",\"name\":\"ifindex\",\"offset\":132,\"size\":4,\"s"
	"pecial\":\"ifindex\",\"type\":\"gadget_ifindex\"},{\"kind\":\"bytes\",\"name\":\"dst\",\"offset\":136,\"size"
	"\":24,\"special\":\"l4endpoint\",\"type\":\"struct gadget_l4endpoint_t\"},{\"kind\":\"uint\",\"name\":\"la"
	"t\",\"offset\":160,\"size\":8,\"special\":\"duration\",\"type\":\"gadget_duration\"},{\"kind\":\"float\",\"n"
	"ame\":\"ratio\",\"offset\":168,\"size\":8,\"type\":\"double\"},{\"kind\":\"string\",\"name\":\"qname\",\"offse"
	"t\":176,\"size\":32,\"array_len\":32,\"special\":\"dns_name\",\"type\":\"gadget_dns_name\"}],\"name\":\"st"
	"ruct event\",\"size\":208}}]}";

static struct gadget_info *info;
static struct schema *schema;

static void setup(void)
{
	struct gadget_err err;
	json_t *j = json_loads(schema_json, 0, NULL);

	if (!j || gadget_info_from_json(j, &info, &err) || !info->event)
		abort();
	json_decref(j);
	schema = schema_new();
	if (!schema || schema_add_type(schema, info->event, ROW_EVENT) ||
	    schema_select(schema, NULL, true, &err))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t elen = nul ? (size_t)(nul - data) : size, rsize;
	struct filter f = { 0 };
	char *exprs, *line, *save = NULL;
	uint8_t *rec;

	if (!schema)
		setup();
	rsize = info->event->size;
	exprs = malloc(elen + 1);
	memcpy(exprs, data, elen);
	exprs[elen] = 0;
	for (line = strtok_r(exprs, "\n", &save); line && f.nr < 16;
	     line = strtok_r(NULL, "\n", &save)) {
		struct gadget_err err = { 0 };
		unsigned int before = f.nr;
		int ret = filter_add(&f, schema, line, &err);

		/* a refused expression says why and adds nothing */
		if (ret && (f.nr != before || !err.msg[0]))
			abort();
	}
	/* records of exactly the event's size: a read past it is a bug */
	rec = calloc(1, rsize);
	for (size_t off = nul ? elen + 1 : size, k = 0; k < 2; k++, off += rsize) {
		struct row row = { .rec = { rec, NULL } };

		memset(rec, 0, rsize);
		if (off < size)
			memcpy(rec, data + off, size - off < rsize ? size - off : rsize);
		filter_match(&f, schema, &row);
	}
	free(rec);
	filter_free(&f);
	free(exprs);
	return 0;
}
