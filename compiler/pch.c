// SPDX-License-Identifier: Apache-2.0
/* The precompiled header: its key, finding it, making it (see pch.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "compiler/cache.h"
#include "compiler/pch.h"
#include "compiler/pch_int.h"

/*
 * A failed make is tried again after an hour (the cause may have been
 * passing, a full disk), or at once when a header it read changes.
 */
#define PCH_RETRY_FAILED_SECONDS 3600

/* The covering header: vmlinux.h first, as every fitting source has it. */
static void pch_header_text(char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "/* gadget build: the headers one precompiled header covers */\n");

	for (size_t i = 0; i < PCH_NR_COVERED && off < len; i++)
		off += snprintf(buf + off, len - off, "#include <%s>\n", pch_covered[i]);
}

static int pch_key(const char *clang_id, const char *arch, const struct argv_buf *args,
		   const char *cwd, bool key_cwd, const char *text, char key[SHA256_HEX_LEN])
{
	struct cache_key k;
	int ret;

	ret = cache_key_init(&k);
	if (ret)
		return ret;
	ret = cache_key_add_str(&k, "gadget pch v1");
	ret = ret ?: cache_key_add_str(&k, clang_id);
	ret = ret ?: cache_key_add_str(&k, arch);
	ret = ret ?: cache_key_add_str(&k, key_cwd ? cwd : "");
	ret = ret ?: cache_key_add_str(&k, text);
	for (unsigned int i = 0; !ret && i < args->n; i++)
		ret = cache_key_add_str(&k, args->v[i]);
	if (ret) {
		cache_key_abort(&k);
		return ret;
	}
	return cache_key_final(&k, key);
}

static void pch_file(const struct pch *p, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s", p->folder, p->key, ext);
}

/*
 * The .pch as written: size, mtime and inode.  Hashing 15 MB on every use
 * would cost ~10 ms of an edit-rebuild; a file changed in place after it
 * was made (by anything but bit rot) no longer matches, and is made again.
 */
static void file_identity(const struct stat *st, char *buf, size_t len)
{
	snprintf(buf, len, "%lld:%lld.%09ld:%llu", (long long)st->st_size,
		 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (unsigned long long)st->st_ino);
}

enum verdict { MANIFEST_NONE, MANIFEST_VALID, MANIFEST_FAILED };

/* Whether the PCH on disk is whole and current, or a recent failure to make it. */
static enum verdict manifest_check(struct pch *p, struct digest_memo *memo)
{
	char path[PATH_MAX + 16], id[128];
	enum verdict v = MANIFEST_NONE;
	const char *failed, *want;
	struct stat st;
	json_t *m;

	pch_file(p, ".json", path, sizeof(path));
	m = json_load_file(path, 0, NULL);
	if (!m)
		return MANIFEST_NONE;
	failed = json_string_value(json_object_get(m, "failed"));
	if (failed) {
		if (stat(path, &st) == 0 && time(NULL) - st.st_mtim.tv_sec < PCH_RETRY_FAILED_SECONDS &&
		    manifest_headers_match(memo, m)) {
			snprintf(p->why, sizeof(p->why), "making %s failed (%s; clang's messages in "
				 "%s/%s.log)", p->path, failed, p->folder, p->key);
			v = MANIFEST_FAILED;
		}
	} else if (stat(p->path, &st) == 0 && (file_identity(&st, id, sizeof(id)), 1) &&
		   (want = json_string_value(json_object_get(m, "identity"))) && !strcmp(id, want) &&
		   manifest_headers_match(memo, m)) {
		cache_touch(path);
		v = MANIFEST_VALID;
	}
	json_decref(m);
	return v;
}

static int write_manifest(const struct pch *p, json_t *m)
{
	char path[PATH_MAX + 16], *text = json_dumps(m, JSON_INDENT(1));
	int ret;

	if (!text)
		return -ENOMEM;
	pch_file(p, ".json", path, sizeof(path));
	ret = file_write_atomic(path, text, strlen(text), NULL);
	free(text);
	return ret;
}

/* What clang read making it, less the covering header itself. */
static int made_from(const char *dep, const char *cwd, const char *hdr, struct argv_buf *headers)
{
	size_t len;
	void *text;
	int ret = file_read_all(dep, &text, &len);

	if (!ret) {
		ret = depfile_parse(text, cwd, hdr, headers, NULL);
		free(text);
	}
	return ret;
}

