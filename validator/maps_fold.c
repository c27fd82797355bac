// SPDX-License-Identifier: Apache-2.0
/*
 * Folding bumblebee's ".maps.<role>" sections into ".maps" (maps_fold.h).
 *
 * The object is not rebuilt: the sections that change (".maps", the symbol
 * table, .BTF and, when ".maps" is made, the section names) are written
 * anew after the old bytes and their headers point there; what they held
 * before stays behind, unreferenced.  What moves keeps its identity: type
 * ids and string offsets are unchanged, so .BTF.ext's func_info, line_info
 * and CO-RE records hold as they are.  In .BTF the ".maps" DATASEC grows by
 * the entries of the folded ones, and each folded DATASEC becomes an empty
 * anonymous struct of the same id (a DATASEC with no entries is refused by
 * the kernel).  The folded sections stay in the object with their bytes;
 * libbpf skips a data section it does not know.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "base/array.h"
#include "validator/elf_raw.h"
#include "validator/maps_fold.h"

#define WHAT	"map sections"
#define MAPS	".maps"
/* struct btf_type's info: kind and vlen (the kflag is 0 for both kinds written here) */
#define BTF_INFO(kind, vlen)	(((uint32_t)(kind) << 24) | ((vlen) & 0xffff))

struct fold {
	const uint8_t *obj;
	size_t len;
	const Elf64_Ehdr *eh;
	unsigned int target;	/* ".maps", or the first ".maps.<role>", renamed so */
	bool rename;		/* there was no ".maps" */
	uint64_t *base;		/* per section: where its bytes start in the new ".maps"; */
	bool *folded;		/* ... for the sections folded into it */
	unsigned int nr_folded;
	uint64_t maps_size;	/* the new ".maps" */
	bool maps_nobits;	/* no section of them had bytes */
	struct maps_fold *out;
	struct gadget_err *err;
};

static int broken(struct fold *f, const char *what)
{
	return gadget_err_set(f->err, ENOEXEC, WHAT ": the object's %s is malformed", what);
}

static bool is_role_section(const char *name)
{
	return name && !strncmp(name, MAPS ".", strlen(MAPS ".")) && name[strlen(MAPS ".")];
}

/* Which sections fold into which, and where their bytes go. */
static int plan(struct fold *f)
{
	unsigned int n = f->eh->e_shnum;
	uint64_t at;

	for (unsigned int i = 1; i < n; i++) {
		const char *name = elf_raw_sec_name(f->obj, i);

		if (name && !strcmp(name, MAPS) && !f->target)
			f->target = i;
	}
	for (unsigned int i = 1; i < n; i++) {
		if (!is_role_section(elf_raw_sec_name(f->obj, i)))
			continue;
		if (!f->target) {
			f->target = i;
			f->rename = true;
		} else {
			f->folded[i] = true;
			f->nr_folded++;
		}
	}
	if (!f->rename && !f->nr_folded)
		return 0;
	for (unsigned int i = 1; i < n; i++) {
		const Elf64_Shdr *sh = elf_raw_shdr(f->obj, i);

		if (sh->sh_type == SHT_REL && sh->sh_size && sh->sh_info < n &&
		    (f->folded[sh->sh_info] || (f->rename && sh->sh_info == f->target)))
			return gadget_err_set(f->err, ENOEXEC, "map section \"%s\" initialises maps "
					      "of maps (it has relocations): declare those maps in "
					      "SEC(\".maps\")", elf_raw_sec_name(f->obj, sh->sh_info));
	}
	at = elf_raw_shdr(f->obj, f->target)->sh_size;
	f->maps_nobits = elf_raw_shdr(f->obj, f->target)->sh_type == SHT_NOBITS;
	for (unsigned int i = 1; i < n; i++) {
		const Elf64_Shdr *sh = elf_raw_shdr(f->obj, i);

		if (!f->folded[i])
			continue;
		at = (at + 7) & ~7ULL;
		f->base[i] = at;
		at += sh->sh_size;
		f->maps_nobits &= sh->sh_type == SHT_NOBITS;
	}
	f->maps_size = at;
	return 0;
}

static bool sym_moves(const struct fold *f, const Elf64_Sym *s)
{
	return s->st_shndx < f->eh->e_shnum &&
	       (f->folded[s->st_shndx] || (f->rename && s->st_shndx == f->target)) &&
	       ELF64_ST_TYPE(s->st_info) != STT_SECTION && ELF64_ST_TYPE(s->st_info) != STT_FILE;
}

