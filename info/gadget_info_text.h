/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_GADGET_INFO_TEXT_H
#define GADGET_INFO_GADGET_INFO_TEXT_H

/*
 * gadget_info for people: the one renderer of the analysis as text, with a
 * view per command that shows it (the JSON form is gadget_info_json.c).  A
 * view is data (gadget_info_text.c): which tables, which columns, in which
 * layout; the tables are printed by one code path.
 */
#include <stdio.h>

#include "info/gadget_info.h"

enum gadget_info_view {
	GADGET_INFO_VIEW_FULL,		/* gadget validate: every table, with column titles */
	GADGET_INFO_VIEW_BRIEF,		/* gadget inspect: what an image carries, in brief */
	GADGET_INFO_VIEW_PARAMS,	/* gadget run X --help: the parameters and their values */
};

void gadget_info_print(const struct gadget_info *info, enum gadget_info_view view, FILE *f);

#endif
