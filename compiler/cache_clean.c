// SPDX-License-Identifier: Apache-2.0
/*
 * The build cache's limits (see cache.h): least recently used entries go
 * first; a precompiled header's files go together; temp files go once they
 * are old enough that no live build can still be writing them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compiler/cache.h"

/* A build writes its temp files within seconds; an hour-old one was left by a killed process. */
#define STALE_TEMP_SECONDS 3600
/*
 * Walking the cache costs ~5 ms per thousand files: builds add what they
 * wrote to the total kept in <cache>/size instead, and only walk when that
 * passes the limit or is a day old (concurrent builds may each miss the
 * other's bytes; the daily walk puts it right).
 */
#define SIZE_FILE "size"
#define RECOUNT_SECONDS (24 * 3600)

/*
 * The folders the build cache owns, whether their files group by key
 * ("<key>.*"), and where it shares a folder, the one file that is its own.
 * The remembered digests count like an entry: dropping them only costs the
 * next build its hashing.
 */
static const struct {
	const char *name;
	bool grouped;
	const char *only;
} cache_folders[] = {
	{ "objects", false, NULL },
	{ "builds",  false, NULL },
	{ "pch",     true,  NULL },
	{ ".",       false, DIGEST_MEMO_FILE },
};

struct cache_entry {
	char *path;		/* a file, or "<folder>/<key>" for a group */
	bool grouped;
	uint64_t size;
	struct timespec used;
};

struct entry_list {
	struct cache_entry *v;
	size_t n, cap;
	uint64_t total;
};

int cache_max_size(uint64_t *out, struct gadget_err *err)
{
	static const char units[] = "KMGT";
	const char *s = getenv("GADGET_CACHE_MAX_SIZE");
	unsigned long long v;
	const char *u;
	char *end;

	*out = CACHE_MAX_SIZE_DEFAULT;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		goto bad;
	if (*end) {
		u = strchr(units, *end & ~0x20);
		if (!u || (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB")))
			goto bad;
		for (long i = 0; i <= u - units; i++) {
			if (v > ULLONG_MAX / 1024)
				goto bad;
			v *= 1024;
		}
	}
	*out = v;
	return 0;
bad:
	return gadget_err_set(err, EINVAL, "GADGET_CACHE_MAX_SIZE='%s' is not a size (bytes, or "
			      "with K, M, G or T: 500M, 2G; 0 for no limit)", s);
}

/*
 * A file being written: "<name>.tmp.<pid>" (clang's outputs, the PCH maker)
 * or ".<name>.XXXXXX" (file_write_atomic()).
 */
static bool is_temp(const char *name)
{
	return name[0] == '.' || strstr(name, ".tmp") != NULL;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static int entry_add(struct entry_list *l, const char *path, bool grouped, const struct stat *st)
{
	struct cache_entry *e;

	/* One group per key: files of a group arrive in any order. */
	if (grouped)
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].grouped && !strcmp(l->v[i].path, path)) {
				l->v[i].size += st->st_size;
				if (newer(&st->st_mtim, &l->v[i].used))
					l->v[i].used = st->st_mtim;
				l->total += st->st_size;
				return 0;
			}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct cache_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	e->path = strdup(path);
	if (!e->path)
		return -ENOMEM;
	e->grouped = grouped;
	e->size = st->st_size;
	e->used = st->st_mtim;
	l->total += st->st_size;
	l->n++;
	return 0;
}

/*
 * Every file of one folder into l (or only the one named), stale temp files
 * removed on the way.
 */
static int scan_folder(const char *dir, const char *folder, bool grouped, const char *only,
		       time_t now, struct entry_list *l, uint64_t *freed)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, folder);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, folder, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (is_temp(de->d_name)) {
			if (now - st.st_mtim.tv_sec > STALE_TEMP_SECONDS && !unlink(path) && freed)
				*freed += st.st_size;
			continue;
		}
		if (only && strcmp(de->d_name, only))
			continue;
		if (grouped)
			path[strlen(path) - strlen(de->d_name) + strcspn(de->d_name, ".")] = 0;
		ret = entry_add(l, path, grouped, &st);
	}
	closedir(d);
	return ret;
}

static int by_use(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;

	if (newer(&x->used, &y->used))
		return 1;
	return newer(&y->used, &x->used) ? -1 : strcmp(x->path, y->path);
}

/*
 * Remove a group's files, manifest first (a build that reads it then sees
 * no entry, never half of one).  A group whose lock is held is being made
 * right now: it stays.
 */
static bool group_remove(const char *base)
{
	static const char *const exts[] = { ".json", ".pch", ".h", ".log", ".lock" };
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", base);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return false;
	}
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", base, exts[i]);
		unlink(path);
	}
	if (fd >= 0)
		close(fd);
	return true;
}

/* The total, written after each walk and each build; its mtime says when the last walk was. */
static void size_file_write(const char *dir, uint64_t total, bool walked)
{
	char path[PATH_MAX], text[32];
	int n = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)total);
	struct timespec t[2];
	struct stat st;
	bool keep_stamp;

	snprintf(path, sizeof(path), "%s/" SIZE_FILE, dir);
	keep_stamp = !walked && stat(path, &st) == 0;
	if (keep_stamp)
		t[0] = t[1] = st.st_mtim;
	if (file_write_atomic(path, text, n, NULL) == 0 && keep_stamp)
		utimensat(AT_FDCWD, path, t, 0);
}

int cache_clean(const char *dir, uint64_t max_size, uint64_t *freed)
{
	struct entry_list l = {};
	uint64_t goal = max_size / 10 * 9;
	time_t now = time(NULL);
	int ret = 0;

	if (freed)
		*freed = 0;
	for (size_t i = 0; !ret && i < sizeof(cache_folders) / sizeof(cache_folders[0]); i++)
		ret = scan_folder(dir, cache_folders[i].name, cache_folders[i].grouped,
				  cache_folders[i].only, now, &l, freed);
	if (!ret && max_size && l.total > max_size) {
		qsort(l.v, l.n, sizeof(*l.v), by_use);
		for (size_t i = 0; i < l.n && l.total > goal; i++) {
			if (l.v[i].grouped ? !group_remove(l.v[i].path) : unlink(l.v[i].path))
				continue;
			l.total -= l.v[i].size;
			if (freed)
				*freed += l.v[i].size;
		}
	}
	if (!ret)
		size_file_write(dir, l.total, true);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].path);
	free(l.v);
	return ret;
}

int cache_account(const char *dir, uint64_t max_size, uint64_t added)
{
	unsigned long long total;
	char path[PATH_MAX];
	struct stat st;
	size_t len;
	void *buf;
	bool fresh;

	snprintf(path, sizeof(path), "%s/" SIZE_FILE, dir);
	if (stat(path, &st) || file_read_all(path, &buf, &len))
		return cache_clean(dir, max_size, NULL);
	fresh = sscanf(buf, "%llu", &total) == 1 && time(NULL) - st.st_mtim.tv_sec < RECOUNT_SECONDS;
	free(buf);
	if (!fresh || (max_size && total + added > max_size))
		return cache_clean(dir, max_size, NULL);
	size_file_write(dir, total + added, false);
	return 0;
}
