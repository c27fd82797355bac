// SPDX-License-Identifier: Apache-2.0
/* gadget init's templating (compiler/scaffold.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"
#include "compiler/compiler.h"
#include "compiler/scaffold.h"

#define TEMPLATE_NAME_VAR	"{{name}}"	/* in file contents */
#define TEMPLATE_NAME_FILE	"__name__"	/* in file names */

bool scaffold_name_valid(const char *s)
{
	if (!*s || strlen(s) > 64 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-")] == 0;
}

/* Every occurrence of from replaced by to; returns a new string. */
static char *str_replace_all(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = malloc(strlen(s) + n * nt + 1);
	if (!out)
		return NULL;
	for (o = out; (p = strstr(s, from)); s = p + nf) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, to, nt);
		o += nt;
	}
	strcpy(o, s);
	return out;
}

/* One template file into dst, with the name filled in. */
static int copy_one(const char *src, const char *dst, const char *fname, const char *name,
		    struct gadget_err *err)
{
	char from[PATH_MAX + 300], to[2 * PATH_MAX], *tname, *text;
	size_t len;
	void *buf;
	int ret;

	tname = str_replace_all(fname, TEMPLATE_NAME_FILE, name);
	if (!tname)
		return gadget_err_set(err, ENOMEM, "out of memory");
	snprintf(from, sizeof(from), "%s/%s", src, fname);
	snprintf(to, sizeof(to), "%s/%s", dst, tname);
	free(tname);
	ret = file_read_all(from, &buf, &len);
	if (ret)
		return gadget_err_set(err, -ret, "cannot read %s: %s", from, strerror(-ret));
	text = str_replace_all(buf, TEMPLATE_NAME_VAR, name);
	free(buf);
	if (!text)
		return gadget_err_set(err, ENOMEM, "out of memory");
	ret = file_write_atomic(to, text, strlen(text), err);
	free(text);
	return ret;
}

static int copy_template(const char *src, const char *dst, const char *name, struct gadget_err *err)
{
	struct dirent *de;
	DIR *d = opendir(src);
	int ret = 0;

	if (!d)
		return gadget_err_set(err, errno, "cannot read template %s: %s", src, strerror(errno));
	while (!ret && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ret = copy_one(src, dst, de->d_name, name, err);
	closedir(d);
	return ret;
}

static bool dir_empty(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

int scaffold_create(const char *type, const char *name, const char *dir, struct gadget_err *err)
{
	char tmpl[PATH_MAX], src[PATH_MAX + 32];
	struct stat st;
	int ret;

	if (!scaffold_name_valid(name))
		return gadget_err_set(err, EINVAL, "invalid name '%s': use lower-case letters, digits, "
				      "'_', '-', '.', starting with a letter or digit", name);
	ret = compiler_find_data("templates", tmpl, sizeof(tmpl), err);
	if (ret)
		return ret;
	snprintf(src, sizeof(src), "%s/%s", tmpl, type);
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !dir_empty(dir))
			return gadget_err_set(err, EEXIST, "%s already exists and is not an empty folder; "
					      "nothing written", dir);
	} else if ((ret = mkdir_parents(dir, 0755))) {
		return gadget_err_set(err, -ret, "cannot create %s: %s", dir, strerror(-ret));
	}
	return copy_template(src, dir, name, err);
}
