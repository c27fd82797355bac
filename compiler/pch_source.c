// SPDX-License-Identifier: Apache-2.0
/*
 * Which sources may use the precompiled header (rules: pch.h): a look at
 * the source's preprocessor lines only, comments and literals skipped, so
 * deciding costs microseconds and never runs clang.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "compiler/pch.h"
#include "compiler/pch_int.h"

const char *const pch_covered[PCH_NR_COVERED] = {
	"vmlinux.h",
	"bpf/bpf_helpers.h",
	"bpf/bpf_endian.h",
	"bpf/bpf_core_read.h",
	"bpf/bpf_tracing.h",
};

static bool is_covered(const char *name)
{
	for (size_t i = 0; i < PCH_NR_COVERED; i++)
		if (!strcmp(pch_covered[i], name))
			return true;
	return false;
}

struct scan {
	const char *p, *end;
	unsigned int line;
	bool bol;		/* nothing but blanks and comments since the last newline */
};

/* Skip blanks and comments (which are blanks to the preprocessor); newlines only if asked. */
static void skip_blanks(struct scan *s, bool newlines)
{
	while (s->p < s->end) {
		const char *p = s->p;

		if (*p == '\n' && newlines) {
			s->line++;
			s->bol = true;
			s->p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v') {
			s->p++;
		} else if (p[0] == '\\' && p[1] == '\n') {
			s->line++;
			s->p += 2;
		} else if (p[0] == '/' && p[1] == '*') {
			for (s->p += 2; s->p < s->end && !(s->p[0] == '*' && s->p[1] == '/'); s->p++)
				s->line += *s->p == '\n';
			s->p = s->p < s->end ? s->p + 2 : s->end;
		} else if (p[0] == '/' && p[1] == '/') {
			while (s->p < s->end && *s->p != '\n')
				s->p++;
		} else {
			return;
		}
	}
}

/* The rest of a logical line (continuations and comments included). */
static void skip_line(struct scan *s)
{
	while (s->p < s->end && *s->p != '\n') {
		const char *before = s->p;

		skip_blanks(s, false);
		if (s->p == before)
			s->p++;
	}
}

/* A string or character literal, so a '#' or quote inside one is not taken for code. */
static void skip_literal(struct scan *s)
{
	char q = *s->p++;

	while (s->p < s->end && *s->p != q && *s->p != '\n')
		s->p += s->p[0] == '\\' && s->p[1] ? 2 : 1;
	if (s->p < s->end && *s->p == q)
		s->p++;
}

struct directive {
	char word[16];		/* "include", "define", ... */
	char name[PATH_MAX];	/* an #include's header */
	bool quoted;		/* "name" rather than <name> */
	unsigned int line;
};

/* At '#': read the directive and move past its line. */
static void read_directive(struct scan *s, struct directive *d)
{
	size_t n = 0;

	memset(d, 0, sizeof(*d));
	d->line = s->line;
	s->p++;
	skip_blanks(s, false);
	while (s->p < s->end && n + 1 < sizeof(d->word) &&
	       ((*s->p >= 'a' && *s->p <= 'z') || *s->p == '_'))
		d->word[n++] = *s->p++;
	if (!strcmp(d->word, "include")) {
		skip_blanks(s, false);
		if (s->p < s->end && (*s->p == '"' || *s->p == '<')) {
			char close = *s->p == '"' ? '"' : '>';
			const char *e = memchr(s->p + 1, close, s->end - s->p - 1);
			const char *nl = memchr(s->p + 1, '\n', s->end - s->p - 1);

			if (e && (!nl || e < nl) && (size_t)(e - s->p - 1) < sizeof(d->name)) {
				d->quoted = close == '"';
				memcpy(d->name, s->p + 1, e - s->p - 1);
				s->p = e + 1;
			}
		}
	}
	skip_line(s);
}

