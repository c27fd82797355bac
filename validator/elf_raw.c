// SPDX-License-Identifier: Apache-2.0
/* Raw reads of a BPF ELF object and its .BTF (see elf_raw.h). */
#include <errno.h>
#include <string.h>
#include <linux/btf.h>

#include "validator/elf_raw.h"

int elf_raw_check(const uint8_t *obj, size_t len, const char *what, struct gadget_err *err)
{
	const Elf64_Ehdr *eh = (const void *)obj;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_BPF || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !elf_raw_in_buf(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shoff % 8)
		return gadget_err_set(err, ENOEXEC, "%s: not a little-endian 64-bit BPF ELF object",
				      what);
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *sh = (const Elf64_Shdr *)(obj + eh->e_shoff) + i;

		if (sh->sh_type != SHT_NOBITS && !elf_raw_in_buf(len, sh->sh_offset, sh->sh_size))
			return gadget_err_set(err, ENOEXEC, "%s: section %u lies outside the object",
					      what, i);
		/* rewrites write inside sections: none may hold the headers */
		if (sh->sh_type != SHT_NOBITS && sh->sh_size &&
		    (sh->sh_offset < sizeof(*eh) ||
		     (sh->sh_offset < eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) &&
		      eh->e_shoff < sh->sh_offset + sh->sh_size)))
			return gadget_err_set(err, ENOEXEC, "%s: section %u overlaps the ELF headers",
					      what, i);
		/* read in place as structs: symbols, relocations, instructions */
		if ((sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_REL ||
		     (sh->sh_flags & SHF_EXECINSTR)) && sh->sh_offset % 8)
			return gadget_err_set(err, ENOEXEC, "%s: section %u is not 8-byte aligned in "
					      "the object", what, i);
	}
	return 0;
}

const Elf64_Shdr *elf_raw_shdr(const uint8_t *obj, unsigned int i)
{
	const Elf64_Ehdr *eh = (const void *)obj;

	return i < eh->e_shnum ? (const Elf64_Shdr *)(obj + eh->e_shoff) + i : NULL;
}

const char *elf_raw_str(const uint8_t *obj, unsigned int strsec, uint64_t off)
{
	const Elf64_Shdr *sh = elf_raw_shdr(obj, strsec);

	if (!sh || sh->sh_type != SHT_STRTAB || off >= sh->sh_size ||
	    !memchr(obj + sh->sh_offset + off, 0, sh->sh_size - off))
		return NULL;
	return (const char *)obj + sh->sh_offset + off;
}

const char *elf_raw_sec_name(const uint8_t *obj, unsigned int i)
{
	const Elf64_Shdr *sh = elf_raw_shdr(obj, i);

	return sh ? elf_raw_str(obj, ((const Elf64_Ehdr *)obj)->e_shstrndx, sh->sh_name) : NULL;
}

unsigned int elf_raw_section_named(const uint8_t *obj, const char *name)
{
	const Elf64_Ehdr *eh = (const void *)obj;

	for (unsigned int i = 1; i < eh->e_shnum; i++) {
		const char *n = elf_raw_sec_name(obj, i);

		if (n && !strcmp(n, name) && elf_raw_shdr(obj, i)->sh_type != SHT_NOBITS)
			return i;
	}
	return 0;
}

unsigned int elf_raw_symtab(const uint8_t *obj)
{
	const Elf64_Ehdr *eh = (const void *)obj;

	for (unsigned int i = 1; i < eh->e_shnum; i++)
		if (elf_raw_shdr(obj, i)->sh_type == SHT_SYMTAB &&
		    elf_raw_shdr(obj, i)->sh_entsize == sizeof(Elf64_Sym))
			return i;
	return 0;
}

bool btf_raw_parse(const uint8_t *b, uint64_t size, struct btf_raw *out)
{
	uint16_t magic;

	if (size < 24)
		return false;
	memcpy(&magic, b, 2);
	memcpy(&out->hdr_len, b + 4, 4);
	memcpy(&out->type_off, b + 8, 4);
	memcpy(&out->type_len, b + 12, 4);
	memcpy(&out->str_off, b + 16, 4);
	memcpy(&out->str_len, b + 20, 4);
	out->base = b;
	return magic == BTF_MAGIC && out->hdr_len >= 24 && out->hdr_len <= size &&
	       elf_raw_in_buf(size - out->hdr_len, out->type_off, out->type_len) &&
	       elf_raw_in_buf(size - out->hdr_len, out->str_off, out->str_len);
}

const char *btf_raw_str(const struct btf_raw *b, uint32_t off)
{
	const uint8_t *s = b->base + b->hdr_len + b->str_off;

	if (off >= b->str_len || !memchr(s + off, 0, b->str_len - off))
		return NULL;
	return (const char *)s + off;
}

uint32_t btf_raw_type_len(const uint8_t *t, uint32_t left)
{
	/* what each kind adds to struct btf_type: once, and per vlen entry */
	static const struct { uint8_t once, each; } add[] = {
		[BTF_KIND_INT] = { 4, 0 },	[BTF_KIND_PTR] = { 0, 0 },
		[BTF_KIND_ARRAY] = { 12, 0 },	[BTF_KIND_STRUCT] = { 0, 12 },
		[BTF_KIND_UNION] = { 0, 12 },	[BTF_KIND_ENUM] = { 0, 8 },
		[BTF_KIND_FWD] = { 0, 0 },	[BTF_KIND_TYPEDEF] = { 0, 0 },
		[BTF_KIND_VOLATILE] = { 0, 0 },	[BTF_KIND_CONST] = { 0, 0 },
		[BTF_KIND_RESTRICT] = { 0, 0 },	[BTF_KIND_FUNC] = { 0, 0 },
		[BTF_KIND_FUNC_PROTO] = { 0, 8 }, [BTF_KIND_VAR] = { 4, 0 },
		[BTF_KIND_DATASEC] = { 0, 12 },	[BTF_KIND_FLOAT] = { 0, 0 },
		[BTF_KIND_DECL_TAG] = { 4, 0 },	[BTF_KIND_TYPE_TAG] = { 0, 0 },
		[BTF_KIND_ENUM64] = { 0, 12 },
	};
	struct btf_type hdr;
	unsigned int kind;
	uint64_t n;

	if (left < sizeof(hdr))
		return 0;
	memcpy(&hdr, t, sizeof(hdr));
	kind = BTF_INFO_KIND(hdr.info);
	if (kind == BTF_KIND_UNKN || kind >= sizeof(add) / sizeof(add[0]))
		return 0;
	n = sizeof(hdr) + add[kind].once + (uint64_t)add[kind].each * BTF_INFO_VLEN(hdr.info);
	return n <= left ? (uint32_t)n : 0;
}
