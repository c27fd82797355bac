/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_SYMBOLIZER_H
#define GADGET_RUNTIME_SYMBOLIZER_H

/*
 * Addresses to function names.  Kernel addresses through /proc/kallsyms,
 * user addresses through the process's /proc/PID/maps and the ELF symbol
 * tables (.symtab, .dynsym) of the mapped file, read with libelf through
 * /proc/PID/root so files of other mount namespaces resolve too.  Without a
 * symbol: "file+0xoffset"; without a mapping: "0xaddress".
 *
 * Everything is loaded on first use and kept for the symbolizer's life:
 * kallsyms once, a process's maps the first time the pid is asked about (and
 * again, at most once a second, when an address falls outside them: a later
 * dlopen, or another process with the same pid), an ELF file's
 * symbols once per file (by device and inode, shared by every process).
 * A process that exited before its stacks are printed resolves nothing.
 */
#include <stddef.h>
#include <stdint.h>

struct symbolizer;

/* kallsyms: path of a kallsyms-format file (NULL: /proc/kallsyms); proc: NULL for "/proc". */
int symbolizer_new(const char *kallsyms, const char *proc, struct symbolizer **out);
void symbolizer_free(struct symbolizer *s);

/* The name of the kernel function holding addr into out ("[unknown]"); returns length. */
size_t symbolizer_kernel(struct symbolizer *s, uint64_t addr, char *out, size_t cap);
/* The same for an address of process pid. */
size_t symbolizer_user(struct symbolizer *s, int pid, uint64_t addr, char *out, size_t cap);

#endif
