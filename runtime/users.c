// SPDX-License-Identifier: Apache-2.0
/* gadget_uid / gadget_gid -> names, from the host's passwd and group files. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/array.h"
#include "runtime/schema.h"
#include "runtime/users.h"

struct id_name {
	uint32_t id;
	unsigned int line;		/* the first of two entries for an id wins */
	char *name;
};

/* One file's names, sorted by id, and what the file looked like when read. */
struct id_table {
	char *path;
	struct id_name *v;
	size_t n;
	struct stat st;
};

struct users_col {
	const struct gadget_field *field;
	enum row_src src;
	bool group;
};

struct users {
	struct id_table tab[2];		/* [0] passwd, [1] group */
	double checked_at;
	struct users_col *cols;
	unsigned int nr_cols;
	char unknown[32];		/* "uid:4294967295" */
};

#define USERS_RECHECK_S 1.0
#define USERS_COLUMN_WIDTH 12

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void table_clear(struct id_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int id_cmp(const void *a, const void *b)
{
	const struct id_name *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int table_add(struct id_table *t, uint32_t id, const char *name)
{
	char *copy = strdup(name);

	if (!copy || array_grow(t->v, t->n)) {
		free(copy);
		return -ENOMEM;
	}
	t->v[t->n] = (struct id_name){ id, (unsigned int)t->n, copy };
	t->n++;
	return 0;
}

/* One entry of the file into id and name: 0, -ENOENT at the end, -ERANGE for a bigger buf. */
static int next_entry(FILE *f, bool group, char *buf, size_t len, uint32_t *id, const char **name)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	int ret;

	if (group) {
		ret = fgetgrent_r(f, &gr, buf, len, &grp);
		if (!ret && grp) {
			*id = gr.gr_gid;
			*name = gr.gr_name;
		}
	} else {
		ret = fgetpwent_r(f, &pw, buf, len, &pwp);
		if (!ret && pwp) {
			*id = pw.pw_uid;
			*name = pw.pw_name;
		}
	}
	if (ret == ERANGE)
		return -ERANGE;
	return ret || (!pwp && !grp) ? -ENOENT : 0;
}

static int table_load(struct id_table *t, bool group)
{
	size_t len = 16384;
	char *buf = malloc(len);
	FILE *f = fopen(t->path, "re");
	int ret = 0;

	table_clear(t);
	if (!f || !buf || fstat(fileno(f), &t->st)) {
		ret = !buf ? -ENOMEM : -errno;
		goto out;
	}
	for (;;) {
		const char *name = NULL;
		uint32_t id = 0;
		char *bigger;

		ret = next_entry(f, group, buf, len, &id, &name);
		if (ret == -ERANGE && len < (1 << 24) && (bigger = realloc(buf, len * 2))) {
			/* glibc puts the stream back at the start of the entry */
			buf = bigger;
			len *= 2;
			continue;
		}
		if (ret)
			break;
		ret = table_add(t, id, name);
		if (ret)
			break;
	}
	if (ret == -ENOENT || ret == -ERANGE)
		ret = 0;	/* the end, or an entry no one can hold: the rest is unread */
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), id_cmp);
out:
	if (f)
		fclose(f);
	free(buf);
	return ret;
}

static bool table_changed(const struct id_table *t)
{
	struct stat st;

	if (stat(t->path, &st))
		return t->n != 0;
	return st.st_ino != t->st.st_ino || st.st_size != t->st.st_size ||
	       st.st_mtim.tv_sec != t->st.st_mtim.tv_sec || st.st_mtim.tv_nsec != t->st.st_mtim.tv_nsec;
}

int users_refresh(struct users *u)
{
	int ret = table_load(&u->tab[0], false);
	int ret2 = table_load(&u->tab[1], true);

	u->checked_at = now_s();
	return ret ? ret : ret2;
}