/* The symbol table with the folded maps in ".maps"; each one's section is recorded. */
static int fold_symbols(struct fold *f, unsigned int symtab, Elf64_Sym **out)
{
	const Elf64_Shdr *st = elf_raw_shdr(f->obj, symtab);
	size_t n = st->sh_size / sizeof(Elf64_Sym);
	Elf64_Sym *syms = malloc(st->sh_size + 1);	/* all of it: a hostile size may have a tail */

	if (!syms)
		return -ENOMEM;
	memcpy(syms, f->obj + st->sh_offset, st->sh_size);
	*out = syms;
	for (size_t i = 0; i < n; i++) {
		struct folded_map *m;
		const char *name;

		if (!sym_moves(f, &syms[i]))
			continue;
		name = elf_raw_str(f->obj, st->sh_link, syms[i].st_name);
		if (!name)
			return broken(f, "symbol table");
		if (array_grow(f->out->maps, f->out->nr_maps))
			return -ENOMEM;
		m = &f->out->maps[f->out->nr_maps];
		m->name = strdup(name);
		m->section = strdup(elf_raw_sec_name(f->obj, syms[i].st_shndx));
		if (!m->name || !m->section) {
			free(m->name);
			free(m->section);
			return -ENOMEM;
		}
		f->out->nr_maps++;
		if (f->folded[syms[i].st_shndx]) {
			syms[i].st_value += f->base[syms[i].st_shndx];
			syms[i].st_shndx = f->target;
		}
	}
	return 0;
}

/* The section a DATASEC describes: by its name. */
static unsigned int datasec_section(const struct fold *f, const struct btf_raw *b,
				    const struct btf_type *t)
{
	const char *name = btf_raw_str(b, t->name_off);

	for (unsigned int i = 1; name && i < f->eh->e_shnum; i++) {
		const char *s = elf_raw_sec_name(f->obj, i);

		if (s && !strcmp(s, name) && (i == f->target || f->folded[i]))
			return i;
	}
	return 0;
}

/* The offset of ".maps" in b's strings: an existing one, or *append (at str_len). */
static uint32_t maps_name(const struct btf_raw *b, bool *append)
{
	const char *s = (const char *)b->base + b->hdr_len + b->str_off;

	*append = false;
	for (uint32_t off = 0; off < b->str_len; off += strnlen(s + off, b->str_len - off) + 1)
		if (!strcmp(s + off, MAPS) && off + sizeof(MAPS) <= b->str_len)
			return off;
	*append = true;
	return b->str_len;
}

struct datasec {
	const uint8_t *rec;	/* its record in the old types */
	unsigned int sec;	/* its section */
};

/*
 * The new .BTF: the target's DATASEC followed by the entries of the folded
 * ones (offsets moved as their symbols), the folded ones empty structs.
 */
