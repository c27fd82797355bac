// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/uprobe_target.h"

/* libbpf's uprobe section names with a target (sec_def "uprobe+" and kin) */
static const struct {
	const char *prefix;
	bool retprobe;
} uprobe_prefixes[] = {
	{ "uprobe/", false },
	{ "uprobe.s/", false },
	{ "uretprobe/", true },
	{ "uretprobe.s/", true },
};

int uprobe_section_parse(const char *sec, struct uprobe_section *out)
{
	const char *spec = NULL, *colon, *plus;
	size_t n;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !spec && i < sizeof(uprobe_prefixes) / sizeof(uprobe_prefixes[0]); i++)
		if (!strncmp(sec, uprobe_prefixes[i].prefix, strlen(uprobe_prefixes[i].prefix))) {
			spec = sec + strlen(uprobe_prefixes[i].prefix);
			out->retprobe = uprobe_prefixes[i].retprobe;
		}
	/* the binary may hold ':' only in a path libbpf would not take either */
	if (!spec || !(colon = strrchr(spec, ':')) || colon == spec || !colon[1])
		return -EINVAL;
	n = colon - spec;
	if (n >= sizeof(out->binary))
		return -EINVAL;
	memcpy(out->binary, spec, n);
	plus = strchr(colon + 1, '+');
	n = plus ? (size_t)(plus - colon - 1) : strlen(colon + 1);
	if (!n || n >= sizeof(out->func))
		return -EINVAL;
	memcpy(out->func, colon + 1, n);
	if (plus) {
		char *end;

		errno = 0;
		out->offset = strtoul(plus + 1, &end, 0);
		if (errno || end == plus + 1 || *end)
			return -EINVAL;
	}
	return 0;
}

bool uprobe_binary_is_shorthand(const char *binary)
{
	return binary[0] && !strchr(binary, '/') && !strstr(binary, ".so");
}

int uprobe_library_in_maps(const char *lib, const char *maps, char *path, size_t len)
{
	size_t lib_len = strlen(lib);

	for (const char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t line_len = strcspn(line, "\n");
		const char *file = memchr(line, '/', line_len), *base;
		size_t file_len;

		if (!file)
			continue;
		file_len = line_len - (file - line);
		base = file;
		for (const char *p = file; p < file + file_len; p++)
			if (*p == '/')
				base = p + 1;
		if ((size_t)(file + file_len - base) <= lib_len || strncmp(base, lib, lib_len) ||
		    (strncmp(base + lib_len, ".so", 3) && base[lib_len] != '-'))
			continue;
		if (file_len >= len)
			return -ENAMETOOLONG;
		memcpy(path, file, file_len);
		path[file_len] = 0;
		return 0;
	}
	return -ENOENT;
}
