/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_TYPES_H
#define __GADGET_TYPES_H

#include "gadget/builtins.h"

/*
 * Types the gadget runtime recognises by their BTF name and prints in a
 * human form, whatever gadget uses them.  Use them as members of an event,
 * key or value struct:
 *
 *   gadget_mntns_id     u64, mount namespace inode: enriched with the
 *                        container it belongs to, filterable with --mntns
 *   gadget_timestamp    u64, ns from bpf_ktime_get_boot_ns(): printed as
 *                        wall-clock time
 *   gadget_duration     u64, ns: printed as "1.234ms" (in JSON: the
 *                        number of ns)
 *   gadget_pid          u32 pid: enriched like a mount-ns id when the
 *                        event has no gadget_mntns_id
 *   gadget_comm         char[16]
 *   gadget_uid          u32 user id: a column with the user's name from
 *                        the host's /etc/passwd is added ("user"; for a
 *                        member "<x>_raw", "<x>"), "uid:N" when unknown
 *   gadget_gid          u32 group id: the same from /etc/group ("group")
 *   gadget_ifindex      u32 interface index: printed as its name ("lo")
 *   gadget_errno        s32, 0 or an errno (either sign): "ENOENT"
 *   gadget_signal       u32 signal number: "SIGTERM"
 *   gadget_syscall      u32 syscall number (x86_64): "openat"
 *   gadget_dns_name     char[256] holding a DNS label sequence
 *                        ("\3www\7example\3com\0"): printed "www.example.com"
 *   struct gadget_l3endpoint_t  IPv4/IPv6 address: "10.0.0.1", "::1";
 *                        IPv4-mapped IPv6 is printed as IPv4
 *   struct gadget_l4endpoint_t  address + port + protocol: "10.0.0.1:80"
 *   gadget_kernel_stack s32 stack id from gadget_get_kernel_stack()
 *   gadget_user_stack   s32 stack id from gadget_get_user_stack(): printed
 *                        as the symbolised frames, innermost first,
 *                        "f1;f2;f3" (a JSON array in -o json); see
 *                        gadget/stacks.h
 *
 * Enums are printed by name; an enum type whose name ends in "_flags" is a
 * bit set, printed "A|B" (unknown bits in hex).  Enums need not exist in
 * kernel BTF: declare your own (but not under a name vmlinux.h already
 * uses, such as enum mount_flags).  A constant named "<enum name>__NAME" is
 * printed, set and filtered as NAME (enum_convert for protocol names that
 * would clash as C identifiers):
 *
 *   enum dns_rcode { dns_rcode__NoError = 0, dns_rcode__NXDomain = 3 };
 *
 * gadget_duration is printed "1.234ms" in columns, a number of ns in JSON.
 * clang 14 emits 32-bit enum values only (BTF_KIND_ENUM64 came with
 * LLVM 15): a bit set wider than 32 bits needs two fields.
 */

/*
 * Inspektor Gadget's API (their include/gadget/types.h, v0.5x) names some of
 * these types differently: gadget_comm is a char (declared "gadget_comm
 * comm[16]"), gadget_syscall a __u64, gadget_user_stack a struct, and the
 * endpoints' address member is addr_raw.  Their headers that only they have
 * (gadget/buffer.h, common.h, mntns.h, mntns_filter.h, ...) define
 * GADGET_IG_API before they include this one, as does -DGADGET_IG_API:
 * then the types are theirs, else ours.  The decoder handles both (a char
 * typedef array is a string, a syscall number of 4 or 8 bytes is named).
 */
#ifdef GADGET_IG_API
#define __GADGET_TYPES_IG 1
#else
#define __GADGET_TYPES_NATIVE 1
#endif

typedef __u64 gadget_mntns_id;
typedef __u64 gadget_timestamp;
typedef __u64 gadget_duration;
typedef __u32 gadget_pid;
typedef __u32 gadget_uid;
typedef __u32 gadget_gid;
typedef __u32 gadget_ifindex;
typedef __u32 gadget_signal;
typedef __s32 gadget_kernel_stack;

