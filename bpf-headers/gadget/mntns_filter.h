/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_MNTNS_FILTER_H
#define __GADGET_MNTNS_FILTER_H

/* Inspektor Gadget's container filter: gadget_should_discard_mntns_id()
 * and gadget_get_mntns_id(), ours from gadget/filter.h (without the
 * targ_* params, which only <gadget/filter.h> itself adds). */
#include "gadget/ig_api.h"
#define __GADGET_MNTNS_ONLY
#include "gadget/filter.h"
#undef __GADGET_MNTNS_ONLY

#endif
