/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_SOLO_TYPES_H
#define __GADGET_SOLO_TYPES_H

/*
 * bumblebee's type names (its solo_types.h), our definitions: members of
 * these types print as what they are.
 *
 *   ipv4_addr   __u32, network byte order: "10.0.0.1"
 *   ipv6_addr   16 bytes: "::1" (an IPv4-mapped one as IPv4)
 *   duration    __u64 ns: "1.234ms" (JSON: the number of ns)
 *   instant     __u64, bpf_ktime_get_ns(): a plain number
 */
typedef __u32 ipv4_addr;
typedef __u8 ipv6_addr[16];
typedef __u64 duration;
typedef __u64 instant;

#endif