static int fold_btf(struct fold *f, const struct btf_raw *b, uint8_t **out, size_t *out_len)
{
	const uint8_t *types = b->base + b->hdr_len + b->type_off, *target = NULL;
	struct datasec *secs = NULL;
	unsigned int nr_secs = 0, vlen = 0;
	uint32_t name_off = 0, len;
	bool append = false;
	size_t extra = 0, o;
	uint8_t *nb;

	for (uint32_t off = 0; off < b->type_len; off += len) {
		struct btf_type t;
		unsigned int sec;

		len = btf_raw_type_len(types + off, b->type_len - off);
		if (!len) {
			free(secs);
			return broken(f, ".BTF");
		}
		memcpy(&t, types + off, sizeof(t));
		if (BTF_INFO_KIND(t.info) != BTF_KIND_DATASEC || !(sec = datasec_section(f, b, &t)))
			continue;
		if (array_grow(secs, nr_secs)) {
			free(secs);
			return -ENOMEM;
		}
		secs[nr_secs++] = (struct datasec){ types + off, sec };
		vlen += BTF_INFO_VLEN(t.info);
		if (sec == f->target && target) {
			free(secs);
			return broken(f, ".BTF (two DATASECs of \".maps\")");
		} else if (sec == f->target) {
			target = types + off;
		} else {
			extra += BTF_INFO_VLEN(t.info) * sizeof(struct btf_var_secinfo);
		}
	}
	if (!target || vlen > 0xffff) {
		free(secs);
		return broken(f, ".BTF DATASEC of \".maps\"");
	}
	if (f->rename)
		name_off = maps_name(b, &append);
	*out_len = b->hdr_len + b->type_len + b->str_len + (append ? sizeof(MAPS) : 0);
	nb = calloc(1, *out_len + extra);
	if (!nb) {
		free(secs);
		return -ENOMEM;
	}
	memcpy(nb, b->base, b->hdr_len);
	o = b->hdr_len;
	for (uint32_t off = 0; off < b->type_len; off += len) {
		const uint8_t *rec = types + off;
		struct btf_type t;

		len = btf_raw_type_len(rec, b->type_len - off);
		memcpy(&t, rec, sizeof(t));
		if (rec == target) {
			t.info = BTF_INFO(BTF_KIND_DATASEC, vlen);
			t.size = t.size ? (uint32_t)f->maps_size : 0;
			if (f->rename)
				t.name_off = name_off;
			memcpy(nb + o, &t, sizeof(t));
			memcpy(nb + o + sizeof(t), rec + sizeof(t), len - sizeof(t));
			o += len;
			for (unsigned int i = 0; i < nr_secs; i++) {
				const uint8_t *s = secs[i].rec;
				struct btf_type st;

				if (s == target)
					continue;
				memcpy(&st, s, sizeof(st));
				for (unsigned int k = 0; k < BTF_INFO_VLEN(st.info); k++) {
					struct btf_var_secinfo v;

					memcpy(&v, s + sizeof(st) + k * sizeof(v), sizeof(v));
					v.offset += (uint32_t)f->base[secs[i].sec];
					memcpy(nb + o, &v, sizeof(v));
					o += sizeof(v);
				}
			}
		} else if (BTF_INFO_KIND(t.info) == BTF_KIND_DATASEC && datasec_section(f, b, &t)) {
			t = (struct btf_type){ .info = BTF_INFO(BTF_KIND_STRUCT, 0) };
			memcpy(nb + o, &t, sizeof(t));
			o += sizeof(t);
		} else {
			memcpy(nb + o, rec, len);
			o += len;
		}
	}
	free(secs);
	{
		/* the types part grew and shrank by as much: the strings follow at once */
		uint32_t type_off = 0, type_len = (uint32_t)(o - b->hdr_len), str_off = type_len;
		uint32_t str_len = b->str_len + (append ? sizeof(MAPS) : 0);

		memcpy(nb + o, b->base + b->hdr_len + b->str_off, b->str_len);
		if (append)
			memcpy(nb + o + b->str_len, MAPS, sizeof(MAPS));
		memcpy(nb + 8, &type_off, 4);
		memcpy(nb + 12, &type_len, 4);
		memcpy(nb + 16, &str_off, 4);
		memcpy(nb + 20, &str_len, 4);
		*out_len = o + str_len;
	}
	*out = nb;
	return 0;
}

/* The new ".maps" bytes: the target's, then each folded section's at its base. */
static uint8_t *fold_maps_data(const struct fold *f)
{
	uint8_t *d = calloc(1, f->maps_size + 1);

	for (unsigned int i = 1; d && i < f->eh->e_shnum; i++) {
		const Elf64_Shdr *sh = elf_raw_shdr(f->obj, i);

		if ((i == f->target || f->folded[i]) && sh->sh_type != SHT_NOBITS)
			memcpy(d + (i == f->target ? 0 : f->base[i]), f->obj + sh->sh_offset,
			       sh->sh_size);
	}
	return d;
}

/* The section names with ".maps" added (*out, *len bytes); its offset in *name_off. */
static int fold_names(struct fold *f, uint8_t **out, size_t *len, uint32_t *name_off)
{
	const Elf64_Shdr *sh = elf_raw_shdr(f->obj, f->eh->e_shstrndx);

	if (!sh || sh->sh_type != SHT_STRTAB || sh->sh_size > UINT32_MAX)
		return broken(f, "section names");
	*len = sh->sh_size + sizeof(MAPS);
	*name_off = (uint32_t)sh->sh_size;
	*out = malloc(*len);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, f->obj + sh->sh_offset, sh->sh_size);
	memcpy(*out + sh->sh_size, MAPS, sizeof(MAPS));
	return 0;
}

struct piece {
	unsigned int sec;
	const void *bytes;	/* NULL: the section has no bytes (NOBITS) */
	size_t len;
};

