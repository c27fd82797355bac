/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_VALIDATOR_ELF_RAW_H
#define GADGET_VALIDATOR_ELF_RAW_H

/*
 * Reading a BPF ELF object in place, as raw bytes, for the stages that
 * rewrite one before libbpf opens it (runtime/pf_splice.c grows a function,
 * validator/maps_fold.c folds bumblebee's map sections into ".maps").
 * Only ELF64 little endian (clang -target bpf on x86 and arm64).  The input
 * may be hostile: elf_raw_check() vouches for every section header, and
 * each accessor checks what it reads against the buffer.
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* [off, off + size) lies inside a buffer of len bytes. */
static inline bool elf_raw_in_buf(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

/*
 * A little-endian 64-bit BPF object whose sections all lie inside it, none
 * over the headers, with symbols, relocations and code 8-byte aligned (read
 * in place as structs).  Errors start with what ("packet filter").
 */
int elf_raw_check(const uint8_t *obj, size_t len, const char *what, struct gadget_err *err);
/* Section i's header, NULL if there is none. */
const Elf64_Shdr *elf_raw_shdr(const uint8_t *obj, unsigned int i);
/* The string at off of string table section strsec, NULL if out of it. */
const char *elf_raw_str(const uint8_t *obj, unsigned int strsec, uint64_t off);
/* Section i's name. */
const char *elf_raw_sec_name(const uint8_t *obj, unsigned int i);
/* The index of the first section of that name holding bytes, 0 if none. */
unsigned int elf_raw_section_named(const uint8_t *obj, const char *name);
/* The symbol table's index, 0 if none. */
unsigned int elf_raw_symtab(const uint8_t *obj);

/* The .BTF header's fields that locate its two parts, read from a section of size bytes. */
struct btf_raw {
	const uint8_t *base;		/* the section */
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

/* The header of .BTF bytes, checked against size; false if broken. */
bool btf_raw_parse(const uint8_t *b, uint64_t size, struct btf_raw *out);
/* The string at off of its string part, NULL if out of it. */
const char *btf_raw_str(const struct btf_raw *b, uint32_t off);
/* Bytes a type record takes (the common header and what its kind adds), 0 if unknown. */
uint32_t btf_raw_type_len(const uint8_t *t, uint32_t left);

#endif
