/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_LAZYLIB_H
#define GADGET_BASE_LAZYLIB_H

/*
 * libcurl, libarchive, libmicrohttpd and libpcap are loaded on first use (base/lazylib.c
 * says why).  Their functions are called as usual; a library that cannot be
 * loaded makes them fail with their own failure values.
 */
#include "base/err.h"

enum lazy_lib {
	LAZY_CURL,
	LAZY_ARCHIVE,
	LAZY_MHD,
	LAZY_PCAP,
	LAZY__COUNT,
};

/* Load lib now: 0, or -ELIBACC with err naming the library and why it could not be loaded. */
int lazylib_load(enum lazy_lib lib, struct gadget_err *err);

#endif
