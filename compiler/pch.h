/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_PCH_H
#define GADGET_COMPILER_PCH_H

/*
 * The precompiled header: vmlinux.h and libbpf's bpf_helpers.h,
 * bpf_endian.h, bpf_core_read.h and bpf_tracing.h parsed once, loaded by
 * every later compile with -include-pch instead of parsing ~80k lines again.
 *
 *   pch/<key>.h      the headers it covers, one #include each
 *   pch/<key>.pch    clang's precompiled header
 *   pch/<key>.json   {"identity": "size:mtime:inode", "headers": [{"path", "sha256"}, ...]}
 *                    or {"failed": why, ...} when clang could not make it
 *   pch/<key>.lock   flock(2)ed by the one process making it
 *
 * <key> is SHA-256 over the clang binary (clang_identity()), the architecture and every
 * argument that reaches the preprocessor (defines, include paths, cflags;
 * the gadget folder too when cflags name include paths, which may be
 * relative).  The headers it read (clang -MD) are hashed into the manifest:
 * it is used only while all of them hash the same, so an edited or
 * upgraded header (bpf-headers, libbpf-dev) makes it stale, like a build
 * cache entry.  The manifest is written last, after the .pch is renamed
 * into place: a reader sees a whole PCH or none.
 *
 * Made on first need, in the background: the build that finds it missing
 * takes the lock, compiles without it, and only then starts a detached
 * process that makes it (handing it the lock), so a first build costs what
 * it did: run beside the build's own clang, the maker slowed it by ~15%
 * even on an idle second core (shared caches and memory bandwidth).
 * Builds meanwhile skip it.
 */
#include <stdbool.h>
#include <limits.h>
#include <sys/types.h>

#include "base/sha256.h"
#include "compiler/clang.h"
#include "compiler/digest_memo.h"

enum pch_state {
	PCH_OFF,	/* not wanted (why says) */
	PCH_READY,	/* path is valid: use it */
	PCH_MAKING,	/* this build makes it: pch_start() after its compile (pid maker) */
	PCH_BUSY,	/* another process is making it */
	PCH_FAILED,	/* clang could not make it (log beside it) */
};

struct pch {
	enum pch_state state;
	char key[SHA256_HEX_LEN];
	char folder[PATH_MAX - 128];	/* <cache>/pch */
	char path[PATH_MAX];		/* <folder>/<key>.pch */
	pid_t maker;			/* 0 until pch_start() */
	int lockfd;			/* PCH_MAKING: held until pch_start() or pch_release() */
	char why[2 * PATH_MAX];
};

/*
 * Whether a source can use the PCH: its first lines (comments and blank
 * lines aside) must include vmlinux.h and then only covered headers, and
 * it may include no covered header later, after other code (the PCH would
 * include it earlier than the source does).  A covered header included as
 * "name" must not exist in the source's own folder (it would be found
 * there first).  False with the reason, "file:line: ...", in why.
 */
bool pch_source_fits(const char *dir, const char *src, char *why, size_t len);

/* Whether cflags leave the PCH sound (no -include, -imacros, -x); else why. */
bool pch_cflags_fit(char *const *cflags, unsigned int n, char *why, size_t len);

/*
 * Find this build's PCH in cache, or start making it: args is the clang
 * command line up to the source (its first word the clang binary), cwd the
 * folder clang runs in; memo (may be NULL) the header digests already
 * known (compiler/digest_memo.h).  Only -ENOMEM and the like are errors; whatever
 * else stands in the way turns into a state other than PCH_READY.
 */
int pch_prepare(const char *cache, const char *clang_id, const char *arch,
		const struct argv_buf *args, const char *cwd, bool key_cwd, struct digest_memo *memo,
		struct pch *out);

/*
 * For PCH_MAKING, once the build's own compile is done: start the detached
 * process that makes it, with the arguments given to pch_prepare().  The
 * state stays PCH_MAKING with maker set, or turns PCH_OFF (why says).
 */
void pch_start(struct pch *p, const char *cache, const struct argv_buf *args, const char *cwd);
/* Let go of a lock pch_start() did not hand on (a build that stopped early). */
void pch_release(struct pch *p);

/* The arguments that use it: "-include-pch" path. */
int pch_add_use_args(const struct pch *pch, struct argv_buf *args);

/* True for files that belong to a PCH (its covering header), not to a gadget. */
bool pch_owns(const struct pch *pch, const char *path);

#endif
