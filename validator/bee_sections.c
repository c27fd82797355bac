// SPDX-License-Identifier: Apache-2.0
/*
 * bumblebee's map sections (SEC(".maps.print"), ".maps.counter", ...): its
 * loader (cilium/ebpf) reads the role from the section; libbpf takes only
 * ".maps" and fails to open the object ("Relocation failed").  Say what to
 * write instead, at the section's line: for a print map, the one marker
 * line that gives it its role under its own name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/str.h"
#include "validator/analysis.h"
#include "validator/bee_sections.h"

#define IDENT_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* The identifier ending just before end (blanks skipped) into out. */
static bool ident_before(const char *start, const char *end, char *out, size_t len)
{
	const char *p;

	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (p = end; p > start && strchr(IDENT_CHARS, p[-1]); p--)
		;
	if (p == end || (size_t)(end - p) >= len)
		return false;
	memcpy(out, p, end - p);
	out[end - p] = 0;
	return true;
}

static const char *find_in(const char *from, const char *to, const char *needle)
{
	return memmem(from, to - from, needle, strlen(needle));
}

int bee_map_decl_parse(const char *text, unsigned int line, struct bee_map_decl *d)
{
	const char *decl = text, *eol, *sec, *open = NULL, *v;

	memset(d, 0, sizeof(*d));
	for (; decl && line > 1; line--) {
		decl = strchr(decl, '\n');
		if (decl)
			decl++;
	}
	if (!decl || !line)
		return -ENOENT;
	eol = decl + strcspn(decl, "\n");
	sec = find_in(decl, eol, "SEC(");
	if (!sec || !ident_before(decl, sec, d->name, sizeof(d->name)))
		return -ENOENT;
	for (v = text; (v = find_in(v, decl, "struct {")); v++)
		open = v;
	if (!open)
		return -ENOENT;
	v = find_in(open, decl, "__type(value,");
	if (v) {
		v += strlen("__type(value,");
		v += strspn(v, " \t");
		if (!strncmp(v, "struct ", 7))
			v += 7;
		snprintf(d->value, sizeof(d->value), "%.*s", (int)strspn(v, IDENT_CHARS), v);
	}
	d->stream = find_in(open, decl, "BPF_MAP_TYPE_RINGBUF") ||
		    find_in(open, decl, "BPF_MAP_TYPE_PERF_EVENT_ARRAY");
	d->table = !d->stream && (find_in(open, decl, "BPF_MAP_TYPE_HASH") ||
				  find_in(open, decl, "BPF_MAP_TYPE_ARRAY") ||
				  find_in(open, decl, "BPF_MAP_TYPE_LRU_HASH"));
	return 0;
}

static bool bee_map_decl_read(const char *path, unsigned int line, struct bee_map_decl *d)
{
	size_t len;
	char *text;
	int ret;

	if (file_read_all(path, (void **)&text, &len))
		return false;
	ret = bee_map_decl_parse(text, line, d);
	free(text);
	return !ret;
}

int validator_refuse_maps_subsection(struct analysis *a, struct gadget_err *err)
{
	const char *sec = a->elf.maps_subsection, *role = sec + strlen(".maps.");
	char needle[300], path[PATH_MAX], where[PATH_MAX + 32] = "", fix[512] = "";
	const char *needles[] = { needle, NULL }, *file;
	struct bee_map_decl d;
	unsigned int line, col;
	int ret;

	snprintf(needle, sizeof(needle), "SEC(\"%s\")", sec);
	if (diag_find_decl(a, needles, &file, &line, &col)) {
		diag_src_path(a, str_has_prefix(file, "./") ? file + 2 : file, path, sizeof(path));
		snprintf(where, sizeof(where), "%s:%u:%u: error: ", path, line, col);
		if (!strcmp(role, "print") && bee_map_decl_read(path, line, &d)) {
			if (d.stream && d.value[0])
				snprintf(fix, sizeof(fix), " and add after it 'GADGET_TRACER(%s, %s, %s);' "
					 "(#include <gadget/macros.h>), or name it print_%s (a ring "
					 "buffer: a tracer of its value type)", d.name, d.name, d.value,
					 d.name);
			else if (d.table)
				snprintf(fix, sizeof(fix), " and add after it 'GADGET_MAPITER(%s, %s);' "
					 "(#include <gadget/macros.h>), or name it print_%s (a hash "
					 "map: a table read every interval)", d.name, d.name, d.name);
		}
	}
	if (fix[0])
		ret = gadget_err_set(err, ENOEXEC, "%smap section \"%s\" is bumblebee's (its loader "
				     "reads the map's role from the section; libbpf, which gadget loads "
				     "with, takes only \".maps\"): declare the map in SEC(\".maps\")%s",
				     where, sec, fix);
	else
		ret = gadget_err_set(err, ENOEXEC, "%smap section \"%s\" is bumblebee's (its loader "
				     "reads the map's role from the section; libbpf, which gadget loads "
				     "with, takes only \".maps\"): declare the map in SEC(\".maps\") and "
				     "name it %s_<name>%s", where, sec, role,
				     !strcmp(role, "print") ? " (a ring buffer: a tracer of its value type)" :
				     " with GADGET_COUNTER/GADGET_GAUGE (a hash map the program updates; "
				     "bee's counting of ring-buffer events by their fields is not done here)");
	if (err)
		err->located = where[0];
	return ret;
}
