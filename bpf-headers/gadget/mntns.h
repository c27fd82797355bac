/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_MNTNS_H
#define __GADGET_MNTNS_H

/* Inspektor Gadget's gadget_get_mntns_id() and gadget_get_current_mntns_id():
 * the current task's mount namespace inode (ours, from gadget/mntns_filter.h). */
#include "gadget/ig_api.h"
#include "gadget/mntns_filter.h"

/* IG's later name for it (advise_seccomp) */
#define gadget_get_current_mntns_id() gadget_get_mntns_id()

#endif
