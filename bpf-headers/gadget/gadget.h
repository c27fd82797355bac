/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_GADGET_H
#define __GADGET_GADGET_H

/* Everything a gadget usually needs: include after vmlinux.h. */
#include "gadget/types.h"
#include "gadget/macros.h"
#include "gadget/filter.h"
#include "gadget/file.h"

#endif