/* The files one maker writes: beside the PCH, named by its pid until published. */
struct maker_files {
	char hdr[PATH_MAX + 16], tmp[PATH_MAX + 32], dep[PATH_MAX + 32], log[PATH_MAX + 32];
};

static int maker_argv(const struct argv_buf *args, const struct maker_files *f,
		      struct argv_buf *argv)
{
	int ret = 0;

	for (unsigned int i = 0; i < args->n; i++)
		ret |= argv_push(argv, args->v[i]);
	/* No input mtimes in it: a touched header that hashes the same keeps it usable. */
	ret |= argv_push(argv, "-Xclang");
	ret |= argv_push(argv, "-fno-pch-timestamp");
	ret |= argv_push(argv, "-MD");
	ret |= argv_push(argv, "-MF");
	ret |= argv_push(argv, f->dep);
	ret |= argv_push(argv, "-x");
	ret |= argv_push(argv, "c-header");
	ret |= argv_push(argv, f->hdr);
	ret |= argv_push(argv, "-o");
	ret |= argv_push(argv, f->tmp);
	return ret;
}

/* Rename the PCH into place, then write its manifest; or record why it failed.  Returns bytes. */
static uint64_t publish(const struct pch *p, const struct maker_files *f, bool made,
			const char *failure, const struct argv_buf *headers)
{
	char id[128], log[PATH_MAX + 16];
	json_t *m, *hdrs;
	struct stat st;
	uint64_t written = 4096;	/* the manifest, the log: about */

	if (manifest_headers_new(NULL, headers, &hdrs))
		hdrs = json_array();
	if (!made) {
		pch_file(p, ".log", log, sizeof(log));
		rename(f->log, log);
		m = json_pack("{s:s, s:o}", "failed", failure, "headers", hdrs);
	} else if (rename(f->tmp, p->path) || stat(p->path, &st)) {
		json_decref(hdrs);
		return 0;
	} else {
		file_identity(&st, id, sizeof(id));
		m = json_pack("{s:s, s:o}", "identity", id, "headers", hdrs);
		written += st.st_size;
	}
	if (!m || write_manifest(p, m))
		written = 0;
	json_decref(m);
	return written;
}

/*
 * In the detached process: run clang, then publish the PCH or the failure.
 * A header written while clang ran leaves no trace: the next build that
 * needs the PCH makes it again.
 */
static uint64_t pch_make(const struct pch *p, const struct argv_buf *args, const char *cwd,
			 const char *text)
{
	struct argv_buf argv = {}, headers = {};
	struct gadget_err err = {};
	struct maker_files f;
	struct timespec start;
	uint64_t written = 0;
	int made, status;
	pid_t pid;

	pch_file(p, ".h", f.hdr, sizeof(f.hdr));
	snprintf(f.tmp, sizeof(f.tmp), "%s.tmp.%d", p->path, (int)getpid());
	snprintf(f.dep, sizeof(f.dep), "%s/%s.d.tmp.%d", p->folder, p->key, (int)getpid());
	snprintf(f.log, sizeof(f.log), "%s/%s.log.tmp.%d", p->folder, p->key, (int)getpid());
	if (file_write_atomic(f.hdr, text, strlen(text), NULL))
		return 0;
	cache_clock_start(&start, NULL);
	if (maker_argv(args, &f, &argv) || clang_spawn(argv.v, cwd, f.log, &pid, &err))
		goto out;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			goto out;
	made = clang_status(argv.v[0], status, &err) == 0;
	/* Killed (out of memory, a shutdown): nothing learnt, the next build tries again. */
	if (!made && !WIFEXITED(status))
		goto out;
	if (made_from(f.dep, cwd, f.hdr, &headers) && made)
		goto out;
	if (made && cache_inputs_changed(&headers, &start))
		goto out;
	written = strlen(text) + publish(p, &f, made, err.msg, &headers);
out:
	unlink(f.tmp);
	unlink(f.dep);
	unlink(f.log);
	argv_free(&argv);
	argv_free(&headers);
	return written;
}

