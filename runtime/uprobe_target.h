/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_UPROBE_TARGET_H
#define GADGET_RUNTIME_UPROBE_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A uprobe's section as libbpf reads it, "uprobe/BINARY:FUNC[+OFF]" (also
 * uretprobe, uprobe.s, uretprobe.s), and Inspektor Gadget's shorthand for
 * BINARY: a bare library name ("uprobe/libc:malloc"), which IG's runtime
 * resolves to the library each traced process has mapped.  Pure functions
 * over text, so that a unit test reaches them.
 */
struct uprobe_section {
	bool retprobe;
	char binary[PATH_MAX];
	char func[128];
	unsigned long offset;
};

/* 0, or -EINVAL for a section that names no binary and function. */
int uprobe_section_parse(const char *sec, struct uprobe_section *out);

/* Is binary IG's library shorthand: no '/' and no ".so" in it? */
bool uprobe_binary_is_shorthand(const char *binary);

/*
 * The file of /proc/PID/maps text (maps) whose name is lib, followed by
 * ".so" or "-" ("libc" -> /usr/lib/x86_64-linux-gnu/libc.so.6), into path.
 * 0, -ENOENT if none is mapped, -ENAMETOOLONG.
 */
int uprobe_library_in_maps(const char *lib, const char *maps, char *path, size_t len);

#endif
