/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_TCP_H
#define __GADGET_TCP_H

/*
 * TCP states and header flags as enums the runtime prints by name.  The
 * kernel's own TCP_ESTABLISHED... enum is anonymous, so kernel BTF cannot
 * name it (see <gadget/kernel_enum.h>); the values are the kernel's, stable
 * since they are part of the uAPI (/proc/net/tcp, inet_diag).
 *
 *   enum gadget_tcp_state state;     "ESTABLISHED"
 *   enum gadget_tcp_flags flags;     "SYN|ACK" (a *_flags enum: a bit set)
 */
enum gadget_tcp_state {
	ESTABLISHED = 1,
	SYN_SENT = 2,
	SYN_RECV = 3,
	FIN_WAIT1 = 4,
	FIN_WAIT2 = 5,
	TIME_WAIT = 6,
	CLOSE = 7,
	CLOSE_WAIT = 8,
	LAST_ACK = 9,
	LISTEN = 10,
	CLOSING = 11,
	NEW_SYN_RECV = 12,
	BOUND_INACTIVE = 13,
};

/* the flags byte of the TCP header (RFC 9293 3.1, RFC 3168 for ECE/CWR) */
enum gadget_tcp_flags {
	FIN = 0x01,
	SYN = 0x02,
	RST = 0x04,
	PSH = 0x08,
	ACK = 0x10,
	URG = 0x20,
	ECE = 0x40,
	CWR = 0x80,
};

#endif