/* The object with each piece's section moved to new bytes after the old ones. */
static int assemble(struct fold *f, const struct piece *p, unsigned int n)
{
	size_t len = (f->len + 7) & ~(size_t)7;
	Elf64_Shdr *sh;
	uint8_t *buf;

	for (unsigned int i = 0; i < n; i++)
		len += p[i].bytes ? (p[i].len + 7) & ~(size_t)7 : 0;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, f->obj, f->len);
	sh = (Elf64_Shdr *)(buf + f->eh->e_shoff);
	len = (f->len + 7) & ~(size_t)7;
	for (unsigned int i = 0; i < n; i++) {
		sh[p[i].sec].sh_size = p[i].len;
		if (!p[i].bytes)
			continue;
		memcpy(buf + len, p[i].bytes, p[i].len);
		sh[p[i].sec].sh_offset = len;
		len += (p[i].len + 7) & ~(size_t)7;
	}
	f->out->obj = buf;
	f->out->len = len;
	return 0;
}

static int fold(struct fold *f)
{
	unsigned int symtab = elf_raw_symtab(f->obj), btf_sec = elf_raw_section_named(f->obj, ".BTF");
	const Elf64_Shdr *bsh = elf_raw_shdr(f->obj, btf_sec);
	uint8_t *maps = NULL, *btf = NULL, *names = NULL;
	struct piece p[4];
	unsigned int n = 0;
	Elf64_Sym *syms = NULL;
	struct btf_raw b;
	size_t btf_len = 0, names_len = 0;
	uint32_t name_off = 0;
	int ret;

	if (!symtab)
		return broken(f, "symbol table");
	if (!btf_sec || !btf_raw_parse(f->obj + bsh->sh_offset, bsh->sh_size, &b))
		return gadget_err_set(f->err, ENOEXEC, WHAT ": the object has no BTF; compile with "
				      "clang -g");
	ret = fold_symbols(f, symtab, &syms);
	if (!ret)
		ret = fold_btf(f, &b, &btf, &btf_len);
	if (!ret && !f->maps_nobits && !(maps = fold_maps_data(f)))
		ret = -ENOMEM;
	if (!ret && f->rename)
		ret = fold_names(f, &names, &names_len, &name_off);
	if (!ret) {
		p[n++] = (struct piece){ f->target, maps, f->maps_size };
		p[n++] = (struct piece){ symtab, syms, elf_raw_shdr(f->obj, symtab)->sh_size };
		p[n++] = (struct piece){ btf_sec, btf, btf_len };
		if (names)
			p[n++] = (struct piece){ f->eh->e_shstrndx, names, names_len };
		ret = assemble(f, p, n);
	}
	if (!ret && f->rename)
		((Elf64_Shdr *)((uint8_t *)f->out->obj + f->eh->e_shoff))[f->target].sh_name = name_off;
	free(syms);
	free(btf);
	free(maps);
	free(names);
	return ret;
}

int maps_fold(const void *obj, size_t len, struct maps_fold *out, struct gadget_err *err)
{
	struct fold f = { .obj = obj, .len = len, .eh = obj, .out = out, .err = err };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	/* what is not a BPF object as this file reads one is left to libelf and libbpf to name */
	if (elf_raw_check(obj, len, WHAT, NULL))
		return 0;
	f.base = calloc(f.eh->e_shnum + 1, sizeof(*f.base));
	f.folded = calloc(f.eh->e_shnum + 1, sizeof(*f.folded));
	if (!f.base || !f.folded)
		ret = -ENOMEM;
	if (!ret)
		ret = plan(&f);
	if (!ret && (f.rename || f.nr_folded))
		ret = fold(&f);
	free(f.base);
	free(f.folded);
	if (ret == -ENOMEM)
		gadget_err_set(err, ENOMEM, "out of memory");
	if (ret)
		maps_fold_free(out);
	return ret;
}

void maps_fold_free(struct maps_fold *f)
{
	for (unsigned int i = 0; i < f->nr_maps; i++) {
		free(f->maps[i].name);
		free(f->maps[i].section);
	}
	free(f->maps);
	free(f->obj);
	memset(f, 0, sizeof(*f));
}

const char *maps_fold_section(const struct maps_fold *f, const char *map)
{
	for (unsigned int i = 0; i < f->nr_maps; i++)
		if (!strcmp(f->maps[i].name, map))
			return f->maps[i].section;
	return NULL;
}
