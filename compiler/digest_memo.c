// SPDX-License-Identifier: Apache-2.0
/* Remembered header digests (see digest_memo.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/file.h"
#include "compiler/digest_memo.h"

/* More lines than any set of gadgets includes: past it, keep only what this build used. */
#define DIGEST_MEMO_MAX 4096

/* What a digest was taken with: the file's identity, to the ns. */
struct file_id {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

struct memo_entry {
	char hex[SHA256_HEX_LEN];
	struct file_id id;
	char *path;
	bool used;
};

struct digest_memo {
	char path[PATH_MAX];
	struct memo_entry *v;
	unsigned int n, cap;
	bool dirty;
};

static void file_id_of(const struct stat *st, struct file_id *id)
{
	*id = (struct file_id){
		.dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
		.mtime_s = st->st_mtim.tv_sec, .mtime_ns = st->st_mtim.tv_nsec,
		.ctime_s = st->st_ctim.tv_sec, .ctime_ns = st->st_ctim.tv_nsec,
	};
}

static bool within_a_second(const struct timespec *t, const struct timespec *now)
{
	return t->tv_sec > now->tv_sec - 1 ||
	       (t->tv_sec == now->tv_sec - 1 && t->tv_nsec > now->tv_nsec);
}

/* Written (or its inode changed) in the last second: the next write may keep its stamps. */
static bool too_new(const struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return within_a_second(&st->st_mtim, &now) || within_a_second(&st->st_ctim, &now);
}

static struct memo_entry *memo_find(struct digest_memo *m, const char *path)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].path, path))
			return &m->v[i];
	return NULL;
}

static struct memo_entry *memo_add(struct digest_memo *m, const char *path)
{
	struct memo_entry *e;

	if (m->n == m->cap) {
		unsigned int cap = m->cap ? 2 * m->cap : 64;
		struct memo_entry *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->v = v;
		m->cap = cap;
	}
	e = &m->v[m->n];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	if (!e->path)
		return NULL;
	m->n++;
	return e;
}

/* One line of the index into m; a damaged line is skipped. */
static void memo_parse_line(struct digest_memo *m, char *line)
{
	struct memo_entry *e;
	struct file_id id;
	char hex[SHA256_HEX_LEN];
	int off = -1;

	if (sscanf(line, "%64[0-9a-f] %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNd64 ".%" SCNd64
		   " %" SCNd64 ".%" SCNd64 " %n", hex, &id.dev, &id.ino, &id.size, &id.mtime_s,
		   &id.mtime_ns, &id.ctime_s, &id.ctime_ns, &off) != 8 || off < 0 ||
	    strlen(hex) != SHA256_HEX_LEN - 1 || line[off] != '/' || memo_find(m, line + off))
		return;
	e = memo_add(m, line + off);
	if (e) {
		memcpy(e->hex, hex, sizeof(hex));
		e->id = id;
	}
}

struct digest_memo *digest_memo_open(const char *cache)
{
	struct digest_memo *m = calloc(1, sizeof(*m));
	char *text, *line, *save = NULL;
	size_t len;

	if (!m)
		return NULL;
	if (snprintf(m->path, sizeof(m->path), "%s/" DIGEST_MEMO_FILE, cache) >= (int)sizeof(m->path)) {
		free(m);
		return NULL;
	}
	if (file_read_all(m->path, (void **)&text, &len))
		return m;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		memo_parse_line(m, line);
	free(text);
	return m;
}

int digest_memo_file(struct digest_memo *m, const char *path, char hex[SHA256_HEX_LEN])
{
	struct memo_entry *e;
	struct file_id id;
	struct stat st;
	int ret;

	if (!m || path[0] != '/' || strchr(path, '\n'))
		return sha256_file_hex(path, hex);
	if (stat(path, &st))
		return -errno;
	file_id_of(&st, &id);
	e = memo_find(m, path);
	if (e && !memcmp(&e->id, &id, sizeof(id))) {
		e->used = true;
		memcpy(hex, e->hex, SHA256_HEX_LEN);
		return 0;
	}
	ret = sha256_file_hex(path, hex);
	/* the identity is taken before the bytes: a write between them changes it */
	if (ret || too_new(&st))
		return ret;
	if (!e)
		e = memo_add(m, path);
	if (e) {
		memcpy(e->hex, hex, SHA256_HEX_LEN);
		e->id = id;
		e->used = true;
		m->dirty = true;
	}
	return 0;
}

static char *memo_text(const struct digest_memo *m, size_t *len)
{
	bool all = m->n <= DIGEST_MEMO_MAX;
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	for (unsigned int i = 0; i < m->n; i++) {
		const struct memo_entry *e = &m->v[i];

		if (all || e->used)
			fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 ".%09" PRId64
				" %" PRId64 ".%09" PRId64 " %s\n", e->hex, e->id.dev, e->id.ino,
				e->id.size, e->id.mtime_s, e->id.mtime_ns, e->id.ctime_s,
				e->id.ctime_ns, e->path);
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

void digest_memo_close(struct digest_memo *m)
{
	size_t len;
	char *text;

	if (!m)
		return;
	/* A cache that cannot be written only costs a hash next time. */
	if (m->dirty && (text = memo_text(m, &len))) {
		file_write_atomic(m->path, text, len, NULL);
		free(text);
	}
	for (unsigned int i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
}
