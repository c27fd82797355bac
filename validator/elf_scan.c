// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/btf.h>
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "validator/btf_ext.h"
#include "validator/elf_scan.h"

/* A line info record of .BTF.ext (validator/btf_ext.h). */
struct line_rec {
	__u32 insn_off;		/* bytes from the start of the section */
	__u32 file_name_off;
	__u32 line_off;
	__u32 line_col;		/* line << 10 | col */
};

struct sym_pos {
	const char *name;
	const char *sec;
	GElf_Addr off;
};

/*
 * The object is untrusted: sections may be misaligned and their headers
 * lie, so every read is a bounded memcpy and every sum is done in 64 bits.
 */
static bool read_at(const Elf_Data *d, uint64_t off, void *dst, size_t n)
{
	if (!d->d_buf || off > d->d_size || n > d->d_size - off)
		return false;
	memcpy(dst, (const char *)d->d_buf + off, n);
	return true;
}

/* A NUL-terminated string of the .BTF string section, or NULL. */
static const char *btf_str(const Elf_Data *btf, __u32 off)
{
	struct btf_header h;
	uint64_t start;
	const char *str;

	if (!read_at(btf, 0, &h, sizeof(h)) || off >= h.str_len)
		return NULL;
	start = (uint64_t)h.hdr_len + h.str_off;
	if (start + h.str_len > btf->d_size)
		return NULL;
	str = (const char *)btf->d_buf + start + off;
	return memchr(str, 0, h.str_len - off) ? str : NULL;
}

struct line_search {
	const Elf_Data *btf;
	const struct sym_pos *sp;
	struct line_rec best;
	bool found;
};

static int line_rec_visit(void *ctx, uint32_t sec_name_off, const uint8_t *rec, uint32_t rec_size)
{
	struct line_search *s = ctx;
	const char *sec = btf_str(s->btf, sec_name_off);
	struct line_rec r;

	(void)rec_size;
	if (!sec || strcmp(sec, s->sp->sec))
		return 0;
	memcpy(&r, rec, sizeof(r));
	if (r.insn_off >= s->sp->off && (!s->found || r.insn_off < s->best.insn_off)) {
		s->best = r;
		s->found = true;
	}
	return 0;
}

/* First line record at or after the program's first instruction. */
static void find_line(const Elf_Data *ext, const Elf_Data *btf, const struct sym_pos *sp,
		      struct elf_prog_loc *loc)
{
	struct line_search s = { .btf = btf, .sp = sp };
	const char *file;

	btfext_walk(ext->d_buf, ext->d_size, BTFEXT_LINE_INFO, sizeof(struct line_rec),
		    line_rec_visit, &s);
	if (!s.found)
		return;
	file = btf_str(btf, s.best.file_name_off);
	loc->file = file ? strdup(file) : NULL;
	loc->line = s.best.line_col >> 10;
	loc->col = s.best.line_col & 0x3ff;
}

/* What elf_scan() works with, between its passes. */
struct scan {
	Elf *elf;
	size_t shstrndx, strndx;
	Elf_Data *btf, *ext, *symdata;
	struct elf_scan *out;
};

static int push_str(char ***v, unsigned int *n, const char *s)
{
	char *copy = strdup(s);

	if (!copy || array_grow(*v, *n)) {
		free(copy);
		return -ENOMEM;
	}
	(*v)[(*n)++] = copy;
	return 0;
}

static int open_bpf_elf(const void *obj, size_t len, struct scan *sc, struct gadget_err *err)
{
	GElf_Ehdr eh = {};

	elf_version(EV_CURRENT);
	sc->elf = elf_memory((char *)obj, len);
	if (!sc->elf || elf_kind(sc->elf) != ELF_K_ELF || elf_getshdrstrndx(sc->elf, &sc->shstrndx))
		return gadget_err_set(err, EINVAL, "not an ELF object (expected a BPF object from "
				      "clang -target bpf -g)");
	if (!gelf_getehdr(sc->elf, &eh) || eh.e_machine != EM_BPF)
		return gadget_err_set(err, EINVAL, "an ELF object for another machine (e_machine %u), "
				      "not BPF: compile with clang -target bpf", eh.e_machine);
	return 0;
}

/* The sections the other passes read, and copies of .BTF and the license. */
static int scan_sections(struct scan *sc, struct gadget_err *err)
{
	struct elf_scan *out = sc->out;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(sc->elf, scn))) {
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(sc->elf, sc->shstrndx, sh.sh_name)))
			continue;
		d = elf_getdata(scn, NULL);
		if (sh.sh_type == SHT_SYMTAB) {
			sc->symdata = d;
			sc->strndx = sh.sh_link;
		} else if (!strcmp(name, ".BTF")) {
			sc->btf = d;
			if (d && d->d_buf && d->d_size && !out->btf_data) {
				out->btf_data = malloc(d->d_size);
				if (!out->btf_data)
					return -ENOMEM;
				memcpy(out->btf_data, d->d_buf, d->d_size);
				out->btf_size = d->d_size;
			}
		} else if (!strcmp(name, ".BTF.ext")) {
			sc->ext = d;
		} else if (!strcmp(name, "license") && d && d->d_buf && d->d_size && !out->license) {
			/* SHT_NOBITS has a size but no bytes: no license then */
			out->license = strndup(d->d_buf, d->d_size);
			if (!out->license)
				return -ENOMEM;
		}
	}
	if (!sc->symdata)
		return gadget_err_set(err, EINVAL, "object has no symbol table");
	return 0;
}

