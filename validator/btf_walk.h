/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_BTF_WALK_H
#define GADGET_VALIDATOR_BTF_WALK_H

/*
 * The BTF walker: a BTF type (event, key, value, snapshot row, param) into
 * a flat struct gadget_type the decoder runs without touching BTF again.
 */
#include <bpf/btf.h>

#include "info/gadget_info.h"

/*
 * Walk type_id of btf.  On a member that cannot be decoded in user space
 * (pointer, function, flexible array) returns -EINVAL with err naming the
 * member ("struct event member 'ptr': pointer ...").
 */
int btf_walk_type(const struct btf *btf, __u32 type_id, struct gadget_type **out,
		  struct gadget_err *err);
/* The same; on error, member (may be NULL) receives the offending member's path. */
int btf_walk_type_member(const struct btf *btf, __u32 type_id, struct gadget_type **out,
			 char *member, size_t member_len, struct gadget_err *err);
/* One field for a scalar or array variable (a param). */
int btf_walk_field(const struct btf *btf, __u32 type_id, const char *name,
		   struct gadget_field *out, struct gadget_err *err);
/*
 * Check that every type id and name a BTF refers to exists.  libbpf 1.1
 * does not (1.3 added btf_validate_type()) and dereferences NULL on such
 * objects, so the validator runs this before handing it an object.
 */
int btf_walk_check_refs(const struct btf *btf, struct gadget_err *err);
/* A BTF string, "" where the offset is bad (objects are untrusted input). */
const char *btf_walk_name(const struct btf *btf, __u32 off);
/* "struct event", "__u32", "enum proto"... */
void btf_walk_c_name(const struct btf *btf, __u32 type_id, char *buf, size_t len);

#endif
