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

#define GADGET_PATH_MAX		512
#define GADGET_PATH_COMPONENTS	48
#define GADGET_PATH_BUF		(GADGET_PATH_MAX * 2)

struct gadget_path_buf {
	char buf[GADGET_PATH_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gadget_path_buf);
} gadget_path_bufs SEC(".maps") __weak;

static __always_inline struct file *get_struct_file_for_fd(int fd)
{
	return gadget_get_file(fd);
}

/* size is kept for IG's signature; the path is cut at GADGET_PATH_MAX. */
static __always_inline char *get_path_str_with_size(struct path *path, __u32 size)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry), *parent, *root;
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt), *mnt_parent;
	struct gadget_path_buf *b;
	__u32 zero = 0, pos = GADGET_PATH_MAX - 1;
	const unsigned char *name;
	long len;

	(void)size;
	b = bpf_map_lookup_elem(&gadget_path_bufs, &zero);
	if (!b)
		return NULL;
	b->buf[GADGET_PATH_MAX - 1] = 0;
	for (int i = 0; i < GADGET_PATH_COMPONENTS; i++) {
		root = BPF_CORE_READ(vfsmnt, mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == root || dentry == parent) {
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			if (dentry != root || mnt == mnt_parent)
				break;
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			vfsmnt = &mnt->mnt;
			continue;
		}
		name = BPF_CORE_READ(dentry, d_name.name);
		/* the name goes to the second half, then is moved before pos */
		len = bpf_probe_read_kernel_str(b->buf + GADGET_PATH_MAX, GADGET_PATH_MAX, name);
		if (len <= 1 || len > pos)
			break;
		pos -= len;	/* room for "/" + the name without its NUL */
		if (pos >= GADGET_PATH_MAX)
			break;
		b->buf[pos & (GADGET_PATH_MAX - 1)] = '/';
		bpf_probe_read_kernel(b->buf + ((pos + 1) & (GADGET_PATH_MAX - 1)),
				      (len - 1) & (GADGET_PATH_MAX - 1), b->buf + GADGET_PATH_MAX);
		dentry = parent;
	}
	if (pos == GADGET_PATH_MAX - 1) {
		pos = GADGET_PATH_MAX - 2;
		b->buf[pos] = '/';
	}
	return b->buf + (pos & (GADGET_PATH_MAX - 1));
}

static __always_inline char *get_path_str(struct path *path)
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
