// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "base/err.h"
#include "runtime/loadlog.h"

/* its tail must fit in a gadget_err message (GADGET_ERR_MSG_MAX) with the text before it */
static char libbpf_log[3584];
static size_t libbpf_log_len;
static bool libbpf_verbose;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *all, *line;
	int n;

	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	/* one message holds a whole verifier log: its end says why */
	n = vasprintf(&all, fmt, ap);
	if (n < 0)
		return 0;
	if (libbpf_verbose)
		fputs(all, stderr);
	line = all;
	if ((size_t)n >= sizeof(libbpf_log)) {
		line += n - (sizeof(libbpf_log) - 1);
		n = sizeof(libbpf_log) - 1;
	}
	if (n > 0 && level != LIBBPF_DEBUG) {
		if (libbpf_log_len + n >= sizeof(libbpf_log)) {
			size_t drop = libbpf_log_len + n - sizeof(libbpf_log) + 1;

			if (drop > libbpf_log_len)
				drop = libbpf_log_len;
			memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
			libbpf_log_len -= drop;
		}
		memcpy(libbpf_log + libbpf_log_len, line, n);
		libbpf_log_len += n;
		libbpf_log[libbpf_log_len] = 0;
	}
	free(all);
	return 0;
}

const char *loadlog_tail(void)
{
	size_t keep = GADGET_ERR_MSG_MAX - 256;
	const char *p, *nl;

	if (libbpf_log_len <= keep)
		return libbpf_log;
	p = libbpf_log + libbpf_log_len - keep;
	nl = strchr(p, '\n');
	return nl ? nl + 1 : p;
}

void loadlog_start(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_log_len = 0;
	libbpf_log[0] = 0;
	libbpf_set_print(capture_print);
}

int loadlog_rejected_prog(char *buf, size_t len)
{
	/* libbpf 1.x ends a rejected program with "prog 'NAME': failed to load: -13" */
	static const char tail[] = "': failed to load";
	const char *end = NULL, *p = libbpf_log, *start;

	while ((p = strstr(p, tail)))
		end = p++;
	if (!end || !strstr(libbpf_log, "PROG LOAD LOG"))
		return -ENOENT;
	for (start = end; start > libbpf_log && strncmp(start, "prog '", 6); start--)
		;
	if (strncmp(start, "prog '", 6))
		return -ENOENT;
	start += 6;
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	return 0;
}
