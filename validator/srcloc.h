/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_SRCLOC_H
#define GADGET_VALIDATOR_SRCLOC_H

/*
 * Source locations the object does not carry: BTF line info covers
 * instructions only, so a map, a type or a SEC() annotation is found in
 * the source file named by the line info.
 */
#include <stdbool.h>
#include <stddef.h>

/*
 * Line and column (1-based) of needle in the file at path, searching lines
 * from..upto (upto 0: to the end).  last: the last occurrence (the SEC()
 * above a function's first instruction), else the first.  An identifier
 * at either end of needle only matches as a whole word.  -ENOENT if not
 * found or the file cannot be read.
 */
int srcloc_find(const char *path, const char *needle, unsigned int from, unsigned int upto,
		bool last, unsigned int *line, unsigned int *col);

/*
 * A source path as the user knows it: relative paths joined to src_dir
 * (may be NULL), absolute paths under the current directory made relative
 * to it, like compilers print them.
 */
void srcloc_display_path(const char *file, const char *src_dir, char *buf, size_t len);

#endif
