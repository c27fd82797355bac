/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_SPECIAL_TYPES_H
#define GADGET_INFO_SPECIAL_TYPES_H

/*
 * Special types: the types of bpf-headers/gadget/types.h that every stage
 * recognises by their BTF name and treats alike in every gadget.  One row
 * per type carries everything the stages need:
 *
 *   id     SPECIAL_<id>, its value in enum field_special
 *   btf    the BTF name the validator recognises (through typedefs and
 *          modifiers), also the field's type name in gadget metadata
 *   bkind  its BTF kind: TYPEDEF or STRUCT
 *   kind   the field kind of its value (enum field_kind)
 *   json   its name in gadget metadata ("special": "mntns_id"): images carry
 *          it, so it never changes
 *   width  column width in `gadget run` columns output (0: the kind's)
 *   min    the fewest bytes the decoder reads: metadata from an image config
 *          is not derived from BTF again, and a smaller field prints as hex
 *   flags  SPECIAL_F_* below
 *   text   the runtime's formatter for it (runtime/format.c, "fmt_<name>");
 *          fmt_kind: printed as its field kind
 *
 * Adding a special type is adding a row here (and its fmt_ function when it
 * prints in a way of its own), plus its typedef in bpf-headers/gadget/types.h.
 */

/* What a special type's value is (the flags column). */
#define SPECIAL_F_VALUE	(1u << 0)	/* a plain value: compared by value (filters,
					 * sorting) and bare in JSON, whatever its text */
#define SPECIAL_F_MNTNS	(1u << 1)	/* a mount namespace: the container enrichment key */
#define SPECIAL_F_PID	(1u << 2)	/* a process: the enrichment key without a mount ns */
#define SPECIAL_F_UID	(1u << 3)	/* a user id: named from the host's passwd */
#define SPECIAL_F_GID	(1u << 4)	/* a group id: named from the host's group file */

/* The layout of struct gadget_l3endpoint_t / gadget_l4endpoint_t (gadget/types.h). */
#define GADGET_EP_ADDR_LEN	16	/* IPv4 in the first 4 bytes, or IPv6; network order */
#define GADGET_L3EP_VERSION_OFF	16	/* __u8: GADGET_IP_V4, GADGET_IP_V6, 0 unset */
#define GADGET_L3EP_SIZE	20
#define GADGET_L4EP_PORT_OFF	16	/* __u16, host byte order */
#define GADGET_L4EP_VERSION_OFF	20
#define GADGET_L4EP_SIZE	24
#define GADGET_IP_V4		4
#define GADGET_IP_V6		6

/*
 * IG's struct gadget_user_stack (gadget/types.h, IG's API): the id of the
 * stack in gadget_stacks, and whose it is (0: no stack was taken).
 */
#define GADGET_IG_USTACK_ID_OFF		20	/* __u32 stack_id */
#define GADGET_IG_USTACK_PID_OFF	24	/* __u32 pid_level0 */

#include <stdbool.h>

