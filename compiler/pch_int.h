/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_PCH_INT_H
#define GADGET_COMPILER_PCH_INT_H

/* Between pch.c (making, finding) and pch_source.c (which sources fit). */
#define PCH_NR_COVERED 5

/* The headers the PCH covers, as a source includes them; vmlinux.h first. */
extern const char *const pch_covered[PCH_NR_COVERED];

#endif
