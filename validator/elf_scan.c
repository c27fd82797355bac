// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	struct { __u16 magic; __u8 v, f; __u32 hdr_len, type_off, type_len, str_off, str_len; } h;
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

static int push_str(char ***v, unsigned int *n, const char *s)
{
	void *p = realloc(*v, (*n + 1) * sizeof(char *));

	if (!p)
		return -ENOMEM;
	*v = p;
	(*v)[(*n)++] = strdup(s);
	return 0;
}

int elf_scan(const void *obj, size_t len, struct elf_scan *out, struct gadget_err *err)
{
	Elf_Data *btf = NULL, *ext = NULL, *symdata = NULL;
	Elf_Scn *scn = NULL, *symscn = NULL;
	size_t shstrndx, strndx = 0;
	struct sym_pos *syms = NULL;
	unsigned int nr_syms = 0;
	GElf_Ehdr eh = {};
	GElf_Shdr sh;
	int ret = 0;
	Elf *elf;

	memset(out, 0, sizeof(*out));
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)obj, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		ret = gadget_err_set(err, EINVAL, "not an ELF object (expected a BPF object from "
				     "clang -target bpf -g)");
		elf_end(elf);
		return ret;
	}
	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_BPF) {
		ret = gadget_err_set(err, EINVAL, "an ELF object for another machine (e_machine %u), "
				     "not BPF: compile with clang -target bpf", eh.e_machine);
		elf_end(elf);
		return ret;
	}

	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symdata = elf_getdata(scn, NULL);
			strndx = sh.sh_link;
		} else if (!strcmp(name, ".BTF")) {
			btf = elf_getdata(scn, NULL);
			if (btf && btf->d_buf && btf->d_size && !out->btf_data) {
				out->btf_data = malloc(btf->d_size);
				if (out->btf_data) {
					memcpy(out->btf_data, btf->d_buf, btf->d_size);
					out->btf_size = btf->d_size;
				}
			}
		} else if (!strcmp(name, ".BTF.ext")) {
			ext = elf_getdata(scn, NULL);
		} else if (!strcmp(name, "license")) {
			Elf_Data *d = elf_getdata(scn, NULL);

			/* SHT_NOBITS has a size but no bytes */
			if (d && d->d_buf && d->d_size && !out->license)
				out->license = strndup(d->d_buf, d->d_size);
		}
	}
	if (!symscn || !symdata) {
		ret = gadget_err_set(err, EINVAL, "object has no symbol table");
		goto out;
	}

	/* Program symbols: functions in executable sections. */
	for (size_t i = 0; i < symdata->d_size / sizeof(Elf64_Sym); i++) {
		GElf_Sym sym;
		Elf_Scn *s;

		if (!gelf_getsym(symdata, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		s = elf_getscn(elf, sym.st_shndx);
		if (!s || !gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		syms = realloc(syms, (nr_syms + 1) * sizeof(*syms));
		if (!syms) {
			ret = -ENOMEM;
			goto out;
		}
		syms[nr_syms].name = elf_strptr(elf, strndx, sym.st_name);
		syms[nr_syms].sec = elf_strptr(elf, shstrndx, sh.sh_name);
		syms[nr_syms].off = sym.st_value;
		if (syms[nr_syms].name && syms[nr_syms].sec)
			nr_syms++;
	}
	out->progs = calloc(nr_syms ? nr_syms : 1, sizeof(*out->progs));
	if (!out->progs) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < nr_syms; i++) {
		struct elf_prog_loc *loc = &out->progs[out->nr_progs++];

		loc->name = strdup(syms[i].name);
		if (btf && ext)
			find_line(ext, btf, &syms[i], loc);
	}

	/* Relocations of program sections: which globals the code touches. */
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Scn *target;
		GElf_Shdr tsh;
		Elf_Data *d;

		/* BPF objects use REL only; a zero entsize would divide by zero below. */
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL || !sh.sh_entsize)
			continue;
		target = elf_getscn(elf, sh.sh_info);
		if (!target || !gelf_getshdr(target, &tsh) || !(tsh.sh_flags & SHF_EXECINSTR))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < d->d_size / sh.sh_entsize; i++) {
			GElf_Rel rel;
			GElf_Sym sym;
			const char *sname;

			if (!gelf_getrel(d, i, &rel) ||
			    !gelf_getsym(symdata, GELF_R_SYM(rel.r_info), &sym))
				continue;
			sname = elf_strptr(elf, strndx, sym.st_name);
			if (sname && *sname && !elf_scan_references(out, sname) &&
			    push_str(&out->reloc_syms, &out->nr_reloc_syms, sname)) {
				ret = -ENOMEM;
				goto out;
			}
		}
	}
out:
	free(syms);
	elf_end(elf);
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
