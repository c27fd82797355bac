// SPDX-License-Identifier: Apache-2.0
/*
 * IG's gadget_file_flags and gadget_file_mode (gadget/types.h, IG's API):
 * a struct file's f_flags as "O_WRONLY|O_CREAT|O_CLOEXEC", an inode's
 * i_mode as ls(1) prints it, "-rw-r--r--".  Values from the kernel's
 * include/uapi/asm-generic/fcntl.h and stat.h (x86 and arm64 agree).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/format.h"

static const struct {
	uint32_t bit;
	const char *name;
} open_flag_names[] = {
	{ 00000100, "O_CREAT" },	{ 00000200, "O_EXCL" },
	{ 00000400, "O_NOCTTY" },	{ 00001000, "O_TRUNC" },
	{ 00002000, "O_APPEND" },	{ 00004000, "O_NONBLOCK" },
	{ 00010000, "O_DSYNC" },	{ 00020000, "O_ASYNC" },
	{ 00040000, "O_DIRECT" },	{ 00100000, "O_LARGEFILE" },
	{ 00200000, "O_DIRECTORY" },	{ 00400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },	{ 02000000, "O_CLOEXEC" },
	{ 04000000, "O_SYNC" },		{ 010000000, "O_PATH" },
	{ 020000000, "O_TMPFILE" },
};

static size_t put(char *out, size_t cap, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (n + len >= cap)
		len = cap > n + 1 ? cap - n - 1 : 0;
	memcpy(out + n, s, len);
	out[n + len] = 0;
	return n + len;
}

size_t format_open_flags(uint32_t flags, char *out, size_t cap)
{
	static const char *const access[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n = put(out, cap, 0, access[flags & 3]);
	char rest[16];

	flags &= ~3u;
	/* O_SYNC includes O_DSYNC's bit: name it once */
	if ((flags & 04010000) == 04010000)
		flags &= ~00010000u;
	for (size_t i = 0; i < sizeof(open_flag_names) / sizeof(open_flag_names[0]); i++)
		if ((flags & open_flag_names[i].bit) == open_flag_names[i].bit) {
			n = put(out, cap, n, "|");
			n = put(out, cap, n, open_flag_names[i].name);
			flags &= ~open_flag_names[i].bit;
		}
	if (flags) {
		snprintf(rest, sizeof(rest), "|0%o", flags);
		n = put(out, cap, n, rest);
	}
	return n;
}

size_t format_file_mode(uint32_t mode, char *out)
{
	static const char types[16] = { [001] = 'p', [002] = 'c', [004] = 'd', [006] = 'b',
					[010] = '-', [012] = 'l', [014] = 's' };
	static const char rwx[] = "rwxrwxrwx";
	char t = types[(mode >> 12) & 017];

	out[0] = t ? t : '?';
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	/* setuid, setgid, sticky: s/S, s/S, t/T over the x of their triplet */
	if (mode & 04000)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = 0;
	return 10;
}
