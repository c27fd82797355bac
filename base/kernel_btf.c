// SPDX-License-Identifier: Apache-2.0
/*
 * btf__load_vmlinux_btf() for the whole process, libbpf's own calls
 * included: libbpf 1.1 calls it through its PLT (for CO-RE relocations
 * without a small BTF, for the attach ids of iter/tp_btf/fentry programs),
 * so this definition in the executable is the one that runs, as base/
 * lazylib.c's stubs are for their libraries.
 *
 * libbpf 1.1 fread()s /sys/kernel/btf/vmlinux into a buffer and btf__new()
 * copies it: sysfs hands out a binary attribute 4 KiB per read(2), so the
 * 5.5 MB of 6.18's BTF is some 1,400 system calls and two fresh 5.5 MB
 * buffers, half of the first attach of a gadget whose object has CO-RE
 * relocations (issue 11).  Since 6.16 the kernel lets the file be mapped
 * (libbpf 1.6 does so): btf__new() then reads the kernel's own pages, and
 * only its copy is new memory.  Kernels that cannot map it, and kernels
 * without /sys/kernel/btf/vmlinux (libbpf then looks in /boot), get
 * libbpf's own function.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "base/kernel_btf.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

#define SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

static bool reuse;

void kernel_btf_reuse_heap(bool on)
{
	reuse = on;
	mallopt(M_MMAP_THRESHOLD, on ? 64 << 20 : 128 << 10);
	mallopt(M_TRIM_THRESHOLD, on ? 256 << 20 : 128 << 10);
	if (!on)
		malloc_trim(0);
}

/*
 * What btf__new() is about to fill (its copy, then its index of the types),
 * faulted in by one madvise() rather than page by page; freed at once, it
 * stays in the heap for btf__new() to take.  Only where the heap keeps it.
 */
static void heap_populate(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = reuse ? malloc(size) : NULL;

	if (!p)
		return;
	madvise((void *)(((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1)), size - 2 * page,
		MADV_POPULATE_WRITE);	/* before 5.14: EINVAL, and the faults happen as before */
	free(p);
}

/* libbpf's own debug line, through whatever print function it has now (-v shows it) */
static void libbpf_debug(const char *fmt, ...)
{
	libbpf_print_fn_t fn = libbpf_set_print(NULL);
	va_list ap;

	libbpf_set_print(fn);
	if (!fn)
		return;
	va_start(ap, fmt);
	fn(LIBBPF_DEBUG, fmt, ap);
	va_end(ap);
}

static struct btf *libbpf_load_vmlinux_btf(void)
{
	struct btf *(*real)(void) = (struct btf *(*)(void))dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");

	if (!real) {
		errno = ENOSYS;
		return NULL;
	}
	return real();
}

struct btf *btf__load_vmlinux_btf(void)
{
	int fd = open(SYSFS_VMLINUX, O_RDONLY | O_CLOEXEC), e;
	struct btf *btf;
	struct stat st;
	void *raw;

	if (fd < 0)
		return libbpf_load_vmlinux_btf();
	if (fstat(fd, &st) || st.st_size <= 0 ||
	    (raw = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return libbpf_load_vmlinux_btf();	/* before 6.16: no mmap of the file */
	}
	heap_populate(st.st_size + st.st_size / 4);
	btf = btf__new(raw, st.st_size);
	e = errno;
	libbpf_debug("libbpf: loading kernel BTF '%s': %d\n", SYSFS_VMLINUX, btf ? 0 : -e);
	munmap(raw, st.st_size);
	close(fd);
	errno = e;
	return btf;
}