#define GADGET_DNS_NAME_LEN 256
typedef char gadget_dns_name[GADGET_DNS_NAME_LEN];

#define GADGET_IP_V4 4
#define GADGET_IP_V6 6

union gadget_ip_addr_t {
	__u8 v6[16];
	__u32 v4;		/* network byte order */
};

#ifndef GADGET_IG_API
typedef char gadget_comm[16];
typedef __s32 gadget_errno;
typedef __u32 gadget_syscall;
typedef __s32 gadget_user_stack;

struct gadget_l3endpoint_t {
	union gadget_ip_addr_t addr;
	__u8 version;		/* GADGET_IP_V4 or GADGET_IP_V6, 0: unset */
	__u8 __pad[3];
};

struct gadget_l4endpoint_t {
	union gadget_ip_addr_t addr;
	__u16 port;		/* host byte order */
	__u16 proto;		/* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u8 version;
	__u8 __pad[3];
};
#else
/* The same layouts under IG's member names. */
struct gadget_l3endpoint_t {
	union gadget_ip_addr_t addr_raw;
	__u8 version;
};

struct gadget_l4endpoint_t {
	union gadget_ip_addr_t addr_raw;
	__u16 port;		/* host byte order */
	union {			/* IPPROTO_*: "proto" in older IG releases, then proto_raw */
		__u16 proto_raw;
		__u16 proto;
	};
	__u8 version;
};

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

typedef char gadget_comm;	/* gadget_comm comm[TASK_COMM_LEN]: printed as a string */
typedef char gadget_pcomm;
typedef __u32 gadget_errno;
typedef __u64 gadget_syscall;
typedef __u32 gadget_netns_id;
typedef __u32 gadget_ppid;
typedef __u32 gadget_tid;
typedef __u64 gadget_bytes;
typedef __u32 gadget_file_flags;	/* a struct file's f_flags (O_*) */
typedef __u32 gadget_file_mode;		/* an inode's i_mode */

/* Metrics value types: a member of a GADGET_MAPITER value. */
typedef __u32 gadget_counter__u32;
typedef __u64 gadget_counter__u64;
typedef __u32 gadget_gauge__u32;
typedef __u64 gadget_gauge__u64;
typedef __u32 gadget_histogram_slot__u32;
typedef __u64 gadget_histogram_slot__u64;

/*
 * Filled by gadget_get_user_stack() (gadget/user_stack_map.h); a member of
 * this type prints as the symbolised stack, like our gadget_user_stack.
 */
struct gadget_user_stack {
	__u64 exe_inode;
	__u64 mtime_sec;
	__u32 mtime_nsec;
	__u32 stack_id;		/* into the gadget_stacks map */
	__u32 pid_level0;	/* whose stack; 0: none was taken */
	__u32 pidns_level0;
	__u32 pid_level1;
	__u32 pidns_level1;
};
/* where the runtime reads them (info/special_types.h) */
_Static_assert(__builtin_offsetof(struct gadget_user_stack, stack_id) == 20, "stack_id offset");
_Static_assert(__builtin_offsetof(struct gadget_user_stack, pid_level0) == 24, "pid_level0 offset");

/* What gadget_process_populate() (gadget/common.h) fills in: printed as
 * proc.comm, proc.pid, proc.tid, proc.mntns_id, proc.creds.uid,
 * proc.parent.comm, proc.parent.pid. */
struct gadget_creds {
	gadget_uid uid;
	gadget_gid gid;
};

struct gadget_parent {
	gadget_pcomm comm[TASK_COMM_LEN];
	gadget_ppid pid;
};

struct gadget_process {
	gadget_comm comm[TASK_COMM_LEN];
	gadget_pid pid;
	gadget_tid tid;
	gadget_mntns_id mntns_id;
	struct gadget_creds creds;
	struct gadget_parent parent;
};
#endif

#endif
