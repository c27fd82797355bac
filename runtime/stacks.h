/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_STACKS_H
#define GADGET_RUNTIME_STACKS_H

/*
 * Stack columns: a gadget_kernel_stack / gadget_user_stack member holds an
 * id into the gadget's "gadget_stacks" map (bpf-headers/gadget/stacks.h);
 * its column prints the frames, symbolised (runtime/symbolizer.h), innermost
 * first: "f1;f2;main" in text, ["f1","f2","main"] in JSON.  User addresses
 * are those of the record's gadget_pid member.
 */
#include "base/err.h"
#include "runtime/schema.h"

struct bpf_object;
struct stacks;

/*
 * Give every stack column of s its formatter, reading obj's gadget_stacks
 * map.  *out stays NULL when s has no stack column; an error when it has one
 * but obj has no such map.
 */
int stacks_attach(struct schema *s, struct bpf_object *obj, struct stacks **out,
		  struct gadget_err *err);
void stacks_free(struct stacks *st);

#endif