/* Program symbols (functions in executable sections) and where each starts in the source. */
static int scan_progs(struct scan *sc)
{
	struct elf_scan *out = sc->out;
	struct sym_pos *syms = NULL;
	unsigned int nr_syms = 0;
	int ret = 0;

	for (size_t i = 0; i < sc->symdata->d_size / sizeof(Elf64_Sym); i++) {
		struct sym_pos sp;
		GElf_Shdr sh;
		GElf_Sym sym;
		Elf_Scn *s;

		if (!gelf_getsym(sc->symdata, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		s = elf_getscn(sc->elf, sym.st_shndx);
		if (!s || !gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		sp = (struct sym_pos){ elf_strptr(sc->elf, sc->strndx, sym.st_name),
				       elf_strptr(sc->elf, sc->shstrndx, sh.sh_name), sym.st_value };
		if (!sp.name || !sp.sec)
			continue;
		if (array_grow(syms, nr_syms)) {
			ret = -ENOMEM;
			goto out;
		}
		syms[nr_syms++] = sp;
	}
	out->progs = calloc(nr_syms ? nr_syms : 1, sizeof(*out->progs));
	if (!out->progs) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < nr_syms; i++) {
		struct elf_prog_loc *loc = &out->progs[out->nr_progs++];

		loc->name = strdup(syms[i].name);
		if (!loc->name) {
			ret = -ENOMEM;
			goto out;
		}
		if (sc->btf && sc->ext)
			find_line(sc->ext, sc->btf, &syms[i], loc);
	}
out:
	free(syms);
	return ret;
}

/* Relocations of program sections: which globals the code touches. */
static int scan_relocs(struct scan *sc)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh, tsh;

	while ((scn = elf_nextscn(sc->elf, scn))) {
		Elf_Scn *target;
		Elf_Data *d;

		/* BPF objects use REL only; a zero entsize would divide by zero below. */
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL || !sh.sh_entsize)
			continue;
		target = elf_getscn(sc->elf, sh.sh_info);
		if (!target || !gelf_getshdr(target, &tsh) || !(tsh.sh_flags & SHF_EXECINSTR))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < d->d_size / sh.sh_entsize; i++) {
			const char *sname;
			GElf_Rel rel;
			GElf_Sym sym;

			if (!gelf_getrel(d, i, &rel) ||
			    !gelf_getsym(sc->symdata, GELF_R_SYM(rel.r_info), &sym))
				continue;
			sname = elf_strptr(sc->elf, sc->strndx, sym.st_name);
			if (sname && *sname && !elf_scan_references(sc->out, sname) &&
			    push_str(&sc->out->reloc_syms, &sc->out->nr_reloc_syms, sname))
				return -ENOMEM;
		}
	}
	return 0;
}

int elf_scan(const void *obj, size_t len, struct elf_scan *out, struct gadget_err *err)
{
	struct scan sc = { .out = out };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = open_bpf_elf(obj, len, &sc, err);
	if (!ret)
		ret = scan_sections(&sc, err);
	if (!ret)
		ret = scan_progs(&sc);
	if (!ret)
		ret = scan_relocs(&sc);
	elf_end(sc.elf);
	if (ret == -ENOMEM)
		gadget_err_set(err, ENOMEM, "reading the object: out of memory");
	if (ret)
		elf_scan_free(out);
	return ret;
}

void elf_scan_free(struct elf_scan *s)
{
	for (unsigned int i = 0; i < s->nr_progs; i++) {
		free(s->progs[i].name);
		free(s->progs[i].file);
	}
	for (unsigned int i = 0; i < s->nr_reloc_syms; i++)
		free(s->reloc_syms[i]);
	free(s->progs);
	free(s->reloc_syms);
	free(s->license);
	free(s->btf_data);
	memset(s, 0, sizeof(*s));
}

const struct elf_prog_loc *elf_scan_prog(const struct elf_scan *s, const char *name)
{
	for (unsigned int i = 0; i < s->nr_progs; i++)
		if (!strcmp(s->progs[i].name, name))
			return &s->progs[i];
	return NULL;
}

bool elf_scan_references(const struct elf_scan *s, const char *sym)
{
	for (unsigned int i = 0; i < s->nr_reloc_syms; i++)
		if (!strcmp(s->reloc_syms[i], sym))
			return true;
	return false;
}
