/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_KERNEL_ENUM_H
#define __GADGET_KERNEL_ENUM_H

/*
 * Kernel enums printed with the running kernel's names (enum_convert for
 * enums the kernel defines).  The values of enums like skb_drop_reason move
 * from one kernel version to the next, so the names compiled into the gadget
 * from its vmlinux.h may be wrong on the kernel it runs on:
 *
 *   GADGET_KERNEL_ENUM(skb_drop_reason);
 *   struct event { gadget_kernel_enum_skb_drop_reason reason; ... };
 *
 * The runtime looks "enum skb_drop_reason" up in /sys/kernel/btf/vmlinux and
 * prints each value with the name that kernel gives it
 * ("SKB_DROP_REASON_NO_SOCKET"); where the kernel has no such enum, the
 * names compiled in from vmlinux.h are used.  The enum must be named (an
 * anonymous kernel enum like the TCP states cannot be looked up: declare
 * your own, see <gadget/tcp.h>).
 */
#define GADGET_KERNEL_ENUM(name) typedef enum name gadget_kernel_enum_##name

#endif
