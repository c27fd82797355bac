/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_FILE_H
#define __GADGET_FILE_H

/*
 * The current task's files by descriptor.  Syscall tracepoints see only an
 * fd (read, write, fsync, ...) where kprobes on vfs_*() get a struct file:
 * these walk the task's file table with CO-RE reads instead.
 *
 *   struct file *f = gadget_get_file(fd);   // NULL if fd is not open
 *   gadget_file_name(f, name, sizeof(name)); // the dentry's name, "" if none
 *   __u32 mode = gadget_file_mode(f);        // the inode's i_mode (S_IFMT bits)
 *   gadget_file_fs_type(f, fs, sizeof(fs));  // its file system: "ext4", "tmpfs"
 *   __s64 pos = gadget_file_pos(f);          // the file offset read(2)/write(2) use
 *
 * Call them at the syscall's entry: the kernel holds the file for the
 * whole call, but at the exit another thread may have closed the fd.
 */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define GADGET_S_IFMT	0170000
#define GADGET_S_IFSOCK	0140000
#define GADGET_S_IFREG	0100000

static __always_inline struct file *gadget_get_file(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;

	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

static __always_inline long gadget_file_name(struct file *file, char *buf, __u32 size)
{
	const unsigned char *name;

	buf[0] = 0;
	if (!file)
		return 0;
	name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	return name ? bpf_probe_read_kernel_str(buf, size, name) : 0;
}

/*
 * In IG's API gadget_file_mode is a type (a member printed as a mode), so
 * gadget/filesystem.h, which includes us there, does without this one.
 */
#ifndef GADGET_IG_API
static __always_inline __u32 gadget_file_mode(struct file *file)
{
	return file ? BPF_CORE_READ(file, f_inode, i_mode) : 0;
}
#endif

static __always_inline long gadget_file_fs_type(struct file *file, char *buf, __u32 size)
{
	const char *name;

	buf[0] = 0;
	if (!file)
		return 0;
	name = BPF_CORE_READ(file, f_inode, i_sb, s_type, name);
	return name ? bpf_probe_read_kernel_str(buf, size, name) : 0;
}

static __always_inline __s64 gadget_file_pos(struct file *file)
{
	return file ? BPF_CORE_READ(file, f_pos) : 0;
}

#endif
