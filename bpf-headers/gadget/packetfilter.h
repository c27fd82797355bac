/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_PACKETFILTER_H
#define __GADGET_PACKETFILTER_H

/*
 * Inspektor Gadget's packet filter runs a pcap expression that IG compiles
 * to cBPF and injects into the object at load time.  There is no pcap
 * compiler in our runtime: refused at build time rather than a filter
 * that silently lets everything through.
 */
#error "<gadget/packetfilter.h> (Inspektor Gadget's pcap filter) is not supported by gadget: filter in the program, or with -F on the decoded fields"

#endif
