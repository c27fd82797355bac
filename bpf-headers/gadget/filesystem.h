/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_FILESYSTEM_H
#define __GADGET_FILESYSTEM_H

/*
 * Inspektor Gadget's path helpers, our implementation:
 *
 *   get_struct_file_for_fd(fd)                     the current task's file
 *   get_path_str(&file->f_path)                    its full path, in a per-CPU buffer
 *   read_full_path_of_open_file_fd(fd, buf, len)   the same into buf
 *
 * The path is built from the last component backwards: dentry names up to
 * the mount's root, then across mount points (struct mount) to the root of
 * the mount namespace, at most GADGET_PATH_COMPONENTS of them.
 */
#include "gadget/ig_api.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gadget/file.h"
#include "gadget/macros.h"

#define GADGET_PATH_MAX		512
#define GADGET_PATH_COMPONENTS	48
#define GADGET_PATH_BUF		(GADGET_PATH_MAX * 2)
/*
 * IG's gadgets size strings they copy from get_path_str() with it (IG
 * took the name from tracee, where it is PATH_MAX); the string read stops
 * at the path's NUL, well inside our buffer.
 */
#ifndef MAX_STRING_SIZE
#define MAX_STRING_SIZE		4096
#endif

struct gadget_path_buf {
	char buf[GADGET_PATH_BUF];
};

GADGET_PERCPU_SLOT(struct gadget_path_buf) gadget_path_bufs SEC(".maps") __weak;

static __always_inline struct file *get_struct_file_for_fd(int fd)
{
	return gadget_get_file(fd);
}

/* One walk: where it is, and where the path written so far starts in the buffer. */
struct gadget_path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 pos;
};

/*
 * One component of the walk, bpf_loop()'s callback: 0 goes on, 1 stops.
 * A callback is verified once; the same body in a bounded loop made the
 * verifier follow every iteration's branches (past a million instructions).
 */
static long gadget_path_step(__u64 i, void *ctx)
{
	/* locals: BPF_CORE_READ() would make w's own members CO-RE relocations */
	struct gadget_path_walk *w = ctx;
	struct dentry *dentry = w->dentry, *root, *parent;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt, *mnt_parent;
	struct gadget_path_buf *b;
	const unsigned char *name;
	__u32 zero = 0;
	long len;

	(void)i;
	root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == root || dentry == parent) {
		/* the root of a mount: on to where it is mounted, unless it is the last */
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != root || mnt == mnt_parent)
			return 1;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	b = bpf_map_lookup_elem(&gadget_path_bufs, &zero);
	if (!b)
		return 1;
	name = BPF_CORE_READ(dentry, d_name.name);
	/* the name goes to the second half, then is moved before pos */
	len = bpf_probe_read_kernel_str(b->buf + GADGET_PATH_MAX, GADGET_PATH_MAX, name);
	if (len <= 1 || len > w->pos)
		return 1;
	w->pos -= len;	/* room for "/" + the name without its NUL */
	if (w->pos >= GADGET_PATH_MAX)
		return 1;
	b->buf[w->pos & (GADGET_PATH_MAX - 1)] = '/';
	bpf_probe_read_kernel(b->buf + ((w->pos + 1) & (GADGET_PATH_MAX - 1)),
			      (len - 1) & (GADGET_PATH_MAX - 1), b->buf + GADGET_PATH_MAX);
	w->dentry = parent;
	return 0;
}

/*
 * size is kept for IG's signature; the path is cut at GADGET_PATH_MAX.
 * const: newer kernels' struct file has a const f_path (6.18's does).
 * bpf_loop() needs 5.17.
 */
static __always_inline char *get_path_str_with_size(const struct path *path, __u32 size)
{
	struct gadget_path_walk w = { .pos = GADGET_PATH_MAX - 1 };
	struct gadget_path_buf *b;
	__u32 zero = 0;

	(void)size;
	b = bpf_map_lookup_elem(&gadget_path_bufs, &zero);
	if (!b)
		return NULL;
	b->buf[GADGET_PATH_MAX - 1] = 0;
	w.dentry = BPF_CORE_READ(path, dentry);
	w.vfsmnt = BPF_CORE_READ(path, mnt);
	w.mnt = container_of(w.vfsmnt, struct mount, mnt);
	bpf_loop(GADGET_PATH_COMPONENTS, gadget_path_step, &w, 0);
	if (w.pos == GADGET_PATH_MAX - 1) {
		w.pos = GADGET_PATH_MAX - 2;
		b->buf[w.pos] = '/';
	}
	return b->buf + (w.pos & (GADGET_PATH_MAX - 1));
}

static __always_inline char *get_path_str(const struct path *path)
{
	return get_path_str_with_size(path, GADGET_PATH_MAX);
}

static __always_inline long read_full_path_of_open_file_fd(int fd, char *buf, __u64 len)
{
	struct file *file = get_struct_file_for_fd(fd);
	char *path;

	if (!file)
		return -1;
	path = get_path_str(&file->f_path);
	return path ? bpf_probe_read_kernel_str(buf, len, path) : -1;
}

#endif
