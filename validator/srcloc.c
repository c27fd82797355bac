// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "validator/srcloc.h"

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* needle at hit is not part of a longer identifier */
static bool whole_word(const char *line, const char *hit, const char *needle)
{
	size_t n = strlen(needle);

	if (is_ident(needle[0]) && hit > line && is_ident(hit[-1]))
		return false;
	return !(is_ident(needle[n - 1]) && is_ident(hit[n]));
}

int srcloc_find(const char *path, const char *needle, unsigned int from, unsigned int upto,
		bool last, unsigned int *line, unsigned int *col)
{
	char *buf = NULL;
	size_t cap = 0;
	unsigned int n = 0;
	bool found = false;
	FILE *f;

	if (!*needle)
		return -ENOENT;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (getline(&buf, &cap, f) > 0) {
		const char *hit = buf;

		if (++n < from)
			continue;
		if (upto && n > upto)
			break;
		while ((hit = strstr(hit, needle)) && !whole_word(buf, hit, needle))
			hit++;
		if (!hit)
			continue;
		*line = n;
		*col = hit - buf + 1;
		found = true;
		if (!last)
			break;
	}
	free(buf);
	fclose(f);
	return found ? 0 : -ENOENT;
}

void srcloc_display_path(const char *file, const char *src_dir, char *buf, size_t len)
{
	char cwd[PATH_MAX], joined[PATH_MAX];
	const char *p = file;
	size_t n;

	if (file[0] != '/' && src_dir) {
		snprintf(joined, sizeof(joined), "%s/%s", src_dir, file);
		p = joined;
	}
	if (p[0] == '/' && getcwd(cwd, sizeof(cwd))) {
		n = strlen(cwd);
		if (!strncmp(p, cwd, n) && p[n] == '/')
			p += n + 1;
	}
	snprintf(buf, len, "%s", p);
	/* "dir/./x.bpf.c" (clang given "./x.bpf.c") reads as "dir/x.bpf.c" */
	while ((p = strstr(buf, "/./")))
		memmove((char *)p, p + 2, strlen(p + 2) + 1);
	if (!strncmp(buf, "./", 2) && buf[2])
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
}
