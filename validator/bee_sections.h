/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_BEE_SECTIONS_H
#define GADGET_VALIDATOR_BEE_SECTIONS_H

#include <stdbool.h>

/* What a map declaration ending at a "} name SEC(...)" line says. */
struct bee_map_decl {
	char name[64];		/* the map's variable */
	char value[64];		/* __type(value, struct <value>) or (value, <type>); "" if none */
	bool stream;		/* a ring buffer or perf event array */
	bool table;		/* a hash or array */
};

/*
 * Reads the map declared at 1-based line of a source's text: its name from
 * that line, its type and value from the lines above, back to the
 * "struct {" the declaration opens with.  Pure, so the unit tests and a
 * fuzzer reach it.  -ENOENT if that line declares no map so.
 */
int bee_map_decl_parse(const char *text, unsigned int line, struct bee_map_decl *d);

#endif
