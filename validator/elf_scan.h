/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_ELF_SCAN_H
#define GADGET_VALIDATOR_ELF_SCAN_H

/*
 * What the validator needs from the raw ELF that libbpf does not expose:
 * where each program starts in the source (.BTF.ext line info), which
 * symbols the programs' relocations reference, and the license string.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct elf_prog_loc {
	char *name;		/* program (function symbol) name */
	char *file;		/* source file from line info, NULL if none */
	unsigned int line, col;
};

struct elf_scan {
	struct elf_prog_loc *progs;
	unsigned int nr_progs;
	char **reloc_syms;	/* symbols referenced by relocations of program sections */
	unsigned int nr_reloc_syms;
	char *license;		/* NULL if no "license" section */
	void *btf_data;		/* copy of the .BTF section, NULL if none */
	size_t btf_size;
};

int elf_scan(const void *obj, size_t len, struct elf_scan *out, struct gadget_err *err);
void elf_scan_free(struct elf_scan *s);
const struct elf_prog_loc *elf_scan_prog(const struct elf_scan *s, const char *name);
bool elf_scan_references(const struct elf_scan *s, const char *sym);

#endif
