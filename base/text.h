/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_TEXT_H
#define GADGET_BASE_TEXT_H

/*
 * Foreign text on a terminal.  Names, sections, annotations, descriptions
 * and messages come from objects, images and registries nobody here wrote;
 * an escape sequence in one must not drive the terminal.  One rule for
 * every printer, event columns included (runtime/format.c): printable
 * ASCII passes, every other byte becomes '?'; multiline text keeps '\n'
 * and '\t'.
 */
#include <stdbool.h>
#include <stddef.h>

static inline char text_safe_char(char c, bool multiline)
{
	unsigned char u = (unsigned char)c;

	return (u >= 0x20 && u < 0x7f) || (multiline && (u == '\n' || u == '\t')) ? c : '?';
}

/* s made safe into out (cap bytes, always NUL-terminated; "" for NULL); returns out. */
const char *text_printable(const char *s, bool multiline, char *out, size_t cap);

#endif
