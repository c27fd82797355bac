/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_GADGET_INFO_H
#define GADGET_INFO_GADGET_INFO_H

/*
 * struct gadget_info: the analysis of one gadget object, which every stage
 * carries.  Computed once by the validator, serialised into the image's
 * config.json (packager), read back by the runtime and by `gadget inspect`.
 * `gadget validate --json`, the image config and `inspect` are one
 * serialisation of this struct (gadget_info_to_json / gadget_info_from_json).
 */
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "info/map_roles.h"
#include "info/progtypes.h"

enum gadget_category {
	GADGET_CAT_UNKNOWN,
	GADGET_CAT_TRACER,	/* print_ ring buffer / perf event array */
	GADGET_CAT_TOPPER,	/* print_ hash / array */
	GADGET_CAT_SNAPSHOTTER,	/* no print_ map, an iter/ program */
	GADGET_CAT_METRICS,	/* no print_ map, only counter_/gauge_/hist_ maps */
};

enum field_kind {
	FIELD_INT,		/* signed integer, any size 1..8 (or bitfield) */
	FIELD_UINT,		/* unsigned integer */
	FIELD_BOOL,
	FIELD_ENUM,		/* printed by name, unknown values as numbers */
	FIELD_FLAGS,		/* enum whose name ends in "_flags": NAME|NAME|0x.. */
	FIELD_STRING,		/* char array, NUL not required */
	FIELD_BYTES,		/* u8/other fixed array: hex */
	FIELD_FLOAT,		/* float / double */
};

/* Types from bpf-headers/gadget/types.h, recognised by their BTF name: enum field_special. */
#include "info/special_types.h"

/*
 * How a field is shown, from a gadget.yaml's per-field annotations (info/
 * gadget_yaml.c; Inspektor Gadget's "columns.*" and "description"): every
 * member zero means "the runtime's default".
 */
enum field_align { FIELD_ALIGN_DEFAULT, FIELD_ALIGN_LEFT, FIELD_ALIGN_RIGHT };
enum field_visibility { FIELD_VIS_DEFAULT, FIELD_VIS_SHOWN, FIELD_VIS_HIDDEN };
struct field_annotations {
	char *description;
	uint16_t width;		/* columns.width */
	uint16_t maxwidth;	/* columns.maxwidth: a wider value is cut */
	uint8_t align;		/* enum field_align: columns.alignment */
	uint8_t visibility;	/* enum field_visibility: columns.hidden */
};

struct gadget_enum_val {
	char *name;
	int64_t value;
};

/*
 * One decodable leaf of a type, flattened: a member "addr" of a nested
 * struct "src" becomes "src.addr".  Special types stay one field (an
 * endpoint is one field of size 20, not three).
 */
struct gadget_field {
	char *name;
	uint32_t offset;	/* bytes from the start of the record */
	uint32_t size;		/* bytes; for bitfields the bytes that cover the bits */
	uint8_t bit_offset;	/* bitfields: first bit inside the byte at offset (LSB 0) */
	uint8_t bit_size;	/* 0 if not a bitfield */
	enum field_kind kind;
	enum field_special special;
	uint32_t array_len;	/* FIELD_BYTES/STRING: element count; else 0 */
	char *type_name;	/* C type as written ("__u32", "enum proto") */
	struct gadget_enum_val *enum_vals;	/* FIELD_ENUM/FIELD_FLAGS */
	unsigned int nr_enum_vals;
	struct field_annotations ann;	/* from gadget.yaml; all zero: none */
};

struct gadget_type {
	char *name;		/* "struct event" */
	uint32_t size;
	struct gadget_field *fields;
	unsigned int nr_fields;
};

struct gadget_map {
	char *name;
	uint32_t type;		/* enum bpf_map_type */
	enum map_role role;
	uint32_t key_size, value_size, max_entries;
	struct gadget_type *key;	/* NULL if no BTF key type */
	struct gadget_type *value;	/* the event type for a print_ ring buffer */
};

struct gadget_prog {
	char *name;
	char *section;
	const struct prog_type_def *def;	/* NULL if unknown section */
	char *src_file;		/* from BTF line info, may be NULL */
	unsigned int src_line, src_col;
	bool runnable;		/* can the runtime attach it on this kernel */
	char *why_not;		/* reason when !runnable */
	char *output;		/* "<prog>_output" variable name if any */
	struct gadget_type *output_type;	/* its type */
};

struct gadget_param {
	char *name;		/* the const volatile global */
	char *key;		/* another name --param takes (gadget.yaml "key"), may be NULL */
	struct gadget_field field;	/* its type, offset inside .rodata */
	char *default_value;	/* initial value as text, or gadget.yaml's defaultValue */
	bool default_set;	/* default_value is gadget.yaml's: the runtime writes it before load */
	char *description;	/* from the build file, may be NULL */
	bool packet_filter;	/* a pcap expression for gadget_pf_<name>, not a .rodata global */
};

/*
 * <gadget/packetfilter.h>: GADGET_PF(name) is the function gadget_pf_<name>,
 * whose expression is the param "pf" (no name, IG's tcpdump --pf) or
 * "pf-<name>".
 */
#define GADGET_PF_PREFIX	"gadget_pf_"
#define GADGET_PF_PARAM		"pf"
/* The param of function sym into buf: 0, or -EINVAL if sym is not a packet filter. */
int gadget_pf_param_name(const char *sym, char *buf, size_t len);
/* The function of param name into buf: 0, or -EINVAL if name is not a packet-filter param. */
int gadget_pf_symbol(const char *param, char *buf, size_t len);

struct gadget_info {
	char *name;
	char *description;
	char *license;
	char *datasource;	/* IG's data source name (GADGET_TRACER(name, ...)), may be NULL */
	enum gadget_category category;
	struct gadget_prog *progs;
	unsigned int nr_progs;
	struct gadget_map *maps;
	unsigned int nr_maps;
	struct gadget_param *params;
	unsigned int nr_params;
	/* Shortcuts into maps/progs (not owned): the print_ map and its types. */
	struct gadget_map *print_map;
	struct gadget_type *event;	/* tracer event, topper value, snapshot output */
	struct gadget_type *key;	/* topper key */
};

void gadget_info_free(struct gadget_info *info);
void gadget_type_free(struct gadget_type *type);
/*
 * The map the runtime reads (NULL: none), and the event it decodes: that
 * map's value (a topper: and key), else the first iterator's output type.
 */
void gadget_info_set_print_map(struct gadget_info *info, struct gadget_map *print);
/* An array of integers (not an address, not a string): a list param, "80,443". */
bool gadget_field_is_list(const struct gadget_field *f);
/* Free what a field owns (its name, type name, enum values) and zero it. */
void gadget_field_release(struct gadget_field *f);
const char *gadget_category_name(enum gadget_category c);
int gadget_category_from_name(const char *name);	/* -EINVAL if unknown */
const char *field_kind_name(enum field_kind k);
int field_kind_from_name(const char *name);		/* -EINVAL if unknown */
const char *field_special_name(enum field_special s);

/* One serialisation (info/gadget_info_json.c): the "gadget" object of config.json. */
json_t *gadget_info_to_json(const struct gadget_info *info);
int gadget_info_from_json(const json_t *json, struct gadget_info **out, struct gadget_err *err);

#endif
