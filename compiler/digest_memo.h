/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_DIGEST_MEMO_H
#define GADGET_COMPILER_DIGEST_MEMO_H

/*
 * The SHA-256 of the headers a build read, remembered across builds as
 * ccache's "manifest" does: a cache hit or a PCH check would otherwise hash
 * ~3 MB (vmlinux.h alone is 2.8 MB) on every build.
 *
 *   <cache>/digests-v1    "<sha256> <dev> <ino> <size> <mtime> <ctime> <path>" per line
 *
 * A digest is reused only while the file's device, inode, size, mtime and
 * ctime (both to the ns) are the ones it was taken with.  ctime cannot be
 * set back by a user (touch -r, a tar extraction restore mtime, not ctime),
 * so an edit that keeps the size and restores the mtime still misses.  A
 * file changed in the last second (mtime or ctime) is hashed but not
 * remembered (ccache's "too new" rule): the file system's clock ticks
 * coarsely, and a second write in the same tick would keep its stamps.
 *
 * The index is only a shortcut: it is rewritten whole (temp + rename) when
 * a build learnt something, concurrent builds may lose each other's lines
 * (they are hashed again next time), and a damaged line is ignored.
 */
#include "base/sha256.h"

#define DIGEST_MEMO_FILE "digests-v1"

struct digest_memo;

/* The index of cache (an empty one when it has none yet); NULL on ENOMEM. */
struct digest_memo *digest_memo_open(const char *cache);

/*
 * path's SHA-256: remembered, or hashed (and remembered when it may be).
 * memo may be NULL: then always hashed.  0 or -errno (-ENOENT: gone).
 */
int digest_memo_file(struct digest_memo *memo, const char *path, char hex[SHA256_HEX_LEN]);

/* Write the index back if it changed, and free memo (NULL is fine). */
void digest_memo_close(struct digest_memo *memo);

#endif
