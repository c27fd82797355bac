// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "base/human.h"

void human_size(double bytes, const char *sep, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	unsigned int u = 0;

	while (bytes >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s%s" : "%.0f%s%s", bytes, sep, units[u]);
}