/* The detached process keeps the lock and nothing else of ours. */
static void detach(int lockfd)
{
	int keep = fcntl(lockfd, F_DUPFD_CLOEXEC, 10), null = open("/dev/null", O_RDWR);

	if (keep < 0 || null < 0)
		_exit(1);
	/* Out of our session: a Ctrl-C or hang-up meant for the build is not for it. */
	setsid();
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close_range(3, keep - 1, 0);
	close_range(keep + 1, ~0U, 0);
}

/*
 * Fork twice so the maker is nobody's child to wait for and outlives the
 * build; returns its pid (read from a pipe, the middle process is gone).
 */
static pid_t start_maker(const struct pch *p, int lockfd, const struct argv_buf *args,
			 const char *cwd, const char *text, const char *cache, uint64_t max_size)
{
	pid_t mid, maker = -1;
	int fds[2], status;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	fflush(stdout);
	fflush(stderr);
	mid = fork();
	if (mid == 0) {
		close(fds[0]);
		maker = fork();
		if (maker != 0) {
			if (write(fds[1], &maker, sizeof(maker)) != sizeof(maker))
				_exit(1);
			_exit(maker < 0);
		}
		detach(lockfd);
		cache_account(cache, max_size, pch_make(p, args, cwd, text));
		_exit(0);
	}
	close(fds[1]);
	if (mid > 0) {
		while (read(fds[0], &maker, sizeof(maker)) < 0 && errno == EINTR)
			;
		while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(fds[0]);
	return maker;
}

int pch_prepare(const char *cache, const char *clang_id, const char *arch,
		const struct argv_buf *args, const char *cwd, bool key_cwd, struct digest_memo *memo,
		struct pch *out)
{
	char text[512], lock[PATH_MAX + 16];
	int fd, ret;

	memset(out, 0, sizeof(*out));
	out->lockfd = -1;
	pch_header_text(text, sizeof(text));
	ret = pch_key(clang_id, arch, args, cwd, key_cwd, text, out->key);
	if (ret)
		return ret;
	snprintf(out->folder, sizeof(out->folder), "%s/pch", cache);
	snprintf(out->path, sizeof(out->path), "%s/%s.pch", out->folder, out->key);
	switch (manifest_check(out, memo)) {
	case MANIFEST_VALID:
		out->state = PCH_READY;
		return 0;
	case MANIFEST_FAILED:
		out->state = PCH_FAILED;
		return 0;
	case MANIFEST_NONE:
		break;
	}
	pch_file(out, ".lock", lock, sizeof(lock));
	ret = mkdir_parents(out->folder, 0755);
	fd = ret ? -1 : open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		out->state = PCH_OFF;
		snprintf(out->why, sizeof(out->why), "cannot create %s: %s", lock, strerror(ret ? -ret : errno));
		return 0;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		out->state = PCH_BUSY;
		snprintf(out->why, sizeof(out->why), "%s is being made by another build", out->path);
	} else if (manifest_check(out, memo) == MANIFEST_VALID) {
		/* made by the process that held the lock a moment ago */
		out->state = PCH_READY;
	} else {
		out->state = PCH_MAKING;
		out->lockfd = fd;
		return 0;
	}
	close(fd);
	return 0;
}

void pch_start(struct pch *p, const char *cache, const struct argv_buf *args, const char *cwd)
{
	char text[512];
	uint64_t max_size;

	if (p->state != PCH_MAKING || p->lockfd < 0)
		return;
	pch_header_text(text, sizeof(text));
	if (cache_max_size(&max_size, NULL) ||
	    (p->maker = start_maker(p, p->lockfd, args, cwd, text, cache, max_size)) <= 0) {
		int e = errno;

		snprintf(p->why, sizeof(p->why), "cannot start making %s: %s", p->path,
			 strerror(e ?: EAGAIN));
		p->maker = 0;
	}
	/* the maker has its own copy of the lock now */
	pch_release(p);
}

void pch_release(struct pch *p)
{
	if (p->state != PCH_MAKING || p->lockfd < 0)
		return;
	close(p->lockfd);
	p->lockfd = -1;
	if (!p->maker)
		p->state = PCH_OFF;
}

int pch_add_use_args(const struct pch *pch, struct argv_buf *args)
{
	int ret = argv_push(args, "-include-pch");

	return ret ?: argv_push(args, pch->path);
}

bool pch_owns(const struct pch *pch, const char *path)
{
	size_t n = strlen(pch->folder);

	return pch->folder[0] && !strncmp(path, pch->folder, n) && path[n] == '/';
}
