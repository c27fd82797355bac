/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Included first by every header that only Inspektor Gadget's API has
 * (buffer.h, common.h, mntns.h, mntns_filter.h, filesystem.h, ...): from
 * here on gadget/types.h gives IG's types (see there).  If our own
 * gadget/types.h came first, the types already have our shapes and an IG
 * gadget would build with the wrong layouts: say so instead.
 */
#ifndef __GADGET_IG_API_H
#define __GADGET_IG_API_H

#ifdef __GADGET_TYPES_NATIVE
#error "gadget/types.h (or gadget/gadget.h) was included before an Inspektor Gadget header: include <gadget/buffer.h>, <gadget/common.h> ... first (as IG's gadgets do), or build with -DGADGET_IG_API"
#endif
#ifndef GADGET_IG_API
#define GADGET_IG_API 1
#endif

#endif