/*	id		btf			bkind	kind		json		width	min	flags					text */
#define GADGET_SPECIAL_TYPES(X)											\
	X(NONE,		NULL,			UNKN,	FIELD_INT,	"none",		0,	0,	SPECIAL_F_VALUE,			fmt_kind)	\
	X(MNTNS_ID,	"gadget_mntns_id",	TYPEDEF, FIELD_UINT,	"mntns_id",	10,	0,	SPECIAL_F_VALUE | SPECIAL_F_MNTNS,	fmt_kind)	\
	X(TIMESTAMP,	"gadget_timestamp",	TYPEDEF, FIELD_UINT,	"timestamp",	12,	0,	0,					fmt_timestamp)	\
	X(DURATION,	"gadget_duration",	TYPEDEF, FIELD_UINT,	"duration",	10,	0,	SPECIAL_F_VALUE,			fmt_duration)	\
	X(L3ENDPOINT,	"gadget_l3endpoint_t",	STRUCT,	FIELD_BYTES,	"l3endpoint",	15,	GADGET_EP_ADDR_LEN, 0,			fmt_l3endpoint)	\
	X(L4ENDPOINT,	"gadget_l4endpoint_t",	STRUCT,	FIELD_BYTES,	"l4endpoint",	21,	GADGET_L4EP_PORT_OFF + 2, 0,		fmt_l4endpoint)	\
	X(IFINDEX,	"gadget_ifindex",	TYPEDEF, FIELD_UINT,	"ifindex",	8,	0,	0,					fmt_ifindex)	\
	X(DNS_NAME,	"gadget_dns_name",	TYPEDEF, FIELD_STRING,	"dns_name",	30,	0,	0,					fmt_dns_name)	\
	X(ERRNO,	"gadget_errno",		TYPEDEF, FIELD_INT,	"errno",	12,	0,	0,					fmt_errno)	\
	X(SIGNAL,	"gadget_signal",	TYPEDEF, FIELD_UINT,	"signal",	7,	0,	0,					fmt_signal)	\
	X(SYSCALL,	"gadget_syscall",	TYPEDEF, FIELD_UINT,	"syscall",	14,	0,	0,					fmt_syscall)	\
	X(FILE_FLAGS,	"gadget_file_flags",	TYPEDEF, FIELD_UINT,	"file_flags",	20,	0,	0,					fmt_file_flags)	\
	X(FILE_MODE,	"gadget_file_mode",	TYPEDEF, FIELD_UINT,	"file_mode",	10,	0,	0,					fmt_file_mode)	\
	X(PID,		"gadget_pid",		TYPEDEF, FIELD_UINT,	"pid",		7,	0,	SPECIAL_F_VALUE | SPECIAL_F_PID,	fmt_kind)	\
	X(COMM,		"gadget_comm",		TYPEDEF, FIELD_STRING,	"comm",		16,	0,	0,					fmt_kind)	\
	X(KERNEL_STACK,	"gadget_kernel_stack",	TYPEDEF, FIELD_INT,	"kernel_stack",	40,	0,	0,					fmt_kind)	\
	X(USER_STACK,	"gadget_user_stack",	TYPEDEF, FIELD_INT,	"user_stack",	40,	0,	0,					fmt_kind)	\
	X(UID,		"gadget_uid",		TYPEDEF, FIELD_UINT,	"uid",		0,	0,	SPECIAL_F_VALUE | SPECIAL_F_UID,	fmt_kind)	\
	X(GID,		"gadget_gid",		TYPEDEF, FIELD_UINT,	"gid",		0,	0,	SPECIAL_F_VALUE | SPECIAL_F_GID,	fmt_kind)	\
	/* bumblebee's solo_types.h (bpf-headers/solo_types.h) */										\
	X(IPV4_ADDR,	"ipv4_addr",		TYPEDEF, FIELD_UINT,	"ipv4_addr",	15,	4,	0,					fmt_ipv4_addr)	\
	X(IPV6_ADDR,	"ipv6_addr",		TYPEDEF, FIELD_BYTES,	"ipv6_addr",	39,	16,	0,					fmt_ipv6_addr)	\
	X(SOLO_DURATION, "duration",		TYPEDEF, FIELD_UINT,	"solo_duration", 10,	0,	SPECIAL_F_VALUE,			fmt_duration)	\
	/* Inspektor Gadget's struct gadget_user_stack (IG's API in gadget/types.h) */						\
	X(IG_USER_STACK, "gadget_user_stack",	STRUCT,	FIELD_BYTES,	"ig_user_stack", 40,	GADGET_IG_USTACK_PID_OFF + 4, 0,	fmt_kind)

#define SPECIAL_ENUM_ID(id, btf, bkind, kind, json, width, min, flags, text) SPECIAL_##id,
enum field_special {
	GADGET_SPECIAL_TYPES(SPECIAL_ENUM_ID)
	SPECIAL__COUNT
};
#undef SPECIAL_ENUM_ID

struct special_type {
	const char *btf_name;		/* NULL for SPECIAL_NONE */
	unsigned int btf_kind;		/* BTF_KIND_TYPEDEF or BTF_KIND_STRUCT */
	int kind;			/* enum field_kind */
	const char *name;
	unsigned int width;
	unsigned int min_size;
	unsigned int flags;
};

/* The row of s (SPECIAL_NONE's for a value out of range). */
const struct special_type *special_type(int s);
/* The special type of a BTF type name and kind, SPECIAL_NONE if it is none. */
int special_type_by_btf(const char *name, unsigned int btf_kind);
/* From the metadata name back; -EINVAL if unknown. */
int special_type_from_name(const char *name);
static inline bool special_type_has(int s, unsigned int flag)
{
	return special_type(s)->flags & flag;
}

#endif
