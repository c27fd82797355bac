// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "info/libbpf_log.h"

static char *capture_buf;
static size_t capture_len;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(capture_buf);

	if (level != LIBBPF_DEBUG && n < capture_len - 1)
		vsnprintf(capture_buf + n, capture_len - n, fmt, ap);
	return 0;
}

libbpf_print_fn_t libbpf_log_capture(char *buf, size_t len)
{
	capture_buf = buf;
	capture_len = len;
	buf[0] = 0;
	return libbpf_set_print(capture_print);
}