const char *users_lookup(struct users *u, bool group, uint32_t id)
{
	struct id_table *t = &u->tab[group];
	size_t lo = 0, hi;

	if (now_s() - u->checked_at >= USERS_RECHECK_S) {
		u->checked_at = now_s();
		if (table_changed(t))
			table_load(t, group);
	}
	/* the first entry with the id: the lowest line among equals */
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->v[lo].id == id ? t->v[lo].name : NULL;
}

int users_new(const char *passwd, const char *group, struct users **out, struct gadget_err *err)
{
	struct users *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return gadget_err_set(err, ENOMEM, "user names: out of memory");
	u->tab[0].path = strdup(passwd ? passwd : "/etc/passwd");
	u->tab[1].path = strdup(group ? group : "/etc/group");
	if (!u->tab[0].path || !u->tab[1].path) {
		users_free(u);
		return gadget_err_set(err, ENOMEM, "user names: out of memory");
	}
	/* a host without the files names nobody: every id reads "uid:N" */
	ret = users_refresh(u);
	if (ret == -ENOMEM) {
		users_free(u);
		return gadget_err_set(err, ENOMEM, "user names: out of memory");
	}
	*out = u;
	return 0;
}

void users_free(struct users *u)
{
	if (!u)
		return;
	for (unsigned int i = 0; i < 2; i++) {
		table_clear(&u->tab[i]);
		free(u->tab[i].path);
	}
	free(u->cols);
	free(u);
}

/* ---- the decoder's computed columns ---- */

static const char *users_extra(void *ctx, const struct row *r, unsigned int idx)
{
	struct users *u = ctx;
	const struct users_col *c;
	const uint8_t *rec;
	const char *name;
	uint64_t id;

	if (idx >= u->nr_cols)
		return NULL;
	c = &u->cols[idx];
	rec = r->rec[c->src];
	if (!rec)
		return NULL;
	id = field_raw_u64(c->field, rec);
	name = id <= UINT32_MAX ? users_lookup(u, c->group, (uint32_t)id) : NULL;
	if (name)
		return name;
	snprintf(u->unknown, sizeof(u->unknown), "%s:%llu", c->group ? "gid" : "uid",
		 (unsigned long long)id);
	return u->unknown;
}

static bool is_id_column(const struct column *c, bool *group)
{
	*group = c->field && special_type_has(c->field->special, SPECIAL_F_GID);
	return c->field && (*group || special_type_has(c->field->special, SPECIAL_F_UID));
}

bool users_schema_needs(const struct schema *s)
{
	bool group;

	for (unsigned int i = 0; i < s->nr_cols; i++)
		if (is_id_column(&s->cols[i], &group))
			return true;
	return false;
}

/* "<x>" for "<x>_raw", else "user" (or "group"), else "<member>_user". */
static void column_name(const struct schema *s, const char *member, bool group, char *out,
			size_t len)
{
	const char *what = group ? "group" : "user";
	size_t n = strlen(member);

	if (n > 4 && !strcmp(member + n - 4, "_raw"))
		snprintf(out, len, "%.*s", (int)(n - 4), member);
	else
		snprintf(out, len, "%s", what);
	if (schema_find(s, out) >= 0)
		snprintf(out, len, "%s_%s", member, what);
}

int users_schema_attach(struct users *u, struct schema *s, struct gadget_err *err)
{
	unsigned int nr_cols = s->nr_cols, added = 0;
	int provider = -1;

	for (unsigned int i = 0; i < nr_cols; i++) {
		const struct column *c = &s->cols[i];
		char name[300];
		bool gid;

		if (!is_id_column(c, &gid))
			continue;
		if (provider < 0 && (provider = schema_add_provider(s, users_extra, u)) < 0)
			goto nomem;
		if (array_grow(u->cols, u->nr_cols))
			goto nomem;
		u->cols[u->nr_cols] = (struct users_col){ c->field, c->src, gid };
		column_name(s, s->cols[i].name, gid, name, sizeof(name));
		if (schema_add_extra(s, provider, name, USERS_COLUMN_WIDTH, u->nr_cols++, false))
			goto nomem;
		added++;
	}
	return added;
nomem:
	return gadget_err_set(err, ENOMEM, "user names: out of memory");
}
