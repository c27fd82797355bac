/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_ANALYSIS_H
#define GADGET_VALIDATOR_ANALYSIS_H

/*
 * Inside the validator: the state of one validator_analyze() run, shared by
 * the analysis (analyze.c), the checks (checks.c) and the diagnostics
 * helpers (diag.c).  Not for other stages.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "base/str.h"
#include "info/markers.h"
#include "validator/elf_scan.h"
#include "validator/maps_fold.h"
#include "validator/validator.h"

struct analysis {
	struct gadget_info *info;
	struct diag_list *diags;
	const struct validate_opts *opts;
	struct bpf_object *obj;
	const struct btf *btf;
	struct elf_scan elf;
	struct maps_fold fold;		/* bumblebee's map sections, folded into ".maps" */
	struct marker *markers;		/* IG's marker variables (validator/markers.c) */
	unsigned int nr_markers;
};

/* gadget_pf_<name> functions (<gadget/packetfilter.h>): a param each, and a note. */
int validator_packet_filters(struct analysis *a);

/* A diagnostic at file:line:col (file NULL: the object; line 0: no location). */
void diag_vadd(struct analysis *a, enum diag_level level, const char *file,
	       unsigned int line, unsigned int col, const char *fmt, va_list ap);
void diag_add(struct analysis *a, enum diag_level level, const char *file,
	      unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A diagnostic at the first of needles found in the program sources. */
void diag_at_decl(struct analysis *a, enum diag_level level, const char *const *needles,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool diag_find_decl(struct analysis *a, const char *const *needles, const char **file,
		    unsigned int *line, unsigned int *col);
/* A source file named by line info, as we can open it. */
void diag_src_path(struct analysis *a, const char *src, char *buf, size_t len);


/* Walk a type the runtime decodes; a located error diagnostic if it cannot be. */
int validator_walk_decoded(struct analysis *a, __u32 type_id, struct gadget_type **out);

/* bee_sections.c: the role a bumblebee map section gives its maps; an unknown one is an error. */
int validator_check_map_sections(struct analysis *a, struct gadget_err *err);
enum map_role validator_section_role(const struct analysis *a, const char *map);

/* markers.c */
int validator_read_markers(struct analysis *a);
enum map_role validator_marker_role(const struct analysis *a, const char *map);
void validator_apply_markers(struct analysis *a);
/* A ring buffer / perf array with no metadata: one error naming the line to add. */
bool validator_suggest_tracer(struct analysis *a);
/*
 * The struct a libbpf program most likely outputs (one of a size it passes
 * to an output helper, event-like names first), from names[max] it fills;
 * *size is that size when it matched, else 0.  NULL: no struct to name.
 */
const char *validator_likely_struct(struct analysis *a, __u32 *size, char names[][64],
				    unsigned int max);

/* checks.c */
void validator_check_name_len(struct analysis *a, const char *what, const char *name);
bool validator_license_is_gpl(const char *lic);
void validator_check_gpl_helpers(struct analysis *a, struct bpf_program *p, const char *file,
				 unsigned int line, unsigned int col);
void validator_check_outputs(struct analysis *a);
void validator_check_binary_rows(struct analysis *a);
const struct gadget_prog *validator_printk_prog(struct analysis *a);
void validator_check_metric_maps(struct analysis *a);
/* Members the runtime decodes: 64-bit enums, a lone gadget_comm. */
void validator_check_decoded_fields(struct analysis *a);

#endif
