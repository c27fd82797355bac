// SPDX-License-Identifier: Apache-2.0
#include "base/text.h"

const char *text_printable(const char *s, bool multiline, char *out, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return out;
	for (; s && *s && n + 1 < cap; s++)
		out[n++] = text_safe_char(*s, multiline);
	out[n] = '\0';
	return out;
}
