/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_MAPS_FOLD_H
#define GADGET_VALIDATOR_MAPS_FOLD_H

/*
 * bumblebee's map sections: a bee program declares each map in
 * SEC(".maps.<role>") (".maps.print", ".maps.counter", ".maps.gauge"), and
 * bee's loader (cilium/ebpf) reads the role from the section.  libbpf reads
 * maps from ".maps" alone and cannot open such an object.  maps_fold()
 * makes the object libbpf's, in memory, before the validator and the
 * runtime open it: the maps of every ".maps.<role>" section are appended to
 * ".maps" (which is made if there is none), with their symbols and their
 * .BTF DATASEC entries, and the role of each map is kept for the validator.
 * The image keeps the object as clang wrote it.
 */
#include <stddef.h>

#include "base/err.h"

struct folded_map {
	char *name;		/* the map's variable */
	char *section;		/* the section it was declared in: ".maps.print" */
};

struct maps_fold {
	void *obj;		/* the folded object (malloc'ed), NULL if it had no such section */
	size_t len;
	struct folded_map *maps;
	unsigned int nr_maps;
};

/*
 * Fold obj's ".maps.<role>" sections into ".maps".  0 with out->obj NULL
 * when there is none, or when obj is not an object this can read (the
 * validator's ELF reader says why); -ENOEXEC with a message for what
 * cannot be folded (maps of maps initialised in such a section, broken
 * symbols or BTF).
 */
int maps_fold(const void *obj, size_t len, struct maps_fold *out, struct gadget_err *err);
void maps_fold_free(struct maps_fold *f);
/* The section map was declared in if it was folded, else NULL. */
const char *maps_fold_section(const struct maps_fold *f, const char *map);

#endif