static void __attribute__((format(printf, 5, 6)))
say(char *why, size_t len, const char *src, unsigned int line, const char *fmt, ...)
{
	char msg[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(why, len, "%s:%u: %s", src, line, msg);
}

/* "name" is looked up in the source's own folder first: there, it is not the PCH's. */
static bool shadowed(const char *dir, const char *src, const char *name)
{
	char path[PATH_MAX * 2];
	const char *slash = strrchr(src, '/');

	snprintf(path, sizeof(path), "%s/%.*s%s", dir, slash ? (int)(slash - src + 1) : 0, src, name);
	return access(path, F_OK) == 0;
}

/* The first lines: #includes of covered headers, vmlinux.h first. */
static bool leading_includes_fit(struct scan *s, const char *dir, const char *src, char *why,
				 size_t len)
{
	bool seen_vmlinux = false;
	struct directive d;

	for (;;) {
		skip_blanks(s, true);
		if (s->p >= s->end || *s->p != '#')
			break;
		read_directive(s, &d);
		if (strcmp(d.word, "include") || !is_covered(d.name)) {
			if (seen_vmlinux)
				return true;
			if (!strcmp(d.word, "include") && d.name[0])
				say(why, len, src, d.line, "includes %c%s%c before vmlinux.h",
				    d.quoted ? '"' : '<', d.name, d.quoted ? '"' : '>');
			else
				say(why, len, src, d.line, "#%s comes before the include of vmlinux.h",
				    d.word);
			return false;
		}
		if (!seen_vmlinux && strcmp(d.name, "vmlinux.h")) {
			say(why, len, src, d.line, "includes <%s> before vmlinux.h", d.name);
			return false;
		}
		if (d.quoted && shadowed(dir, src, d.name)) {
			say(why, len, src, d.line, "\"%s\" is found in the source's own folder, not the "
			    "one the PCH covers", d.name);
			return false;
		}
		seen_vmlinux = true;
	}
	if (!seen_vmlinux)
		say(why, len, src, s->line, "%s", s->p >= s->end ? "no #include of vmlinux.h" :
		    "code comes before the include of vmlinux.h");
	return seen_vmlinux;
}

/* After the first lines: a covered header included again by the source itself. */
static bool later_includes_fit(struct scan *s, const char *src, char *why, size_t len)
{
	struct directive d;

	s->bol = true;
	while (s->p < s->end) {
		skip_blanks(s, true);
		if (s->p >= s->end)
			break;
		if (*s->p == '#' && s->bol) {
			read_directive(s, &d);
			if (!strcmp(d.word, "include") && is_covered(d.name)) {
				say(why, len, src, d.line, "includes <%s> after other code (the PCH "
				    "would include it before that code)", d.name);
				return false;
			}
			continue;
		}
		s->bol = false;
		if (*s->p == '"' || *s->p == '\'')
			skip_literal(s);
		else
			s->p++;
	}
	return true;
}

bool pch_source_fits(const char *dir, const char *src, char *why, size_t len)
{
	char path[PATH_MAX * 2];
	struct scan s;
	size_t n;
	void *buf;
	bool fits;

	snprintf(path, sizeof(path), "%s/%s", dir, src);
	if (file_read_all(path, &buf, &n)) {
		snprintf(why, len, "%s: cannot be read", src);
		return false;
	}
	s = (struct scan){ .p = buf, .end = (const char *)buf + n, .line = 1, .bol = true };
	fits = leading_includes_fit(&s, dir, src, why, len) && later_includes_fit(&s, src, why, len);
	free(buf);
	return fits;
}

bool pch_cflags_fit(char *const *cflags, unsigned int n, char *why, size_t len)
{
	/* Each would put something before the PCH's headers that is not in it. */
	static const char *const unsound[] = { "-include", "-imacros", "-x", "--include" };

	for (unsigned int i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(unsound) / sizeof(unsound[0]); k++)
			if (!strncmp(cflags[i], unsound[k], strlen(unsound[k]))) {
				snprintf(why, len, "cflags has %s", cflags[i]);
				return false;
			}
	return true;
}
